// dense.h — fully connected layer y = x W + b.
//
// Forward: one matrix product [batch, in] x [in, out] and one truncation.
// Backward: dW = x^T dy and dx = dy W^T (one matrix product each, output
// sized communication), db = sum of dy over the batch (local). dW is handed
// to the optimiser before truncation (Param::grad_extra_bits).
#pragma once

#include "mpc/building_blocks.h"
#include "mpc/fixed.h"
#include "nn/init.h"
#include "nn/layer.h"
#include "nn/tensor_ops.h"

namespace sqt {

template <BinaryProtocol P>
class Dense final : public Layer<P> {
 public:
  using Share = typename P::Share;
  Dense(std::size_t in, std::size_t out) : in_(in), out_(out) {
    weights_.name = "weights";
    weights_.shape = {in, out};
    bias_.name = "bias";
    bias_.shape = {out};
  }

  std::string name() const override { return fmt::format("dense {}->{}", in_, out_); }

  Shape output_shape(const Shape& input) const override {
    SQT_CHECK(shape_size(input) == in_, "{}: input has {} features ({}), expected {}", name(),
              shape_size(input), shape_string(input), in_);
    return {out_};
  }

  void initialize(P& p) override {
    weights_.value = glorot_uniform(p, weights_.shape, in_, out_);
    bias_.value = zeros(p, bias_.shape);
  }

  Share forward(P& p, const Share& x, bool) override {
    const std::size_t batch = P::shape(x)[0];
    input_ = P::reshaped(x, {batch, in_});
    Share y = fix_matmul(p, input_, weights_.value);
    return p.add(y, broadcast_rows<P>(bias_.value, batch));
  }

  Share backward(P& p, const Share& grad) override {
    // Left untruncated: the optimiser folds this truncation into its update.
    weights_.grad = matmul_left_transposed(p, input_, grad);
    weights_.grad_extra_bits = p.frac_bits();
    bias_.grad = sum_rows(p, grad);
    if (!this->needs_input_grad_) return grad;
    return fix_matmul(p, grad, transpose<P>(weights_.value));
  }

  std::vector<Param<P>*> params() override { return {&weights_, &bias_}; }

 private:
  std::size_t in_, out_;
  Param<P> weights_, bias_;
  Share input_;
};

}  // namespace sqt
