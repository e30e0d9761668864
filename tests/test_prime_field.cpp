// Tests of the prime field F_p, p = 2^127 - 1 (core/prime_field.h), against
// a slow reference built from addition alone, and of Shamir's sharing over
// it (proto/shamir/shamir_poly.h): reconstruction from any t+1 shares,
// products of degree 2t, and t shares independent of the secret.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/fp127_accumulator.h"
#include "core/prime_field.h"
#include "crypto/prg.h"
#include "proto/shamir/field_tensor.h"
#include "proto/shamir/shamir_poly.h"

namespace sqt {
namespace {

constexpr u128 kP = Fp127::kP;

Fp127 random_element(Prg& prg) {
  u128 bits = 0;
  prg.fill_bytes(&bits, sizeof bits);
  return fp_from_random_bits(bits);
}

// a * b by double-and-add: only the (separately checked) addition.
Fp127 slow_product(Fp127 a, Fp127 b) {
  Fp127 result;
  for (int i = 126; i >= 0; --i) {
    result = result + result;
    if ((b.v >> i) & 1) result = result + a;
  }
  return result;
}

TEST(PrimeField, ReductionAndSignedRepresentatives) {
  EXPECT_EQ(Fp127::reduce(kP).v, 0u);
  EXPECT_EQ(Fp127::reduce(kP + 5).v, 5u);
  EXPECT_EQ(Fp127::reduce(~u128{0}).v, 1u);  // 2^128 - 1 = 2 - 1 (mod p)
  EXPECT_EQ(Fp127::reduce(2 * kP).v, 0u);
  for (i128 x : {i128{0}, i128{1}, i128{-1}, i128{1} << 100, -(i128{1} << 100),
                 static_cast<i128>(kP / 2), -static_cast<i128>(kP / 2)})
    EXPECT_TRUE(Fp127::from_signed(x).to_signed() == x) << to_string_signed(x);
  EXPECT_EQ(Fp127::from_signed(-1).v, kP - 1);
  // The most negative 128-bit integer: -2^127 = -(p + 1) = -1 (mod p).
  EXPECT_EQ(Fp127::from_signed(-(i128{1} << 126) * 2).v, kP - 1);
}

TEST(PrimeField, AdditionSubtractionAndNegationAreModP) {
  const Fp127 top = Fp127::from_reduced(kP - 1);
  EXPECT_EQ((top + Fp127::one()).v, 0u);
  EXPECT_EQ((top + top).v, kP - 2);
  EXPECT_EQ((Fp127{} - Fp127::one()).v, kP - 1);
  EXPECT_EQ((-Fp127{}).v, 0u);
  Prg prg = Prg::from_seed(1);
  for (int i = 0; i < 1000; ++i) {
    Fp127 a = random_element(prg), b = random_element(prg);
    EXPECT_EQ(a + b - b, a);
    EXPECT_EQ(a - b + b, a);
    EXPECT_EQ(a + (-a), Fp127{});
    EXPECT_LT((a + b).v, kP);
    EXPECT_LT((a - b).v, kP);
  }
}

TEST(PrimeField, ProductsMatchDoubleAndAdd) {
  Prg prg = Prg::from_seed(2);
  const Fp127 edges[] = {Fp127{},      Fp127::one(), Fp127::from_reduced(kP - 1),
                         fp_pow2(126), fp_pow2(64),  Fp127::from_reduced((u128{1} << 64) - 1)};
  for (Fp127 a : edges)
    for (Fp127 b : edges) EXPECT_EQ(a * b, slow_product(a, b));
  for (int i = 0; i < 2000; ++i) {
    Fp127 a = random_element(prg), b = random_element(prg);
    Fp127 product = a * b;
    EXPECT_EQ(product, slow_product(a, b));
    EXPECT_LT(product.v, kP);
  }
  EXPECT_EQ(fp_pow2(100) * fp_pow2(27), Fp127::one());  // 2^127 = 1
  EXPECT_EQ(Fp127::from_signed(-3) * Fp127::from_signed(5), Fp127::from_signed(-15));
}

// The lazily reduced sum equals the sum of reduced products, also for
// the largest elements (p - 1, whose words carry most often) and for
// sums long enough to carry many times.
TEST(PrimeField, AccumulatedProductsEqualReducedSums) {
  Prg prg = Prg::from_seed(5);
  const Fp127 largest = Fp127::from_reduced(kP - 1);
  for (int length : {1, 2, 3, 17, 1000, 5000}) {
    Fp127Accumulator lazy, lazy_largest;
    Fp127 reference, reference_largest;
    for (int i = 0; i < length; ++i) {
      const Fp127 a = random_element(prg), b = random_element(prg);
      lazy.add_product(a, b);
      reference += a * b;
      lazy_largest.add_product(largest, largest);
      reference_largest += largest * largest;
    }
    lazy.add(largest);
    reference += largest;
    EXPECT_EQ(lazy.value(), reference) << "length " << length;
    EXPECT_EQ(lazy_largest.value(), reference_largest) << "length " << length;
    EXPECT_LT(lazy.value().v, kP);
  }
  EXPECT_EQ(Fp127Accumulator{}.value(), Fp127{});
}

// field_matmul and field_dot_rows against the per-product triple loop, on
// shapes that split into several column blocks and on degenerate ones.
TEST(PrimeField, MatrixProductsEqualThePerProductReference) {
  Prg prg = Prg::from_seed(6);
  const Shape shapes[][2] = {{{1, 1}, {1, 1}},
                             {{3, 5}, {5, 2}},
                             {{7, 2048}, {2048, 9}},
                             {{4, 784}, {784, 130}},
                             {{2, 0}, {0, 3}}};
  for (const auto& [shape_a, shape_b] : shapes) {
    shamir::FieldTensor a(shape_a, kUninitialized), b(shape_b, kUninitialized);
    for (Fp127& x : a) x = random_element(prg);
    for (Fp127& x : b) x = random_element(prg);
    if (a.size() > 0) a[0] = Fp127::from_reduced(kP - 1);
    const std::size_t m = shape_a[0], k = shape_a[1], n = shape_b[1];
    const shamir::FieldTensor c = shamir::field_matmul(a, b);
    ASSERT_EQ(c.shape(), (Shape{m, n}));
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        Fp127 expected;
        for (std::size_t l = 0; l < k; ++l) expected += a[i * k + l] * b[l * n + j];
        ASSERT_EQ(c[i * n + j], expected) << i << "," << j << " of " << m << "x" << k << "x" << n;
      }
  }
  shamir::FieldTensor x(Shape{3, 300}, kUninitialized), y(Shape{3, 300}, kUninitialized);
  for (Fp127& e : x) e = random_element(prg);
  for (Fp127& e : y) e = random_element(prg);
  const shamir::FieldTensor dots = shamir::field_dot_rows(x, y);
  for (std::size_t r = 0; r < 3; ++r) {
    Fp127 expected;
    for (std::size_t l = 0; l < 300; ++l) expected += x[r * 300 + l] * y[r * 300 + l];
    EXPECT_EQ(dots[r], expected);
  }
}

TEST(PrimeField, SquaresSmallMultiplesAndAllOnesPowersMatchProducts) {
  Prg prg = Prg::from_seed(4);
  const Fp127 edges[] = {Fp127{}, Fp127::one(), Fp127::from_reduced(kP - 1), fp_pow2(126),
                         Fp127::from_reduced((u128{1} << 64) - 1)};
  for (Fp127 a : edges) EXPECT_EQ(a.squared(), slow_product(a, a));
  for (int i = 0; i < 500; ++i) {
    Fp127 a = random_element(prg);
    EXPECT_EQ(a.squared(), slow_product(a, a));
  }
  for (std::uint32_t c : {0u, 1u, 2u, 10u, 0xffffffffu})
    for (Fp127 a : edges) EXPECT_EQ(a.times_small(c), slow_product(a, Fp127::from_reduced(c)));
  for (int i = 0; i < 500; ++i) {
    Fp127 a = random_element(prg);
    const auto c = static_cast<std::uint32_t>(prg.next_u64());
    EXPECT_EQ(a.times_small(c), slow_product(a, Fp127::from_reduced(c)));
  }
  for (int k = 1; k <= 127; ++k) {
    Fp127 a = random_element(prg);
    const u128 exponent = (u128{1} << k) - 1;
    EXPECT_EQ(a.pow_all_ones(k), a.pow(exponent)) << "k = " << k;
  }
}

TEST(PrimeField, InversesAndSquareRoots) {
  Prg prg = Prg::from_seed(3);
  EXPECT_EQ(Fp127{}.inverse(), Fp127{});
  for (int i = 0; i < 200; ++i) {
    Fp127 a = random_element(prg);
    if (a == Fp127{}) continue;
    EXPECT_EQ(a * a.inverse(), Fp127::one());
    Fp127 square = a * a, root = square.sqrt();
    EXPECT_TRUE(root == a || root == -a);
  }
  // -1 is not a square when p = 3 (mod 4): its "root" squares to +1.
  const Fp127 minus_one = -Fp127::one();
  EXPECT_EQ(minus_one.sqrt() * minus_one.sqrt(), Fp127::one());
}

TEST(Shamir, AnyTPlusOneSharesReconstruct) {
  Prg prg = Prg::from_seed(4);
  for (int n : {3, 5, 7, 10}) {
    const int t = (n - 1) / 2;
    const Fp127 secret = random_element(prg);
    const std::vector<Fp127> shares = shamir::share_secret(secret, t, n, prg);
    // Every window of t+1 consecutive parties (cyclically), and all n.
    for (int first = 0; first < n; ++first) {
      std::vector<int> parties;
      std::vector<Fp127> theirs;
      for (int j = 0; j <= t; ++j) {
        parties.push_back((first + j) % n);
        theirs.push_back(shares[parties.back()]);
      }
      EXPECT_EQ(shamir::reconstruct(theirs, parties), secret) << n << " parties from " << first;
    }
    std::vector<int> all(n);
    for (int i = 0; i < n; ++i) all[i] = i;
    EXPECT_EQ(shamir::reconstruct(shares, all), secret);
  }
}

TEST(Shamir, ProductOfTwoSharingsIsADegree2tSharing) {
  Prg prg = Prg::from_seed(5);
  for (int n : {3, 5, 10}) {
    const int t = (n - 1) / 2;
    const Fp127 a = Fp127::from_signed(-7), b = Fp127::from_signed(12345);
    auto sa = shamir::share_secret(a, t, n, prg), sb = shamir::share_secret(b, t, n, prg);
    std::vector<Fp127> product;
    std::vector<int> parties;
    for (int i = 0; i < 2 * t + 1; ++i) {
      product.push_back(sa[i] * sb[i]);
      parties.push_back(i);
    }
    EXPECT_EQ(shamir::reconstruct(product, parties), a * b) << n;
  }
}

TEST(Shamir, TSharesAreIndependentOfTheSecret) {
  // Over many sharings of two different secrets, the first t shares look
  // the same: here, the distribution of their low bits (t = 2, 4096 draws
  // each; counts per pattern agree within 5 standard deviations).
  Prg prg = Prg::from_seed(6);
  const int n = 5, t = 2, draws = 4096;
  std::map<int, int> counts[2];
  for (int s = 0; s < 2; ++s)
    for (int i = 0; i < draws; ++i) {
      auto shares = shamir::share_secret(Fp127::from_signed(s == 0 ? 0 : 1'000'000), t, n, prg);
      counts[s][static_cast<int>((shares[0].v & 3) | ((shares[1].v & 3) << 2))]++;
    }
  for (int pattern = 0; pattern < 16; ++pattern) {
    const double expected = draws / 16.0, spread = 5 * std::sqrt(expected);
    EXPECT_NEAR(counts[0][pattern], expected, spread) << pattern;
    EXPECT_NEAR(counts[1][pattern], expected, spread) << pattern;
  }
  EXPECT_THROW(shamir::lagrange_at_zero({0, 1, 1}), Error);
}

}  // namespace
}  // namespace sqt
