// test_semi2k.cpp — semi2k's correlated randomness, from the dealer and from
// OT: every item opened and checked against its defining relation, and the
// preprocessing traffic counted apart from the online phase.
#include <gtest/gtest.h>

#include <functional>

#include "core/tensor_ops.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
struct Semi2kItems : ProtocolTest<P> {};

using Sources =
    ::testing::Types<Semi2kDealt<std::uint64_t, 2>, Semi2kDealt<std::uint64_t, 5>,
                     Semi2kOt<std::uint64_t, 2>, Semi2kOt<u128, 2>, Semi2kOt<std::uint64_t, 3>>;
TYPED_TEST_SUITE(Semi2kItems, Sources, ProtocolNames);

template <class P>
Tensor<typename P::Ring> open_summand(P& p, const Tensor<typename P::Ring>& mine) {
  return p.open(typename P::Share{{mine}});
}

TYPED_TEST(Semi2kItems, TriplesMultiply) {
  auto opened = TestFixture::run_agreed([](TypeParam& p) {
    auto t = p.correlations().triples({37, 3});
    return std::vector{open_summand(p, t.a), open_summand(p, t.b), open_summand(p, t.c)};
  });
  EXPECT_TRUE(opened[2] == mul(opened[0], opened[1]));
}

TYPED_TEST(Semi2kItems, MatrixTriplesMultiplyInBothOrientations) {
  using R = typename TestFixture::R;
  for (auto [m, k, n] : {std::tuple{5, 7, 9}, std::tuple{9, 4, 3}}) {
    auto opened = TestFixture::run_agreed([&](TypeParam& p) {
      auto t = p.correlations().matrix_triple(m, k, n);
      return std::vector{open_summand(p, t.a), open_summand(p, t.b), open_summand(p, t.c)};
    });
    Tensor<R> c(Shape{std::size_t(m), std::size_t(n)}, R{0});
    ThreadPool one_thread(1);
    matmul_add(opened[0].data(), opened[1].data(), c.data(), m, k, n, one_thread);
    EXPECT_TRUE(opened[2] == c) << m << "x" << k << "x" << n;
  }
}

// c = G(a) b and c = G(a)^T b for the im2col expansion G of a padded input
// (stride and padding: some rows read the trailing element).
TYPED_TEST(Semi2kItems, Im2colTriplesMultiplyTheExpandedInput) {
  using R = typename TestFixture::R;
  const Im2col im2col(ConvGeometry{2, 5, 4, 3, 3, 2, 1}, 2);
  const std::size_t n = 3;
  for (bool transposed : {false, true}) {
    auto opened = TestFixture::run_agreed([&](TypeParam& p) {
      auto t = p.correlations().im2col_triple(im2col, n, transposed);
      return std::vector{open_summand(p, t.a), open_summand(p, t.b), open_summand(p, t.c)};
    });
    ASSERT_EQ(opened[0].shape(), Shape{im2col.padded_size()});
    Tensor<R> left = tensor_gather(opened[0], im2col.index(), im2col.shape());
    if (transposed) left = tensor_transpose(left);
    const std::size_t m = left.shape()[0], k = left.shape()[1];
    ASSERT_EQ(opened[1].shape(), (Shape{k, n}));
    Tensor<R> c(Shape{m, n}, R{0});
    ThreadPool one_thread(1);
    matmul_add(left.data(), opened[1].data(), c.data(), m, k, n, one_thread);
    EXPECT_TRUE(opened[2] == c) << (transposed ? "G(a)^T b" : "G(a) b");
  }
}

TYPED_TEST(Semi2kItems, BitTriplesAnd) {
  auto opened = TestFixture::run_agreed([](TypeParam& p) {
    auto t = p.correlations().bit_triples(300, 3);
    return std::vector{p.bopen({{t.a}}), p.bopen({{t.b}}), p.bopen({{t.c}})};
  });
  EXPECT_TRUE(opened[2] == (opened[0] & opened[1]));
}

TYPED_TEST(Semi2kItems, DaBitsAgreeAndAreBalanced) {
  using R = typename TestFixture::R;
  const std::size_t n = 500;
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto d = p.correlations().dabits(n, 2);
    return std::pair(open_summand(p, d.ring), p.bopen({{d.bits}}));
  });
  std::size_t ones = 0;
  for (int j = 0; j < 2; ++j)
    for (std::size_t e = 0; e < n; ++e) {
      const R v = opened.first[j * n + e];
      ASSERT_TRUE(v == R{0} || v == R{1});
      EXPECT_EQ(v == R{1}, opened.second.get(j, e));
      ones += v == R{1};
    }
  EXPECT_GT(ones, 400u);  // 1000 bits: 500 expected, 400 is 6 sigma away
  EXPECT_LT(ones, 600u);
}

TYPED_TEST(Semi2kItems, TruncationPairsAreConsistent) {
  using R = typename TestFixture::R;
  constexpr int k = TestFixture::k, m = 16;
  auto opened = TestFixture::run_agreed([](TypeParam& p) {
    auto t = p.correlations().trunc_pairs(200, m);
    return std::vector{open_summand(p, t.r), open_summand(p, t.msb), open_summand(p, t.mid)};
  });
  for (std::size_t i = 0; i < 200; ++i) {
    EXPECT_TRUE(opened[1][i] == (opened[0][i] >> (k - 1)));
    EXPECT_TRUE(opened[2][i] == ((opened[0][i] & (pow2<R>(k - 1) - 1)) >> m));
  }
}

// Preprocessing traffic is counted as offline; an online multiplication of
// n elements sends exactly 2n elements to each of the N-1 peers, one round.
TYPED_TEST(Semi2kItems, OfflineTrafficIsCountedApart) {
  using R = typename TestFixture::R;
  const std::size_t n = 256;
  auto results = TestFixture::run_all([&](TypeParam& p) {
    auto x = p.input(0, Tensor<R>(Shape{n}, R{3}), {n});
    p.session().net().synchronize();
    const CommStats online = p.session().stats();
    const CommStats offline = p.offline_stats();
    p.mul(x, x);
    return std::pair(p.session().stats() - online, p.offline_stats() - offline);
  });
  const int parties = local_parties<TypeParam>({});
  std::uint64_t offline_bytes = 0;  // with a dealer only party N-1 talks to it
  for (auto& [online, offline] : results) {
    EXPECT_EQ(online.bytes_sent, 2 * n * sizeof(R) * (parties - 1));
    EXPECT_EQ(online.rounds, 1u);
    offline_bytes += offline.bytes_received;
  }
  EXPECT_GE(offline_bytes, n * sizeof(R));  // at least the c summand
}

// The online cost table of docs/protocols/semi2k.md: bytes each party sends
// and rounds, per operation, for N parties.
TYPED_TEST(Semi2kItems, OnlineCostsMatchTheTable) {
  using R = typename TestFixture::R;
  constexpr std::size_t e = sizeof(R), k = TestFixture::k;
  const std::uint64_t peers = local_parties<TypeParam>({}) - 1;
  const std::size_t n = 128, m = 8, kd = 16, c = 4, l = 20;
  const Im2col conv(ConvGeometry{2, 8, 7, c, 3, 1, 0}, 1);  // 30 rows of 18
  struct Row {
    const char* what;
    std::function<void(TypeParam&, const typename TypeParam::Share&)> op;
    std::uint64_t bytes, rounds;
  };
  const std::uint64_t less_rounds = 1 + 5;  // bit_less_than on 19 planes: 1 + ceil(log2 19)
  std::vector<Row> rows = {
      {"open", [](TypeParam& p, const auto& x) { p.open(x); }, peers * n * e, 1},
      {"mul", [](TypeParam& p, const auto& x) { p.mul(x, x); }, peers * 2 * n * e, 1},
      {"matmul",
       [&](TypeParam& p, const auto& x) {
         p.matmul(TypeParam::part(x, 0, {m, kd}), TypeParam::part(x, 0, {kd, c}));
       },
       peers * (m * kd + kd * c) * e, 1},
      // A convolution's products open the padded input (113 elements), not
      // its im2col matrix (30 x 18), and the other factor.
      {"conv product",
       [&](TypeParam& p, const auto& x) {
         p.matmul_im2col(TypeParam::part(x, 0, {conv.padded_size()}), conv,
                         TypeParam::part(x, 0, {conv.patch(), c}));
       },
       peers * (conv.padded_size() + conv.patch() * c) * e, 1},
      {"conv weight gradient",
       [&](TypeParam& p, const auto& x) {
         p.matmul_im2col_left_transposed(TypeParam::part(x, 0, {conv.padded_size()}), conv,
                                         TypeParam::part(x, 0, {conv.rows(), c}));
       },
       peers * (conv.padded_size() + conv.rows() * c) * e, 1},
      {"trunc_pr", [](TypeParam& p, const auto& x) { p.trunc_pr(x, 16); }, peers * n * e, 1},
      {"b2a of 3 planes",
       [&](TypeParam& p, const auto&) { p.b2a(p.binput(0, BitPlanes(n, 3), n, 3)); },
       peers * 3 * (n / 64) * 8, 1},
      {"eqz 20 bits", [&](TypeParam& p, const auto& x) { p.eqz_bits(x, l); }, 0, 1 + 5},
      {"msb 20 bits", [&](TypeParam& p, const auto& x) { p.msb(x, l); }, 0, 1 + less_rounds},
  };
  for (const Row& row : rows) {
    auto results = TestFixture::run_all([&](TypeParam& p) {
      auto x = p.input(0, Tensor<R>(Shape{n}, R{5}), {n});
      p.session().net().synchronize();
      const CommStats before = p.session().stats();
      row.op(p, x);
      return p.session().stats() - before;
    });
    for (const CommStats& s : results) {
      if (row.bytes) {
        EXPECT_EQ(s.bytes_sent, row.bytes) << row.what;
      }
      EXPECT_EQ(s.rounds, row.rounds) << row.what;
    }
  }
  (void)k;
}

}  // namespace
}  // namespace sqt
