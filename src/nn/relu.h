// relu.h — ReLU, keeping the comparison bits for backward.
//
// Forward: b = [x >= 0] (one comparison on activation_bits), y = b x (one
// multiplication).
// Backward: dx = b dy (one multiplication).
#pragma once

#include "mpc/compare.h"
#include "nn/layer.h"

namespace sqt {

template <BinaryProtocol P>
class ReLU final : public Layer<P> {
 public:
  using Share = typename P::Share;
  std::string name() const override { return "relu"; }
  Shape output_shape(const Shape& input) const override { return input; }

  Share forward(P& p, const Share& x, bool) override {
    using R = typename P::Ring;
    positive_ = add_scalar(p, p.neg(ltz(p, x, activation_bits(p))), R{1});
    return p.mul(positive_, x);
  }

  Share backward(P& p, const Share& grad) override {
    return this->needs_input_grad_ ? p.mul(positive_, grad) : grad;
  }

 private:
  Share positive_;
};

// Flatten: [batch, ...] -> [batch, features] (local).
template <BinaryProtocol P>
class Flatten final : public Layer<P> {
 public:
  using Share = typename P::Share;
  std::string name() const override { return "flatten"; }
  Shape output_shape(const Shape& input) const override { return {shape_size(input)}; }
  Share forward(P&, const Share& x, bool) override {
    input_shape_ = P::shape(x);
    return P::reshaped(x, {input_shape_[0], shape_size(input_shape_) / input_shape_[0]});
  }
  Share backward(P&, const Share& grad) override {
    return this->needs_input_grad_ ? P::reshaped(grad, input_shape_) : grad;
  }

 private:
  Shape input_shape_;
};

}  // namespace sqt
