// fixed_point.h — fixed-point encoding of reals in Z_{2^k}.
//
// A real x is represented by the ring element round(x * 2^f) (two's
// complement). FixedPointFormat carries k (through the ring type) and f.
// Defaults follow the paper: f = 16 on k = 64 and f = 32 on k = 128.
#pragma once

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/ring.h"
#include "core/tensor.h"

namespace sqt {

template <RingElement R>
inline constexpr int kDefaultFracBits = kRingBits<R> == 64 ? 16 : 32;

// Largest |x| (as a real) that encodes without overflow at f fractional bits.
template <RingElement R>
double max_fixed_magnitude(int frac_bits) {
  return std::ldexp(1.0, kRingBits<R> - 1 - frac_bits);
}

// round(x * 2^f), nearest with ties away from zero. Throws if |x| does not fit.
template <RingElement R>
R encode_fixed(double x, int frac_bits) {
  SQT_CHECK(std::isfinite(x), "cannot encode {} as a fixed-point number", x);
  double scaled = std::round(std::ldexp(x, frac_bits));
  double limit = std::ldexp(1.0, kRingBits<R> - 1);
  SQT_CHECK(scaled < limit && scaled >= -limit,
            "{} does not fit in fixed point with k = {}, f = {} (|x| must be below 2^{})", x,
            kRingBits<R>, frac_bits, kRingBits<R> - 1 - frac_bits);
  return static_cast<R>(static_cast<SignedOf<R>>(scaled));
}

template <RingElement R>
double decode_fixed(R x, int frac_bits) {
  return std::ldexp(static_cast<double>(to_signed(x)), -frac_bits);
}

template <RingElement R>
Tensor<R> encode_fixed(const Tensor<double>& values, int frac_bits) {
  Tensor<R> out(values.shape());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = encode_fixed<R>(values[i], frac_bits);
  return out;
}

template <RingElement R>
Tensor<double> decode_fixed(const Tensor<R>& values, int frac_bits) {
  Tensor<double> out(values.shape());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = decode_fixed(values[i], frac_bits);
  return out;
}

}  // namespace sqt
