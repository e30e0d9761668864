// im2col.h — the geometry of a 2-D convolution (NCHW, stride, zero padding)
// and its im2col view: the matrix whose rows are the input patches under
// each output position, so that a convolution is one matrix product.
//
// The input is kept "padded": the batch's N*C*H*W values flattened, then one
// zero (padded_size() elements), and the im2col matrix is a gather of it
// (index() names, for each (sample, output position) row and (channel, ky,
// kx) column, the flat input element it reads, or the zero for padding).
// Gathering is linear, so a protocol can mask the un-expanded input and
// expand after opening (semi2k: conv matrix triples). An Im2col owns its
// index; it is built by the layer for one batch size and reused.
#pragma once

#include <cstddef>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace sqt {

struct ConvGeometry {
  std::size_t channels, height, width, out_channels, kernel, stride, padding;
  std::size_t out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  std::size_t out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  std::size_t patch() const { return channels * kernel * kernel; }
  // The kernel fits the padded input and the stride is positive.
  bool valid() const {
    return channels >= 1 && kernel >= 1 && stride >= 1 && height + 2 * padding >= kernel &&
           width + 2 * padding >= kernel;
  }
};

// For each (sample, output position) row and (channel, ky, kx) column, the
// flat input index it reads, or `zero` (= batch*C*H*W) for padding.
inline std::vector<std::size_t> im2col_indices(const ConvGeometry& g, std::size_t batch) {
  const std::size_t oh = g.out_height(), ow = g.out_width(),
                    zero = batch * g.channels * g.height * g.width;
  std::vector<std::size_t> indices(batch * oh * ow * g.patch());
  std::size_t i = 0;
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t c = 0; c < g.channels; ++c)
          for (std::size_t ky = 0; ky < g.kernel; ++ky)
            for (std::size_t kx = 0; kx < g.kernel; ++kx) {
              long iy = static_cast<long>(oy * g.stride + ky) - static_cast<long>(g.padding);
              long ix = static_cast<long>(ox * g.stride + kx) - static_cast<long>(g.padding);
              bool inside = iy >= 0 && ix >= 0 && iy < static_cast<long>(g.height) &&
                            ix < static_cast<long>(g.width);
              indices[i++] =
                  inside
                      ? ((b * g.channels + c) * g.height + static_cast<std::size_t>(iy)) * g.width +
                            static_cast<std::size_t>(ix)
                      : zero;
            }
  return indices;
}

class Im2col {
 public:
  Im2col() = default;
  Im2col(const ConvGeometry& geometry, std::size_t batch)
      : geometry_(checked(geometry)), batch_(batch), index_(im2col_indices(geometry, batch)) {}

  const ConvGeometry& geometry() const { return geometry_; }
  std::size_t batch() const { return batch_; }
  std::size_t rows() const { return batch_ * geometry_.out_height() * geometry_.out_width(); }
  std::size_t patch() const { return geometry_.patch(); }
  Shape shape() const { return {rows(), patch()}; }
  // The flat input and its trailing zero.
  std::size_t padded_size() const {
    return batch_ * geometry_.channels * geometry_.height * geometry_.width + 1;
  }
  const std::vector<std::size_t>& index() const { return index_; }

 private:
  static const ConvGeometry& checked(const ConvGeometry& g) {
    SQT_CHECK(g.valid(), "im2col: a {}x{} kernel with stride {} does not fit {}x{} (padding {})",
              g.kernel, g.kernel, g.stride, g.height, g.width, g.padding);
    return g;
  }

  ConvGeometry geometry_{};
  std::size_t batch_ = 0;
  std::vector<std::size_t> index_;
};

}  // namespace sqt
