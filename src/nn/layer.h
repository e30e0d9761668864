// layer.h — the interface every layer implements, for every protocol.
//
// A layer works on whole batches: shares of shape [batch, ...]. forward()
// keeps what backward() needs (inputs, comparison bits); backward() takes the
// gradient of the loss with respect to the layer's output and returns the
// gradient with respect to its input, accumulating parameter gradients into
// its Params. Gradients are sums over the batch: the 1/batch factor is
// applied by the optimiser at the update. Layers are written once against
// the protocol concepts, so the emulator runs exactly the same code.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "proto/protocol.h"

namespace sqt {

template <class P>
struct Param {
  std::string name;
  Shape shape;
  typename P::Share value;
  typename P::Share grad;
  // Fractional bits of grad beyond f: a layer may hand over an untruncated
  // product (f extra bits) and let the optimiser fold that truncation into
  // its own.
  int grad_extra_bits = 0;
  std::vector<typename P::Share> state;  // optimiser state (momentum, moments)
};

template <class P>
class Layer {
 public:
  using Share = typename P::Share;
  virtual ~Layer() = default;

  virtual std::string name() const = 0;
  // Shape of one sample's output given one sample's input (no batch axis).
  virtual Shape output_shape(const Shape& input) const = 0;
  virtual Share forward(P& p, const Share& x, bool training) = 0;
  virtual Share backward(P& p, const Share& grad_output) = 0;
  virtual std::vector<Param<P>*> params() { return {}; }
  // State other than parameters that training changes and inference needs
  // (batch normalisation's running statistics); saved in checkpoints.
  virtual std::vector<Share*> buffers() { return {}; }
  // Draws the initial parameters inside MPC (no party learns them).
  virtual void initialize(P&) {}
  // The first layer need not compute the gradient of its input.
  void set_needs_input_grad(bool needed) { needs_input_grad_ = needed; }

 protected:
  bool needs_input_grad_ = true;
};

template <class P>
using LayerPtr = std::unique_ptr<Layer<P>>;

// [batch, rest...] with the batch taken from a share.
template <class P>
Shape batched(const typename P::Share& x, const Shape& sample) {
  Shape shape{P::shape(x)[0]};
  shape.insert(shape.end(), sample.begin(), sample.end());
  return shape;
}

}  // namespace sqt
