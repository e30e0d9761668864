// Tests of the F_p array kernels (kernels/field_kernels.h): every build this
// CPU runs (scalar, and IFMA where the CPU has it) against element-by-
// element Fp127 arithmetic, on random values, on the extreme values of the
// limb splits (0, p - 1, 2^52, 2^104, ...), on every tail length, and on
// matrix products long enough to cross the IFMA kernel's reduction blocks.
#include <gtest/gtest.h>

#include <vector>

#include "core/prime_field.h"
#include "crypto/prg.h"
#include "kernels/field_kernels.h"
#include "kernels/kernel_isa.h"

namespace sqt {
namespace {

constexpr u128 kP = Fp127::kP;

// Runs body once per kernel variant, then restores the default.
template <class Body>
void for_each_kernel(Body&& body) {
  const KernelIsa before = active_kernel_isa();
  for (KernelIsa isa : supported_kernel_isas()) {
    force_kernel_isa(isa);
    SCOPED_TRACE(std::string(kernels::field_kernel_name()));
    body();
  }
  force_kernel_isa(before);
}

// Random elements, with the extreme ones mixed in at random positions.
std::vector<Fp127> elements(Prg& prg, std::size_t n) {
  const u128 extremes[] = {0,
                           1,
                           kP - 1,
                           kP - 2,
                           u128{1} << 126,
                           (u128{1} << 52) - 1,
                           u128{1} << 52,
                           (u128{1} << 104) - 1,
                           u128{1} << 104,
                           ~std::uint64_t{0},
                           u128{1} << 64};
  std::vector<Fp127> out(n);
  for (Fp127& x : out) {
    u128 bits = 0;
    prg.fill_bytes(&bits, sizeof bits);
    x = (bits & 3) == 0 ? Fp127::from_reduced(extremes[(bits >> 2) % std::size(extremes)])
                        : fp_from_random_bits(bits >> 1);
  }
  return out;
}

TEST(FieldKernels, ElementwiseMatchScalarArithmeticForEveryLength) {
  Prg prg = Prg::from_seed(3);
  for_each_kernel([&] {
    for (std::size_t n : {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1000}) {
      SCOPED_TRACE(n);
      const std::vector<Fp127> a = elements(prg, n), b = elements(prg, n);
      const Fp127 c = elements(prg, 1)[0];
      std::vector<Fp127> sum(n), difference(n), product(n), scaled(n), axpy = a, horner = a;
      kernels::fp_add(a.data(), b.data(), sum.data(), n);
      kernels::fp_sub(a.data(), b.data(), difference.data(), n);
      kernels::fp_mul(a.data(), b.data(), product.data(), n);
      kernels::fp_scale(b.data(), c, scaled.data(), n);
      kernels::fp_axpy(axpy.data(), c, b.data(), n);
      kernels::fp_add_scale(horner.data(), b.data(), c, n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(sum[i], a[i] + b[i]) << i;
        ASSERT_EQ(difference[i], a[i] - b[i]) << i;
        ASSERT_EQ(product[i], a[i] * b[i]) << i;
        ASSERT_EQ(scaled[i], c * b[i]) << i;
        ASSERT_EQ(axpy[i], a[i] + c * b[i]) << i;
        ASSERT_EQ(horner[i], (a[i] + b[i]) * c) << i;
        ASSERT_LT(product[i].v, kP);
      }
    }
  });
}

TEST(FieldKernels, ExtremeOperandsAndSmallScalars) {
  const std::vector<u128> values = {0,
                                    1,
                                    2,
                                    kP - 1,
                                    kP - 2,
                                    u128{1} << 126,
                                    (u128{1} << 127) - 3,
                                    (u128{1} << 52) - 1,
                                    u128{1} << 52,
                                    u128{1} << 104};
  for_each_kernel([&] {
    for (u128 x : values) {
      std::vector<Fp127> a(9, Fp127::from_reduced(x)), b(9);
      for (std::size_t j = 0; j < 9; ++j) b[j] = Fp127::from_reduced(values[j]);
      std::vector<Fp127> product(9), horner = a;
      kernels::fp_mul(a.data(), b.data(), product.data(), 9);
      kernels::fp_add_scale(horner.data(), b.data(), Fp127::from_reduced(7), 9);  // a party's point
      for (std::size_t j = 0; j < 9; ++j) {
        ASSERT_EQ(product[j], a[j] * b[j]);
        ASSERT_EQ(horner[j], (a[j] + b[j]) * Fp127::from_reduced(7));
      }
    }
  });
}

TEST(FieldKernels, OutputMayAliasAnInput) {
  Prg prg = Prg::from_seed(5);
  for_each_kernel([&] {
    const std::vector<Fp127> a = elements(prg, 21), b = elements(prg, 21);
    std::vector<Fp127> x = a;
    kernels::fp_mul(x.data(), b.data(), x.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], a[i] * b[i]);
  });
}

std::vector<Fp127> naive_matmul(const std::vector<Fp127>& a, const std::vector<Fp127>& b,
                                std::size_t m, std::size_t k, std::size_t n) {
  std::vector<Fp127> c(m * n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t l = 0; l < k; ++l) c[i * n + j] += a[i * k + l] * b[l * n + j];
  return c;
}

TEST(FieldKernels, MatrixProductsMatchNaiveSums) {
  Prg prg = Prg::from_seed(7);
  struct Dims {
    std::size_t m, k, n;
  };
  // Tails in every direction; k = 512, 513 and 1100 cross the IFMA kernel's
  // reduction blocks.
  const Dims dims[] = {{1, 1, 1},   {5, 3, 7},     {4, 8, 8}, {7, 2, 17}, {3, 512, 9},
                       {6, 513, 8}, {9, 1100, 11}, {0, 4, 3}, {3, 0, 4}};
  for_each_kernel([&] {
    for (const Dims& d : dims) {
      SCOPED_TRACE(testing::Message() << d.m << " x " << d.k << " x " << d.n);
      const std::vector<Fp127> a = elements(prg, d.m * d.k), b = elements(prg, d.k * d.n);
      std::vector<Fp127> c(d.m * d.n);
      kernels::fp_matmul(a.data(), b.data(), c.data(), d.m, d.k, d.n);
      EXPECT_EQ(c, naive_matmul(a, b, d.m, d.k, d.n));
    }
  });
}

TEST(FieldKernels, MatrixProductOfLargestElementsStaysExact) {
  // Every limb at its maximum: the column sums are as large as they get.
  const std::size_t m = 5, k = 1030, n = 9;
  const std::vector<Fp127> a(m * k, Fp127::from_reduced(kP - 1)),
      b(k * n, Fp127::from_reduced(kP - 1));
  for_each_kernel([&] {
    std::vector<Fp127> c(m * n);
    kernels::fp_matmul(a.data(), b.data(), c.data(), m, k, n);
    // (p - 1)^2 = 1, so each output is k.
    for (const Fp127& x : c) ASSERT_EQ(x, Fp127::from_reduced(k));
  });
}

TEST(FieldKernels, IfmaBuildRunsWhereTheCpuHasIt) {
  bool ran_ifma = false;
  for_each_kernel([&] { ran_ifma = ran_ifma || kernels::field_kernel_name() == "ifma"; });
#if defined(__x86_64__)
  const bool expected = __builtin_cpu_supports("avx512ifma") && __builtin_cpu_supports("avx512f") &&
                        __builtin_cpu_supports("avx512dq");
#else
  const bool expected = false;
#endif
  EXPECT_EQ(ran_ifma, expected);
}

}  // namespace
}  // namespace sqt
