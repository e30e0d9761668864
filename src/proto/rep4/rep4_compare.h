// rep4_compare.h — comparison, equality, bit decomposition, modular
// reduction and bit-to-arithmetic conversion for Rep4 (included by rep4.h).
//
// As in rep3 (rep3_compare.h), all but b2a rest on one masked step: R1 and
// R2 learn c = x + r, S and T know r (mask_to_pair, rep4_trunc.h); the low l
// bits of c are jointly shared by R1 and R2, those of r by S and T, and a
// boolean circuit (bit_circuits.h, ANDs by rep4's checked multiplication)
// finishes: msb(x, l) = c_{l-1} ^ r_{l-1} ^ [c mod 2^(l-1) < r mod 2^(l-1)]
// for c = x + 2^(l-1) + r; eqz = AND of ~(c_i ^ r_i); bits = c - r.
//
// b2a(b): b = u ^ v with u = b_0 ^ b_1 (known to parties 2 and 3) and
// v = b_2 ^ b_3 (known to 0 and 1); both pairs jointly share their bit as a
// ring element and b = u + v - 2uv takes one multiplication: 2 rounds.
#pragma once

#include "proto/common/bit_circuits.h"

namespace sqt {

namespace rep4_detail {

// Arithmetic 0/1 per plane and element ([planes * n], plane-major).
template <RingElement R>
Tensor<R> bits_as_ring(const BitPlanes& bits) {
  Tensor<R> out(Shape{bits.n() * static_cast<std::size_t>(bits.planes())});
  std::size_t i = 0;
  for (int j = 0; j < bits.planes(); ++j)
    for (std::size_t e = 0; e < bits.n(); ++e) out[i++] = bits.get(j, e) ? 1 : 0;
  return out;
}

}  // namespace rep4_detail

template <RingElement R>
typename Rep4<R>::MaskedBits Rep4<R>::masked_bits(const Roles& roles, const Share& x, int l) {
  Masked masked = mask_to_pair(roles, x, ~R{0}, l);  // only c mod 2^l is used
  BitPlanes bits = to_planes(masked.c, 0, l);
  const BitPlanes like(masked.c.size(), l);
  auto shares = joint_share<BitPlanes>(
      {{roles.r1, roles.r2, roles.s, roles.r1, 0}, {roles.s, roles.t, roles.r2, roles.t, 1}},
      {&bits, &bits}, {like, like}, 2);
  return {std::move(masked), std::move(shares[0]), std::move(shares[1])};
}

template <RingElement R>
typename Rep4<R>::BShare Rep4<R>::msb(const Share& x, int l) {
  SQT_CHECK(l >= 2 && l <= kRing, "msb: bit length {} is outside [2, {}]", l, kRing);
  Share shifted = add_public(x, Tensor<R>(shape(x), pow2<R>(l - 1)));
  MaskedBits m = masked_bits(next_roles(), shifted, l);
  BShare lt = bit_less_than(*this, bslice(m.c, 0, l - 1), bslice(m.r, 0, l - 1));
  return bxor(bxor(bslice(m.c, l - 1, 1), bslice(m.r, l - 1, 1)), lt);
}

template <RingElement R>
typename Rep4<R>::BShare Rep4<R>::eqz_bits(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "eqz: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(next_roles(), x, l);
  return bit_all(*this, bnot(bxor(m.c, m.r)));
}

template <RingElement R>
typename Rep4<R>::BShare Rep4<R>::bit_decompose(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "bit_decompose: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(next_roles(), x, l);
  return bit_subtract(*this, m.c, m.r);
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::mod2m(const Share& x, int m) {
  SQT_CHECK(m >= 1 && m < kRing, "mod2m: cannot reduce modulo 2^{} in a {}-bit ring", m, kRing);
  const Roles roles = next_roles();
  MaskedBits masked = masked_bits(roles, x, m);
  Tensor<R> low = masked.value.c;
  for (R& v : low) v &= pow2<R>(m) - 1;
  BShare lt = bit_less_than(*this, masked.c, masked.r);
  const Tensor<R> like(shape(x), R{0});
  auto shares = joint_share<Tensor<R>>(
      {{roles.r1, roles.r2, roles.t, roles.r2, 0}, {roles.s, roles.t, roles.r1, roles.s, 1}},
      {&low, &low}, {like, like}, 2);
  Share borrow = reshaped(b2a(lt), shape(x));
  return add(sub(shares[0], shares[1]), scale(borrow, pow2<R>(m)));
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::b2a(const BShare& b) {
  const std::size_t count = b.s[0].n() * static_cast<std::size_t>(b.s[0].planes());
  const Tensor<R> like(Shape{count}, R{0});
  // Parties 2, 3 hold b_0 and b_1; parties 0, 1 hold b_2 and b_3.
  Tensor<R> known;
  if (me_ >= 2) known = rep4_detail::bits_as_ring<R>(b.s[slot(0)] ^ b.s[slot(1)]);
  if (me_ <= 1) known = rep4_detail::bits_as_ring<R>(b.s[slot(2)] ^ b.s[slot(3)]);
  const int turn = static_cast<int>(share_calls_++ % 2);
  auto shares = joint_share<Tensor<R>>({{2, 3, turn, 2 + turn, 0}, {0, 1, 2 + turn, turn, 1}},
                                       {&known, &known}, {like, like}, 2);
  const Share &u = shares[0], &v = shares[1];
  return sub(add(u, v), scale(mul(u, v), R{2}));
}

}  // namespace sqt
