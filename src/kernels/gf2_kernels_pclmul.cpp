// gf2_kernels_pclmul.cpp — the PCLMULQDQ build of gf2_kernels.h (x86-64,
// compiled with -mpclmul; called only on CPUs that have the instruction).
#include <immintrin.h>

#include "kernels/gf2_kernels_impl.h"
#include "kernels/gf2_kernels_variants.h"

namespace sqt::kernels {
namespace {

struct PclmulClmul {
  using Acc = __m128i;
  // Karatsuba: x y = l + (m - l - h) X^64 + h X^128 with l = x0 y0,
  // h = x1 y1, m = (x0 + x1)(y0 + y1); m - l - h is linear, so sums of l, h
  // and m are kept and combined once (three products per mac, not four).
  struct Acc256 {
    __m128i low, karatsuba, high;
  };
  static Acc zero() { return _mm_setzero_si128(); }
  static __m128i load_rho(std::uint64_t rho) {
    return _mm_cvtsi64_si128(static_cast<long long>(rho));
  }
  static void mac(Acc& acc, __m128i rho, std::uint64_t w) {
    const __m128i word = _mm_cvtsi64_si128(static_cast<long long>(w));
    acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(rho, word, 0x00));
  }
  static Gf128 get(Acc acc) {
    return {static_cast<std::uint64_t>(_mm_cvtsi128_si64(acc)),
            static_cast<std::uint64_t>(_mm_extract_epi64(acc, 1))};
  }
  static __m128i load(const Gf128& x) {
    // Gf128 is {lo, hi}: the 128-bit little-endian layout of an __m128i.
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(&x));
  }
  static __m128i halves_added(__m128i a) { return _mm_xor_si128(a, _mm_srli_si128(a, 8)); }
  static Acc256 zero256() { return {zero(), zero(), zero()}; }
  static void mac256(Acc256& acc, const Gf128& x, const Gf128& y) {
    const __m128i a = load(x), b = load(y);
    acc.low = _mm_xor_si128(acc.low, _mm_clmulepi64_si128(a, b, 0x00));
    acc.high = _mm_xor_si128(acc.high, _mm_clmulepi64_si128(a, b, 0x11));
    acc.karatsuba =
        _mm_xor_si128(acc.karatsuba, _mm_clmulepi64_si128(halves_added(a), halves_added(b), 0x00));
  }
  static Gf256Unreduced mul_word(std::uint64_t w, const Gf128& x) {
    const __m128i a = _mm_cvtsi64_si128(static_cast<long long>(w)), b = load(x);
    // w x = w x.lo + (w x.hi) X^64.
    return gf256_from_parts(get(_mm_clmulepi64_si128(a, b, 0x00)),
                            get(_mm_clmulepi64_si128(a, b, 0x10)), Gf128{});
  }
  static Gf256Unreduced get256(const Acc256& acc) {
    const Gf128 low = get(acc.low), high = get(acc.high);
    const Gf128 middle = get(_mm_xor_si128(acc.karatsuba, _mm_xor_si128(acc.low, acc.high)));
    return gf256_from_parts(low, middle, high);
  }
};

}  // namespace

const Gf2KernelTable* gf2_kernels_pclmul() {
  static const Gf2KernelTable table{"pclmul",
                                    mul_impl<PclmulClmul>,
                                    bit_gram_impl<PclmulClmul>,
                                    bit_weighted_sums_impl<PclmulClmul>,
                                    bit_fold_left_impl<PclmulClmul>,
                                    bit_fold_right_impl<PclmulClmul>,
                                    gram_impl<PclmulClmul>,
                                    fold_impl<PclmulClmul>};
  return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1") ? &table : nullptr;
}

}  // namespace sqt::kernels
