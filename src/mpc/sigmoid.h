// sigmoid.h — the logistic function.
//
// sigmoid(x) = 1 / (1 + e^-|x|) for x >= 0 and 1 - that for x < 0, so the
// exponential never overflows; the denominator lies in (1, 2], so half of it
// is already normalised for the Goldschmidt reciprocal (divide.h).
#pragma once

#include "mpc/divide.h"
#include "mpc/exp.h"

namespace sqt {

template <BinaryProtocol P>
typename P::Share sigmoid(P& p, const typename P::Share& x) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  Share negative = ltz(p, x);
  Share sign = add_scalar(p, p.scale(negative, R{0} - R{2}), R{1});  // 1 - 2 [x < 0]
  Share magnitude = p.mul(sign, x);
  Share denominator = add_const(p, exp(p, p.neg(magnitude)), 1.0);  // in (1, 2]
  // 1/d = (1/(d/2)) / 2
  Share half = reciprocal_unit(p, p.trunc_pr(denominator, 1));
  Share positive = p.trunc_pr(half, 1);
  return select(p, negative, const_minus(p, 1.0, positive), positive);
}

}  // namespace sqt
