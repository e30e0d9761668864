// Communication of rep4's operations, asserted exactly against the cost
// table of docs/protocols/rep4.md: bytes sent by each party and rounds.
#include "comm_measure.h"
#include "mpc/compare.h"
#include "mpc/fixed.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Rep4Comm = ProtocolTest<P>;
using Rep4Protocols = ::testing::Types<Rep4<std::uint64_t>, Rep4<u128>>;
TYPED_TEST_SUITE(Rep4Comm, Rep4Protocols, ProtocolNames);

constexpr std::size_t kN = 1000;
// One message check: a 32-byte digest, a verdict byte and a 4-byte report
// to each of the three peers.
constexpr std::uint64_t kCheckBytes = 3 * (32 + 1 + 4);

TYPED_TEST(Rep4Comm, InputSendsTwoElementsFromTheInputParty) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 1);
  Cost cost = measure<TestFixture, TypeParam>([](TypeParam&) { return 0; },
                                              [&](TypeParam& p, int) { p.input(2, values, {kN}); });
  EXPECT_EQ(cost.bytes, (std::vector<std::uint64_t>{0, 0, 2 * kN * sizeof(R), 0}));
  EXPECT_EQ(cost.rounds, 1u);
}

TYPED_TEST(Rep4Comm, MultiplicationSendsSixElementsInOneRoundBalancedOverFourCalls) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 2);
  auto input = [&](TypeParam& p) { return p.input(0, values, {kN}); };
  Cost one = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.mul(x, x); });
  EXPECT_EQ(one.total(), 6 * kN * sizeof(R));
  EXPECT_EQ(one.rounds, 1u);
  Cost four = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) {
    for (int i = 0; i < 4; ++i) p.mul(x, x);
  });
  for (auto b : four.bytes) EXPECT_EQ(b, 6 * kN * sizeof(R));  // 1.5 elements per call
  EXPECT_EQ(four.rounds, 4u);
}

TYPED_TEST(Rep4Comm, MatrixProductSendsSixElementsPerOutput) {
  using R = typename TestFixture::R;
  const std::size_t m = 7, k = 300, n = 9;
  auto a = TestFixture::random_values(m * k, 3).reshaped({m, k});
  auto b = TestFixture::random_values(k * n, 4).reshaped({k, n});
  Cost cost = measure<TestFixture, TypeParam>(
      [&](TypeParam& p) { return std::pair(p.input(0, a, a.shape()), p.input(1, b, b.shape())); },
      [](TypeParam& p, auto& xy) { p.matmul(xy.first, xy.second); });
  EXPECT_EQ(cost.total(), 6 * m * n * sizeof(R));
  EXPECT_EQ(cost.rounds, 1u);
}

// An open checks everything before it (3 rounds), then sends the summands
// with the digests of its own messages (1) and agrees the verdict (2).
TYPED_TEST(Rep4Comm, OpenChecksBeforeAndAfterSendingOneElementPerParty) {
  using R = typename TestFixture::R;
  auto values = TestFixture::random_values(kN, 5);
  auto input = [&](TypeParam& p) { return p.input(0, values, {kN}); };
  Cost open = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.open(x); });
  for (auto b : open.bytes) EXPECT_EQ(b, kN * sizeof(R) + 2 * kCheckBytes);
  EXPECT_EQ(open.rounds, 6u);
  Cost check = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto&) { p.finish(); });
  for (auto b : check.bytes) EXPECT_EQ(b, kCheckBytes);
  EXPECT_EQ(check.rounds, 3u);
}

TYPED_TEST(Rep4Comm, TruncationCosts) {
  using R = typename TestFixture::R;
  auto values = TestFixture::bounded_values(kN, 40, 6);
  const std::size_t n = values.size();
  auto input = [&](TypeParam& p) { return p.input(0, values, {n}); };
  // No gap: c to two parties (2), the joint sharing of U (1), of e, b and d
  // and the cross product e*b modulo 2^m (3 + 4 m-bit words): 3 rounds.
  Cost nogap = measure<TestFixture, TypeParam>(
      input, [](TypeParam& p, auto& x) { p.trunc_pr_nogap(x, 16); });
  EXPECT_EQ(nogap.total(), 3 * n * sizeof(R) + 7 * n * sizeof(std::uint16_t));
  EXPECT_EQ(nogap.rounds, 3u);
  // Gap: c to two parties (2), two joint sharings (2): 2 rounds.
  Cost gap =
      measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.trunc_pr_gap(x, 16); });
  EXPECT_EQ(gap.total(), 4 * n * sizeof(R));
  EXPECT_EQ(gap.rounds, 2u);
}

// fix_mul and fix_matmul: the pairs' terms go straight into the masked step
// (6 elements in one round, against 6 for the product and 2 for the masked
// step in two), then the rest of the no-gap truncation: U (1 element), e, b,
// d and e*b modulo 2^m (7 m-bit words).
TYPED_TEST(Rep4Comm, FixedPointProductsGoStraightIntoTheTruncation) {
  using R = typename TestFixture::R;
  auto values = TestFixture::bounded_values(kN, 20, 8);
  const std::size_t n = values.size();
  // f = 16 (k = 64) or 32 (k = 128): 2- or 4-byte words.
  const std::size_t word = kDefaultFracBits<R> / 8;
  const std::size_t per_value = 7 * sizeof(R) + 7 * word;
  auto input = [&](TypeParam& p) { return p.input(0, values, {n}); };
  Cost product = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) {
    for (int i = 0; i < 4; ++i) fix_mul(p, x, x);
  });
  EXPECT_EQ(product.total(), 4 * per_value * n);
  EXPECT_EQ(product.rounds, 4 * 3u);
  // Over four calls the roles rotate through every party.
  for (auto b : product.bytes) EXPECT_EQ(b, product.total() / 4);
  const std::size_t rows = n / 4;
  Cost matrix = measure<TestFixture, TypeParam>(input, [rows](TypeParam& p, auto& x) {
    fix_matmul(p, TypeParam::part(x, 0, {rows, 4}), TypeParam::part(x, 0, {4, rows}));
  });
  EXPECT_EQ(matrix.total(), per_value * rows * rows);
  EXPECT_EQ(matrix.rounds, 3u);
  // Summed into fewer outputs first (a convolution's input gradient; the
  // last target is dropped): the same per output of the scatter.
  const std::size_t outputs = rows / 2;
  std::vector<std::size_t> targets(rows * rows);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % (outputs + 1);
  Cost scattered = measure<TestFixture, TypeParam>(input, [&](TypeParam& p, auto& x) {
    fix_matmul_scatter(p, TypeParam::part(x, 0, {rows, 4}), TypeParam::part(x, 0, {4, rows}),
                       targets, {outputs});
  });
  EXPECT_EQ(scattered.total(), per_value * outputs);
  EXPECT_EQ(scattered.rounds, 3u);
  // The same with the product and the truncation apart: 2 elements and one
  // round more.
  Cost apart = measure<TestFixture, TypeParam>(
      input, [](TypeParam& p, auto& x) { p.trunc_pr(p.mul(x, x), p.frac_bits()); });
  EXPECT_EQ(apart.total(), per_value * n + 2 * n * sizeof(R));
  EXPECT_EQ(apart.rounds, 4u);
}

TYPED_TEST(Rep4Comm, ComparisonRoundsFollowTheCircuitDepth) {
  auto values = TestFixture::random_values(kN, 7);
  auto input = [&](TypeParam& p) { return p.input(0, values, {kN}); };
  // msb on l bits: the masked value (1), the bit sharings (1), the less-than
  // tree (1 + ceil(log2(l - 1))); b2a: 2 more.
  for (int l : {17, 64}) {
    Cost msb = measure<TestFixture, TypeParam>(input, [l](TypeParam& p, auto& x) { p.msb(x, l); });
    const std::uint64_t tree = 1 + static_cast<std::uint64_t>(std::ceil(std::log2(l - 1)));
    EXPECT_EQ(msb.rounds, 2 + tree) << "l = " << l;
  }
  Cost ltz_cost = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { ltz(p, x); });
  EXPECT_EQ(ltz_cost.rounds, 2 + 1 + 6 + 2u);
}

}  // namespace
}  // namespace sqt
