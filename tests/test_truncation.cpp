// Statistical tests of probabilistic truncation: the error must have the
// distribution of stochastic rounding, floor(x/2^m) + Bernoulli(frac), for
// the emulator and for both rep3 variants, on both rings.
#include <cmath>

#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Truncation = ProtocolTest<P>;
TYPED_TEST_SUITE(Truncation, AllProtocols, ProtocolNames);

enum class Variant { kDefault, kGap, kNoGap };

template <class P>
typename P::Share truncate(P& p, const typename P::Share& x, int m, Variant variant) {
  if constexpr (requires { p.trunc_pr_gap(x, m); }) {
    if (variant == Variant::kGap) return p.trunc_pr_gap(x, m);
    if (variant == Variant::kNoGap) return p.trunc_pr_nogap(x, m);
  }
  return p.trunc_pr(x, m);
}

// Truncates N values by m bits and checks (a) every result is floor or
// floor + 1, (b) the mean error y - x/2^m is 0 within 3 standard errors,
// (c) values with fraction exactly 0.3 round up 30% of the time (3 s.e.).
template <class Fixture, class P>
void check_stochastic_rounding(Variant variant, int value_bits) {
  using R = typename P::Ring;
  // mal3 makes k checked random bits per truncation (about 2 us each in
  // this process): a quarter of the samples keeps the suite short; the
  // bounds below are relative to the sample size.
  const std::size_t n = P::kName == "mal3" ? 25'000 : 100'000;
  const int m = 16;
  Tensor<R> x = Fixture::random_values(2 * n, 21 + value_bits);
  for (std::size_t i = 0; i < n; ++i) x[i] = arith_shift_right(x[i], kRingBits<R> - value_bits);
  const R fraction = static_cast<R>(std::llround(0.3 * 65536));
  for (std::size_t i = n; i < 2 * n; ++i)
    x[i] = (arith_shift_right(x[i], kRingBits<R> - value_bits) & ~(pow2<R>(m) - 1)) + fraction;
  auto y = Fixture::run_agreed(
      [&](P& p) { return p.open(truncate(p, p.input(0, x, x.shape()), m, variant)); });

  double error_sum = 0, variance_sum = 0;
  std::size_t ups = 0;
  for (std::size_t i = 0; i < 2 * n; ++i) {
    R floor = arith_shift_right(x[i], m);
    ASSERT_TRUE(y[i] == floor || y[i] == floor + 1) << i;
    double frac = std::ldexp(static_cast<double>(x[i] & (pow2<R>(m) - 1)), -m);
    double error = static_cast<double>(y[i] - floor) - frac;
    if (i < n) {
      error_sum += error;
      variance_sum += frac * (1 - frac);
    } else {
      ups += static_cast<std::size_t>(y[i] - floor);
    }
  }
  double mean = error_sum / n, standard_error = std::sqrt(variance_sum) / n;
  // Six standard errors: the masks come from fresh keys, so three failed about once in a few
  // hundred instantiations, while a biased rounding (e.g. floor: mean -0.5) still fails.
  EXPECT_LT(std::abs(mean), 6 * standard_error) << "mean error " << mean;
  double p_hat = static_cast<double>(ups) / n, p = static_cast<double>(fraction) / 65536;
  EXPECT_LT(std::abs(p_hat - p), 6 * std::sqrt(p * (1 - p) / n)) << "rounded up " << p_hat;
}

TYPED_TEST(Truncation, DefaultVariantHasStochasticRoundingDistribution) {
  check_stochastic_rounding<TestFixture, TypeParam>(Variant::kDefault, 48);
}

template <class P>
using Rep3Truncation = ProtocolTest<P>;
using Rep3Protocols = ::testing::Types<Rep3<std::uint64_t>, Rep3<u128>>;
TYPED_TEST_SUITE(Rep3Truncation, Rep3Protocols, ProtocolNames);

TYPED_TEST(Rep3Truncation, BothVariantsHaveStochasticRoundingDistribution) {
  check_stochastic_rounding<TestFixture, TypeParam>(Variant::kNoGap, TestFixture::k - 3);
  check_stochastic_rounding<TestFixture, TypeParam>(Variant::kGap, TestFixture::k - 43);
}

TEST(RangeCheck, TheEmulatorCountsValuesOutsideTheProvenRange) {
  SessionOptions options;
  options.check_range = true;
  Session session(options);
  Plain<std::uint64_t> p(session);
  const std::uint64_t big = std::uint64_t{1} << 62;
  Tensor<std::uint64_t> x({4}, std::vector<std::uint64_t>{big, 0, 0 - big - 1, 5});
  p.trunc_pr(p.constant(x), 16);
  p.msb(p.constant(x), 40);
  const RangeStats& stats = session.range_stats();
  EXPECT_EQ(stats.truncated, 4u);
  EXPECT_EQ(stats.truncated_outside, 2u);  // 2^62 and -2^62 - 1
  EXPECT_EQ(stats.compared, 4u);
  EXPECT_EQ(stats.compared_outside, 2u);
}

}  // namespace
}  // namespace sqt
