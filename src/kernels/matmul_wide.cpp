// matmul_wide.cpp — the widening kernel: u64 x u64 products summed exactly
// into u128, the one part of a Z_2^128 matrix product that needs a
// 64 x 64 -> 128-bit multiply (kernels/matmul.cpp composes the rest from
// the u64 vector kernel).
//
// Scalar code (one `mulx`/`mul` and an add-with-carry per product): no
// vector unit multiplies 64 x 64 -> 128 bits, and the compiler emits the
// same instructions for every x86-64 level and for aarch64 (`umulh`), so
// this file has no per-instruction-set builds.
#include "kernels/matmul_variants.h"

namespace sqt::kernels {
namespace {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

constexpr std::size_t kGroup = 4;      // columns per register tile: 4 u128 = 8 registers
constexpr std::size_t kRowBlock = 64;  // rows of A per block, reused across the panels of B

// C[row, col0 + g .. + 4] += A[row, 0..depth) * panel[0..depth, g .. g + 4).
// A's row is contiguous (the caller stores A row-major), which keeps every
// pointer and all eight accumulator words in registers.
inline void wide_tile(std::size_t depth, const u64* a, const u64* panel, std::size_t group, u128* c,
                      std::size_t width) {
  u128 acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  const u64* b = panel + group;
  for (const u64* end = a + depth; a != end; ++a, b += kPanelWidth) {
    const u128 x = *a;
    acc0 += x * b[0];
    acc1 += x * b[1];
    acc2 += x * b[2];
    acc3 += x * b[3];
  }
  const u128 sums[kGroup] = {acc0, acc1, acc2, acc3};
  for (std::size_t j = 0; j < kGroup && group + j < width; ++j) c[group + j] += sums[j];
}

}  // namespace

void matmul_rows_widening(const PackedTerms& job, u128* c, std::size_t row_begin,
                          std::size_t row_end) {
  const std::size_t k = job.k, n = job.n, depth_all = job.terms * k;
  const std::size_t panels = (n + kPanelWidth - 1) / kPanelWidth;
  const std::size_t rs = job.a_row_stride;  // a_depth_stride is 1: row-major A
  for (std::size_t block = row_begin; block < row_end; block += kRowBlock) {
    const std::size_t block_end = block + kRowBlock < row_end ? block + kRowBlock : row_end;
    for (std::size_t panel = 0; panel < panels; ++panel) {
      const std::size_t col0 = panel * kPanelWidth;
      const std::size_t width = n - col0 < kPanelWidth ? n - col0 : kPanelWidth;
      for (std::size_t t = 0; t < job.terms; ++t) {
        for (std::size_t p0 = 0; p0 < k; p0 += kDepthBlock) {
          const std::size_t depth = k - p0 < kDepthBlock ? k - p0 : kDepthBlock;
          const u64* slice = job.packed + (panel * depth_all + t * k + p0) * kPanelWidth;
          for (std::size_t i = block; i < block_end; ++i)
            for (std::size_t group = 0; group < width; group += kGroup)
              wide_tile(depth, job.a[t] + i * rs + p0, slice, group, c + i * n + col0, width);
        }
      }
    }
  }
}

}  // namespace sqt::kernels
