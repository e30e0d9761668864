// divide.h — reciprocal and division (Goldschmidt).
//
// reciprocal_positive(x): normalise x to b in [0.5, 1) (normalize.h), start
// from w = 2.9142 - 2b (relative error <= 0.086), iterate w <- w (1 + e),
// e <- e^2 with e = 1 - b w (3 iterations for f <= 27, else 4), and scale
// back by 2^j 2^(f - L). Valid for 2^-f <= x < 2^(L - f), L = normalize_bits.
// reciprocal / divide handle signs with one comparison. Catrina and Saxena
// (FC 2010); Aly and Smart (ACNS 2019).
#pragma once

#include "mpc/building_blocks.h"
#include "mpc/fixed.h"
#include "mpc/normalize.h"

namespace sqt {

// 1/b for fixed-point b in [0.5, 1].
template <BinaryProtocol P>
typename P::Share reciprocal_unit(P& p, const typename P::Share& b) {
  using Share = typename P::Share;
  Share w = const_minus(p, 2.9142, p.scale(b, 2));
  Share e = const_minus(p, 1.0, fix_mul(p, b, w));
  const int iterations = p.frac_bits() <= 27 ? 3 : 4;
  for (int i = 0; i < iterations; ++i) {
    std::vector<Share> next = fix_mul_many(p, {w, e}, {add_const(p, e, 1.0), e});
    w = std::move(next[0]);
    e = std::move(next[1]);
  }
  return w;
}

template <BinaryProtocol P>
typename P::Share reciprocal_positive(P& p, const typename P::Share& x) {
  const int f = p.frac_bits(), L = normalize_bits(p);
  Normalized<P> n = normalize(p, x, L, true, false);
  typename P::Share b = p.trunc_pr(n.y, L - f);
  return mul_trunc_wide(p, reciprocal_unit(p, b), *n.scale, L - f);
}

template <BinaryProtocol P>
typename P::Share reciprocal(P& p, const typename P::Share& x) {
  using R = typename P::Ring;
  // sign = 1 - 2 [x < 0]
  typename P::Share sign = add_scalar(p, p.scale(ltz(p, x), R{0} - R{2}), R{1});
  return p.mul(sign, reciprocal_positive(p, p.mul(sign, x)));
}

template <BinaryProtocol P>
typename P::Share divide(P& p, const typename P::Share& a, const typename P::Share& b) {
  return fix_mul(p, a, reciprocal(p, b));
}

}  // namespace sqt
