// core/u192.h: arithmetic modulo 2^192 against an exact reference built
// from the 128-bit ring (a 192-bit value as a high 64-bit word and a low
// 128-bit word), on random and boundary values.
#include <gtest/gtest.h>

#include "core/ring.h"
#include "core/tensor_ops.h"
#include "crypto/prg.h"
#include "kernels/matmul.h"

namespace sqt {
namespace {

// Reference: value = hi 2^128 + lo, as plain integers.
struct Wide {
  std::uint64_t hi;
  u128 lo;
};

Wide wide_of(const u192& x) {
  return {x.limb(2), static_cast<u128>(x)};
}

Wide wide_add(Wide a, Wide b) {
  const u128 lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
}

Wide wide_neg(Wide a) {
  const Wide inverted{~a.hi, ~a.lo};
  return wide_add(inverted, {0, 1});
}

// Schoolbook product of 32-bit digits, modulo 2^192.
Wide wide_mul(const u192& a, const u192& b) {
  std::uint32_t x[6], y[6];
  for (int i = 0; i < 6; ++i) {
    x[i] = static_cast<std::uint32_t>(a.limb(i / 2) >> (32 * (i % 2)));
    y[i] = static_cast<std::uint32_t>(b.limb(i / 2) >> (32 * (i % 2)));
  }
  std::uint64_t digits[6] = {};
  for (int i = 0; i < 6; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; i + j < 6; ++j) {
      const std::uint64_t t = digits[i + j] + std::uint64_t{x[i]} * y[j] + carry;
      digits[i + j] = t & 0xffffffffu;
      carry = t >> 32;
    }
  }
  u128 lo = 0;
  for (int i = 3; i >= 0; --i) lo = (lo << 32) | digits[i];
  return {(digits[5] << 32) | digits[4], lo};
}

bool same(const u192& x, Wide w) {
  const Wide v = wide_of(x);
  return v.hi == w.hi && v.lo == w.lo;
}

std::vector<u192> samples() {
  const std::uint64_t all = ~std::uint64_t{0}, top = std::uint64_t{1} << 63;
  std::vector<u192> out = {u192{},
                           u192{1},
                           u192{-1},
                           u192::from_limbs(all, 0, 0),
                           u192::from_limbs(0, all, 0),
                           u192::from_limbs(all, all, 0),
                           u192::from_limbs(0, 0, top),
                           u192::from_limbs(top, top, top)};
  Prg prg = Prg::from_seed(192);
  for (int i = 0; i < 200; ++i)
    out.push_back(u192::from_limbs(prg.next_u64(), prg.next_u64(), prg.next_u64()));
  return out;
}

TEST(U192, ConversionsKeepTheResidueAndTheLowBits) {
  EXPECT_TRUE(same(u192{-1}, {~std::uint64_t{0}, ~u128{0}}));
  EXPECT_TRUE(same(u192{std::uint64_t{5}}, {0, 5}));
  const u128 big = (u128{3} << 100) + 7;
  EXPECT_TRUE(same(u192{big}, {0, big}));
  EXPECT_TRUE(same(u192{-static_cast<__int128>(big)}, wide_neg({0, big})));
  EXPECT_EQ(static_cast<u128>(u192{big}), big);
  EXPECT_EQ(static_cast<std::uint64_t>(u192{big}), 7u);
  EXPECT_TRUE(u192{} == u192{0});
  EXPECT_FALSE(static_cast<bool>(u192{}));
  EXPECT_TRUE(static_cast<bool>(u192::from_limbs(0, 0, 1)));
}

TEST(U192, RingOperationsMatchTheReferenceModulo2To192) {
  const std::vector<u192> xs = samples();
  for (const u192& a : xs)
    for (const u192& b : xs) {
      ASSERT_TRUE(same(a + b, wide_add(wide_of(a), wide_of(b))));
      ASSERT_TRUE(same(a - b, wide_add(wide_of(a), wide_neg(wide_of(b)))));
      ASSERT_TRUE(same(a * b, wide_mul(a, b)));
      ASSERT_TRUE((a - b) + b == a);
      ASSERT_TRUE(
          same(a & b, {a.limb(2) & b.limb(2), static_cast<u128>(a) & static_cast<u128>(b)}));
      ASSERT_TRUE(
          same(a ^ b, {a.limb(2) ^ b.limb(2), static_cast<u128>(a) ^ static_cast<u128>(b)}));
    }
}

TEST(U192, ShiftsMoveBitsAcrossLimbs) {
  for (const u192& a : samples())
    for (int m = 0; m < 192; ++m) {
      // a << m is a times 2^m; (a << m) >> m keeps the low 192 - m bits.
      const u192 power = u192{1} << m;
      ASSERT_TRUE((a << m) == a * power) << m;
      const u192 low_mask = m == 0 ? ~u192{} : (u192{1} << (192 - m)) - 1;
      ASSERT_TRUE(((a << m) >> m) == (a & low_mask)) << m;
      ASSERT_TRUE(((a >> m) << m) == (a & ~(power - 1))) << m;
    }
  EXPECT_TRUE((u192{1} << 191) >> 191 == u192{1});
}

TEST(U192, MatrixProductMatchesTheElementLoop) {
  const std::size_t m = 5, k = 70, n = 300;  // more columns and depth than one block
  Prg prg = Prg::from_seed(7);
  Tensor<u192> a = prg.random<u192>({m, k}), b = prg.random<u192>({k, n}),
               b2 = prg.random<u192>({k, n}), c = prg.random<u192>({m, n});
  Tensor<u192> at = tensor_transpose(a);
  for (LeftLayout layout : {LeftLayout::kRowMajor, LeftLayout::kTransposed})
    for (int threads : {1, 2}) {
      Tensor<u192> got = c;
      const MatmulTerm<u192> terms[2] = {
          {layout == LeftLayout::kRowMajor ? a.data() : at.data(), b.data(), b2.data()},
          {layout == LeftLayout::kRowMajor ? a.data() : at.data(), b.data(), nullptr}};
      ThreadPool pool(threads);
      matmul_add_terms<u192>(terms, got.data(), m, k, n, pool, layout);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
          u192 want = c[i * n + j];
          for (std::size_t p = 0; p < k; ++p)
            want += a[i * k + p] * (b[p * n + j] + b2[p * n + j]) + a[i * k + p] * b[p * n + j];
          ASSERT_TRUE(got[i * n + j] == want) << i << "," << j;
        }
    }
}

}  // namespace
}  // namespace sqt
