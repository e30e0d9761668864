#include "kernels/matmul.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace sqt {
namespace {

constexpr std::size_t kPanel = 16;   // columns of B per packed panel
constexpr std::size_t kDepth = 256;  // inner-dimension block (panel slice fits in L1)

using u64 = std::uint64_t;
typedef u64 v8u __attribute__((vector_size(64)));

inline v8u load8(const u64* p) {
  v8u v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Packs the B (+ B2) of every term into ceil(n/16) panels; panel j holds, for
// each term t, the k x 16 slice of that term's B (+ B2), zero-padded.
std::vector<u64> pack_panels(std::span<const MatmulTerm<u64>> terms, std::size_t k, std::size_t n) {
  std::size_t panels = (n + kPanel - 1) / kPanel, depth = terms.size() * k;
  std::vector<u64> packed(panels * depth * kPanel, 0);
  for (std::size_t panel = 0; panel < panels; ++panel) {
    std::size_t col0 = panel * kPanel, width = std::min(kPanel, n - col0);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      u64* out = packed.data() + (panel * depth + t * k) * kPanel;
      for (std::size_t p = 0; p < k; ++p) {
        const u64* row = terms[t].b + p * n + col0;
        u64* dst = out + p * kPanel;
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

// C[rows x width] += A[rows x depth] * panel[depth x 16].
template <int Rows>
void tile(std::size_t depth, const u64* a, std::size_t lda, const u64* panel, u64* c,
          std::size_t ldc, std::size_t width) {
  v8u acc[Rows][2] = {};
  for (std::size_t p = 0; p < depth; ++p) {
    v8u b0 = load8(panel + p * kPanel), b1 = load8(panel + p * kPanel + 8);
    for (int r = 0; r < Rows; ++r) {
      u64 scalar = a[r * lda + p];
      v8u broadcast = {scalar, scalar, scalar, scalar, scalar, scalar, scalar, scalar};
      acc[r][0] += broadcast * b0;
      acc[r][1] += broadcast * b1;
    }
  }
  for (int r = 0; r < Rows; ++r) {
    u64 sums[kPanel];
    std::memcpy(sums, &acc[r][0], 64);
    std::memcpy(sums + 8, &acc[r][1], 64);
    u64* row = c + r * ldc;
    for (std::size_t j = 0; j < width; ++j) row[j] += sums[j];
  }
}

void matmul_rows_u64(std::span<const MatmulTerm<u64>> terms, const u64* packed, u64* c,
                     std::size_t row_begin, std::size_t row_end, std::size_t k, std::size_t n) {
  std::size_t panels = (n + kPanel - 1) / kPanel, depth_all = terms.size() * k;
  for (std::size_t panel = 0; panel < panels; ++panel) {
    std::size_t col0 = panel * kPanel, width = std::min(kPanel, n - col0);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const u64* a = terms[t].a;
      for (std::size_t p0 = 0; p0 < k; p0 += kDepth) {
        std::size_t depth = std::min(kDepth, k - p0);
        const u64* slice = packed + (panel * depth_all + t * k + p0) * kPanel;
        std::size_t i = row_begin;
        for (; i + 4 <= row_end; i += 4)
          tile<4>(depth, a + i * k + p0, k, slice, c + i * n + col0, n, width);
        for (; i < row_end; ++i)
          tile<1>(depth, a + i * k + p0, k, slice, c + i * n + col0, n, width);
      }
    }
  }
}

// Portable kernel (used for Z_{2^128}): i-p-j order, C's row stays in cache.
template <class R>
void matmul_rows_generic(const R* a, const R* b, const R* b2, R* c, std::size_t row_begin,
                         std::size_t row_end, std::size_t k, std::size_t n) {
  for (std::size_t i = row_begin; i < row_end; ++i) {
    R* row = c + i * n;
    for (std::size_t p = 0; p < k; ++p) {
      R scalar = a[i * k + p];
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

}  // namespace

template <>
void matmul_add_terms<u64>(std::span<const MatmulTerm<u64>> terms, u64* c, std::size_t m,
                           std::size_t k, std::size_t n, int threads) {
  if (m == 0 || n == 0 || k == 0 || terms.empty()) return;
  std::vector<u64> packed = pack_panels(terms, k, n);
  parallel_ranges(m, threads, [&](std::size_t begin, std::size_t end) {
    matmul_rows_u64(terms, packed.data(), c, begin, end, k, n);
  });
}

template <>
void matmul_add_terms<u128>(std::span<const MatmulTerm<u128>> terms, u128* c, std::size_t m,
                            std::size_t k, std::size_t n, int threads) {
  parallel_ranges(m, threads, [&](std::size_t begin, std::size_t end) {
    for (const auto& term : terms)
      matmul_rows_generic(term.a, term.b, term.b2, c, begin, end, k, n);
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
