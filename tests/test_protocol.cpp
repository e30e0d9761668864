// Correctness of every protocol operation against exact-integer and double
// references, for both rings and for both the emulator and rep3.
#include <cmath>

#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "mpc/building_blocks.h"
#include "mpc/fixed.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Ops = ProtocolTest<P>;
TYPED_TEST_SUITE(Ops, AllProtocols, ProtocolNames);

TYPED_TEST(Ops, InputFromEveryPartyOpensToTheValue) {
  using R = typename TestFixture::R;
  for (int owner = 0; owner < local_parties<TypeParam>({}); ++owner) {
    Tensor<R> values = TestFixture::ring_values(1000, 1 + owner);
    auto opened = TestFixture::run_agreed([&](TypeParam& p) {
      Tensor<R> mine = p.party() == owner ? values : Tensor<R>{};
      return p.open(p.input(owner, mine, values.shape()));
    });
    EXPECT_TRUE(opened == values) << "owner " << owner;
  }
}

TYPED_TEST(Ops, OpenToRevealsOnlyToTheChosenParty) {
  using R = typename TestFixture::R;
  Tensor<R> values = TestFixture::ring_values(100, 2);
  for (int target = 0; target < local_parties<TypeParam>({}); ++target) {
    auto results = TestFixture::run_all(
        [&](TypeParam& p) { return p.open_to(target, p.input(0, values, values.shape())); });
    for (int party = 0; party < local_parties<TypeParam>({}); ++party) {
      if (party == target) {
        EXPECT_TRUE(results[party] == values);
      } else {
        EXPECT_EQ(results[party].size(), 0u) << "party " << party << " learned the value";
      }
    }
  }
}

// Full-ring values, or for a protocol over a field values whose products
// (to `factors` factors) stay in its exact range.
template <class Fixture, class P>
Tensor<typename Fixture::R> product_values(std::size_t n, std::uint64_t seed, int factors) {
  if constexpr (requires { P::kExactProductBits; })
    return Fixture::bounded_values(n, (P::kExactProductBits - 6) / factors, seed);
  else
    return Fixture::ring_values(n, seed);
}

TYPED_TEST(Ops, LinearOperationsAreExact) {
  using R = typename TestFixture::R;
  Tensor<R> a = product_values<TestFixture, TypeParam>(500, 3, 2);
  Tensor<R> b = TestFixture::ring_values(500, 4);
  Tensor<R> c = product_values<TestFixture, TypeParam>(500, 5, 2);
  const R factor = static_cast<R>(0x9e3779b97f4a7c15ull);
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto x = p.input(0, a, a.shape());
    auto y = p.input(local_parties<TypeParam>({}) - 1, b, b.shape());
    return std::vector<Tensor<R>>{p.open(p.add(x, y)),        p.open(p.sub(x, y)),
                                  p.open(p.neg(x)),           p.open(p.add_public(x, c)),
                                  p.open(p.mul_public(x, c)), p.open(p.scale(y, factor))};
  });
  EXPECT_TRUE(opened[0] == add(a, b));
  EXPECT_TRUE(opened[1] == sub(a, b));
  EXPECT_TRUE(opened[2] == neg(a));
  EXPECT_TRUE(opened[3] == add(a, c));
  EXPECT_TRUE(opened[4] == mul(a, c));
  EXPECT_TRUE(opened[5] == scale(b, factor));
}

TYPED_TEST(Ops, MultiplicationIsExactModulo2k) {
  using R = typename TestFixture::R;
  Tensor<R> a = product_values<TestFixture, TypeParam>(10000, 6, 3);
  Tensor<R> b = product_values<TestFixture, TypeParam>(10000, 7, 3);
  std::reverse(b.begin() + 10000, b.end());  // pair the edge values with each other
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto x = p.input(0, a, a.shape());
    auto y = p.input(1 % local_parties<TypeParam>({}), b, b.shape());
    auto xy = p.mul(x, y);
    return std::vector<Tensor<R>>{p.open(xy), p.open(p.mul(xy, x))};
  });
  EXPECT_TRUE(opened[0] == mul(a, b));
  EXPECT_TRUE(opened[1] == mul(mul(a, b), a));
}

TYPED_TEST(Ops, MatrixAndDotProductsAreExact) {
  using R = typename TestFixture::R;
  const std::size_t m = 5, k = 37, n = 6;
  Tensor<R> a = tensor_part(product_values<TestFixture, TypeParam>(m * k, 8, 2), 0, {m, k});
  Tensor<R> b = tensor_part(product_values<TestFixture, TypeParam>(k * n, 9, 2), 0, {k, n});
  Tensor<R> expected(Shape{m, n}, R{0});
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t q = 0; q < k; ++q) expected[i * n + j] += a[i * k + q] * b[q * n + j];
  Tensor<R> c = tensor_part(product_values<TestFixture, TypeParam>(m * k, 10, 2), 0, {m, k});
  Tensor<R> dots(Shape{m}, R{0});
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t q = 0; q < k; ++q) dots[i] += a[i * k + q] * c[i * k + q];
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto x = p.input(0, a, a.shape());
    auto y = p.input(1 % local_parties<TypeParam>({}), b, b.shape());
    auto z = p.input(1 % local_parties<TypeParam>({}), c, c.shape());
    auto xt = TypeParam::transposed(x);  // (k x m): x^T^T y through the building block
    return std::vector<Tensor<R>>{p.open(p.matmul(x, y)), p.open(p.dot_rows(x, z)),
                                  p.open(matmul_left_transposed(p, xt, y))};
  });
  EXPECT_TRUE(opened[0] == expected);
  EXPECT_TRUE(opened[1] == dots);
  EXPECT_TRUE(opened[2] == expected);
}

TYPED_TEST(Ops, ShapeErrorsNameTheShapes) {
  using R = typename TestFixture::R;
  auto errors = TestFixture::run_all([&](TypeParam& p) {
    auto x = p.input(0, Tensor<R>({2, 3}, R{1}), {2, 3});
    try {
      p.matmul(x, x);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  });
  for (auto& e : errors) EXPECT_EQ(e, "matmul: cannot multiply [2, 3] by [2, 3]");
}

TYPED_TEST(Ops, RandomSharingsAreUniformAndConsistent) {
  using R = typename TestFixture::R;
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    return std::vector<Tensor<R>>{p.open(p.random({4096})), p.open(p.random({4096}))};
  });
  EXPECT_FALSE(opened[0] == opened[1]);
  std::size_t top_bits = 0;
  for (R v : opened[0]) top_bits += static_cast<std::size_t>(v >> (TestFixture::k - 1));
  EXPECT_NEAR(static_cast<double>(top_bits) / 4096, 0.5, 0.05);
}

// Checks y in {floor(x / 2^m), floor(x / 2^m) + 1}, exact when 2^m divides x.
template <class R>
void expect_truncated(const Tensor<R>& x, const Tensor<R>& y, int m) {
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    R floor = arith_shift_right(x[i], m);
    bool exact = (x[i] & (pow2<R>(m) - 1)) == 0;
    EXPECT_TRUE(y[i] == floor || (!exact && y[i] == floor + 1))
        << "element " << i << ": x = " << to_string_signed(to_signed(x[i]))
        << ", y = " << to_string_signed(to_signed(y[i]));
  }
}

TYPED_TEST(Ops, ProbabilisticTruncationRoundsDownOrUpOverTheWholeRange) {
  using R = typename TestFixture::R;
  for (int m : {1, 16, TestFixture::k / 4}) {
    auto range_bits = TestFixture::run_all([](TypeParam& p) { return p.trunc_range_bits(); })[0];
    Tensor<R> a = TestFixture::bounded_values(5000, range_bits, 11 + m);
    auto opened = TestFixture::run_agreed(
        [&](TypeParam& p) { return p.open(p.trunc_pr(p.input(0, a, a.shape()), m)); });
    expect_truncated(a, opened, m);
  }
}

TYPED_TEST(Ops, FixedPointProductsMatchDoublesWithinOneUlp) {
  using R = typename TestFixture::R;
  const int f = kDefaultFracBits<R>;
  Prg prg = Prg::from_seed(12);
  Tensor<double> u({3000}), v({3000});
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = (static_cast<double>(prg.next_u64() >> 11) / 9007199254740992.0 - 0.5) * 200;
    v[i] = (static_cast<double>(prg.next_u64() >> 11) / 9007199254740992.0 - 0.5) * 2;
  }
  u[0] = 0;
  v[1] = 0;
  u[2] = 100 - std::ldexp(1.0, -f);
  v[2] = -1;
  const std::size_t rows = 30, inner = 100;
  // The matrix product's entries summed into 40 outputs; target 40 (one
  // past the end) is dropped, as a convolution's padding.
  constexpr std::size_t kScattered = 40;
  std::vector<std::size_t> targets(rows * rows);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % (kScattered + 1);
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    const int other = 1 % local_parties<TypeParam>({});
    auto x = input_fixed(p, 0, u, u.shape()), y = input_fixed(p, other, v, v.shape());
    auto a = input_fixed(p, 0, u.reshaped({rows, inner}), {rows, inner});
    auto b = input_fixed(p, other, v.reshaped({inner, rows}), {inner, rows});
    return std::vector<Tensor<double>>{
        open_fixed(p, fix_mul(p, x, y)), open_fixed(p, fix_matmul(p, a, b)),
        open_fixed(p, fix_matmul_scatter(p, a, b, targets, {kScattered}))};
  });
  auto encoded = [&](double x) { return decode_fixed(encode_fixed<R>(x, f), f); };
  for (std::size_t i = 0; i < u.size(); ++i) {
    double exact = encoded(u[i]) * encoded(v[i]);
    EXPECT_LT(std::abs(opened[0][i] - exact), std::ldexp(1.0, -f)) << u[i] << " * " << v[i];
  }
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < rows; ++j) {
      double exact = 0;
      for (std::size_t q = 0; q < inner; ++q)
        exact += encoded(u[i * inner + q]) * encoded(v[q * rows + j]);
      EXPECT_LT(std::abs(opened[1][i * rows + j] - exact), std::ldexp(1.0, -f) * (1 + 1e-9));
    }
  }
  std::vector<double> scattered(kScattered + 1, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < rows; ++j)
      for (std::size_t q = 0; q < inner; ++q)
        scattered[targets[i * rows + j]] += encoded(u[i * inner + q]) * encoded(v[q * rows + j]);
  ASSERT_EQ(opened[2].size(), kScattered);
  for (std::size_t t = 0; t < kScattered; ++t)
    EXPECT_LT(std::abs(opened[2][t] - scattered[t]), std::ldexp(1.0, -f) * (1 + 1e-9)) << t;
}

}  // namespace
}  // namespace sqt

namespace sqt {
// Every protocol fulfils the full contract (a missing operation fails here).
static_assert(BinaryProtocol<Plain<std::uint64_t>>);
static_assert(BinaryProtocol<Plain<u128>>);
static_assert(BinaryProtocol<Rep3<std::uint64_t>>);
static_assert(BinaryProtocol<Rep3<u128>>);
}  // namespace sqt
