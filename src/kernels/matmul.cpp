#include "kernels/matmul.h"

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/kernel_isa.h"
#include "kernels/matmul_variants.h"

namespace sqt {
namespace {

using u64 = std::uint64_t;
using kernels::kPanelWidth;

// Packs the B (+ B2) of every term into ceil(n/16) panels; panel j holds, for
// each term t, the k x 16 slice of that term's B (+ B2), zero-padded.
std::vector<u64> pack_panels(std::span<const MatmulTerm<u64>> terms, std::size_t k, std::size_t n) {
  std::size_t panels = (n + kPanelWidth - 1) / kPanelWidth, depth = terms.size() * k;
  std::vector<u64> packed(panels * depth * kPanelWidth, 0);
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
      }
    }
  }
  return packed;
}

using RowsKernel = void (*)(const kernels::PackedTerms&, u64*, std::size_t, std::size_t);

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

// Portable kernel (used for Z_{2^128}): i-p-j order, C's row stays in cache.
template <class R>
void matmul_rows_generic(const R* a, std::size_t rs, std::size_t ds, const R* b, const R* b2, R* c,
                         std::size_t row_begin, std::size_t row_end, std::size_t k, std::size_t n) {
  for (std::size_t i = row_begin; i < row_end; ++i) {
    R* row = c + i * n;
    for (std::size_t p = 0; p < k; ++p) {
      R scalar = a[i * rs + p * ds];
      const R* brow = b + p * n;
      if (b2 == nullptr) {
        for (std::size_t j = 0; j < n; ++j) row[j] += scalar * brow[j];
      } else {
        const R* brow2 = b2 + p * n;
        for (std::size_t j = 0; j < n; ++j) row[j] += scalar * (brow[j] + brow2[j]);
      }
    }
  }
}

// A[i][p] = a[i * rs + p * ds].
std::pair<std::size_t, std::size_t> left_strides(LeftLayout layout, std::size_t m, std::size_t k) {
  return layout == LeftLayout::kRowMajor ? std::pair{k, std::size_t{1}}
                                         : std::pair{std::size_t{1}, m};
}

}  // namespace

template <>
void matmul_add_terms<u64>(std::span<const MatmulTerm<u64>> terms, u64* c, std::size_t m,
                           std::size_t k, std::size_t n, int threads, LeftLayout layout) {
  if (m == 0 || n == 0 || k == 0 || terms.empty()) return;
  std::vector<u64> packed = pack_panels(terms, k, n);
  std::vector<const u64*> lefts;
  for (const auto& term : terms) lefts.push_back(term.a);
  auto [rs, ds] = left_strides(layout, m, k);
  kernels::PackedTerms job{lefts.data(), lefts.size(), packed.data(), k, n, rs, ds};
  RowsKernel kernel = rows_kernel(active_kernel_isa());
  parallel_ranges(m, threads,
                  [&](std::size_t begin, std::size_t end) { kernel(job, c, begin, end); });
}

template <>
void matmul_add_terms<u128>(std::span<const MatmulTerm<u128>> terms, u128* c, std::size_t m,
                            std::size_t k, std::size_t n, int threads, LeftLayout layout) {
  auto [rs, ds] = left_strides(layout, m, k);
  parallel_ranges(m, threads, [&](std::size_t begin, std::size_t end) {
    for (const auto& term : terms)
      matmul_rows_generic(term.a, rs, ds, term.b, term.b2, c, begin, end, k, n);
  });
}

template <RingElement R>
void matmul_add(const R* a, const R* b, R* c, std::size_t m, std::size_t k, std::size_t n,
                int threads) {
  MatmulTerm<R> term{a, b, nullptr};
  matmul_add_terms<R>(std::span(&term, 1), c, m, k, n, threads);
}

template void matmul_add<u64>(const u64*, const u64*, u64*, std::size_t, std::size_t, std::size_t,
                              int);
template void matmul_add<u128>(const u128*, const u128*, u128*, std::size_t, std::size_t,
                               std::size_t, int);

}  // namespace sqt
