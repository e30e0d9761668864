// pixel_encoding.h — how image bytes become fixed-point ring elements.
//
// Every path that feeds samples into MPC (the trainer's data holder at
// party 0, `sqt holder`, the `sqt infer` client) encodes a byte p as
// round(p / 255 * 2^f), so that all of them train and predict on the same
// numbers as the emulator.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

#include "core/tensor.h"

namespace sqt {

template <class R>
R encode_pixel(std::uint8_t pixel, int frac_bits) {
  return static_cast<R>(std::llround(std::ldexp(pixel / 255.0, frac_bits)));
}

// The pixels as a flat tensor of fixed-point values in [0, 2^f].
template <class R>
Tensor<R> encode_pixels(std::span<const std::uint8_t> pixels, int frac_bits) {
  Tensor<R> out(Shape{pixels.size()});
  for (std::size_t i = 0; i < pixels.size(); ++i) out[i] = encode_pixel<R>(pixels[i], frac_bits);
  return out;
}

}  // namespace sqt
