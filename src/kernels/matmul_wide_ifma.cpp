// matmul_wide_ifma.cpp — the widening kernel (u64 x u64 products summed
// exactly into u128) on AVX-512 IFMA: eight columns per instruction.
//
// IFMA multiplies 52-bit lanes and adds the low or the high 52 bits of the
// 104-bit product to a 64-bit accumulator. With a = a0 + 2^52 a1 and
// b = b0 + 2^52 b1 (a0, b0 < 2^52; a1, b1 < 2^12):
//   a b = lo(a0 b0)
//       + 2^52  (hi(a0 b0) + lo(a0 b1) + lo(a1 b0))
//       + 2^104 (hi(a0 b1) + hi(a1 b0) + a1 b1)
// so each product is seven IFMAs into three accumulators per column. The
// accumulators stay in registers over every term's whole depth and are
// added into the u128 sums every 1,024 steps and at the end (the weight-2^52
// one gains less than 3 * 2^52 per step), so products of small depth (a
// convolution's 25) do not pay a combination per depth block. Same results
// as matmul_wide.cpp bit for bit; matmul.cpp picks this build when the ring kernels' variant is
// avx512 and the CPU has avx512ifma. Compiled with -mavx512ifma (x86-64);
// namespace ifma, like the field kernels' IFMA build (scripts/check-isa.sh).
#include <immintrin.h>

#include "kernels/matmul_variants.h"

namespace sqt::kernels::ifma {
namespace {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

constexpr std::size_t kRowBlock = 64;  // rows of A per block, reused across the panels of B
constexpr u64 kLow52 = (u64{1} << 52) - 1;

// The three accumulators of 8 columns.
struct Lanes {
  __m512i w0, w52, w104;
};

inline void madd(Lanes& acc, __m512i a0, __m512i a1, __m512i b0, __m512i b1) {
  acc.w0 = _mm512_madd52lo_epu64(acc.w0, a0, b0);
  acc.w52 = _mm512_madd52hi_epu64(acc.w52, a0, b0);
  acc.w52 = _mm512_madd52lo_epu64(acc.w52, a0, b1);
  acc.w52 = _mm512_madd52lo_epu64(acc.w52, a1, b0);
  acc.w104 = _mm512_madd52hi_epu64(acc.w104, a0, b1);
  acc.w104 = _mm512_madd52hi_epu64(acc.w104, a1, b0);
  acc.w104 = _mm512_madd52lo_epu64(acc.w104, a1, b1);
}

// c[0 .. width) += the u128 sums of the accumulators of HALVES x 8 columns,
// which are then cleared.
template <int HALVES>
inline void flush(Lanes (&acc)[2], u128* c, std::size_t width) {
  // (Zeroed: GCC cannot see that width <= 8 * HALVES.)
  alignas(64) u64 w0[16] = {}, w52[16] = {}, w104[16] = {};
  for (int h = 0; h < HALVES; ++h) {
    _mm512_store_si512(w0 + 8 * h, acc[h].w0);
    _mm512_store_si512(w52 + 8 * h, acc[h].w52);
    _mm512_store_si512(w104 + 8 * h, acc[h].w104);
    acc[h] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  }
  for (std::size_t j = 0; j < width; ++j)
    c[j] += u128{w0[j]} + (u128{w52[j]} << 52) + (u128{w104[j]} << 104);
}

// Depth steps between flushes: the weight-2^52 accumulator gains less than
// 3 * 2^52 per step, so up to 1,365 steps fit in its 64 bits.
constexpr std::size_t kFlushSteps = 1024;

// For ROWS consecutive rows from `row` and the HALVES x 8 columns of one
// panel (width of them valid): C[row, col0 ..] += the sum over every term
// of A_t[row, 0 .. k) * B_t[0 .. k, col0 ..], the accumulators kept in
// registers across terms and flushed every kFlushSteps steps.
template <int ROWS, int HALVES>
void wide_rows(const PackedTerms& job, std::size_t row, std::size_t panel, u128* c,
               std::size_t width) {
  const __m512i low52 = _mm512_set1_epi64(static_cast<long long>(kLow52));
  const std::size_t k = job.k, rs = job.a_row_stride;
  Lanes acc[ROWS][2];
  for (int r = 0; r < ROWS; ++r)
    for (int h = 0; h < 2; ++h)
      acc[r][h] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  std::size_t steps = 0;
  for (std::size_t t = 0; t < job.terms; ++t) {
    const u64* a = job.a[t] + row * rs;
    const u64* slice = job.packed + (panel * job.terms + t) * k * kPanelWidth;
    for (std::size_t p = 0; p < k; ++p) {
      const u64* b = slice + p * kPanelWidth;
      __m512i b0[2], b1[2];
      for (int h = 0; h < HALVES; ++h) {
        const __m512i v = _mm512_loadu_si512(b + 8 * h);
        b0[h] = _mm512_and_si512(v, low52);
        b1[h] = _mm512_maskz_srli_epi64(0xff, v, 52);  // (maskz: GCC 12 warns on the unmasked form)
      }
      for (int r = 0; r < ROWS; ++r) {
        const u64 x = a[r * rs + p];
        const __m512i a0 = _mm512_set1_epi64(static_cast<long long>(x & kLow52));
        const __m512i a1 = _mm512_set1_epi64(static_cast<long long>(x >> 52));
        for (int h = 0; h < HALVES; ++h) madd(acc[r][h], a0, a1, b0[h], b1[h]);
      }
      if (++steps == kFlushSteps) {
        for (int r = 0; r < ROWS; ++r) flush<HALVES>(acc[r], c + r * job.n, width);
        steps = 0;
      }
    }
  }
  for (int r = 0; r < ROWS; ++r) flush<HALVES>(acc[r], c + r * job.n, width);
}

template <int HALVES>
void panel_rows(const PackedTerms& job, std::size_t begin, std::size_t end, std::size_t panel,
                u128* c, std::size_t width) {
  const std::size_t n = job.n, col0 = panel * kPanelWidth;
  std::size_t i = begin;
  for (; i + 2 <= end; i += 2) wide_rows<2, HALVES>(job, i, panel, c + i * n + col0, width);
  if (i < end) wide_rows<1, HALVES>(job, i, panel, c + i * n + col0, width);
}

}  // namespace

void matmul_rows_widening(const PackedTerms& job, u128* c, std::size_t row_begin,
                          std::size_t row_end) {
  const std::size_t n = job.n, panels = (n + kPanelWidth - 1) / kPanelWidth;
  for (std::size_t block = row_begin; block < row_end; block += kRowBlock) {
    const std::size_t block_end = block + kRowBlock < row_end ? block + kRowBlock : row_end;
    for (std::size_t panel = 0; panel < panels; ++panel) {
      const std::size_t col0 = panel * kPanelWidth;
      const std::size_t width = n - col0 < kPanelWidth ? n - col0 : kPanelWidth;
      if (width <= 8)  // a narrow last panel: its zero half is skipped
        panel_rows<1>(job, block, block_end, panel, c, width);
      else
        panel_rows<2>(job, block, block_end, panel, c, width);
    }
  }
}

}  // namespace sqt::kernels::ifma
