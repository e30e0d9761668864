// log.h — binary and natural logarithm.
//
// Normalise x = m 2^(L - j - f) with m in [0.5, 1) (normalize.h), so
// log2 x = log2(1 + t) - 1 + L - f - j with t = 2m - 1 in [0, 1), and log2(1 + t)
// from a Chebyshev interpolant. Valid for 2^-f <= x < 2^(L - f). Used for the
// reported loss only.
#pragma once

#include <numbers>

#include "mpc/normalize.h"
#include "mpc/poly.h"

namespace sqt {

template <BinaryProtocol P>
typename P::Share log2(P& p, const typename P::Share& x) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  const int f = p.frac_bits(), L = normalize_bits(p);
  Normalized<P> n = normalize(p, x, L, false, false);
  Share j = p.constant(Tensor<R>(P::shape(x), R{0}));
  for (std::size_t i = 0; i < n.steps.size(); ++i)
    j = p.add(j, p.scale(n.bits[i], static_cast<R>(n.steps[i])));
  Share t = add_scalar(p, p.trunc_pr(n.y, L - 1 - f), R{0} - pow2<R>(f));  // 2m - 1
  const ChebyshevSeries& series = cached_fit("log2_1p", f, [f] {
    return chebyshev_fit([](double v) { return std::log2(1 + v); }, 0, 1, std::ldexp(1.0, -f - 2));
  });
  Share result = clenshaw(p, series, t);
  result = add_const(p, result, L - f - 1);
  return p.sub(result, p.scale(j, pow2<R>(f)));
}

template <BinaryProtocol P>
typename P::Share ln(P& p, const typename P::Share& x) {
  return mul_const(p, log2(p, x), std::numbers::ln2);
}

}  // namespace sqt
