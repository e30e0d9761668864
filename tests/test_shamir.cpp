// Tests of the shamir protocol's arithmetic core (proto/shamir/shamir.h) for
// 3, 5, 7 and 10 parties in one process: every operation against exact
// Z_2^64 arithmetic on random inputs, probabilistic truncation against
// floor with its rounding probability, random bits, and the bytes and
// rounds of input, open, products and truncation against
// docs/protocols/shamir.md.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "core/tensor_ops.h"
#include "proto/local_run.h"
#include "proto/protocol.h"
#include "proto/shamir/shamir.h"

namespace sqt {
namespace {

using P = Shamir<std::uint64_t>;
using u64 = std::uint64_t;
static_assert(BinaryProtocol<P>, "shamir offers every operation of the protocol concept");

SessionOptions options_for(int parties) {
  SessionOptions options;
  options.frac_bits = 16;
  options.local_parties = parties;
  return options;
}

// Signed values of magnitude below 2^bits, as ring words.
Tensor<u64> small_values(std::size_t n, int bits, std::uint64_t seed) {
  Prg prg = Prg::from_seed(seed);
  Tensor<u64> out({n}, kUninitialized);
  for (auto& v : out) {
    const std::int64_t magnitude = static_cast<std::int64_t>(prg.next_u64() >> (64 - bits));
    v = static_cast<u64>((prg.next_u64() & 1) ? -magnitude : magnitude);
  }
  return out;
}

class ShamirParties : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Parties, ShamirParties, ::testing::Values(3, 5, 7, 10));

TEST_P(ShamirParties, InputOpenAndLocalOperationsAreExactModulo2To64) {
  const int n = GetParam();
  const std::size_t count = 200;
  Prg prg = Prg::from_seed(1);
  const Tensor<u64> a = prg.random<u64>({count}), b = prg.random<u64>({count});  // any words
  const Tensor<u64> c = prg.random<u64>({count});
  const u64 k = prg.next_u64();
  auto results = run_local<P>(options_for(n), [&](P& p) {
    auto x = p.input(0, p.party() == 0 ? a : Tensor<u64>{}, {count});
    auto y = p.input(n - 1, p.party() == n - 1 ? b : Tensor<u64>{}, {count});
    std::vector<Tensor<u64>> opened;
    opened.push_back(p.open(x));
    opened.push_back(p.open(p.add(x, y)));
    opened.push_back(p.open(p.sub(x, y)));
    opened.push_back(p.open(p.neg(x)));
    opened.push_back(p.open(p.add_public(x, c)));
    opened.push_back(p.open(p.mul_public(x, small_values(count, 30, 9))));
    opened.push_back(p.open(p.scale(x, k)));
    opened.push_back(p.open(p.constant(c)));
    Tensor<u64> to_last = p.open_to(n - 1, y);
    opened.push_back(p.party() == n - 1 ? to_last : b);
    return opened;
  });
  const Tensor<u64> small = small_values(count, 30, 9);
  for (const auto& opened : results) {
    EXPECT_EQ(opened[0].to_vector(), a.to_vector());
    EXPECT_EQ(opened[1].to_vector(), add(a, b).to_vector());
    EXPECT_EQ(opened[2].to_vector(), sub(a, b).to_vector());
    EXPECT_EQ(opened[3].to_vector(), neg(a).to_vector());
    EXPECT_EQ(opened[4].to_vector(), add(a, c).to_vector());
    EXPECT_EQ(opened[5].to_vector(), mul(a, small).to_vector());
    EXPECT_EQ(opened[6].to_vector(), scale(a, k).to_vector());
    EXPECT_EQ(opened[7].to_vector(), c.to_vector());
    EXPECT_EQ(opened[8].to_vector(), b.to_vector());
  }
}

TEST_P(ShamirParties, ProductsAreExactForValuesOfTheFixedPointRange) {
  const int n = GetParam();
  const std::size_t m = 6, k = 40, cols = 5;
  const Tensor<u64> a = small_values(m * k, 60, 2).reshaped({m, k});
  const Tensor<u64> b = small_values(k * cols, 60, 3).reshaped({k, cols});
  const Tensor<u64> e = small_values(m * k, 60, 4).reshaped({m, k});
  auto results = run_local<P>(options_for(n), [&](P& p) {
    auto x = p.input(0, p.party() == 0 ? a : Tensor<u64>{}, a.shape());
    auto y = p.input(1, p.party() == 1 ? b : Tensor<u64>{}, b.shape());
    auto z = p.input(2, p.party() == 2 ? e : Tensor<u64>{}, e.shape());
    std::vector<Tensor<u64>> opened;
    opened.push_back(p.open(p.mul(x, z)));
    opened.push_back(p.open(p.matmul(x, y)));
    opened.push_back(p.open(p.dot_rows(x, z)));
    std::vector<std::size_t> targets(m * cols);
    for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % 4;
    opened.push_back(p.open(p.matmul_scatter(x, y, targets, {4})));
    return opened;
  });
  // The references in Z_2^64 (wrapping), which the field must reproduce.
  Tensor<u64> products = mul(a, e), matrix({m, cols}, u64{0}), dots({m}, u64{0}), scattered({4}, 0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      for (std::size_t l = 0; l < k; ++l) matrix[i * cols + j] += a[i * k + l] * b[l * cols + j];
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t l = 0; l < k; ++l) dots[i] += a[i * k + l] * e[i * k + l];
  for (std::size_t i = 0; i < m * cols; ++i) scattered[i % 4] += matrix[i];
  for (const auto& opened : results) {
    EXPECT_EQ(opened[0].to_vector(), products.to_vector());
    EXPECT_EQ(opened[1].to_vector(), matrix.to_vector());
    EXPECT_EQ(opened[2].to_vector(), dots.to_vector());
    EXPECT_EQ(opened[3].to_vector(), scattered.to_vector());
  }
}

TEST_P(ShamirParties, TruncationIsFloorPlusABitWithTheRightProbability) {
  const int n = GetParam();
  const std::size_t count = 4000;
  const int m = 16;
  Tensor<u64> x = small_values(count, 61, 5);
  x[0] = static_cast<u64>((std::int64_t{1} << 62) - 1);  // the range's edges
  x[1] = static_cast<u64>(-(std::int64_t{1} << 62) + 1);
  x[2] = 3 << 15;  // x / 2^m = 1.5: rounds up half of the time
  for (std::size_t i = 3; i < 1000; ++i) x[i] = 3 << 15;
  auto results = run_local<P>(options_for(n), [&](P& p) {
    auto s = p.input(0, p.party() == 0 ? x : Tensor<u64>{}, {count});
    return p.open(p.trunc_pr(s, m));
  });
  std::size_t up = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t floor = static_cast<std::int64_t>(x[i]) >> m;
    const std::int64_t got = static_cast<std::int64_t>(results[0][i]);
    EXPECT_TRUE(got == floor || got == floor + 1) << i << ": " << got << " vs " << floor;
    if (i >= 2 && i < 1000) up += got == floor + 1;
  }
  EXPECT_NEAR(static_cast<double>(up) / 998, 0.5, 5 * 0.5 / std::sqrt(998.0));
  for (const auto& r : results) EXPECT_EQ(r.to_vector(), results[0].to_vector());
}

TEST_P(ShamirParties, RandomBitsAreBitsAndBalancedAndRandomWordsAreSpread) {
  const int n = GetParam();
  const std::size_t count = 4000;
  // Both sources of bits, whichever random_bits picks for this N.
  auto results = run_local<P>(options_for(n), [&](P& p) {
    return std::tuple(p.open(p.random_bits_by_xor(count)), p.open(p.random_bits_by_squaring(count)),
                      p.open(p.random({count})));
  });
  std::size_t xor_ones = 0, square_ones = 0, high = 0;
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_LE(std::get<0>(results[0])[i], 1u) << i;
    ASSERT_LE(std::get<1>(results[0])[i], 1u) << i;
    xor_ones += std::get<0>(results[0])[i];
    square_ones += std::get<1>(results[0])[i];
    high += std::get<2>(results[0])[i] >> 63;
  }
  const double spread = 5 * 0.5 / std::sqrt(static_cast<double>(count));
  EXPECT_NEAR(static_cast<double>(xor_ones) / count, 0.5, spread);
  EXPECT_NEAR(static_cast<double>(square_ones) / count, 0.5, spread);
  EXPECT_NEAR(static_cast<double>(high) / count, 0.5, spread);
}

TEST_P(ShamirParties, ComparisonsAndBitDecompositionAreExact) {
  const int n = GetParam();
  const std::size_t count = 300;
  Tensor<u64> x = small_values(count, 40, 8);
  x[0] = 0;
  x[1] = static_cast<u64>(-1);
  x[2] = (u64{1} << 39);
  Prg prg = Prg::from_seed(9);
  const Tensor<u64> words = prg.random<u64>({count});  // any residue mod 2^64
  auto results = run_local<P>(options_for(n), [&](P& p) {
    auto s = p.input(0, p.party() == 0 ? x : Tensor<u64>{}, {count});
    auto w = p.input(1, p.party() == 1 ? words : Tensor<u64>{}, {count});
    std::vector<BitPlanes> bits;
    bits.push_back(p.bopen(p.msb(s, 41)));
    bits.push_back(p.bopen(p.eqz_bits(s, 41)));
    bits.push_back(p.bopen(p.bit_decompose(w, 64)));
    bits.push_back(p.bopen(p.bit_decompose(s, 20)));
    const auto d = p.bit_decompose(w, 8);
    bits.push_back(p.bopen(p.band(p.bslice(d, 0, 4), p.bnot(p.bslice(d, 4, 4)))));
    bits.push_back(p.bopen(p.bxor(p.bslice(d, 0, 4), p.bgather(d, 1, 2, 4))));
    std::vector<Tensor<u64>> values{p.open(p.mod2m(w, 13)), p.open(p.mod2m(s, 63)),
                                    p.open(p.b2a(p.bconcat(p.bslice(d, 0, 1), p.bslice(d, 7, 1))))};
    return std::pair(bits, values);
  });
  for (const auto& [bits, values] : results) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::int64_t v = static_cast<std::int64_t>(x[i]);
      EXPECT_EQ(bits[0].get(0, i), v >= 0) << i;
      EXPECT_EQ(bits[1].get(0, i), v == 0) << i;
      for (int j = 0; j < 64; ++j) ASSERT_EQ(bits[2].get(j, i), (words[i] >> j) & 1) << i;
      for (int j = 0; j < 20; ++j) ASSERT_EQ(bits[3].get(j, i), (x[i] >> j) & 1) << i;
      for (int j = 0; j < 4; ++j) {
        const bool lo = (words[i] >> j) & 1, hi = (words[i] >> (j + 4)) & 1;
        EXPECT_EQ(bits[4].get(j, i), lo && !hi);
        EXPECT_EQ(bits[5].get(j, i), lo != (((words[i] >> (1 + 2 * j)) & 1) != 0));
      }
      EXPECT_EQ(values[0][i], words[i] & ((u64{1} << 13) - 1));
      EXPECT_EQ(values[1][i], x[i] & ((u64{1} << 63) - 1));
      EXPECT_EQ(values[2][i], words[i] & 1);
      EXPECT_EQ(values[2][count + i], (words[i] >> 7) & 1);
    }
  }
}

TEST_P(ShamirParties, ClientSummandsSumModulo2To64AndStayTruncatable) {
  const int n = GetParam();
  const std::size_t count = 200;
  const Tensor<u64> x = small_values(count, 40, 10);
  Prg prg = Prg::from_seed(11);
  std::vector<Tensor<u64>> summands;  // uniform words that sum to x mod 2^64
  Tensor<u64> last = x;
  for (int i = 0; i + 1 < n; ++i) {
    summands.push_back(prg.random<u64>({count}));
    last = sub(last, summands.back());
  }
  summands.push_back(last);
  auto results = run_local<P>(options_for(n), [&](P& p) {
    auto s = p.input_summands(summands[p.party()], {count});
    return std::pair(p.open(s), p.open(p.trunc_pr(s, 8)));
  });
  for (const auto& [sum, truncated] : results)
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ(sum[i], x[i]);
      const std::int64_t floor = static_cast<std::int64_t>(x[i]) >> 8;
      const std::int64_t got = static_cast<std::int64_t>(truncated[i]);
      EXPECT_TRUE(got == floor || got == floor + 1) << i;
    }
}

// Bytes each party sends and the rounds of op(p, setup(p)).
template <class Setup, class Op>
std::pair<std::vector<std::uint64_t>, std::uint64_t> cost_of(int n, Setup setup, Op op) {
  auto stats = run_local<P>(options_for(n), [&](P& p) {
    auto inputs = setup(p);
    p.session().net().synchronize();
    const CommStats before = p.session().stats();
    op(p, inputs);
    return p.session().stats() - before;
  });
  std::vector<std::uint64_t> bytes;
  std::uint64_t rounds = 0;
  for (const auto& s : stats) {
    bytes.push_back(s.bytes_sent);
    rounds = std::max(rounds, s.rounds);
  }
  return {bytes, rounds};
}

// Whether the protocol reduces degrees by a king (N >= 6) or by resharing.
bool uses_king(int n) {
  return sqt::shamir::KingReduction::cheaper_than_resharing(n, (n - 1) / 2);
}

// Elements party i sends online to reduce `count` products, the first
// reduction of a run: resharing sends all of them to the N - 1 others from
// parties 0 .. 2t; the king of element e is e mod N, and party i sends its
// share to the 2t kings i - 1, ..., i - 2t, and its own elements' openings to
// the N - 1 others.
std::size_t reduction_elements(int n, int i, std::size_t count) {
  const int t = (n - 1) / 2;
  if (!uses_king(n)) return i <= 2 * t ? (n - 1) * count : 0;
  auto of_king = [&](int k) { return count / n + (static_cast<std::size_t>(k) < count % n); };
  std::size_t elements = (n - 1) * of_king(i);
  for (int back = 1; back <= 2 * t; ++back) elements += of_king((i - back + n) % n);
  return elements;
}
std::uint64_t reduction_rounds(int n) {
  return uses_king(n) ? 2 : 1;
}

TEST(ShamirKing, ReplacesResharingWhereItSendsLess) {
  EXPECT_FALSE(uses_king(3));
  EXPECT_FALSE(uses_king(5));  // 4.27 elements per party against 4
  for (int n = 6; n <= 10; ++n) EXPECT_TRUE(uses_king(n)) << n;
  // Constant in N: at most 6 elements per party, against 8.1 at N = 10.
  for (int n = 6; n <= 10; ++n)
    EXPECT_LT(sqt::shamir::KingReduction::king_elements(n, (n - 1) / 2), 5.0);
}

// The king's preprocessing: one offline round per refill, 2 (N - 1) elements
// per party per N - t double sharings; a pool that holds enough costs nothing.
TEST(ShamirKing, DoubleSharingsArePreprocessedInOneOfflineRound) {
  for (int n : {7, 10}) {
    const int t = (n - 1) / 2;
    const std::size_t count = 998, element = 16;  // leaves 2 in the pool at N = 7 and 4 at 10
    const Tensor<u64> v = small_values(count, 40, 8);
    auto costs = run_local<P>(options_for(n), [&](P& p) {
      const auto x = p.input(0, p.party() == 0 ? v : Tensor<u64>{}, {count});
      Network& net = p.session().net();
      net.synchronize();
      const CommStats before = net.offline_stats();
      const auto square = p.mul(x, x);
      const CommStats first = net.offline_stats() - before;
      const auto part = p.mul(P::part(x, 0, {2}), P::part(x, 0, {2}));  // from the rest
      const CommStats second = net.offline_stats() - before;
      const Tensor<u64> head = tensor_part(v, 0, {2});
      EXPECT_EQ(p.open(square).to_vector(), mul(v, v).to_vector());
      EXPECT_EQ(p.open(part).to_vector(), mul(head, head).to_vector());
      return std::pair{first, second};
    });
    const std::size_t batch = (count + (n - t) - 1) / (n - t);
    for (const auto& [first, second] : costs) {
      EXPECT_EQ(first.bytes_sent, 2 * batch * (n - 1) * element) << n;
      EXPECT_EQ(first.rounds, 1u) << n;
      EXPECT_EQ(second.bytes_sent, first.bytes_sent) << n;
    }
  }
}

TEST_P(ShamirParties, CommunicationMatchesTheCostTable) {
  const int n = GetParam(), t = (n - 1) / 2;
  const std::size_t count = 100, element = 16;
  const Tensor<u64> v = small_values(count, 40, 6);
  auto share = [&](P& p) { return p.input(0, p.party() == 0 ? v : Tensor<u64>{}, {count}); };
  auto [input_bytes, input_rounds] = cost_of(
      n, [](P&) { return 0; }, [&](P& p, int) { share(p); });
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(input_bytes[i], i == 0 ? (n - 1) * count * element : 0) << i;
  EXPECT_EQ(input_rounds, 1u);
  auto [open_bytes, open_rounds] = cost_of(n, share, [](P& p, auto& x) { p.open(x); });
  for (int i = 0; i < n; ++i) EXPECT_EQ(open_bytes[i], i <= t ? (n - 1) * count * element : 0) << i;
  EXPECT_EQ(open_rounds, 1u);
  auto [mul_bytes, mul_rounds] = cost_of(n, share, [](P& p, auto& x) { p.mul(x, x); });
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(mul_bytes[i], reduction_elements(n, i, count) * element) << i;
  EXPECT_EQ(mul_rounds, reduction_rounds(n));
  const std::size_t rows = 4, inner = 50, cols = 3;
  auto [matmul_bytes, matmul_rounds] = cost_of(
      n,
      [&](P& p) {
        return p.input(0,
                       p.party() == 0 ? small_values(rows * inner, 20, 7).reshaped({rows, inner})
                                      : Tensor<u64>{},
                       {rows, inner});
      },
      [&](P& p, auto& x) {
        p.matmul(x, P::reshaped(P::part(x, 0, {inner * cols}), {inner, cols}));
      });
  for (int i = 0; i < n; ++i)  // one reduction per output element
    EXPECT_EQ(matmul_bytes[i], reduction_elements(n, i, rows * cols) * element) << i;
  EXPECT_EQ(matmul_rounds, reduction_rounds(n));
  // Random bits by XOR: t + 1 inputs, then t products in ceil(log2(t + 1)) rounds.
  auto [xor_bytes, xor_rounds] = cost_of(
      n, [](P&) { return 0; }, [&](P& p, int) { p.random_bits_by_xor(count); });
  const auto levels = static_cast<std::uint64_t>(std::bit_width(static_cast<unsigned>(t)));
  if (uses_king(n)) {  // the kings rotate between levels: the sum over parties is fixed
    std::uint64_t total = 0;
    for (auto b : xor_bytes) total += b;
    EXPECT_EQ(total, ((t + 1) * (n - 1) + t * (2 * t + n - 1)) * count * element);
  } else {
    for (int i = 0; i < n; ++i)
      EXPECT_EQ(xor_bytes[i],
                ((i <= t ? 1u : 0u) + (i <= 2 * t ? t : 0)) * (n - 1) * count * element)
          << i;
  }
  EXPECT_EQ(xor_rounds, 1u + levels * reduction_rounds(n));
  // By squaring: a DN07 random element, a product, an opening.
  auto [square_bytes, square_rounds] = cost_of(
      n, [](P&) { return 0; }, [&](P& p, int) { p.random_bits_by_squaring(count); });
  const std::size_t batch = (count + (n - t) - 1) / (n - t);
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(square_bytes[i], element * ((n - 1) * (batch + (i <= t ? count : 0)) +
                                          reduction_elements(n, i, count)))
        << i;
  EXPECT_EQ(square_rounds, 2u + reduction_rounds(n));
}

TEST(Shamir, RefusesPartyCountsOutsideThreeToTen) {
  for (int n : {2, 11}) {
    try {
      run_local<P>(options_for(n), [](P&) { return 0; });
      ADD_FAILURE() << n << " parties were accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("shamir runs with 3 to 10 computing parties"),
                std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace sqt
