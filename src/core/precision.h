// precision.h — which fixed-point precisions a ring supports: a checked
// contract, not advice.
//
// A product of two fixed-point values carries 2f fractional bits and must
// be truncated; probabilistic truncation is correct only for |x| < 2^T as a
// ring integer, with T = 62 on Z_2^64 (rep3's gap-free variant, k - 2) and
// T = 86 on Z_2^128 (the 2-round variant, k - 42, whose statistical masking
// uses the 40-bit gap). Leaving 16 bits for the integer part of a product
// (values up to 2^8 in magnitude, enough for every network here) gives
// 2f + 16 < T: f <= 22 on Z_2^64 and f <= 34 on Z_2^128. Below f = 8 the
// fixed-point functions lose all accuracy. Every protocol checks this when
// it is created, and the CLI checks it before connecting (docs/math.md).
#pragma once

#include "core/error.h"

namespace sqt {

inline constexpr int kProductHeadroomBits = 16;
inline constexpr int kMinFracBits = 8;

// T above: |x| < 2^T is the range of probabilistic truncation.
constexpr int trunc_range_bits(int ring_bits) {
  return ring_bits == 64 ? 62 : 86;
}

constexpr int max_frac_bits(int ring_bits) {
  return (trunc_range_bits(ring_bits) - kProductHeadroomBits - 1) / 2;
}

inline void check_precision(int ring_bits, int frac_bits) {
  SQT_CHECK(ring_bits == 64 || ring_bits == 128, "ring Z_2^{} is not supported (64 or 128)",
            ring_bits);
  SQT_CHECK(frac_bits >= kMinFracBits && frac_bits <= max_frac_bits(ring_bits),
            "{} fractional bits do not fit the {}-bit ring: probabilistic truncation is exact "
            "only for |x| < 2^{}, and a product with 2f fractional bits plus {} integer bits "
            "must stay below that, so f must be {} to {} on Z_2^{}",
            frac_bits, ring_bits, trunc_range_bits(ring_bits), kProductHeadroomBits, kMinFracBits,
            max_frac_bits(ring_bits), ring_bits);
}

}  // namespace sqt
