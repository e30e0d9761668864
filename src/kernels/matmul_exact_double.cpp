// matmul_exact_double.cpp — see matmul_exact_double.h.
#include "kernels/matmul_exact_double.h"

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/tensor.h"

namespace sqt {
namespace {

using Doubles = std::vector<double, DefaultInitAllocator<double>>;

// Every float64 below this magnitude is an exact integer, as is every sum of
// such integers whose magnitude stays below it.
constexpr std::uint64_t kExactLimit = std::uint64_t{1} << 53;

// Converts the ring elements to doubles (their signed values) and returns
// the largest magnitude, at most kExactLimit (then some conversion may have
// rounded, and the caller refuses). Branch-free for Z_2^64, so that the
// compiler vectorises it.
std::uint64_t to_doubles(const std::uint64_t* values, std::size_t count, double* out) {
  std::uint64_t largest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto value = static_cast<std::int64_t>(values[i]);
    const std::uint64_t magnitude =
        value < 0 ? std::uint64_t{0} - values[i] : values[i];  // 2^63 for INT64_MIN
    largest = std::max(largest, magnitude);
    out[i] = static_cast<double>(value);
  }
  return std::min(largest, kExactLimit);
}

std::uint64_t to_doubles(const u128* values, std::size_t count, double* out) {
  std::uint64_t largest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const SignedOf<u128> value = to_signed(values[i]);
    const u128 magnitude = value < 0 ? u128{0} - values[i] : values[i];
    if (magnitude >= kExactLimit) return kExactLimit;
    largest = std::max(largest, static_cast<std::uint64_t>(magnitude));
    out[i] = static_cast<double>(static_cast<std::int64_t>(value));
  }
  return largest;
}

// Whether max|A| * max|B| * k < 2^53, without overflow.
bool sums_are_exact(std::uint64_t largest_a, std::uint64_t largest_b, std::size_t k) {
  if (largest_a >= kExactLimit || largest_b >= kExactLimit) return false;
  const u128 product = static_cast<u128>(largest_a) * largest_b;  // < 2^106
  if (product >= kExactLimit) return false;
  return product * k < kExactLimit;  // product < 2^53, k < 2^64: no overflow
}

// A * B in float64 by OpenBLAS on `threads` threads. OpenBLAS's thread count
// is process-wide, and its single-threaded Debian variant is not safe to
// call from two threads at once, so calls are serialised (the emulator, the
// only caller, runs one party per process).
Doubles gemm(const double* a, const double* b, std::size_t m, std::size_t k, std::size_t n,
             int threads, LeftLayout layout) {
  static std::mutex one_call_at_a_time;
  std::lock_guard lock(one_call_at_a_time);
  if (openblas_get_num_threads() != threads) openblas_set_num_threads(threads);
  Doubles product(m * n);
  const bool transposed = layout == LeftLayout::kTransposed;
  cblas_dgemm(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, a,
              static_cast<int>(transposed ? m : k), b, static_cast<int>(n), 0.0, product.data(),
              static_cast<int>(n));
  return product;
}

}  // namespace

template <RingElement R>
bool matmul_add_exact_double(const R* a, const R* b, R* c, std::size_t m, std::size_t k,
                             std::size_t n, int threads, LeftLayout layout) {
  if (m == 0 || n == 0 || k == 0) return true;
  constexpr std::size_t kIntMax = 0x7fffffff;  // CBLAS dimensions are int
  if (m > kIntMax || n > kIntMax || k > kIntMax) return false;
  Doubles a_doubles(m * k), b_doubles(k * n);
  const std::uint64_t largest_b = to_doubles(b, k * n, b_doubles.data());
  if (largest_b >= kExactLimit) return false;
  const std::uint64_t largest_a = to_doubles(a, m * k, a_doubles.data());
  if (!sums_are_exact(largest_a, largest_b, k)) return false;
  const Doubles product =
      gemm(a_doubles.data(), b_doubles.data(), m, k, n, std::max(threads, 1), layout);
  for (std::size_t i = 0; i < m * n; ++i) {
    // |product[i]| < 2^53: exact as int64, and its ring value is its residue.
    c[i] += static_cast<R>(static_cast<SignedOf<R>>(static_cast<std::int64_t>(product[i])));
  }
  return true;
}

template bool matmul_add_exact_double<std::uint64_t>(const std::uint64_t*, const std::uint64_t*,
                                                     std::uint64_t*, std::size_t, std::size_t,
                                                     std::size_t, int, LeftLayout);
template bool matmul_add_exact_double<u128>(const u128*, const u128*, u128*, std::size_t,
                                            std::size_t, std::size_t, int, LeftLayout);

}  // namespace sqt
