// Tests of K = GF(2^128) (core/gf2_128.h), its Lagrange interpolation
// (kernels/gf2_lagrange.h) and the array kernels of the AND proof
// (kernels/gf2_kernels.h): the carry-less multiply against a bit-by-bit
// one, the field laws and known reductions, interpolation against Horner
// evaluation, and every kernel build against element-by-element loops.
#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "core/gf2_128.h"
#include "crypto/prg.h"
#include "kernels/gf2_kernels.h"
#include "kernels/gf2_kernels_variants.h"
#include "kernels/gf2_lagrange.h"

namespace sqt {
namespace {

Gf128 random_element(Prg& prg) {
  return {prg.next_u64(), prg.next_u64()};
}

std::vector<std::uint64_t> random_words(Prg& prg, std::size_t n) {
  std::vector<std::uint64_t> out(n);
  prg.fill<std::uint64_t>(std::span(out));
  return out;
}

// Carry-less product, one bit of b at a time.
Gf128 clmul_bitwise(std::uint64_t a, std::uint64_t b) {
  Gf128 out;
  for (int t = 0; t < 64; ++t)
    if ((b >> t) & 1) {
      out.lo ^= a << t;
      out.hi ^= t == 0 ? 0 : a >> (64 - t);
    }
  return out;
}

// x X^t for the monomial X^t (t < 128) of an element: shifted and reduced
// one bit at a time.
Gf128 times_x(Gf128 x) {
  const bool carry = x.hi >> 63;
  x.hi = (x.hi << 1) | (x.lo >> 63);
  x.lo <<= 1;
  if (carry) x.lo ^= 0x87;
  return x;
}

// x y by shift-and-add over the bits of y (the definition of the field).
Gf128 mul_reference(Gf128 x, const Gf128& y) {
  Gf128 out;
  for (int t = 0; t < 128; ++t) {
    const std::uint64_t word = t < 64 ? y.lo : y.hi;
    if ((word >> (t & 63)) & 1) out += x;
    x = times_x(x);
  }
  return out;
}

TEST(Gf128, CarrylessMultiplyMatchesTheBitwiseOne) {
  Prg prg = Prg::from_seed(1);
  const std::uint64_t edges[] = {0, 1, ~0ULL, 1ULL << 63, 0x8000000000000001ULL};
  for (std::uint64_t a : edges)
    for (std::uint64_t b : edges) EXPECT_EQ(clmul64_portable(a, b), clmul_bitwise(a, b));
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t a = prg.next_u64(), b = prg.next_u64();
    EXPECT_EQ(clmul64_portable(a, b), clmul_bitwise(a, b));
  }
}

TEST(Gf128, ProductsMatchShiftAndAddAndReduceAsTheModulusSays) {
  const Gf128 x64{0, 1};                             // X^64
  EXPECT_EQ(gf128_mul(x64, x64), (Gf128{0x87, 0}));  // X^128 = X^7 + X^2 + X + 1
  const Gf128 all{~0ULL, ~0ULL};
  EXPECT_EQ(gf128_mul(all, all), mul_reference(all, all));
  Prg prg = Prg::from_seed(2);
  for (int i = 0; i < 500; ++i) {
    const Gf128 x = random_element(prg), y = random_element(prg);
    EXPECT_EQ(gf128_mul(x, y), mul_reference(x, y));
  }
}

TEST(Gf128, FieldLawsAndInverses) {
  Prg prg = Prg::from_seed(3);
  const Gf128 one{1, 0};
  for (int i = 0; i < 50; ++i) {
    const Gf128 x = random_element(prg), y = random_element(prg), z = random_element(prg);
    EXPECT_EQ(gf128_mul(x, y), gf128_mul(y, x));
    EXPECT_EQ(gf128_mul(gf128_mul(x, y), z), gf128_mul(x, gf128_mul(y, z)));
    EXPECT_EQ(gf128_mul(x, y + z), gf128_mul(x, y) + gf128_mul(x, z));
    EXPECT_EQ(gf128_mul(x, one), x);
    EXPECT_EQ(gf128_mul(x, gf128_inverse(x)), one);
  }
  for (std::uint64_t j = 1; j < 64; ++j)
    EXPECT_EQ(gf128_mul(Gf128::node(j), gf128_inverse(Gf128::node(j))), one) << j;
  EXPECT_EQ(gf128_inverse(Gf128{}), Gf128{});
}

// p(x) by Horner's rule for coefficients c (c[0] the constant).
Gf128 horner(const std::vector<Gf128>& c, const Gf128& x) {
  Gf128 out;
  for (std::size_t i = c.size(); i-- > 0;) out = gf128_mul(out, x) + c[i];
  return out;
}

TEST(Gf2Lagrange, InterpolationMatchesThePolynomialEverywhere) {
  Prg prg = Prg::from_seed(4);
  for (int n : {1, 2, 3, 8, 9, 15, 32, 63, 65}) {
    std::vector<Gf128> coefficients(static_cast<std::size_t>(n));
    for (Gf128& c : coefficients) c = random_element(prg);
    std::vector<Gf128> values(coefficients.size());
    for (int j = 0; j < n; ++j)
      values[static_cast<std::size_t>(j)] = horner(coefficients, Gf128::node(j));
    for (int trial = 0; trial < 3; ++trial) {
      const Gf128 x = random_element(prg);
      EXPECT_EQ(interpolate_at(values, x), horner(coefficients, x)) << n;
    }
    // At a node the weights are a unit vector.
    const std::vector<Gf128> at_node = lagrange_weights(n, Gf128::node(n - 1));
    for (int j = 0; j < n; ++j)
      EXPECT_EQ(at_node[static_cast<std::size_t>(j)], (Gf128{j == n - 1 ? 1u : 0u, 0})) << n;
  }
  EXPECT_THROW(lagrange_weights(0, Gf128{}), Error);
  EXPECT_THROW(lagrange_weights(kMaxLagrangeNodes + 1, Gf128{}), Error);
}

// Every kernel build this CPU runs.
std::vector<const kernels::Gf2KernelTable*> builds() {
  std::vector<const kernels::Gf2KernelTable*> out{&kernels::gf2_kernels_portable()};
  if (const auto* pclmul = kernels::gf2_kernels_pclmul()) out.push_back(pclmul);
  if (const auto* wide = kernels::vpclmul::kernel_table()) out.push_back(wide);
  return out;
}

// The bit rows of gf2_kernels.h: row i < 16 word 16m + i of first, row
// 16 + i of second.
std::uint64_t row_word(const std::vector<std::uint64_t>& first,
                       const std::vector<std::uint64_t>& second, int i, std::size_t m) {
  return (i < 16 ? first : second)[16 * m + static_cast<std::size_t>(i & 15)];
}

TEST(Gf2Kernels, BitRowKernelsMatchElementLoops) {
  Prg prg = Prg::from_seed(5);
  for (std::size_t groups : {std::size_t{1}, std::size_t{3}, std::size_t{300}}) {
    const std::size_t words = 16 * groups;
    const auto a = random_words(prg, words), b = random_words(prg, words);
    const auto c = random_words(prg, words), d = random_words(prg, words);
    const auto e = random_words(prg, words), rho = random_words(prg, groups);
    std::vector<Gf128> weight(32);
    for (Gf128& w : weight) w = random_element(prg);

    std::vector<Gf128> gram(1024), sums(16), left(64 * groups), right(64 * groups);
    for (std::size_t m = 0; m < groups; ++m) {
      for (int i = 0; i < 32; ++i)
        for (int j = 0; j < 32; ++j)
          gram[32 * i + j] += clmul64_portable(rho[m], row_word(a, c, i, m) & row_word(b, d, j, m));
      for (int i = 0; i < 16; ++i) sums[i] += clmul64_portable(rho[m], e[16 * m + i]);
      for (int t = 0; t < 64; ++t) {
        Gf128 l, r;
        for (int i = 0; i < 32; ++i) {
          if ((row_word(a, c, i, m) >> t) & 1) l += weight[i];
          if ((row_word(b, d, i, m) >> t) & 1) r += weight[i];
        }
        const Gf128 rho_x_t =
            mul_reference(Gf128::from_word(rho[m]), Gf128{t < 64 ? 1ULL << t : 0, 0});
        left[64 * m + t] = gf128_mul(rho_x_t, l);
        right[64 * m + t] = r;
      }
    }
    for (const auto* k : builds()) {
      SCOPED_TRACE(k->name);
      std::vector<Gf128> got(1024);
      k->bit_gram(a.data(), c.data(), b.data(), d.data(), rho.data(), groups, got.data());
      EXPECT_EQ(got, gram);
      got.assign(16, Gf128{});
      k->bit_weighted_sums(e.data(), rho.data(), groups, got.data());
      EXPECT_EQ(got, sums);
      got.assign(64 * groups, Gf128{});
      k->bit_fold_left(a.data(), c.data(), rho.data(), groups, weight.data(), got.data());
      EXPECT_EQ(got, left);
      got.assign(64 * groups, Gf128{});
      k->bit_fold_right(b.data(), d.data(), groups, weight.data(), got.data());
      EXPECT_EQ(got, right);
    }
  }
}

TEST(Gf2Kernels, GramAndFoldMatchElementLoops) {
  Prg prg = Prg::from_seed(6);
  // 1, 3 and 6 rows take the loops for rows not a multiple of 4 (2 rows
  // its own); 300 columns of 32 rows span two chunks of the blocks; an odd
  // number of columns and of 4-row blocks (4, 12) take the AVX-512 build's
  // remainders; the Gram matrix has at most 32 rows, the fold up to 64 in
  // the AVX-512 build and any number in the others (70).
  for (int rows : {1, 2, 3, 4, 6, 8, 12, 16, 32, 48, 70}) {
    const bool with_gram = rows <= 32;
    for (std::size_t columns :
         {std::size_t{1}, std::size_t{5}, std::size_t{70}, std::size_t{300}}) {
      const std::size_t n = columns * static_cast<std::size_t>(rows);
      std::vector<Gf128> u(n), v(n), weight(static_cast<std::size_t>(rows));
      for (Gf128& x : u) x = random_element(prg);
      for (Gf128& x : v) x = random_element(prg);
      for (Gf128& x : weight) x = random_element(prg);
      std::vector<Gf128> gram(static_cast<std::size_t>(rows * rows)), folded(columns);
      for (std::size_t col = 0; col < columns; ++col)
        for (int i = 0; i < rows; ++i) {
          const std::size_t at = col * static_cast<std::size_t>(rows) + static_cast<std::size_t>(i);
          folded[col] += gf128_mul(weight[static_cast<std::size_t>(i)], u[at]);
          for (int j = 0; j < (with_gram ? rows : 0); ++j)
            gram[static_cast<std::size_t>(rows * i + j)] += gf128_mul(
                u[at], v[col * static_cast<std::size_t>(rows) + static_cast<std::size_t>(j)]);
        }
      for (const auto* k : builds()) {
        SCOPED_TRACE(k->name);
        std::vector<Gf128> got(gram.size());
        if (with_gram) {
          k->gram(u.data(), v.data(), n, rows, got.data());
          EXPECT_EQ(got, gram) << rows << " rows, " << columns << " columns";
        }
        got.assign(columns, Gf128{});
        k->fold(u.data(), n, rows, weight.data(), got.data());
        EXPECT_EQ(got, folded) << rows << " rows, " << columns << " columns";
      }
    }
  }
}

}  // namespace
}  // namespace sqt
