// matmul_tile.h — the u64 matrix kernel body, compiled once per vector width.
//
// Included only by matmul_portable.cpp and matmul_avx512.cpp, each with its
// own compiler flags (the AVX2 kernel has its own tile, matmul_avx2.cpp).
// Everything here has internal linkage (anonymous namespace), so the builds
// never merge at link time, and everything below matmul_rows is inlined into
// it, so that scripts/check-isa.sh finds wide registers only in the
// dispatched entry points. Lanes is the number of u64 in one vector
// register; a tile of C is Rows x (Vectors x Lanes), Vectors as many as
// cover the columns of its panel of B (packed 16 columns wide,
// kernels/matmul_variants.h), and accumulates over a block of the inner
// dimension.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/matmul_variants.h"

namespace sqt::kernels {
namespace {

using u64 = std::uint64_t;

constexpr std::size_t smaller(std::size_t x, std::size_t y) {
  return x < y ? x : y;
}

template <int Lanes>
struct Vec {
  typedef u64 type __attribute__((vector_size(Lanes * 8)));
};

// C[rows x width] += A[rows x depth] * panel[depth x 16], from the first
// Vectors vectors of the panel's rows (width <= Vectors * Lanes: a narrow
// last panel skips the padding columns a full tile would multiply). No
// function here takes or returns a vector by value, so the ABI never
// depends on the CPU.
template <int Lanes, int Rows, int Vectors>
inline __attribute__((always_inline)) void tile(std::size_t depth, const u64* a, std::size_t rs,
                                                std::size_t ds, const u64* panel, u64* c,
                                                std::size_t ldc, std::size_t width) {
  using V = typename Vec<Lanes>::type;
  constexpr int kVectors = Vectors;
  V acc[Rows][kVectors] = {};
  for (std::size_t p = 0; p < depth; ++p) {
    const u64* row = panel + p * kPanelWidth;
    for (int r = 0; r < Rows; ++r) {
      V broadcast = V{} + a[r * rs + p * ds];
      for (int v = 0; v < kVectors; ++v) {
        V b;
        std::memcpy(&b, row + v * Lanes, sizeof b);
        acc[r][v] += broadcast * b;
      }
    }
  }
  for (int r = 0; r < Rows; ++r) {
    u64 sums[kVectors * Lanes];
    std::memcpy(sums, acc[r], sizeof sums);
    u64* row = c + r * ldc;
    for (std::size_t j = 0; j < width; ++j) row[j] += sums[j];
  }
}

// Rows [begin, end) of C[: , panel] += A * slice, in tiles of 4 rows, with
// as many vectors per row as the panel's width needs.
template <int Lanes, int Vectors>
inline __attribute__((always_inline)) void rows_with_vectors(std::size_t depth, const u64* a,
                                                             std::size_t rs, std::size_t ds,
                                                             const u64* slice, u64* c,
                                                             std::size_t n, std::size_t width,
                                                             std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  for (; i + 4 <= end; i += 4)
    tile<Lanes, 4, Vectors>(depth, a + i * rs, rs, ds, slice, c + i * n, n, width);
  for (; i < end; ++i)
    tile<Lanes, 1, Vectors>(depth, a + i * rs, rs, ds, slice, c + i * n, n, width);
}

// Picks the smallest vector count (1 .. kPanelWidth / Lanes) covering width.
template <int Lanes, int Vectors = 1>
inline __attribute__((always_inline)) void rows_of_panel(std::size_t depth, const u64* a,
                                                         std::size_t rs, std::size_t ds,
                                                         const u64* slice, u64* c, std::size_t n,
                                                         std::size_t width, std::size_t begin,
                                                         std::size_t end) {
  constexpr int kMaxVectors = static_cast<int>(kPanelWidth) / Lanes;
  if constexpr (Vectors < kMaxVectors) {
    if (width > static_cast<std::size_t>(Vectors * Lanes)) {
      rows_of_panel<Lanes, Vectors + 1>(depth, a, rs, ds, slice, c, n, width, begin, end);
      return;
    }
  }
  rows_with_vectors<Lanes, Vectors>(depth, a, rs, ds, slice, c, n, width, begin, end);
}

template <int Lanes>
void matmul_rows(const PackedTerms& job, u64* c, std::size_t row_begin, std::size_t row_end) {
  constexpr std::size_t kRowBlock = 64;  // rows of A kept in cache across the panels of B
  const std::size_t k = job.k, n = job.n, depth_all = job.terms * k;
  const std::size_t panels = (n + kPanelWidth - 1) / kPanelWidth;
  const std::size_t rs = job.a_row_stride, ds = job.a_depth_stride;
  for (std::size_t block = row_begin; block < row_end; block += kRowBlock) {
    const std::size_t block_end = smaller(row_end, block + kRowBlock);
    for (std::size_t panel = 0; panel < panels; ++panel) {
      std::size_t col0 = panel * kPanelWidth, width = smaller(kPanelWidth, n - col0);
      for (std::size_t t = 0; t < job.terms; ++t) {
        const u64* a = job.a[t];
        for (std::size_t p0 = 0; p0 < k; p0 += kDepthBlock) {
          std::size_t depth = smaller(kDepthBlock, k - p0);
          const u64* slice = job.packed + (panel * depth_all + t * k + p0) * kPanelWidth;
          rows_of_panel<Lanes>(depth, a + p0 * ds, rs, ds, slice, c + col0, n, width, block,
                               block_end);
        }
      }
    }
  }
}

}  // namespace
}  // namespace sqt::kernels
