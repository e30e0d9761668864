// fixed.h — fixed-point arithmetic composed from protocol primitives.
//
// A fixed-point share holds round(x * 2^f) with f = p.frac_bits(). Products
// carry 2f fractional bits and are brought back with one probabilistic
// truncation by f bits (stochastic rounding). Written once for every
// Protocol; the emulator runs the same code.
#pragma once

#include "core/fixed_point.h"
#include "proto/protocol.h"

namespace sqt {

template <Protocol P>
typename P::Share fix_mul(P& p, const typename P::Share& x, const typename P::Share& y) {
  return p.trunc_pr(p.mul(x, y), p.frac_bits());
}

template <Protocol P>
typename P::Share fix_matmul(P& p, const typename P::Share& x, const typename P::Share& y) {
  return p.trunc_pr(p.matmul(x, y), p.frac_bits());
}

// Party `owner` inputs reals (others pass an empty tensor) as fixed point.
template <Protocol P>
typename P::Share input_fixed(P& p, int owner, const Tensor<double>& values, const Shape& shape) {
  using R = typename P::Ring;
  Tensor<R> encoded = p.party() == owner || p.parties() == 1
                          ? encode_fixed<R>(values, p.frac_bits())
                          : Tensor<R>{};
  return p.input(owner, encoded, shape);
}

template <Protocol P>
Tensor<double> open_fixed(P& p, const typename P::Share& x) {
  return decode_fixed(p.open(x), p.frac_bits());
}

}  // namespace sqt
