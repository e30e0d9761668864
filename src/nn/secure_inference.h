// secure_inference.h — predictions of a secret-shared model for a client
// that is not a computing party, with any multi-party protocol.
//
// Who holds what: the computing parties hold the model as shares, input by
// its owner (party `owner`, from a revealed model file) or loaded from their
// training checkpoints (checkpoint_model.h). The client, a node
// after the computing parties, splits its samples x and a random mask m into
// N additive summands mod 2^k and sends party i the i-th. Party i inputs
// its summand with the protocol's own input, and the sum of the N sharings
// is a sharing of x (of m): a coalition of fewer than N parties misses one
// uniform summand and learns nothing. The parties evaluate the network,
// take the argmax, and open class + m, which is uniform to them (or, when
// the client asks for scores, open the output scores + one mask word per
// score); the client receives that opening from every party, checks that
// they agree, and subtracts m. Nothing else is opened. docs/inference.md has the messages.
#pragma once

#include <string>
#include <vector>

#include "core/fixed_point.h"
#include "mpc/compare.h"
#include "nn/model.h"
#include "nn/reference.h"
#include "nn/reveal_log.h"

namespace sqt {

// Shares every parameter of `model` from the owner's revealed model (null at
// the other parties); the shapes were checked by build_model and the loader.
template <BinaryProtocol P>
void input_owned_params(P& p, Sequential<P>& model, const reference::Model* owned, int owner) {
  using R = typename P::Ring;
  auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i)
    for (Param<P>* param : layers[i]->params()) {
      Tensor<R> values;
      if (p.party() == owner) {
        const Tensor<double>& t = owned->params[i].at(param->name);
        SQT_CHECK(t.size() == shape_size(param->shape),
                  "model layer {}: parameter '{}' has {} values, the layer needs {}", i,
                  param->name, t.size(), shape_size(param->shape));
        values = encode_fixed<R>(t, p.frac_bits());
      }
      param->value = p.input(owner, values, param->shape);
    }
}

// A sharing of the sum of every party's `mine` (each party inputs its own
// summand: N inputs, each one round).
// Protocols whose sharing is not modulo 2^k (shamir) bring their own.
template <BinaryProtocol P>
typename P::Share input_summands(P& p, const Tensor<typename P::Ring>& mine, const Shape& shape) {
  using R = typename P::Ring;
  if constexpr (requires { p.input_summands(mine, shape); }) {
    return p.input_summands(mine, shape);
  } else {
    auto own = [&](int i) { return p.party() == i ? mine : Tensor<R>{}; };
    typename P::Share sum = p.input(0, own(0), shape);
    for (int i = 1; i < p.parties(); ++i) sum = p.add(sum, p.input(i, own(i), shape));
    return sum;
  }
}

// class + mask for each sample of x, opened to every party (uniform to them).
template <BinaryProtocol P>
Tensor<typename P::Ring> masked_classes(P& p, Sequential<P>& model, const typename P::Share& x,
                                        const typename P::Share& mask, RevealLog& log) {
  typename P::Share logits = model.forward(p, x, false);
  typename P::Share predicted = max_last_axis(p, logits).argmax;
  return reveal(p, log, "predicted class plus the client's mask (uniform)", RevealLog::kEveryone,
                p.add(predicted, mask));
}

// Output scores (logits, fixed point) + mask for each sample of x, one mask
// word per score, opened to every party (uniform to them).
template <BinaryProtocol P>
Tensor<typename P::Ring> masked_scores(P& p, Sequential<P>& model, const typename P::Share& x,
                                       const typename P::Share& mask, RevealLog& log) {
  typename P::Share logits = model.forward(p, x, false);
  return reveal(p, log, "output scores plus the client's mask (uniform)", RevealLog::kEveryone,
                p.add(logits, mask));
}

}  // namespace sqt
