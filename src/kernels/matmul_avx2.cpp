// matmul_avx2.cpp — the avx2 build of the u64 matrix kernel (4 lanes).
//
// AVX2 has no 64-bit multiply: a generic u64 vector product costs three
// 32x32 -> 64 multiplies (vpmuludq). Modulo 2^64 only the low half of the
// cross terms matters, a*b = a_lo b_lo + 2^32 (a_lo b_hi + a_hi b_lo), and
// both cross terms come from one 32-bit multiply (vpmullo) of a with b's
// halves swapped. The tile keeps two accumulators per vector, the full
// products (64-bit adds) and the cross terms (32-bit adds), and combines
// them once per tile: two multiplies per product instead of three. The tile
// is 2 rows by 8 columns (half a packed panel) so that all accumulators stay
// in the 16 vector registers.
#include <immintrin.h>

#include <cstring>

#include "kernels/matmul_variants.h"

namespace sqt::kernels {
namespace {

using u64 = std::uint64_t;
constexpr std::size_t kHalf = kPanelWidth / 2;
constexpr std::size_t kRowBlock = 64;  // rows of A per block (64 x 256 x 8 B = 128 KB)

// C[rows x width] += A[rows x depth] * panel[depth x 16], 8 columns at a time.
template <int Rows>
inline __attribute__((always_inline)) void tile(std::size_t depth, const u64* a, std::size_t rs,
                                                std::size_t ds, const u64* panel, u64* c,
                                                std::size_t ldc, std::size_t width) {
  for (std::size_t col = 0; col < width; col += kHalf) {
    __m256i full[Rows][2], cross[Rows][2];
    for (int r = 0; r < Rows; ++r)
      for (int v = 0; v < 2; ++v) full[r][v] = cross[r][v] = _mm256_setzero_si256();
    for (std::size_t p = 0; p < depth; ++p) {
      const u64* row = panel + p * kPanelWidth + col;
      const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row));
      const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 4));
      const __m256i s0 = _mm256_shuffle_epi32(b0, 0xB1);  // halves swapped: (b_hi, b_lo)
      const __m256i s1 = _mm256_shuffle_epi32(b1, 0xB1);
      for (int r = 0; r < Rows; ++r) {
        const __m256i x = _mm256_set1_epi64x(static_cast<long long>(a[r * rs + p * ds]));
        full[r][0] = _mm256_add_epi64(full[r][0], _mm256_mul_epu32(x, b0));
        cross[r][0] = _mm256_add_epi32(cross[r][0], _mm256_mullo_epi32(x, s0));
        full[r][1] = _mm256_add_epi64(full[r][1], _mm256_mul_epu32(x, b1));
        cross[r][1] = _mm256_add_epi32(cross[r][1], _mm256_mullo_epi32(x, s1));
      }
    }
    const std::size_t count = width - col < kHalf ? width - col : kHalf;
    for (int r = 0; r < Rows; ++r) {
      u64 sums[kHalf];
      for (int v = 0; v < 2; ++v) {
        // Low 32 bits of each lane: a_lo b_hi + a_hi b_lo (mod 2^32).
        const __m256i halves = _mm256_add_epi32(cross[r][v], _mm256_srli_epi64(cross[r][v], 32));
        const __m256i sum = _mm256_add_epi64(full[r][v], _mm256_slli_epi64(halves, 32));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + 4 * v), sum);
      }
      u64* out = c + r * ldc + col;
      for (std::size_t j = 0; j < count; ++j) out[j] += sums[j];
    }
  }
}

std::size_t smaller(std::size_t x, std::size_t y) {
  return x < y ? x : y;
}

}  // namespace

void matmul_rows_avx2(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                      std::size_t row_end) {
  const std::size_t k = job.k, n = job.n, depth_all = job.terms * k;
  const std::size_t panels = (n + kPanelWidth - 1) / kPanelWidth;
  const std::size_t rs = job.a_row_stride, ds = job.a_depth_stride;
  // Blocks of rows outermost: a block's slice of A stays in cache while it
  // meets every panel of B (A is read once even when n spans many panels).
  for (std::size_t block = row_begin; block < row_end; block += kRowBlock) {
    const std::size_t block_end = smaller(row_end, block + kRowBlock);
    for (std::size_t panel = 0; panel < panels; ++panel) {
      std::size_t col0 = panel * kPanelWidth, width = smaller(kPanelWidth, n - col0);
      for (std::size_t t = 0; t < job.terms; ++t) {
        const u64* a = job.a[t];
        for (std::size_t p0 = 0; p0 < k; p0 += kDepthBlock) {
          std::size_t depth = smaller(kDepthBlock, k - p0);
          const u64* slice = job.packed + (panel * depth_all + t * k + p0) * kPanelWidth;
          std::size_t i = block;
          for (; i + 2 <= block_end; i += 2)
            tile<2>(depth, a + i * rs + p0 * ds, rs, ds, slice, c + i * n + col0, n, width);
          for (; i < block_end; ++i)
            tile<1>(depth, a + i * rs + p0 * ds, rs, ds, slice, c + i * n + col0, n, width);
        }
      }
    }
  }
}

}  // namespace sqt::kernels
