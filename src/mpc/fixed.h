// fixed.h — fixed-point arithmetic composed from protocol primitives.
//
// A fixed-point share holds round(x * 2^f) with f = p.frac_bits(). Products
// carry 2f fractional bits and are brought back with one truncation by f
// bits: stochastic rounding, or nearest if the session says so. Written once for every
// Protocol; the emulator runs the same code.
#pragma once

#include "core/fixed_point.h"
#include "mpc/basic.h"
#include "mpc/building_blocks.h"
#include "mpc/round.h"
#include "proto/protocol.h"

namespace sqt {

// Brings a product with 2f fractional bits back to f: stochastic rounding by
// default, exact round-to-nearest when the session asks for it.
template <Protocol P>
typename P::Share truncate_product(P& p, const typename P::Share& x) {
  return p.nearest_rounding() ? trunc_nearest(p, x, p.frac_bits()) : p.trunc_pr(x, p.frac_bits());
}

// With stochastic rounding the product and its truncation are one step
// (mul_trunc_pr: fused where the protocol can).
template <Protocol P>
typename P::Share fix_mul(P& p, const typename P::Share& x, const typename P::Share& y) {
  if (p.nearest_rounding()) return truncate_product(p, p.mul(x, y));
  return mul_trunc_pr(p, x, y, p.frac_bits());
}

template <Protocol P>
typename P::Share fix_matmul(P& p, const typename P::Share& x, const typename P::Share& y) {
  if (p.nearest_rounding()) return truncate_product(p, p.matmul(x, y));
  return matmul_trunc_pr(p, x, y, p.frac_bits());
}

// fix_matmul with the product's entries summed into positions `targets` of
// out_shape (targets one past its end dropped): a convolution's input
// gradient, col2im of dY W^T.
template <Protocol P>
typename P::Share fix_matmul_scatter(P& p, const typename P::Share& x, const typename P::Share& y,
                                     const std::vector<std::size_t>& targets,
                                     const Shape& out_shape) {
  if (p.nearest_rounding())
    return truncate_product(p, matmul_scatter_within(p, x, y, targets, out_shape));
  return matmul_scatter_trunc_pr(p, x, y, targets, out_shape, p.frac_bits());
}

// Fixed-point products of several pairs in one multiplication and one truncation.
template <Protocol P>
std::vector<typename P::Share> fix_mul_many(P& p, const std::vector<typename P::Share>& xs,
                                            const std::vector<typename P::Share>& ys) {
  return split_like<P>(fix_mul(p, P::join(xs), P::join(ys)), xs);
}

// Party `owner` inputs reals (others pass an empty tensor) as fixed point.
template <Protocol P>
typename P::Share input_fixed(P& p, int owner, const Tensor<double>& values, const Shape& shape) {
  using R = typename P::Ring;
  Tensor<R> encoded =
      p.party() == owner || p.parties() == 1 ? encode_fixed<R>(values, p.frac_bits()) : Tensor<R>{};
  return p.input(owner, encoded, shape);
}

template <Protocol P>
Tensor<double> open_fixed(P& p, const typename P::Share& x) {
  return decode_fixed(p.open(x), p.frac_bits());
}

}  // namespace sqt
