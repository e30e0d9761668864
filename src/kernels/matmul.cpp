#include "kernels/matmul.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/tensor_ops.h"
#include "kernels/kernel_isa.h"
#include "kernels/matmul_variants.h"

namespace sqt {
namespace {

using u64 = std::uint64_t;
using kernels::kPanelWidth;

// Packs the B (+ B2) of every term into ceil(n/16) panels; panel j holds, for
// each term t, the k x 16 slice of that term's B (+ B2), zero-padded.
// (Only the padding columns are zeroed: the rest is written once.)
UninitVector<u64> pack_panels(std::span<const MatmulTerm<u64>> terms, std::size_t k,
                              std::size_t n) {
  std::size_t panels = (n + kPanelWidth - 1) / kPanelWidth, depth = terms.size() * k;
  UninitVector<u64> packed(panels * depth * kPanelWidth);
  for (std::size_t panel = 0; panel < panels; ++panel) {
    std::size_t col0 = panel * kPanelWidth, width = std::min(kPanelWidth, n - col0);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      u64* out = packed.data() + (panel * depth + t * k) * kPanelWidth;
      for (std::size_t p = 0; p < k; ++p) {
        const u64* row = terms[t].b + p * n + col0;
        u64* dst = out + p * kPanelWidth;
        if (terms[t].b2 == nullptr) {
          std::memcpy(dst, row, width * 8);
        } else {
          const u64* row2 = terms[t].b2 + p * n + col0;
          for (std::size_t j = 0; j < width; ++j) dst[j] = row[j] + row2[j];
        }
        std::fill(dst + width, dst + kPanelWidth, u64{0});
      }
    }
  }
  return packed;
}

using RowsKernel = void (*)(const kernels::PackedTerms&, u64*, std::size_t, std::size_t);
using WideRowsKernel = void (*)(const kernels::PackedTerms&, unsigned __int128*, std::size_t,
                                std::size_t);

// The widening kernel: the IFMA build where the ring kernels' variant is
// avx512 and the CPU has avx512ifma, else the scalar one.
WideRowsKernel wide_rows_kernel() {
#ifdef SQT_KERNELS_X86
  if (ifma_kernels_active()) return kernels::ifma::matmul_rows_widening;
#endif
  return kernels::matmul_rows_widening;
}

RowsKernel rows_kernel(KernelIsa isa) {
  switch (isa) {
#ifdef SQT_KERNELS_X86
    case KernelIsa::avx512:
      return kernels::matmul_rows_avx512;
    case KernelIsa::avx2:
      return kernels::matmul_rows_avx2;
#endif
    default:
      return kernels::matmul_rows_portable;
  }
}

// A u128 matrix as its low and high 64-bit words, row-major.
struct SplitWords {
  UninitVector<u64> low, high;
};

// The rows x cols matrix x (+ x2), stored row-major or (transposed) as its
// cols x rows transpose.
SplitWords split_words(const u128* x, const u128* x2, std::size_t rows, std::size_t cols,
                       LeftLayout layout = LeftLayout::kRowMajor) {
  SplitWords out{UninitVector<u64>(rows * cols), UninitVector<u64>(rows * cols)};
  const bool transposed = layout == LeftLayout::kTransposed;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      const std::size_t from = transposed ? j * rows + i : i * cols + j;
      const u128 v = x2 == nullptr ? x[from] : x[from] + x2[from];
      out.low[i * cols + j] = static_cast<u64>(v);
      out.high[i * cols + j] = static_cast<u64>(v >> 64);
    }
  return out;
}

// The m x k matrix whose transpose is the row-major k x m `at`, in 32 x 32
// blocks. Measured on AVX2: a transposed left factor read in place by the
// kernel (one cache line per depth step of a tile) costs more than this copy
// and a row-major product (500 x 8,192 x 50: 0.12 s against 0.08 s).
UninitVector<u64> row_major_from_transposed(const u64* at, std::size_t m, std::size_t k) {
  UninitVector<u64> a(m * k);
  transpose_into(at, a.data(), k, m);
  return a;
}

}  // namespace

template <>
void matmul_add_terms<u64>(std::span<const MatmulTerm<u64>> terms, u64* c, std::size_t m,
                           std::size_t k, std::size_t n, ThreadPool& pool, LeftLayout layout) {
  if (m == 0 || n == 0 || k == 0 || terms.empty()) return;
  UninitVector<u64> packed = pack_panels(terms, k, n);
  std::vector<UninitVector<u64>> copies;
  std::vector<const u64*> lefts;
  for (const auto& term : terms) {
    if (layout == LeftLayout::kTransposed) {
      copies.push_back(row_major_from_transposed(term.a, m, k));
      lefts.push_back(copies.back().data());
    } else {
      lefts.push_back(term.a);
    }
  }
  kernels::PackedTerms job{lefts.data(), lefts.size(), packed.data(), k, n, k, 1};
  RowsKernel kernel = rows_kernel(active_kernel_isa());
  pool.for_ranges(m, matmul_row_grain(k, n),
                  [&](std::size_t begin, std::size_t end) { kernel(job, c, begin, end); });
}

// Modulo 2^128, with a = a_hi 2^64 + a_lo and b likewise,
//   a b = a_lo b_lo + 2^64 (a_hi b_lo + a_lo b_hi  mod 2^64),
// so a Z_2^128 product is one widening u64 product (exact 128-bit sums,
// kernels/matmul_wide.cpp, or matmul_wide_ifma.cpp on AVX-512 IFMA) plus
// two u64 products modulo 2^64, which the vector kernel computes (AVX2 EPYC,
// one thread: 0.6-0.9 G products per second against 0.31 for a direct u128
// loop; docs/performance.md).
template <>
void matmul_add_terms<u128>(std::span<const MatmulTerm<u128>> terms, u128* c, std::size_t m,
                            std::size_t k, std::size_t n, ThreadPool& pool, LeftLayout layout) {
  if (m == 0 || n == 0 || k == 0 || terms.empty()) return;
  std::vector<SplitWords> lefts, rights;
  for (const auto& term : terms) {
    lefts.push_back(split_words(term.a, nullptr, m, k, layout));
    rights.push_back(split_words(term.b, term.b2, k, n));
  }
  std::vector<MatmulTerm<u64>> cross, low_rights;
  std::vector<const u64*> low_lefts;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    cross.push_back({lefts[t].high.data(), rights[t].low.data(), nullptr});
    cross.push_back({lefts[t].low.data(), rights[t].high.data(), nullptr});
    low_rights.push_back({nullptr, rights[t].low.data(), nullptr});
    low_lefts.push_back(lefts[t].low.data());
  }
  std::vector<u64> high(m * n, 0);
  matmul_add_terms<u64>(cross, high.data(), m, k, n, pool);

  UninitVector<u64> packed = pack_panels(low_rights, k, n);
  kernels::PackedTerms job{low_lefts.data(), low_lefts.size(), packed.data(), k, n, k, 1};
  const WideRowsKernel wide = wide_rows_kernel();
  pool.for_ranges(m, matmul_row_grain(k, n),
                  [&](std::size_t begin, std::size_t end) { wide(job, c, begin, end); });
  for (std::size_t i = 0; i < m * n; ++i) c[i] += static_cast<u128>(high[i]) << 64;
}

template <RingElement R>
void matmul_add(const R* a, const R* b, R* c, std::size_t m, std::size_t k, std::size_t n,
                ThreadPool& pool) {
  MatmulTerm<R> term{a, b, nullptr};
  matmul_add_terms<R>(std::span(&term, 1), c, m, k, n, pool);
}

template void matmul_add<u64>(const u64*, const u64*, u64*, std::size_t, std::size_t, std::size_t,
                              ThreadPool&);
template void matmul_add<u128>(const u128*, const u128*, u128*, std::size_t, std::size_t,
                               std::size_t, ThreadPool&);

}  // namespace sqt
