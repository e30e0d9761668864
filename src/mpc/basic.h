// basic.h — small fixed-point helpers shared by the mpc layer.
//
// Constants are encoded with the protocol's f fractional bits; products by a
// fixed-point constant are truncated once (probabilistically). value_bits()
// is the bit length l within which comparisons are exact: |x| < 2^(l-1).
#pragma once

#include <cmath>

#include "core/fixed_point.h"
#include "core/tensor_ops.h"
#include "proto/protocol.h"

namespace sqt {

// Comparisons are exact for |x| < 2^(value_bits - 1) (as ring integers).
template <Protocol P>
constexpr int value_bits(const P&) {
  return 64;
}

template <Protocol P>
Tensor<typename P::Ring> filled(const typename P::Share& like, typename P::Ring value) {
  return Tensor<typename P::Ring>(P::shape(like), value);
}

// x + c for a ring constant c (added once, not per party).
template <Protocol P>
typename P::Share add_scalar(P& p, const typename P::Share& x, typename P::Ring c) {
  return p.add_public(x, filled<P>(x, c));
}

// x + c for a real constant c.
template <Protocol P>
typename P::Share add_const(P& p, const typename P::Share& x, double c) {
  return add_scalar(p, x, encode_fixed<typename P::Ring>(c, p.frac_bits()));
}

// c - x for a real constant c.
template <Protocol P>
typename P::Share const_minus(P& p, double c, const typename P::Share& x) {
  return add_const(p, p.neg(x), c);
}

// x * c for a real constant c (one probabilistic truncation).
template <Protocol P>
typename P::Share mul_const(P& p, const typename P::Share& x, double c) {
  return p.trunc_pr(p.scale(x, encode_fixed<typename P::Ring>(c, p.frac_bits())), p.frac_bits());
}

// The arithmetic 0/1 share of a one-plane binary share, shaped like `shape`.
template <BinaryProtocol P>
typename P::Share bit_to_arith(P& p, const typename P::BShare& bit, const Shape& shape) {
  return P::reshaped(p.b2a(bit), shape);
}

// x * y for an arithmetic bit or integer y (no truncation).
template <Protocol P>
typename P::Share mul_int(P& p, const typename P::Share& x, const typename P::Share& y) {
  return p.mul(x, y);
}

// Splits a joined share back into pieces shaped like `like`.
template <Protocol P>
std::vector<typename P::Share> split_like(const typename P::Share& joined,
                                          const std::vector<typename P::Share>& like) {
  std::vector<typename P::Share> out;
  std::size_t offset = 0;
  for (const auto& x : like) {
    out.push_back(P::part(joined, offset, P::shape(x)));
    offset += shape_size(P::shape(x));
  }
  return out;
}

// Elementwise products of several pairs in one round.
template <Protocol P>
std::vector<typename P::Share> mul_many(P& p, const std::vector<typename P::Share>& xs,
                                        const std::vector<typename P::Share>& ys) {
  return split_like<P>(p.mul(P::join(xs), P::join(ys)), xs);
}
}  // namespace sqt
