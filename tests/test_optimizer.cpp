// The learning-rate schedule of nn/optimizer.h: piecewise constant by epoch,
// validated, and used by the update (an SGD step without momentum moves a
// weight by exactly lr * gradient / batch, up to one fixed-point unit).
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

}  // namespace
}  // namespace sqt
