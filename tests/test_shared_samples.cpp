// Samples input by data holders (sqt holder), for every protocol and ring:
// the N-summand input, the labels derived from one-hot rows and the batch
// rows taken by a public order reconstruct exactly; the MPC range check
// counts exactly the malformed values (0 for honest input) in a number of
// rounds that does not grow with the data.
#include <algorithm>

#include "nn/sample_checks.h"
#include "nn/secure_inference.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using SharedSamplesTest = ProtocolTest<P>;
TYPED_TEST_SUITE(SharedSamplesTest, AllProtocols, ProtocolNames);

constexpr std::size_t kValues = 6, kClasses = 4;

// Cleartext samples: pixels in [0, 2^f], one-hot labels (class i % 4).
template <class R>
struct Clear {
  Tensor<R> x, onehot;
  std::size_t count;
};

template <class R>
Clear<R> honest_samples(std::size_t count, int f) {
  Tensor<R> x = Prg::from_seed(5).random<R>({count * kValues});
  for (R& v : x) v %= (R{1} << f) + 1;
  x[0] = 0;
  x[1] = R{1} << f;  // both ends of the range
  Tensor<R> onehot(Shape{count * kClasses}, R{0});
  for (std::size_t i = 0; i < count; ++i) onehot[i * kClasses + i % kClasses] = 1;
  return {x, onehot, count};
}

// Shares of `clear`, input as one random summand per party (as from a holder).
template <class P>
SharedSamples<P> input_as_holder(P& p, const Clear<typename P::Ring>& clear) {
  using R = typename P::Ring;
  // Party i < N-1 holds a random r_i; party N-1 holds value - sum of the r_i.
  auto summand = [&](const Tensor<R>& value, std::uint64_t seed) {
    const int last = p.parties() - 1;
    if (p.party() < last) return Prg::from_seed(seed + p.party()).template random<R>(value.shape());
    Tensor<R> mine = value;
    for (int i = 0; i < last; ++i) {
      Tensor<R> r = Prg::from_seed(seed + i).template random<R>(value.shape());
      for (std::size_t k = 0; k < r.size(); ++k) mine[k] -= r[k];
    }
    return mine;
  };
  auto onehot = P::reshaped(input_summands(p, summand(clear.onehot, 100), {clear.onehot.size()}),
                            {clear.count, kClasses});
  return {P::reshaped(input_summands(p, summand(clear.x, 200), {clear.x.size()}),
                      {clear.count, kValues}),
          onehot, labels_from_onehot(p, onehot), clear.count};
}

TYPED_TEST(SharedSamplesTest, SummandInputLabelsAndRowsReconstruct) {
  using R = typename TestFixture::R;
  const Clear<R> clear = honest_samples<R>(10, kDefaultFracBits<R>);
  const std::vector<std::size_t> order{7, 2, 9, 0, 4, 1, 3, 5, 8, 6};
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    SharedSamples<TypeParam> all = input_as_holder(p, clear);
    SharedSamples<TypeParam> rows = take_rows(all, order, 2, 5);
    return std::vector<Tensor<R>>{p.open(all.x), p.open(all.onehot), p.open(rows.x),
                                  p.open(rows.labels)};
  });
  EXPECT_EQ(opened[0].to_vector(), clear.x.to_vector());
  EXPECT_EQ(opened[1].to_vector(), clear.onehot.to_vector());
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t sample = order[2 + i];
    for (std::size_t j = 0; j < kValues; ++j)
      EXPECT_EQ(opened[2][i * kValues + j], clear.x[sample * kValues + j]);
    EXPECT_EQ(opened[3][i], static_cast<R>(sample % kClasses)) << "row " << i;
  }
}

TYPED_TEST(SharedSamplesTest, RangeCheckCountsExactlyTheMalformedValues) {
  using R = typename TestFixture::R;
  const int f = kDefaultFracBits<R>;
  const Clear<R> honest = honest_samples<R>(12, f);
  Clear<R> bad = honest;
  bad.x[3] = static_cast<R>(-1);          // below 0
  bad.x[4] = (R{1} << f) + 1;             // just above 1.0
  bad.x[5] = R{1} << (kRingBits<R> - 1);  // the most negative ring element: both tests
  bad.onehot[0] = 2;                      // an entry of 2 (and its row sums to 2)
  bad.onehot[1 * kClasses + 1] = 0;       // row 1 sums to 0
  const std::uint64_t expected = 1 + 1 + 2 + 2 + 1;
  auto counts = TestFixture::run_agreed([&](TypeParam& p) {
    RevealLog log;
    std::vector<std::uint64_t> out{count_malformed(p, input_as_holder(p, honest), log, "honest"),
                                   count_malformed(p, input_as_holder(p, bad), log, "bad")};
    finish_protocol(p);
    return out;
  });
  EXPECT_EQ(counts[0], 0u);
  EXPECT_EQ(counts[1], expected);
}

TYPED_TEST(SharedSamplesTest, RangeCheckRoundsDoNotGrowWithTheData) {
  using R = typename TestFixture::R;
  if constexpr (TypeParam::kParties == 1) GTEST_SKIP() << "the emulator does not communicate";
  auto rounds = [](std::size_t count) {
    const Clear<R> clear = honest_samples<R>(count, kDefaultFracBits<R>);
    auto per_party = TestFixture::run_all([&](TypeParam& p) {
      SharedSamples<TypeParam> s = input_as_holder(p, clear);
      const CommStats before = p.session().stats();
      RevealLog log;
      count_malformed(p, s, log, "check");
      const std::uint64_t used = (p.session().stats() - before).rounds;
      finish_protocol(p);  // after the measurement: it ends semi2k's dealer
      return used;
    });
    return *std::max_element(per_party.begin(), per_party.end());
  };
  const std::uint64_t few = rounds(12);
  EXPECT_GT(few, 1u);
  EXPECT_EQ(few, rounds(64));
}

}  // namespace
}  // namespace sqt
