// Tests of the exact float64 matrix product (kernels/matmul_exact_double.h):
// the ring kernel's results whenever it accepts, nothing touched otherwise.
#include <gtest/gtest.h>

#include <cstdint>

#include "crypto/prg.h"
#include "kernels/matmul.h"
#include "kernels/matmul_exact_double.h"

namespace sqt {
namespace {

template <class R>
struct ExactDoubleTest : ::testing::Test {};
using Rings = ::testing::Types<std::uint64_t, u128>;
TYPED_TEST_SUITE(ExactDoubleTest, Rings);

// Uniform signed values in (-2^bits, 2^bits), as ring elements.
template <class R>
Tensor<R> small_values(Prg& prg, const Shape& shape, int bits) {
  Tensor<R> t = prg.random<R>(shape);
  const R mask = (R{1} << bits) - 1;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const R magnitude = t[i] & mask;
    const bool negative = (t[i] >> (kRingBits<R> - 1)) & 1;  // a bit apart from the magnitude
    t[i] = negative ? R{0} - magnitude : magnitude;
  }
  return t;
}

// The ring kernel's C += A B (A given row-major or transposed).
template <class R>
std::vector<R> ring_product(const Tensor<R>& a, const Tensor<R>& b, std::vector<R> c, std::size_t m,
                            std::size_t k, std::size_t n, LeftLayout layout) {
  const MatmulTerm<R> term{a.data(), b.data(), nullptr};
  ThreadPool one_thread(1);
  matmul_add_terms<R>(std::span(&term, 1), c.data(), m, k, n, one_thread, layout);
  return c;
}

TYPED_TEST(ExactDoubleTest, EqualsTheRingKernelOnSignedValuesBothLayouts) {
  using R = TypeParam;
  Prg prg = Prg::from_seed(5);
  struct Dims {
    std::size_t m, k, n;
  };
  for (Dims d : {Dims{1, 1, 1}, Dims{7, 300, 37}, Dims{64, 513, 16}, Dims{130, 25, 20}}) {
    for (LeftLayout layout : {LeftLayout::kRowMajor, LeftLayout::kTransposed}) {
      for (int threads : {1, 2}) {
        const bool transposed = layout == LeftLayout::kTransposed;
        // 2^20 x 2^20 x k < 2^53 for every k here.
        Tensor<R> a = small_values<R>(prg, transposed ? Shape{d.k, d.m} : Shape{d.m, d.k}, 20);
        Tensor<R> b = small_values<R>(prg, {d.k, d.n}, 20);
        std::vector<R> c(d.m * d.n);
        for (auto& v : c) v = prg.random<R>({1})[0];  // accumulates onto any C
        const std::vector<R> expected = ring_product(a, b, c, d.m, d.k, d.n, layout);
        ASSERT_TRUE(
            matmul_add_exact_double(a.data(), b.data(), c.data(), d.m, d.k, d.n, threads, layout));
        EXPECT_EQ(c, expected) << d.m << "x" << d.k << "x" << d.n << " threads " << threads;
      }
    }
  }
}

// At the bound: max|A| max|B| k = 2^53 - 2^27 (every sum of products exact)
// is accepted and exact, with all products of one sign so that the sums
// reach the bound; one entry of A raised to 2^26 (the product exactly 2^53)
// is refused.
TYPED_TEST(ExactDoubleTest, AcceptsJustBelowTheBoundAndRefusesAtIt) {
  using R = TypeParam;
  const std::size_t m = 3, k = 4, n = 2;
  // max|A| = 2^26 - 1 (all negative), max|B| = 2^25, k = 4: 2^53 - 2^27.
  Tensor<R> a({m, k}, R{0} - ((R{1} << 26) - 1)), b({k, n}, R{1} << 25);
  std::vector<R> c(m * n, 7);
  std::vector<R> expected = ring_product(a, b, c, m, k, n, LeftLayout::kRowMajor);
  ASSERT_TRUE(matmul_add_exact_double(a.data(), b.data(), c.data(), m, k, n, 1));
  EXPECT_EQ(c, expected);
  EXPECT_EQ(to_signed(c[0] - 7), -static_cast<SignedOf<R>>((R{1} << 53) - (R{1} << 27)));

  // max|A| = 2^26, max|B| = 2^25, k = 4: exactly 2^53, refused.
  a[5] = R{1} << 26;
  std::vector<R> untouched(m * n, 7), c2 = untouched;
  EXPECT_FALSE(matmul_add_exact_double(a.data(), b.data(), c2.data(), m, k, n, 1));
  EXPECT_EQ(c2, untouched);
}

// The extremes of one element: 2^53 - 1 (k = 1, B = 1) is exact; the most
// negative ring element (magnitude 2^63 or 2^127) is refused.
TYPED_TEST(ExactDoubleTest, LargestExactElementAndMostNegativeElement) {
  using R = TypeParam;
  const R largest = (R{1} << 53) - 1;
  const R one = 1;
  for (R a : {largest, R{0} - largest}) {
    R c = 5;
    ASSERT_TRUE(matmul_add_exact_double(&a, &one, &c, 1, 1, 1, 1));
    EXPECT_EQ(c, a + 5);
  }
  const R most_negative = R{1} << (kRingBits<R> - 1);
  R c = 5;
  EXPECT_FALSE(matmul_add_exact_double(&most_negative, &one, &c, 1, 1, 1, 1));
  EXPECT_FALSE(matmul_add_exact_double(&one, &most_negative, &c, 1, 1, 1, 1));
  EXPECT_EQ(c, R{5});
}

TYPED_TEST(ExactDoubleTest, RefusesUniformRingElementsAndLeavesCUntouched) {
  using R = TypeParam;
  Prg prg = Prg::from_seed(9);
  Tensor<R> a = prg.random<R>({8, 16}), b = small_values<R>(prg, {16, 4}, 3);
  std::vector<R> c(8 * 4, 3), untouched = c;
  EXPECT_FALSE(matmul_add_exact_double(a.data(), b.data(), c.data(), 8, 16, 4, 1));
  EXPECT_EQ(c, untouched);
  // One large entry in B is enough to refuse too.
  Tensor<R> small_a = small_values<R>(prg, {8, 16}, 3);
  b[17] = R{1} << 53;
  EXPECT_FALSE(matmul_add_exact_double(small_a.data(), b.data(), c.data(), 8, 16, 4, 1));
  EXPECT_EQ(c, untouched);
}

}  // namespace
}  // namespace sqt
