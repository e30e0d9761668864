// round.h — exact (nearest) truncation.
//
// trunc_nearest(x, m) = floor(x / 2^m + 1/2) exactly: with x' = x + 2^(m-1),
// x' - (x' mod 2^m) is a multiple of 2^m, so probabilistic truncation of it is
// exact. Cost: one mod2m and one probabilistic truncation.
#pragma once

#include "mpc/basic.h"

namespace sqt {

template <class P>
typename P::Share trunc_nearest(P& p, const typename P::Share& x, int m) {
  auto shifted = add_scalar(p, x, pow2<typename P::Ring>(m - 1));
  return p.trunc_pr(p.sub(shifted, p.mod2m(shifted, m)), m);
}

// Fixed-point product with round-to-nearest instead of stochastic rounding.
template <BinaryProtocol P>
typename P::Share fix_mul_nearest(P& p, const typename P::Share& x, const typename P::Share& y) {
  return trunc_nearest(p, p.mul(x, y), p.frac_bits());
}

}  // namespace sqt
