// rep4_trunc.h — probabilistic truncation for Rep4 (included by rep4.h).
//
// Both variants compute floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m), as
// rep3's (rep3_trunc.h), from one masked step: S and T draw r from their
// pairwise key and make c = x + r known to R1 and R2 (S sends x_{R1} + r to
// R1, T sends x_{R2} + r to R2, each vouched for by the other). R1 and R2
// then jointly share what they compute from c, S and T what they compute
// from r, so every value is input by two parties and checked. A corrupted
// party in {R1, R2} sees c, uniform because it lacks r; one in {S, T} sees
// only values masked by keys it lacks. The four roles rotate per call.
//
// kGap (|x| < 2^(k-42)), 2 rounds: r < 2^(k-1), c = x + 2^l + r without
//   wrap-around (l = k - 42; statistical distance 2^-40), y = (c >> m) -
//   (r >> m) - 2^(l-m).
// kNoGap (|x| < 2^(k-2)), 3 rounds: r uniform, c = x + 2^(k-2) + r mod 2^k
//   (perfectly uniform), e = msb(c), b = msb(r), y = (c_low >> m) +
//   2^(k-1-m)(e + b - 2eb) - (r_low >> m) - 2^(k-2-m); e*b by one
//   multiplication of the jointly shared e and b, modulo 2^m only (it is
//   multiplied by 2^(k-m)): 4 ring elements and 8 m-bit words per value.
#pragma once

namespace sqt {

template <RingElement R>
typename Rep4<R>::Masked Rep4<R>::mask_to_pair(const Roles& roles, const Share& x, R r_mask,
                                               int bits) {
  const Shape& sh = shape(x);
  if (me_ == roles.r1 || me_ == roles.r2) {
    const bool first = me_ == roles.r1;
    const int from = first ? roles.s : roles.t, verifier = first ? roles.t : roles.s;
    Tensor<R> c(sh);
    receive(from, c, bits);
    check_.received(verifier, Algebra<Tensor<R>>::bytes(c));
    for (const Tensor<R>& summand : x.s) add_inplace(c, summand);
    return {std::move(c), true};
  }
  const int partner = me_ == roles.s ? roles.t : roles.s;
  Tensor<R> r = session_.pair_prg(partner).template random<R>(sh);
  if (r_mask != ~R{0})
    for (R& v : r) v &= r_mask;
  // S serves R1, T serves R2; each vouches for the other's message.
  const int serve = me_ == roles.s ? roles.r1 : roles.r2;
  const int vouch = me_ == roles.s ? roles.r2 : roles.r1;
  Tensor<R> to_serve = sqt::add(x.s[slot(serve)], r), to_vouch = sqt::add(x.s[slot(vouch)], r);
  keep_low(to_serve, bits);
  keep_low(to_vouch, bits);
  send(serve, to_serve, bits);
  check_.vouch(vouch, Algebra<Tensor<R>>::bytes(to_vouch));
  return {std::move(r), false};
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::trunc_pr_gap(const Share& x, int m) {
  constexpr int l = kRing - 42;
  SQT_CHECK(m > 0 && m < l, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, kRing);
  const Roles roles = next_roles();
  // r < 2^(k-1): S and T clear the top bit of their mask.
  Masked masked = mask_to_pair(roles, x, pow2<R>(kRing - 1) - 1);
  Tensor<R> mine = masked.c;
  for (R& v : mine) v = masked.knows_c ? (v + pow2<R>(l)) >> m : v >> m;
  const Tensor<R> like(shape(x), R{0});
  auto shares = joint_share<Tensor<R>>(
      {{roles.r1, roles.r2, roles.s, roles.r1, 0}, {roles.s, roles.t, roles.r1, roles.s, 1}},
      {&mine, &mine}, {like, like}, 2);
  Share y = sub(shares[0], shares[1]);
  return add_public(y, Tensor<R>(shape(x), R{0} - pow2<R>(l - m)));
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::trunc_pr_nogap(const Share& x, int m) {
  constexpr int k = kRing;
  SQT_CHECK(m > 0 && m < k - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, k);
  const Roles roles = next_roles();
  Masked masked = mask_to_pair(roles, x);
  const std::size_t n = masked.c.size();
  const R low_mask = pow2<R>(k - 1) - 1;
  // At R1, R2: U = (c_low >> m) + 2^(k-1-m) e and e. At S, T:
  // W = 2^(k-1-m) b - (r_low >> m) and b. e and b matter only modulo 2^m
  // (they meet in e*b, which is multiplied by 2^(k-m)): m-bit words.
  Tensor<R> full(shape(x)), bit(shape(x));
  for (std::size_t i = 0; i < n; ++i) {
    R v = masked.knows_c ? masked.c[i] + pow2<R>(k - 2) : masked.c[i];
    R top = v >> (k - 1), high = (v & low_mask) >> m;
    full[i] = masked.knows_c ? high + (top << (k - 1 - m)) : (top << (k - 1 - m)) - high;
    bit[i] = top;
  }
  const Tensor<R> like(shape(x), R{0});
  auto shares = joint_share<Tensor<R>>({{roles.r1, roles.r2, roles.s, roles.r1, 0},
                                        {roles.r1, roles.r2, roles.t, roles.r2, 1, m},
                                        {roles.s, roles.t, roles.r1, roles.s, 2},
                                        {roles.s, roles.t, roles.r2, roles.t, 3, m}},
                                       {&full, &bit, &full, &bit}, {like, like, like, like}, 4);
  const Share &u = shares[0], &e = shares[1], &w = shares[2], &b = shares[3];
  Share eb = multiply<Tensor<R>>(
      e, b, [](const Tensor<R>& a, const Tensor<R>& c) { return sqt::mul(a, c); }, like, m);
  Share y = sub(add(u, w), scale(eb, pow2<R>(k - m)));
  return add_public(y, Tensor<R>(shape(x), R{0} - pow2<R>(k - 2 - m)));
}

}  // namespace sqt
