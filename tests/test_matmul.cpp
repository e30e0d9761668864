// Tests of the local ring matrix kernels against a naive triple loop, with
// every kernel variant this CPU supports forced in turn.
#include <gtest/gtest.h>

#include <cstdlib>

#include "crypto/prg.h"
#include "kernels/kernel_isa.h"
#include "kernels/matmul.h"

namespace sqt {
namespace {

template <class R>
struct MatmulTest : ::testing::Test {};
using Rings = ::testing::Types<std::uint64_t, u128>;
TYPED_TEST_SUITE(MatmulTest, Rings);

template <class R>
std::vector<R> naive(const std::vector<R>& a, const std::vector<R>& b, std::size_t m, std::size_t k,
                     std::size_t n) {
  std::vector<R> c(m * n, 0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t p = 0; p < k; ++p) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

// Runs body once per supported kernel variant, then restores the default.
template <class Body>
void for_each_kernel(Body&& body) {
  KernelIsa before = active_kernel_isa();
  for (KernelIsa isa : supported_kernel_isas()) {
    SCOPED_TRACE(std::string(kernel_isa_name(isa)));
    force_kernel_isa(isa);
    body();
  }
  force_kernel_isa(before);
}

template <class R>
void check_awkward_shapes() {
  Prg prg = Prg::from_seed(11);
  struct Dims {
    std::size_t m, k, n;
  };
  for (Dims d : {Dims{1, 1, 1}, Dims{7, 300, 37}, Dims{9, 513, 16}, Dims{4, 3, 50}}) {
    for (int threads : {1, 3}) {
      auto a = prg.random<R>({d.m, d.k}), b = prg.random<R>({d.k, d.n});
      std::vector<R> c(d.m * d.n, 1);
      ThreadPool pool(threads);
      matmul_add(a.data(), b.data(), c.data(), d.m, d.k, d.n, pool);
      auto expected = naive(a.to_vector(), b.to_vector(), d.m, d.k, d.n);
      for (auto& v : expected) v += 1;  // matmul_add accumulates
      EXPECT_EQ(c, expected) << d.m << "x" << d.k << "x" << d.n << " threads " << threads;
    }
  }
}

// Every width of a last panel (n = 1 to 34: widths 1 to 16, alone and after
// full panels), in tiles of 4 rows, of 2 (AVX2) and of 1 (m = 7): a narrow
// panel must still compute all of its columns and write nothing past n.
template <class R>
void check_every_last_panel_width() {
  Prg prg = Prg::from_seed(13);
  const std::size_t m = 7, k = 9;
  for (std::size_t n = 1; n <= 34; ++n) {
    auto a = prg.random<R>({m, k}), b = prg.random<R>({k, n});
    std::vector<R> c(m * n + 1, 5);  // one guard element past the matrix
    ThreadPool one_thread(1);
    matmul_add(a.data(), b.data(), c.data(), m, k, n, one_thread);
    auto expected = naive(a.to_vector(), b.to_vector(), m, k, n);
    for (auto& v : expected) v += 5;
    expected.push_back(5);
    EXPECT_EQ(c, expected) << "n = " << n;
  }
}

template <class R>
void check_sum_of_terms() {
  Prg prg = Prg::from_seed(12);
  const std::size_t m = 6, k = 700, n = 21;  // 1,400 steps: an IFMA flush inside the second term
  auto a1 = prg.random<R>({m, k}), a2 = prg.random<R>({m, k});
  auto b1 = prg.random<R>({k, n}), b2 = prg.random<R>({k, n}), b3 = prg.random<R>({k, n});
  std::vector<R> c(m * n, 0);
  const MatmulTerm<R> terms[2] = {{a1.data(), b1.data(), b2.data()},
                                  {a2.data(), b3.data(), nullptr}};
  ThreadPool pool(2);
  matmul_add_terms<R>(terms, c.data(), m, k, n, pool);
  std::vector<R> b12(k * n);
  for (std::size_t i = 0; i < k * n; ++i) b12[i] = b1[i] + b2[i];
  auto expected = naive(a1.to_vector(), b12, m, k, n);
  auto second = naive(a2.to_vector(), b3.to_vector(), m, k, n);
  for (std::size_t i = 0; i < m * n; ++i) expected[i] += second[i];
  EXPECT_EQ(c, expected);
}

TEST(KernelIsa, PortableIsAlwaysSupportedAndTheDefaultIsTheWidest) {
  auto isas = supported_kernel_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), KernelIsa::portable);
  if (std::getenv("SQT_KERNEL") == nullptr) {
    EXPECT_EQ(active_kernel_isa(), isas.back());
  }
#if defined(__x86_64__)
  EXPECT_EQ(isas.size() >= 2, __builtin_cpu_supports("avx2") != 0);
#endif
}

TYPED_TEST(MatmulTest, MatchesNaiveOnAwkwardShapesAndThreadCounts) {
  for_each_kernel([] { check_awkward_shapes<TypeParam>(); });
}

// A^T B from A stored transposed (k x m) equals the product with a
// transposed copy, on every kernel.
template <class R>
void check_transposed_left() {
  Prg prg = Prg::from_seed(13);
  const std::size_t m = 7, k = 515, n = 19;
  auto at = prg.random<R>({k, m}), b = prg.random<R>({k, n}), b2 = prg.random<R>({k, n});
  std::vector<R> a(m * k);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t p = 0; p < k; ++p) a[i * k + p] = at[p * m + i];
  std::vector<R> b12(k * n);
  for (std::size_t i = 0; i < k * n; ++i) b12[i] = b[i] + b2[i];
  for (int threads : {1, 2}) {
    std::vector<R> c(m * n, 0);
    const MatmulTerm<R> term{at.data(), b.data(), b2.data()};
    ThreadPool pool(threads);
    matmul_add_terms<R>(std::span(&term, 1), c.data(), m, k, n, pool, LeftLayout::kTransposed);
    EXPECT_EQ(c, naive(a, b12, m, k, n)) << "threads " << threads;
  }
}

TYPED_TEST(MatmulTest, EveryWidthOfTheLastPanel) {
  for_each_kernel([] { check_every_last_panel_width<TypeParam>(); });
}

TYPED_TEST(MatmulTest, TransposedLeftFactor) {
  for_each_kernel([] { check_transposed_left<TypeParam>(); });
}

TYPED_TEST(MatmulTest, SumOfTermsWithSummedRightFactor) {
  for_each_kernel([] { check_sum_of_terms<TypeParam>(); });
}

// All-ones entries make every 64 x 64-bit partial product and every carry
// of the Z_2^128 composition (widening low words plus cross terms) maximal:
// (2^k - 1)^2 summed d times is d modulo 2^k.
template <class R>
void check_all_ones() {
  const std::size_t m = 5, d = 2100, n = 33;  // two flushes of the IFMA kernel and a rest
  std::vector<R> a(m * d, ~R{0}), b(d * n, ~R{0}), c(m * n, 0);
  ThreadPool one_thread(1);
  matmul_add(a.data(), b.data(), c.data(), m, d, n, one_thread);
  EXPECT_EQ(c, std::vector<R>(m * n, R{d}));
}

TYPED_TEST(MatmulTest, AllOnesEntriesCarryCorrectly) {
  for_each_kernel([] { check_all_ones<TypeParam>(); });
}

}  // namespace
}  // namespace sqt
