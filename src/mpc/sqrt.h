// sqrt.h — inverse square root and square root.
//
// Normalise x = m 2^-E with m in [0.5, 1), E = L - f - j (normalize.h). Then
// 1/sqrt(x) = m^(-1/2) 2^(j/2) 2^(-(L - f)/2), where m^(-1/2) comes from a
// half-precision Chebyshev interpolant on [0.5, 1] refined by one Newton
// step, 2^(j/2) = 2^(b_1/2) prod_{t>=2} (1 + b_t (2^(t/2) - 1)) is accumulated
// during normalisation from the shift bits, and (L - f) is even. Lu et al. (2020); Keller and Sun
// (2022). sqrt(x) reuses the same parts (see below). Valid for 2^-f <= x < 2^(L - f).
#pragma once

#include <numbers>

#include "mpc/building_blocks.h"
#include "mpc/normalize.h"
#include "mpc/poly.h"

namespace sqt {

// m^(-1/2) 2^(b_1/2) (fixed point) and 2^((j - b_1)/2) (integer) for
// x = m 2^(L - f - j), m in [0.5, 1).
template <BinaryProtocol P>
struct InvSqrtParts {
  typename P::Share root;
  typename P::Share half_scale;
};

template <BinaryProtocol P>
InvSqrtParts<P> invsqrt_parts(P& p, const typename P::Share& x) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  const int f = p.frac_bits(), L = normalize_bits(p);
  SQT_CHECK((L - f) % 2 == 0, "invsqrt: L - f = {} must be even", L - f);
  Normalized<P> n = normalize(p, x, L, false, true);
  Share m = p.trunc_pr(n.y, L - f);
  // A half-precision interpolant, then one Newton step y (3 - m y^2) / 2,
  // which squares the relative error: fewer multiplications than a
  // full-precision polynomial.
  const ChebyshevSeries& series = cached_fit("invsqrt", f, [f] {
    return chebyshev_fit([](double v) { return 1 / std::sqrt(v); }, 0.5, 1,
                         std::ldexp(1.0, -(f / 2 + 3)), true);
  });
  Share y = clenshaw(p, series, m);
  Share m_y2 = fix_mul(p, m, fix_mul(p, y, y));
  Share root = mul_trunc_pr(p, y, const_minus(p, 3.0, m_y2), f + 1);
  // 2^(b_1 / 2) = 1 + b_1 (sqrt 2 - 1), b_1 the last shift bit.
  Share odd = add_scalar(p, p.scale(n.bits.back(), encode_fixed<R>(std::numbers::sqrt2 - 1, f)),
                         pow2<R>(f));
  return {fix_mul(p, root, odd), *n.half_scale};
}

// 1/sqrt(x) = m^(-1/2) 2^(j/2) 2^(-(L-f)/2); the product is below
// 2^(f + 1 + L/2), inside the default truncation's range.
template <BinaryProtocol P>
typename P::Share invsqrt(P& p, const typename P::Share& x) {
  const int shift = (normalize_bits(p) - p.frac_bits()) / 2;
  InvSqrtParts<P> parts = invsqrt_parts(p, x);
  return mul_trunc_pr(p, parts.root, parts.half_scale, shift);
}

// sqrt(x) = x 2^(j/2) m^(-1/2) 2^(-(L-f)/2): x 2^(j/2) <= x 2^j < 2^L is an
// exact integer product, so the result keeps f bits of relative precision.
template <BinaryProtocol P>
typename P::Share sqrt(P& p, const typename P::Share& x) {
  const int shift = (normalize_bits(p) - p.frac_bits()) / 2;
  InvSqrtParts<P> parts = invsqrt_parts(p, x);
  typename P::Share partial = p.mul(x, parts.half_scale);
  return mul_trunc_wide(p, partial, parts.root, p.frac_bits() + shift);
}

}  // namespace sqt
