// Communication of every rep3 operation, asserted exactly against the
// theory (docs/protocols/rep3.md): bytes sent by each party and rounds.
#include "comm_measure.h"
#include "mpc/fixed.h"
#include "nn/optimizer.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Comm = ProtocolTest<P>;
using Rep3Protocols = ::testing::Types<Rep3<std::uint64_t>, Rep3<u128>>;
TYPED_TEST_SUITE(Comm, Rep3Protocols, ProtocolNames);

constexpr std::size_t kN = 1000;

TYPED_TEST(Comm, MultiplicationSendsOneElementPerPartyInOneRound) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 1);
  Cost cost =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {kN}); },
                                      [](TypeParam& p, auto& x) { p.mul(x, x); });
  for (auto b : cost.bytes) EXPECT_EQ(b, kN * sizeof(R));
  EXPECT_EQ(cost.rounds, 1u);
}

TYPED_TEST(Comm, MatrixProductSendsOnlyTheOutputSize) {
  using R = typename TestFixture::R;
  const std::size_t m = 7, k = 300, n = 9;
  auto a = TestFixture::random_values(m * k, 2).reshaped({m, k});
  auto b = TestFixture::random_values(k * n, 3).reshaped({k, n});
  Cost cost = measure<TestFixture, TypeParam>(
      [&](TypeParam& p) { return std::pair(p.input(0, a, a.shape()), p.input(1, b, b.shape())); },
      [](TypeParam& p, auto& xy) { p.matmul(xy.first, xy.second); });
  for (auto bytes : cost.bytes) EXPECT_EQ(bytes, m * n * sizeof(R));
  EXPECT_EQ(cost.rounds, 1u);
  Cost dots =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, a, a.shape()); },
                                      [](TypeParam& p, auto& x) { p.dot_rows(x, x); });
  for (auto bytes : dots.bytes) EXPECT_EQ(bytes, m * sizeof(R));
  EXPECT_EQ(dots.rounds, 1u);
}

TYPED_TEST(Comm, OpenSendsOneElementPerPartyAndOpenToOneInTotal) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 4);
  Cost open =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {kN}); },
                                      [](TypeParam& p, auto& x) { p.open(x); });
  for (auto b : open.bytes) EXPECT_EQ(b, kN * sizeof(R));
  EXPECT_EQ(open.rounds, 1u);
  Cost to_two =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {kN}); },
                                      [](TypeParam& p, auto& x) { p.open_to(2, x); });
  EXPECT_EQ(to_two.bytes, (std::vector<std::uint64_t>{0, kN * sizeof(R), 0}));
  EXPECT_EQ(to_two.rounds, 1u);
}

TYPED_TEST(Comm, InputSendsOneElementFromTheOwner) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 5);
  Cost cost = measure<TestFixture, TypeParam>([](TypeParam&) { return 0; },
                                              [&](TypeParam& p, int) { p.input(1, values, {kN}); });
  EXPECT_EQ(cost.bytes, (std::vector<std::uint64_t>{0, kN * sizeof(R), 0}));
  EXPECT_EQ(cost.rounds, 1u);
}

TYPED_TEST(Comm, LocalOperationsSendNothing) {
  auto values = TestFixture::random_values(kN, 6);
  Cost cost =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {kN}); },
                                      [&](TypeParam& p, auto& x) {
                                        p.add_public(p.neg(p.sub(p.add(x, x), x)), values);
                                        p.mul_public(x, values);
                                        p.random({kN});
                                      });
  EXPECT_EQ(cost.bytes, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(cost.rounds, 0u);
}

TYPED_TEST(Comm, TruncationCostsMatchTheVariants) {
  using R = typename TestFixture::R;
  auto values = TestFixture::bounded_values(kN, 20, 7);
  const std::size_t n = values.size();
  auto total = [](const Cost& c) { return c.bytes[0] + c.bytes[1] + c.bytes[2]; };
  Cost gap = measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {n}); },
                                             [](TypeParam& p, auto& x) { p.trunc_pr_gap(x, 8); });
  EXPECT_EQ(total(gap), 2 * n * sizeof(R));
  EXPECT_EQ(gap.rounds, 2u);
  Cost nogap =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {n}); },
                                      [](TypeParam& p, auto& x) { p.trunc_pr_nogap(x, 8); });
  // Two ring elements plus three 8-bit words (e and the two e*b summands mod 2^8).
  const std::size_t nogap_bytes = 2 * sizeof(R) + 3 * 1;
  EXPECT_EQ(total(nogap), nogap_bytes * n);
  EXPECT_EQ(nogap.rounds, 3u);
  // The receiver's role rotates: over three calls every party sends the same.
  Cost three =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {n}); },
                                      [](TypeParam& p, auto& x) {
                                        for (int i = 0; i < 3; ++i) p.trunc_pr_nogap(x, 8);
                                      });
  EXPECT_EQ(three.bytes, (std::vector<std::uint64_t>(3, nogap_bytes * n)));
}

// An SGD step with momentum costs what its truncations cost and nothing
// else: one (of 2f + log2 B bits) where the ring has room, else two.
TYPED_TEST(Comm, SgdStepCostsOneTruncationWhereTheRingHasRoom) {
  using R = typename TestFixture::R;
  const int log2_batch = 7;
  auto weights = TestFixture::bounded_values(500, 16, 9);
  const std::size_t n = weights.size();
  auto total = [](const Cost& c) { return c.bytes[0] + c.bytes[1] + c.bytes[2]; };
  Cost step =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, weights, {n}); },
                                      [&](TypeParam& p, auto& w) {
                                        OptimizerOptions o;
                                        Optimizer<TypeParam> optimizer(o);
                                        Param<TypeParam> param;
                                        param.shape = {n};
                                        param.value = w;
                                        param.grad = w;
                                        param.grad_extra_bits = p.frac_bits();
                                        optimizer.step(p, {&param}, log2_batch);
                                      });
  const bool fused = Optimizer<TypeParam>::sgd_fuses(kDefaultFracBits<R>, log2_batch);
  Cost truncations =
      measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, weights, {n}); },
                                      [&](TypeParam& p, auto& x) {
                                        const int f = p.frac_bits();
                                        if (fused) {
                                          p.trunc_pr(x, 2 * f + log2_batch);
                                        } else {
                                          p.trunc_pr(p.trunc_pr(x, f), f + log2_batch);
                                        }
                                      });
  EXPECT_EQ(fused, sizeof(R) == 8);
  EXPECT_EQ(total(step), total(truncations));
  EXPECT_EQ(step.rounds, truncations.rounds);
}

TYPED_TEST(Comm, FixedPointProductsGoStraightIntoTheTruncation) {
  using R = typename TestFixture::R;
  auto values = TestFixture::bounded_values(kN, 20, 8);
  const std::size_t n = values.size();
  const bool gap = TestFixture::k == 128;  // the default variant per ring
  auto total = [](const Cost& c) { return c.bytes[0] + c.bytes[1] + c.bytes[2]; };
  // No reshare: S and T send their summands of the product, masked, to R (2
  // elements), then kGap: 1 element; kNoGap: 1 element and three f-bit
  // (16-bit) words. A multiplication and a truncation would take 5
  // elements (+ 3 words) and one round more.
  const std::size_t per_value = gap ? 3 * sizeof(R) : 3 * sizeof(R) + 3 * 2;
  const std::uint64_t rounds = gap ? 2 : 3;
  Cost cost = measure<TestFixture, TypeParam>([&](TypeParam& p) { return p.input(0, values, {n}); },
                                              [](TypeParam& p, auto& x) { fix_mul(p, x, x); });
  EXPECT_EQ(total(cost), per_value * n);
  EXPECT_EQ(cost.rounds, rounds);
  // A matrix product costs the same per output element.
  const std::size_t rows = n / 4;
  Cost product = measure<TestFixture, TypeParam>(
      [&](TypeParam& p) { return p.input(0, values, {n}); },
      [rows](TypeParam& p, auto& x) {
        fix_matmul(p, TypeParam::part(x, 0, {rows, 4}), TypeParam::part(x, 0, {4, rows}));
      });
  EXPECT_EQ(total(product), per_value * rows * rows);
  EXPECT_EQ(product.rounds, rounds);
  // Summed into fewer outputs first (a convolution's input gradient; the
  // last target is dropped): the same per output of the scatter.
  const std::size_t outputs = rows / 2;
  std::vector<std::size_t> targets(rows * rows);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % (outputs + 1);
  Cost scattered = measure<TestFixture, TypeParam>(
      [&](TypeParam& p) { return p.input(0, values, {n}); },
      [&](TypeParam& p, auto& x) {
        fix_matmul_scatter(p, TypeParam::part(x, 0, {rows, 4}), TypeParam::part(x, 0, {4, rows}),
                           targets, {outputs});
      });
  EXPECT_EQ(total(scattered), per_value * outputs);
  EXPECT_EQ(scattered.rounds, rounds);
}

}  // namespace
}  // namespace sqt
