// loss.h — output layers: softmax + cross-entropy, sigmoid + binary
// cross-entropy.
//
// The gradient of the summed cross-entropy with respect to the logits is
// softmax(z) - onehot(y) per sample (the 1/batch factor is applied at the
// update). The loss itself, -sum ln p_label, is computed in MPC with one
// logarithm per sample; only its batch total is ever opened.
#pragma once

#include "mpc/log.h"
#include "mpc/sigmoid.h"
#include "mpc/softmax.h"
#include "nn/tensor_ops.h"

namespace sqt {

template <BinaryProtocol P>
struct SoftmaxCrossEntropy {
  using Share = typename P::Share;
  Share probabilities;

  // logits [batch, classes]; onehot: integer 0/1 shares [batch, classes].
  Share gradient(P& p, const Share& logits, const Share& onehot) {
    probabilities = softmax(p, logits);
    return p.sub(probabilities, p.scale(onehot, pow2<typename P::Ring>(p.frac_bits())));
  }

  // -sum over the batch of ln p_label (shape [1]); call after gradient().
  Share loss_sum(P& p, const Share& onehot) {
    const Shape& s = P::shape(probabilities);
    const std::size_t batch = s[0], classes = s[1];
    Share picked = sum_last(p, p.mul(probabilities, onehot), batch, classes);  // p_label
    // ln(p + 2^-f): a probability that rounded to 0 costs ln(2^-f) instead of -inf.
    Share logs = ln(p, add_scalar(p, picked, typename P::Ring{1}));
    Share total = P::reshaped(sum_rows(p, P::reshaped(logs, {batch, 1})), {1});
    return p.neg(total);
  }
};

// Sigmoid + binary cross-entropy for outputs [batch, k] of independent
// binary labels y in {0, 1} (integer shares): gradient sigmoid(z) - y, loss
// -sum (y ln p + (1 - y) ln(1 - p)) with p clamped away from 0 and 1 by 2^-f.
template <BinaryProtocol P>
struct SigmoidBinaryCrossEntropy {
  using Share = typename P::Share;
  Share probabilities;

  Share gradient(P& p, const Share& logits, const Share& labels) {
    probabilities = sigmoid(p, logits);
    return p.sub(probabilities, p.scale(labels, pow2<typename P::Ring>(p.frac_bits())));
  }

  Share loss_sum(P& p, const Share& labels) {
    using R = typename P::Ring;
    const std::size_t n = shape_size(P::shape(probabilities));
    Share flat = P::reshaped(probabilities, {n});
    Share y = P::reshaped(labels, {n});
    Share log_p = ln(p, add_scalar(p, flat, R{1}));
    Share log_q = ln(p, add_scalar(p, const_minus(p, 1.0, flat), R{1}));
    // y ln p + (1 - y) ln(1 - p) = ln(1 - p) + y (ln p - ln(1 - p)); y is 0/1.
    Share per = p.add(log_q, p.mul(y, p.sub(log_p, log_q)));
    return p.neg(P::reshaped(sum_rows(p, P::reshaped(per, {n, 1})), {1}));
  }
};

}  // namespace sqt
