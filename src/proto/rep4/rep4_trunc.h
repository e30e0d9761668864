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
//
// A product truncated at once (mul_trunc_pr, matmul_trunc_pr; no gap) skips
// the product's joint sharing: mask_product_to_pair makes c = x y + r known
// to R1 and R2 from the pairs' terms in one round of six elements, where the
// product and mask_to_pair take two rounds and eight.
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

// The masked step of a product x y that has not been shared: x y is the sum
// of the six pairs' terms (pair_term), and R1 lacks those of {S, T},
// {R2, S} and {R2, T}, R2 those of {S, T}, {R1, S} and {R1, T}. Each is
// sent masked by one of the two parties that know it and vouched for by the
// other:
//   S -> R1 and T -> R2: v_ST + r0 (r0 from S and T's pairwise key);
//   R1 -> R2: v_R1S + a1, T -> R2: v_R1T + a2 (a1, a2: key of all but R2);
//   S -> R1: v_R2S + b1, R2 -> R1: v_R2T + b2 (b1, b2: key of all but R1).
// R1 adds its own terms and a1 + a2, R2 its own terms and b1 + b2: both get
// c = x y + r with r = r0 + a1 + a2 + b1 + b2, which S and T (holding every
// one of these keys) compute. Each message is uniform to its receiver (a
// fresh mask from a key it lacks, different for each message), and r is
// uniform to R1 and R2 (r0): the same view as mask_to_pair's. Six elements
// in one round, against six for the product and two for mask_to_pair.
template <RingElement R>
template <class Product>
typename Rep4<R>::Masked Rep4<R>::mask_product_to_pair(const Roles& ro, const Share& x,
                                                       const Share& y, Product&& product,
                                                       const Shape& sh) {
  using A = Algebra<Tensor<R>>;
  const bool masker = me_ == ro.s || me_ == ro.t;
  // The terms of this party's three pairs; {R1, R2} and {S, T} carry the
  // squares.
  std::array<Tensor<R>, 4> term;
  for (int q = 0; q < 4; ++q) {
    if (q == me_) continue;
    const bool same_side = (q == ro.s || q == ro.t) == masker;
    term[q] = pair_term(x, y, product, me_, q, same_side);
  }
  std::array<Tensor<R>, 5> mask;
  if (masker) mask[0] = session_.pair_prg(me_ == ro.s ? ro.t : ro.s).template random<R>(sh);
  for (int k : {1, 2})
    if (me_ != ro.r2) mask[k] = key_of_summand(ro.r2).template random<R>(sh);
  for (int k : {3, 4})
    if (me_ != ro.r1) mask[k] = key_of_summand(ro.r1).template random<R>(sh);
  struct Message {
    int i, j, to, from, mask;  // the term of pair {i, j}, masked by mask[mask]
  };
  const Message messages[6] = {{ro.s, ro.t, ro.r1, ro.s, 0},   {ro.s, ro.t, ro.r2, ro.t, 0},
                               {ro.r1, ro.s, ro.r2, ro.r1, 1}, {ro.r1, ro.t, ro.r2, ro.t, 2},
                               {ro.r2, ro.s, ro.r1, ro.s, 3},  {ro.r2, ro.t, ro.r1, ro.r2, 4}};
  // Phase 1: sends and vouches (sends never block).
  for (const Message& msg : messages) {
    if (me_ != msg.i && me_ != msg.j) continue;
    Tensor<R> value = sqt::add(term[me_ == msg.i ? msg.j : msg.i], mask[msg.mask]);
    if (me_ == msg.from) {
      send(msg.to, value);
    } else {
      check_.vouch(msg.to, A::bytes(value));
    }
  }
  if (masker) {
    Tensor<R> r = std::move(mask[0]);
    for (int k = 1; k < 5; ++k) add_inplace(r, mask[k]);
    return {std::move(r), false};
  }
  // Phase 2 (R1, R2): c = own terms + own masks + the three messages.
  Tensor<R> c(sh, R{0});
  for (int q = 0; q < 4; ++q)
    if (q != me_) add_inplace(c, term[q]);
  for (int k : me_ == ro.r1 ? std::array{1, 2} : std::array{3, 4}) add_inplace(c, mask[k]);
  for (const Message& msg : messages) {
    if (msg.to != me_) continue;
    Tensor<R> got(sh);
    receive(msg.from, got);
    check_.received(msg.from == msg.i ? msg.j : msg.i, A::bytes(got));
    add_inplace(c, got);
  }
  return {std::move(c), true};
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::trunc_pr_nogap(const Share& x, int m) {
  SQT_CHECK(m > 0 && m < kRing - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m,
            kRing);
  const Roles roles = next_roles();
  return trunc_nogap_masked(roles, mask_to_pair(roles, x), shape(x), m);
}

template <RingElement R>
typename Rep4<R>::Share Rep4<R>::trunc_nogap_masked(const Roles& roles, const Masked& masked,
                                                    const Shape& sh, int m) {
  constexpr int k = kRing;
  const std::size_t n = masked.c.size();
  const R low_mask = pow2<R>(k - 1) - 1;
  // At R1, R2: U = (c_low >> m) + 2^(k-1-m) e and e. At S, T:
  // W = 2^(k-1-m) b - (r_low >> m) and b. e and b matter only modulo 2^m
  // (they meet in e*b, which is multiplied by 2^(k-m)): m-bit words.
  Tensor<R> full(sh), bit(sh);
  for (std::size_t i = 0; i < n; ++i) {
    R v = masked.knows_c ? masked.c[i] + pow2<R>(k - 2) : masked.c[i];
    R top = v >> (k - 1), high = (v & low_mask) >> m;
    full[i] = masked.knows_c ? high + (top << (k - 1 - m)) : (top << (k - 1 - m)) - high;
    bit[i] = top;
  }
  const Tensor<R> like(sh, R{0});
  auto shares = joint_share<Tensor<R>>({{roles.r1, roles.r2, roles.s, roles.r1, 0},
                                        {roles.r1, roles.r2, roles.t, roles.r2, 1, m},
                                        {roles.s, roles.t, roles.r1, roles.s, 2},
                                        {roles.s, roles.t, roles.r2, roles.t, 3, m}},
                                       {&full, &bit, &full, &bit}, {like, like, like, like}, 4);
  const Share &u = shares[0], &e = shares[1], &w = shares[2], &b = shares[3];
  Share eb = multiply<Tensor<R>>(
      e, b, [](const Tensor<R>& a, const Tensor<R>& c) { return sqt::mul(a, c); }, like, m);
  Share y = sub(add(u, w), scale(eb, pow2<R>(k - m)));
  return add_public(y, Tensor<R>(sh, R{0} - pow2<R>(k - 2 - m)));
}

}  // namespace sqt
