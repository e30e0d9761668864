// Binary sharings, boolean circuits and the comparison primitives (msb,
// eqz, mod2m, b2a) against exact references, for every protocol and ring.
#include "core/bit_planes.h"
#include "mpc/building_blocks.h"
#include "proto/common/bit_circuits.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Binary = ProtocolTest<P>;
TYPED_TEST_SUITE(Binary, AllProtocols, ProtocolNames);

BitPlanes random_planes(std::size_t n, int planes, std::uint64_t seed) {
  BitPlanes b(n, planes);
  Prg::from_seed(seed).fill<std::uint64_t>(b.words());
  b.clear_padding();
  return b;
}

TYPED_TEST(Binary, XorAndNotOpenMatchCleartext) {
  const std::size_t n = 1000;
  BitPlanes a = random_planes(n, 5, 1), b = random_planes(n, 5, 2);
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto x = p.binput(0, a, n, 5), y = p.binput(local_parties<TypeParam>({}) - 1, b, n, 5);
    return std::vector<BitPlanes>{p.bopen(p.bxor(x, y)), p.bopen(p.band(x, y)), p.bopen(p.bnot(x)),
                                  p.bopen(p.bconcat(p.bslice(x, 3, 2), p.bgather(y, 0, 2, 3)))};
  });
  EXPECT_TRUE(opened[0] == (a ^ b));
  EXPECT_TRUE(opened[1] == (a & b));
  EXPECT_TRUE(opened[2] == ~a);
  EXPECT_TRUE(opened[3] == a.slice(3, 2).concat(b.gather(0, 2, 3)));
}

TYPED_TEST(Binary, LessThanCircuitIsExactIncludingTies) {
  using R = typename TestFixture::R;
  for (int w : {1, 2, 7, 31, 64}) {
    const std::size_t n = 700;
    Tensor<R> a = TestFixture::random_values(n, 3 + w), b = TestFixture::random_values(n, 4 + w);
    const R mask = w == 64 ? R{~std::uint64_t{0}} : pow2<R>(w) - 1;
    for (std::size_t i = 0; i < n; ++i) {
      a[i] &= mask;
      b[i] &= mask;
      if (i % 5 == 0) b[i] = a[i];                                                // ties
      if (i % 7 == 0) b[i] = a[i] ^ (R{1} << (i % static_cast<std::size_t>(w)));  // one bit apart
    }
    auto opened = TestFixture::run_agreed([&](TypeParam& p) {
      auto x = p.binput(0, to_planes(a, 0, w), n, w);
      auto y = p.binput(1 % local_parties<TypeParam>({}), to_planes(b, 0, w), n, w);
      return p.bopen(bit_less_than(p, x, y));
    });
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(opened.get(0, i), a[i] < b[i]) << "w " << w << " i " << i;
  }
}

TYPED_TEST(Binary, MsbIsTheSignOverTheWholeRange) {
  using R = typename TestFixture::R;
  // 48 and k - 8: widths that mal3 widens to k (Mal3::compare_width).
  for (int l : {2, 20, 48, 64, TestFixture::k - 8, TestFixture::k}) {
    Tensor<R> x = TestFixture::bounded_values(2000, l - 1, 5 + l);
    std::vector<R> v = x.to_vector();
    v.push_back(R{0} - pow2<R>(l - 1));  // most negative in range
    v.push_back(pow2<R>(l - 1) - 1);     // largest in range
    x = Tensor<R>({v.size()}, v);
    auto opened = TestFixture::run_agreed([&](TypeParam& p) {
      auto s = p.input(0, x, x.shape());
      return std::pair(p.bopen(p.msb(s, l)), p.open(p.b2a(p.bnot(p.msb(s, l)))));
    });
    for (std::size_t i = 0; i < x.size(); ++i) {
      bool nonnegative = to_signed(x[i]) >= 0;
      ASSERT_EQ(opened.first.get(0, i), nonnegative)
          << "l " << l << " x " << to_string_signed(to_signed(x[i]));
      ASSERT_TRUE(opened.second[i] == (nonnegative ? 0 : 1));
    }
  }
}

TYPED_TEST(Binary, EqualityWithZeroIsExact) {
  using R = typename TestFixture::R;
  Tensor<R> x = TestFixture::ring_values(1000, 6);
  for (std::size_t i = 0; i < 1000; i += 3) x[i] = 0;
  for (std::size_t i = 1; i < 1000; i += 9) x[i] = pow2<R>(40);  // zero mod 2^40 but not mod 2^64
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto s = p.input(0, x, x.shape());
    return std::pair(p.bopen(p.eqz_bits(s, TestFixture::k)), p.bopen(p.eqz_bits(s, 40)));
  });
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(opened.first.get(0, i), x[i] == 0) << i;
    ASSERT_EQ(opened.second.get(0, i), (x[i] & (pow2<R>(40) - 1)) == 0) << i;
  }
}

TYPED_TEST(Binary, Mod2mIsExactForAnyValue) {
  using R = typename TestFixture::R;
  Tensor<R> x = TestFixture::ring_values(3000, 7);
  for (int m : {1, 16, TestFixture::k / 2, TestFixture::k - 1}) {
    auto opened = TestFixture::run_agreed(
        [&](TypeParam& p) { return p.open(p.mod2m(p.input(0, x, x.shape()), m)); });
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_TRUE(opened[i] == (x[i] & (pow2<R>(m) - 1))) << m << " " << i;
  }
}

TYPED_TEST(Binary, BitToArithmeticConvertsEveryPlane) {
  using R = typename TestFixture::R;
  const std::size_t n = 333;
  BitPlanes bits = random_planes(n, 3, 8);
  auto opened =
      TestFixture::run_agreed([&](TypeParam& p) { return p.open(p.b2a(p.binput(0, bits, n, 3))); });
  ASSERT_EQ(opened.size(), 3 * n);
  for (int j = 0; j < 3; ++j)
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_TRUE(opened[j * n + i] == (bits.get(j, i) ? R{1} : R{0}));
}

}  // namespace
}  // namespace sqt

namespace sqt {
namespace {

template <class P>
using Decompose = ProtocolTest<P>;
TYPED_TEST_SUITE(Decompose, AllProtocols, ProtocolNames);

TYPED_TEST(Decompose, BothBitDecompositionsGiveEveryBit) {
  using R = typename TestFixture::R;
  Tensor<R> x = TestFixture::ring_values(1500, 31);
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto s = p.input(0, x, x.shape());
    return std::pair(p.bopen(bit_decompose_full(p, s)), p.bopen(p.bit_decompose(s, 40)));
  });
  EXPECT_TRUE(opened.first == to_planes(x, 0, TestFixture::k));
  EXPECT_TRUE(opened.second == to_planes(x, 0, 40));
}

TYPED_TEST(Decompose, AdderAndSubtractorCircuitsAreExact) {
  using R = typename TestFixture::R;
  const int w = 37;
  Tensor<R> a = TestFixture::random_values(800, 32), b = TestFixture::random_values(800, 33);
  auto opened = TestFixture::run_agreed([&](TypeParam& p) {
    auto x = p.binput(0, to_planes(a, 0, w), a.size(), w);
    auto y = p.binput(local_parties<TypeParam>({}) - 1, to_planes(b, 0, w), b.size(), w);
    auto [sum, carry] = carry_save(p, x, y, x);
    return std::vector<BitPlanes>{p.bopen(bit_add(p, x, y, false)), p.bopen(bit_subtract(p, x, y)),
                                  p.bopen(bit_add(p, sum, carry, false))};
  });
  const R mask = pow2<R>(w) - 1;
  Tensor<R> sums = from_planes<R>(opened[0]), differences = from_planes<R>(opened[1]);
  Tensor<R> triples = from_planes<R>(opened[2]);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(sums[i] == ((a[i] + b[i]) & mask)) << i;
    ASSERT_TRUE(differences[i] == ((a[i] - b[i]) & mask)) << i;
    ASSERT_TRUE(triples[i] == ((a[i] + b[i] + a[i]) & mask)) << i;
  }
}

}  // namespace
}  // namespace sqt
