// conv.h — 2-D convolution (NCHW), stride and zero padding.
//
// im2col is a local rearrangement (padding reads a shared zero), so the
// forward pass is one matrix product [batch*OH*OW, C*kh*kw] x [C*kh*kw, O]
// with one reshare per output. Backward: dW = cols^T dY (one reshare per
// weight, handed to the optimiser untruncated) and dX = col2im(dY W^T), where
// the col2im sums are taken locally before the reshare (matmul_scatter), so
// dX costs one reshare per input element. Both products with the im2col
// matrix go through im2col_matmul / im2col_left_transposed_matmul
// (mpc/building_blocks.h): a protocol that opens masked factors (semi2k)
// masks the un-expanded input and expands after opening.
#pragma once

#include "core/im2col.h"
#include "mpc/building_blocks.h"
#include "mpc/fixed.h"
#include "nn/init.h"
#include "nn/layer.h"
#include "nn/tensor_ops.h"

namespace sqt {

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
    if (im2col_.batch() != batch_) {
      im2col_ = Im2col(g_, batch_);
      to_nchw_ = nchw_from_rows(batch_, out_, g_.out_height() * g_.out_width());
    }
    const std::size_t rows = im2col_.rows();
    Share padded = P::join(std::vector<Share>{P::reshaped(x, {shape_size(s)}), zeros(p, {1})});
    operand_ = im2col_operand<P>(padded, im2col_);
    Share product = im2col_matmul(p, operand_, im2col_, weights_.value);
    Share y;
    if (defer_truncation_) {  // 2f fractional bits; the next layer truncates
      y = p.add(product, broadcast_rows<P>(
                             p.scale(bias_.value, pow2<typename P::Ring>(p.frac_bits())), rows));
    } else {
      y = p.add(truncate_product(p, product), broadcast_rows<P>(bias_.value, rows));
    }
    return P::gather(y, to_nchw_, {batch_, out_, g_.out_height(), g_.out_width()});
  }

  Share backward(P& p, const Share& grad) override {
    const std::size_t rows = im2col_.rows();
    Share dy = P::scatter_add(P::reshaped(grad, {rows * out_}), to_nchw_, {rows, out_});
    weights_.grad = im2col_left_transposed_matmul(p, operand_, im2col_, dy);
    weights_.grad_extra_bits = p.frac_bits();
    bias_.grad = sum_rows(p, dy);
    if (!this->needs_input_grad_) return grad;
    // im2col's index sends padding positions to one past the end: dropped.
    return fix_matmul_scatter(p, dy, transpose<P>(weights_.value), im2col_.index(),
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
  std::size_t batch_ = 0;
  Im2col im2col_;
  std::vector<std::size_t> to_nchw_;
  Share operand_;  // the input as im2col_matmul takes it (im2col_operand)
};

}  // namespace sqt
