// rep3_compare.h — comparison, equality, modular reduction and bit-to-
// arithmetic conversion for Rep3 (included by rep3.h).
//
// All rest on one step ("mask to receiver"): parties S = R+1 and T = R+2
// draw r uniformly from their shared key K_{R+2}, S sends x_T + r to R, and
// R learns c = x + r mod 2^k, which is uniform and independent of x because R
// does not hold K_{R+2}. R then knows c and S, T know r, so binary sharings of
// their bits cost R one bit per bit (R -> S, masked with K_R) and nothing for
// r. A boolean circuit on those sharings (bit_circuits.h) finishes the job.
// The receiver rotates from call to call.
//
//   msb(x, l):   bit l-1 of x + 2^(l-1) mod 2^l, i.e. [x >= 0] for |x| < 2^(l-1).
//                = c_{l-1} ^ r_{l-1} ^ [c mod 2^(l-1) < r mod 2^(l-1)] for the
//                low l bits of c = x + 2^(l-1) + r.
//   eqz_bits(x, l): [x = 0 mod 2^l] = AND of ~(c_i ^ r_i), i < l.
//   bit_decompose(x, l): the bits of x mod 2^l = (c - r) mod 2^l (subtractor).
//   mod2m(x, m): x mod 2^m = (c mod 2^m) - (r mod 2^m) + 2^m [c mod 2^m < r mod 2^m],
//                for any x.
//   b2a(b):      arithmetic 0/1 from a binary sharing, per plane and element:
//                R holds a = b_R ^ b_{R+1} and inputs it; S, T hold beta = b_{R+2};
//                b = a + beta - 2 a beta, with a*beta formed from a's summands
//                (S -> R: a_{R+1} beta - rho, T -> R: a_R beta + rho').
#pragma once

#include "proto/common/bit_circuits.h"

namespace sqt {

// Only the low `bits` bits of c are used by the callers, so on Z_{2^128}
// with bits <= 64 the message carries 64-bit words.
template <RingElement R>
Tensor<R> Rep3<R>::mask_to_receiver(const Roles& roles, const Share& x, int bits) {
  const Shape& sh = shape(x);
  const bool narrow = kRing > 64 && bits <= 64;
  if (roles.role == 0) {
    Tensor<R> c(sh);
    if (narrow) {
      std::vector<std::uint64_t> low(c.size());
      net_.recv_values<std::uint64_t>(next_, std::span(low));
      for (std::size_t i = 0; i < c.size(); ++i) c[i] = low[i];
    } else {
      c = receive(next_, sh);
    }
    add_inplace(c, x.s[0]);
    add_inplace(c, x.s[1]);
    return c;
  }
  Tensor<R> r = helper_key(roles).template random<R>(sh);
  if (roles.role == 1) {
    Tensor<R> masked = sqt::add(r, x.s[1]);
    if (narrow) {
      std::vector<std::uint64_t> low(masked.size());
      for (std::size_t i = 0; i < low.size(); ++i) low[i] = static_cast<std::uint64_t>(masked[i]);
      net_.send_values<std::uint64_t>(prev_, low);
    } else {
      send(prev_, masked);
    }
  }
  return r;
}

// The masked step shared by msb, eqz, bit_decompose and mod2m: R learns
// c = x + r, and the low l bits of c (input by R) and of r (free) become
// binary sharings. `value` is c at R and r at S and T.
template <RingElement R>
typename Rep3<R>::MaskedBits Rep3<R>::masked_bits(const Roles& roles, const Share& x, int l) {
  const std::size_t n = x.s[0].size();
  MaskedBits masked{mask_to_receiver(roles, x, l), {}, {}};
  BitPlanes bits = to_planes(masked.value, 0, l);
  masked.c = bin_input_by_receiver(roles, bits, n, l);
  masked.r = bin_known_by_helpers(roles, bits, n, l);
  return masked;
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::msb(const Share& x, int l) {
  SQT_CHECK(l >= 2 && l <= kRing, "msb: bit length {} is outside [2, {}]", l, kRing);
  Share shifted = add_public(x, Tensor<R>(shape(x), pow2<R>(l - 1)));
  MaskedBits m = masked_bits(next_roles(), shifted, l);
  BShare lt = bit_less_than(*this, bslice(m.c, 0, l - 1), bslice(m.r, 0, l - 1));
  return bxor(bxor(bslice(m.c, l - 1, 1), bslice(m.r, l - 1, 1)), lt);
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::eqz_bits(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "eqz: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(next_roles(), x, l);
  return bit_all(*this, bnot(bxor(m.c, m.r)));
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::bit_decompose(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "bit_decompose: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(next_roles(), x, l);
  return bit_subtract(*this, m.c, m.r);
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::bit_decompose_summands(const Share& x) {
  const std::size_t n = x.s[0].size();
  BitPlanes own = to_planes(x.s[0], 0, kRing), next = to_planes(x.s[1], 0, kRing);
  BitPlanes zero(n, kRing);
  // Summand j is held by parties j (as own) and j-1 (as next): a binary
  // sharing whose only nonzero summand is j.
  auto summand = [&](int j) -> BShare {
    if (me_ == j) return {own, zero};
    if (next_ == j) return {zero, next};
    return {zero, zero};
  };
  auto [sum, carry] = carry_save(*this, summand(0), summand(1), summand(2));
  return bit_add(*this, sum, carry, false);
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::mod2m(const Share& x, int m) {
  SQT_CHECK(m >= 1 && m < kRing, "mod2m: cannot reduce modulo 2^{} in a {}-bit ring", m, kRing);
  const Roles roles = next_roles();
  const Shape& sh = shape(x);
  MaskedBits masked = masked_bits(roles, x, m);
  Tensor<R>& v = masked.value;
  for (R& e : v) e &= pow2<R>(m) - 1;
  BShare lt = bit_less_than(*this, masked.c, masked.r);
  Share c = arith_input_by_receiver(roles, v, sh);
  Share r = arith_known_by_helpers(roles, v, sh);
  Share borrow = b2a(lt);
  borrow.s[0] = borrow.s[0].reshaped(sh);
  borrow.s[1] = borrow.s[1].reshaped(sh);
  return add(sub(c, r), scale(borrow, pow2<R>(m)));
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::b2a(const BShare& b) {
  const Roles roles = next_roles();
  const std::size_t count = b.s[0].n() * static_cast<std::size_t>(b.s[0].planes());
  const Shape sh{count};
  auto values = [&](const BitPlanes& bits) {
    Tensor<R> out(sh);
    std::size_t i = 0;
    for (int j = 0; j < bits.planes(); ++j)
      for (std::size_t e = 0; e < bits.n(); ++e) out[i++] = bits.get(j, e) ? 1 : 0;
    return out;
  };
  if (roles.role == 0) {
    Tensor<R> a = values(b.s[0] ^ b.s[1]);
    Tensor<R> a_r = prg_prev_.random<R>(sh);
    Tensor<R> a_s = sqt::sub(a, a_r);
    send(next_, a_s);
    Tensor<R> p_s = receive(next_, sh), p_t = receive(prev_, sh);
    return {sqt::sub(a_r, sqt::scale(p_t, R{2})), sqt::sub(a_s, sqt::scale(p_s, R{2}))};
  }
  Prg& key = helper_key(roles);
  Tensor<R> rho = key.random<R>(sh), rho_prime = key.random<R>(sh);
  Tensor<R> beta = values(roles.role == 1 ? b.s[1] : b.s[0]);
  // Summand R+2, common to S and T: beta - 2 (rho - rho').
  Tensor<R> common = sqt::sub(beta, sqt::scale(sqt::sub(rho, rho_prime), R{2}));
  if (roles.role == 1) {
    Tensor<R> a_s = receive(prev_, sh);
    Tensor<R> p_s = sqt::sub(sqt::mul(a_s, beta), rho);
    send(prev_, p_s);
    return {sqt::sub(a_s, sqt::scale(p_s, R{2})), std::move(common)};
  }
  Tensor<R> a_r = prg_next_.random<R>(sh);
  Tensor<R> p_t = sqt::add(sqt::mul(a_r, beta), rho_prime);
  send(next_, p_t);
  return {std::move(common), sqt::sub(a_r, sqt::scale(p_t, R{2}))};
}

}  // namespace sqt
