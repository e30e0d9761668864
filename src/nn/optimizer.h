// optimizer.h — SGD with momentum, Adam and AMSGrad, in MPC.
//
// All parameters of a model are updated together (one joined tensor), so an
// optimiser step costs the same number of rounds however many layers there
// are. Gradients arrive summed over the batch; the 1/batch factor (batch a
// power of two) is folded into the update's probabilistic truncation.
//
// SGD:   u <- mu u + lr g / B;  w <- w - u  (the state is the update u, the
//        velocity scaled by lr / B, as MP-SPDZ's delta_theta; with a constant
//        rate it is classical momentum v <- mu v + g, w <- w - lr v / B).
// Adam:  g' = g / B; m <- b1 m + (1 - b1) g'; v <- b2 v + (1 - b2) g'^2;
//        w <- w - lr (m / (1 - b1^t)) / sqrt(v / (1 - b2^t) + eps)
//        (the inverse square root from mpc/sqrt.h; eps at least 2^(2-f) so the
//        argument stays in its domain). AMSGrad uses max(v_max, v).
#pragma once

#include <cmath>
#include <map>
#include <string>

#include "core/precision.h"
#include "mpc/compare.h"
#include "mpc/sqrt.h"
#include "nn/init.h"
#include "nn/layer.h"

namespace sqt {

struct OptimizerOptions {
  std::string kind = "sgd";  // sgd | adam | amsgrad
  double lr = 0.1;
  double momentum = 0.9;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  // Piecewise-constant schedule: from epoch E on, the learning rate is
  // schedule[E] (the latest entry not after the epoch; before any, lr).
  std::map<int, double> schedule;
};

template <BinaryProtocol P>
class Optimizer {
 public:
  using Share = typename P::Share;
  using R = typename P::Ring;

  explicit Optimizer(OptimizerOptions options) : options_(std::move(options)) {
    SQT_CHECK(options_.kind == "sgd" || options_.kind == "adam" || options_.kind == "amsgrad",
              "unknown optimizer '{}': expected sgd, adam or amsgrad", options_.kind);
    SQT_CHECK(options_.lr > 0, "learning rate must be positive, got {}", options_.lr);
    for (const auto& [epoch, lr] : options_.schedule)
      SQT_CHECK(epoch >= 1 && lr > 0,
                "learning-rate schedule entry {}:{}: needs epoch >= 1, lr > 0", epoch, lr);
    base_lr_ = options_.lr;
  }

  // The learning rate of `epoch` (1-based) under the schedule.
  double lr_at(int epoch) const {
    double lr = base_lr_;
    for (const auto& [from, value] : options_.schedule)
      if (from <= epoch) lr = value;
    return lr;
  }
  // Uses the scheduled learning rate from now on (a public constant).
  void begin_epoch(int epoch) { options_.lr = lr_at(epoch); }
  double lr() const { return options_.lr; }
  const std::string& kind() const { return options_.kind; }

  void step(P& p, const std::vector<Param<P>*>& params, int log2_batch) {
    ++steps_;
    std::vector<Share> values, grads;
    const int f = p.frac_bits();
    for (Param<P>* param : params) {
      values.push_back(param->value);
      // Every gradient with 2f fractional bits (exact: a shift of f-bit ones).
      grads.push_back(param->grad_extra_bits == f
                          ? param->grad
                          : p.scale(param->grad, pow2<R>(f - param->grad_extra_bits)));
    }
    Share w = P::join(values), g = P::join(grads);
    prepare_state(p, params);
    Share updated = options_.kind == "sgd" ? sgd(p, w, g, log2_batch) : adam(p, w, g, log2_batch);
    std::size_t offset = 0;
    for (Param<P>* param : params) {
      param->value = P::part(updated, offset, param->shape);
      offset += shape_size(param->shape);
    }
  }

  // Creates the (zero) state for these parameters if there is none yet.
  void prepare_state(P& p, const std::vector<Param<P>*>& params) {
    if (!state_.empty()) return;
    std::size_t total = 0;
    for (Param<P>* param : params) total += shape_size(param->shape);
    const std::size_t count = options_.kind == "amsgrad" ? 3 : options_.kind == "adam" ? 2 : 1;
    state_.assign(count, zeros(p, {total}));
  }

  // The state a checkpoint saves and restores (prepare_state first).
  std::vector<Share>& state() { return state_; }
  long& steps() { return steps_; }

 private:
  // g has 2f fractional bits. When the ring leaves room (sgd_fuses), mu u
  // and lr g / B are brought to 3f + log2 B fractional bits (mu u shifted, lr
  // at its f bits) and truncated together: one truncation per parameter, and
  // w - u needs none. Otherwise g is truncated to f bits first (two).
  Share sgd(P& p, const Share& w, const Share& g, int log2_batch) {
    const int f = p.frac_bits();
    const bool fused = sgd_fuses(f, log2_batch);
    const int shift = fused ? f + log2_batch : log2_batch;
    Share scaled = p.scale(fused ? g : p.trunc_pr(g, f), encode_fixed<R>(options_.lr, f));
    Share& update = state_[0];
    if (options_.momentum > 0) {
      const R mu = encode_fixed<R>(options_.momentum, f) * pow2<R>(shift);
      scaled = p.add(scaled, p.scale(update, mu));
    }
    update = p.trunc_pr(scaled, f + shift);
    return p.sub(w, update);
  }

 public:
  // Updates of magnitude below 2^kSgdUpdateHeadroomBits per step are exact
  // (an update of 64 per step has diverged anyway).
  static constexpr int kSgdUpdateHeadroomBits = 6;
  // Whether an SGD step truncates once: the fused sum has 3f + log2 B
  // fractional bits, and with the headroom it must stay within the ring's
  // truncation range (Z_2^64 with f = 16: batches up to 256). The
  // unfused sum has 2f + log2 B.
  static bool sgd_fuses(int frac_bits, int log2_batch) {
    const int range = trunc_range_bits(kRingBits<R>);
    SQT_CHECK(2 * frac_bits + log2_batch + kSgdUpdateHeadroomBits <= range,
              "SGD: a batch of 2^{} with {} fractional bits leaves no room for the update "
              "on Z_2^{} (2f + log2(batch) + {} must be at most {})",
              log2_batch, frac_bits, kRingBits<R>, kSgdUpdateHeadroomBits, range);
    return 3 * frac_bits + log2_batch + kSgdUpdateHeadroomBits <= range;
  }

 private:
  Share adam(P& p, const Share& w, const Share& g, int log2_batch) {
    const int f = p.frac_bits();
    const double b1 = options_.beta1, b2 = options_.beta2;
    Share mean_grad = p.trunc_pr(g, f + log2_batch);
    Share& m = state_[0];
    Share& v = state_[1];
    m = p.add(mul_const(p, m, b1), mul_const(p, mean_grad, 1 - b1));
    v = p.add(mul_const(p, v, b2), mul_const(p, fix_mul(p, mean_grad, mean_grad), 1 - b2));
    Share second = v;
    if (options_.kind == "amsgrad") {
      Share& v_max = state_[2];
      v_max = select(p, less_than(p, v_max, v), v, v_max);
      second = v_max;
    }
    const double c1 = 1 / (1 - std::pow(b1, static_cast<double>(steps_)));
    const double c2 = 1 / (1 - std::pow(b2, static_cast<double>(steps_)));
    const double eps = std::max(options_.epsilon, std::ldexp(4.0, -f));
    Share denominator = invsqrt(p, add_const(p, mul_const(p, second, c2), eps));
    Share delta = fix_mul(p, mul_const(p, m, options_.lr * c1), denominator);
    return p.sub(w, delta);
  }

  OptimizerOptions options_;
  double base_lr_ = 0;
  std::vector<Share> state_;
  long steps_ = 0;
};

}  // namespace sqt
