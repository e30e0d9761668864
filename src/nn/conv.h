// conv.h — 2-D convolution (NCHW), stride and zero padding.
//
// im2col is a local rearrangement (padding reads a shared zero), so the
// forward pass is one matrix product [batch*OH*OW, C*kh*kw] x [C*kh*kw, O]
// with one reshare per output. Backward: dW = cols^T dY (one reshare per
// weight, handed to the optimiser untruncated) and dX = col2im(dY W^T), where
// the col2im sums are taken locally before the reshare (matmul_scatter), so
// dX costs one reshare per input element.
#pragma once

#include "mpc/building_blocks.h"
#include "mpc/fixed.h"
#include "nn/init.h"
#include "nn/layer.h"
#include "nn/tensor_ops.h"

namespace sqt {

struct ConvGeometry {
  std::size_t channels, height, width, out_channels, kernel, stride, padding;
  std::size_t out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  std::size_t out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  std::size_t patch() const { return channels * kernel * kernel; }
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

// Row-major [batch*OH*OW, O] position of each [batch, O, OH, OW] element.
inline std::vector<std::size_t> nchw_from_rows(std::size_t batch, std::size_t channels,
                                               std::size_t positions) {
  std::vector<std::size_t> indices(batch * channels * positions);
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t c = 0; c < channels; ++c)
      for (std::size_t q = 0; q < positions; ++q)
        indices[(b * channels + c) * positions + q] = (b * positions + q) * channels + c;
  return indices;
}

template <BinaryProtocol P>
class Conv2D final : public Layer<P> {
 public:
  using Share = typename P::Share;
  Conv2D(std::size_t in_channels, std::size_t out_channels, std::size_t kernel, std::size_t stride,
         std::size_t padding)
      : in_(in_channels), out_(out_channels), kernel_(kernel), stride_(stride), padding_(padding) {
    weights_.name = "weights";
    weights_.shape = {in_ * kernel_ * kernel_, out_};  // [C*kh*kw, O]
    bias_.name = "bias";
    bias_.shape = {out_};
  }

  std::string name() const override {
    return fmt::format("conv2d {}->{} {}x{} stride {} padding {}", in_, out_, kernel_, kernel_,
                       stride_, padding_);
  }

  Shape output_shape(const Shape& input) const override {
    SQT_CHECK(input.size() == 3 && input[0] == in_, "{}: input {} is not [{}, height, width]",
              name(), shape_string(input), in_);
    SQT_CHECK(
        input[1] + 2 * padding_ >= kernel_ && input[2] + 2 * padding_ >= kernel_ && stride_ >= 1,
        "{}: the kernel does not fit the input {}", name(), shape_string(input));
    ConvGeometry g = geometry(input);
    return {out_, g.out_height(), g.out_width()};
  }

  void initialize(P& p) override {
    weights_.value =
        glorot_uniform(p, weights_.shape, in_ * kernel_ * kernel_, out_ * kernel_ * kernel_);
    bias_.value = zeros(p, bias_.shape);
  }

  Share forward(P& p, const Share& x, bool) override {
    const Shape& s = P::shape(x);
    batch_ = s[0];
    g_ = geometry({s[1], s[2], s[3]});
    if (indices_batch_ != batch_) {
      cols_index_ = im2col_indices(g_, batch_);
      to_nchw_ = nchw_from_rows(batch_, out_, g_.out_height() * g_.out_width());
      indices_batch_ = batch_;
    }
    const std::size_t rows = batch_ * g_.out_height() * g_.out_width();
    Share padded = P::join(std::vector<Share>{P::reshaped(x, {shape_size(s)}), zeros(p, {1})});
    cols_ = P::gather(padded, cols_index_, {rows, g_.patch()});
    Share y;
    if (defer_truncation_) {  // 2f fractional bits; the next layer truncates
      y = p.add(
          p.matmul(cols_, weights_.value),
          broadcast_rows<P>(p.scale(bias_.value, pow2<typename P::Ring>(p.frac_bits())), rows));
    } else {
      y = p.add(fix_matmul(p, cols_, weights_.value), broadcast_rows<P>(bias_.value, rows));
    }
    return P::gather(y, to_nchw_, {batch_, out_, g_.out_height(), g_.out_width()});
  }

  Share backward(P& p, const Share& grad) override {
    const std::size_t rows = batch_ * g_.out_height() * g_.out_width();
    Share dy = P::scatter_add(P::reshaped(grad, {rows * out_}), to_nchw_, {rows, out_});
    weights_.grad = matmul_left_transposed(p, cols_, dy);
    weights_.grad_extra_bits = p.frac_bits();
    bias_.grad = sum_rows(p, dy);
    if (!this->needs_input_grad_) return grad;
    const std::size_t inputs = batch_ * in_ * g_.height * g_.width;
    Share dx = p.matmul_scatter(dy, transpose<P>(weights_.value), cols_index_, {inputs + 1});
    return P::reshaped(truncate_product(p, P::part(dx, 0, {inputs})),
                       {batch_, in_, g_.height, g_.width});
  }

  std::vector<Param<P>*> params() override { return {&weights_, &bias_}; }

  // Leave the output with 2f fractional bits: a following max pool compares
  // the untruncated values and truncates only its (size^2 times smaller)
  // output. Sound while |output| < 2^(value_bits - 1) at 2f bits (small f).
  void defer_truncation() { defer_truncation_ = true; }

 private:
  bool defer_truncation_ = false;
  ConvGeometry geometry(const Shape& input) const {
    return {in_, input[1], input[2], out_, kernel_, stride_, padding_};
  }

  std::size_t in_, out_, kernel_, stride_, padding_;
  Param<P> weights_, bias_;
  ConvGeometry g_{};
  std::size_t batch_ = 0, indices_batch_ = 0;
  std::vector<std::size_t> cols_index_, to_nchw_;
  Share cols_;
};

}  // namespace sqt
