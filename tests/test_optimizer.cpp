// The learning-rate schedule of nn/optimizer.h: piecewise constant by epoch,
// validated, and used by the update (an SGD step without momentum moves a
// weight by exactly lr * gradient / batch, up to one fixed-point unit); SGD
// with momentum against a double-precision reference, fused (one truncation)
// and not.
#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/optimizer.h"
#include "proto/local_run.h"
#include "proto/plain/plain.h"

namespace sqt {
namespace {

using P = Plain<std::uint64_t>;

OptimizerOptions scheduled() {
  OptimizerOptions o;
  o.lr = 0.1;
  o.momentum = 0;
  o.schedule = {{3, 0.01}, {5, 0.001}};
  return o;
}

TEST(LearningRateSchedule, IsPiecewiseConstantByEpoch) {
  Optimizer<P> optimizer(scheduled());
  EXPECT_DOUBLE_EQ(optimizer.lr_at(1), 0.1);
  EXPECT_DOUBLE_EQ(optimizer.lr_at(2), 0.1);
  EXPECT_DOUBLE_EQ(optimizer.lr_at(3), 0.01);
  EXPECT_DOUBLE_EQ(optimizer.lr_at(4), 0.01);
  EXPECT_DOUBLE_EQ(optimizer.lr_at(5), 0.001);
  EXPECT_DOUBLE_EQ(optimizer.lr_at(50), 0.001);
  optimizer.begin_epoch(4);
  EXPECT_DOUBLE_EQ(optimizer.lr(), 0.01);
  optimizer.begin_epoch(1);  // a resumed run starts anywhere
  EXPECT_DOUBLE_EQ(optimizer.lr(), 0.1);
}

TEST(LearningRateSchedule, RejectsEpochZeroAndNonPositiveRates) {
  OptimizerOptions o = scheduled();
  o.schedule[0] = 0.5;
  EXPECT_THROW(Optimizer<P>{o}, Error);
  o = scheduled();
  o.schedule[7] = 0;
  EXPECT_THROW(Optimizer<P>{o}, Error);
}

TEST(LearningRateSchedule, TheStepUsesTheEpochsRate) {
  const int f = 16;
  SessionOptions session;
  session.frac_bits = f;
  session.nearest_rounding = true;
  auto moved = run_local<P>(session, [&](P& p) {
    Optimizer<P> optimizer(scheduled());
    Param<P> w;
    w.name = "w";
    w.shape = {1};
    w.value = p.constant(Tensor<std::uint64_t>(Shape{1}, encode_fixed<std::uint64_t>(1.0, f)));
    w.grad = p.constant(Tensor<std::uint64_t>(Shape{1}, encode_fixed<std::uint64_t>(2.0, f)));
    std::vector<double> steps;
    for (int epoch : {1, 3, 5}) {
      optimizer.begin_epoch(epoch);
      const double before = decode_fixed(p.open(w.value)[0], f);
      optimizer.step(p, {&w}, 0);  // batch 1
      steps.push_back(before - decode_fixed(p.open(w.value)[0], f));
    }
    return steps;
  })[0];
  const double unit = std::ldexp(1.0, -f);
  EXPECT_NEAR(moved[0], 0.1 * 2, 2 * unit);
  EXPECT_NEAR(moved[1], 0.01 * 2, 2 * unit);
  EXPECT_NEAR(moved[2], 0.001 * 2, 2 * unit);
}

// Runs `steps` SGD steps with momentum on n weights (gradients with 2f
// fractional bits, as layers produce them) and returns the largest distance,
// in fixed-point units, from u <- mu u + lr g / B, w <- w - u in doubles.
template <class R>
double sgd_error_in_units(int log2_batch, int steps) {
  using PR = Plain<R>;
  const int f = kDefaultFracBits<R>;
  const std::size_t n = 64;
  OptimizerOptions o;
  o.lr = 0.1;
  o.momentum = 0.9;
  SessionOptions session;
  session.frac_bits = f;
  session.nearest_rounding = true;
  session.check_range = true;  // every truncation within its valid range
  std::vector<double> w(n), u(n, 0.0);
  std::vector<std::vector<double>> g(steps, std::vector<double>(n));
  std::uint64_t state = 12345;
  auto uniform = [&] {  // in [-1, 1)
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<double>(state >> 11) / std::ldexp(1.0, 52) - 1;
  };
  for (double& x : w) x = uniform();
  for (auto& step : g)
    for (double& x : step) x = 40 * uniform();  // summed over the batch
  auto encode = [&](const std::vector<double>& v, int bits) {
    Tensor<R> t(Shape{n});
    for (std::size_t i = 0; i < n; ++i) t[i] = encode_fixed<R>(v[i], bits);
    return t;
  };
  std::vector<double> got = run_local<PR>(session, [&](PR& p) {
    Optimizer<PR> optimizer(o);
    Param<PR> param;
    param.name = "w";
    param.shape = {n};
    param.value = p.constant(encode(w, f));
    param.grad_extra_bits = f;
    for (int t = 0; t < steps; ++t) {
      param.grad = p.constant(encode(g[t], 2 * f));
      optimizer.step(p, {&param}, log2_batch);
    }
    EXPECT_EQ(p.session().range_stats().truncated_outside, 0u);
    std::vector<double> out;
    for (R x : p.open(param.value)) out.push_back(decode_fixed(x, f));
    return out;
  })[0];
  const double batch = std::ldexp(1.0, log2_batch);
  for (int t = 0; t < steps; ++t)
    for (std::size_t i = 0; i < n; ++i) {
      u[i] = o.momentum * u[i] + o.lr * g[t][i] / batch;
      w[i] -= u[i];
    }
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(got[i] - w[i]));
  return std::ldexp(worst, f);
}

TEST(Sgd, FusedStepFollowsTheDoubleReference) {
  ASSERT_TRUE(Optimizer<P>::sgd_fuses(16, 7));
  EXPECT_TRUE(Optimizer<P>::sgd_fuses(16, 8));  // 3f + 8 + 6 = 62: the largest batch that fuses
  // Each step rounds u once (half a unit), and u's rounding carries into
  // the later steps: after 8 steps w is within 1 + 2 + ... + 8 half units,
  // plus lr's own rounding to f bits (a few units after 8 steps here).
  EXPECT_LE(sgd_error_in_units<std::uint64_t>(7, 8), 24.0);
}

TEST(Sgd, UnfusedStepFollowsTheDoubleReference) {
  ASSERT_FALSE(Optimizer<P>::sgd_fuses(16, 9));  // 3f + 9 + headroom > 62
  EXPECT_LE(sgd_error_in_units<std::uint64_t>(9, 8), 24.0);
  ASSERT_FALSE(Optimizer<Plain<u128>>::sgd_fuses(32, 7));  // 3f > 86
  EXPECT_LE(sgd_error_in_units<u128>(7, 8), 24.0);
}

TEST(Sgd, RejectsABatchThatLeavesNoRoomForTheUpdate) {
  try {
    Optimizer<P>::sgd_fuses(22, 14);  // 2 * 22 + 14 + 6 > 62
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("leaves no room for the update"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sqt
