// rep4_trunc.h — probabilistic truncation for Rep4 (included by rep4.h).
//
// Both variants compute floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m), as
// rep3's (rep3_trunc.h), from one masked step: S and T hold a mask r
// (kGap: from their pairwise key; kNoGap: trunc_mask) and make c = x + r
// known to R1 and R2 (S sends x_{R1} + r to R1, T sends x_{R2} + r to R2,
// each vouched for by the other). R1 and R2 then jointly share what they
// compute from c, S and T what they compute from r, so every value is
// input by two parties and checked. A corrupted party in {R1, R2} sees c,
// uniform because r is uniform given the parts of it that party holds; one
// in {S, T} sees only values masked by keys it lacks. The four roles rotate
// per call.
//
// kGap (|x| < 2^(k-42)), 2 rounds: r < 2^(k-1), c = x + 2^l + r without
//   wrap-around (l = k - 42; statistical distance 2^-40), y = (c >> m) -
//   (r >> m) - 2^(l-m).
// kNoGap (|x| < 2^(k-2)), 3 rounds: r uniform, c = x + 2^(k-2) + r mod 2^k
//   (perfectly uniform), e = msb(c), b = msb(r), y = (c_low >> m) +
//   2^(k-1-m)(e + b - 2eb) - (r_low >> m) - 2^(k-2-m). The high part of r
//   is t = t1 + t2 from the keys of all but R1 and all but R2 (trunc_mask),
//   so [t] costs nothing and S and T share only bits: U from c (one
//   element), e, b and d = b + carry(t) and the cross product e*b modulo
//   2^m (it is multiplied by 2^(k-m)): 3 elements and 7 m-bit words.
//
// A product truncated at once (mul_trunc_pr, mul_trunc_pr_wide,
// matmul_trunc_pr, matmul_scatter_trunc_pr; no gap) skips
// the product's joint sharing: mask_product_to_pair makes c = x y + r known
// to R1 and R2 from the pairs' terms in one round of six elements, where the
// product and mask_to_pair take two rounds and eight.
#pragma once

namespace sqt {

template <RingElement R>
typename Rep4<R>::Masked Rep4<R>::mask_to_pair(const Roles& roles, const Share& x, R r_mask,
                                               int bits) {
  Tensor<R> r;
  if (me_ == roles.s || me_ == roles.t) {
    r = session_.pair_prg(me_ == roles.s ? roles.t : roles.s).template random<R>(shape(x));
    if (r_mask != ~R{0})
      for (R& v : r) v &= r_mask;
  }
  return mask_with(roles, x, std::move(r), bits);
}

template <RingElement R>
typename Rep4<R>::Masked Rep4<R>::mask_with(const Roles& roles, const Share& x, Tensor<R> r,
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

// t1 from the key of all but R1 (R2, S, T draw it), t2 from that of all but
// R2, both below 2^(k-m); r_lo < 2^m from S and T's pairwise key. r = 2^m
// (t1 + t2) + r_lo mod 2^k is uniform, unknown to R1 (t1, r_lo) and to R2
// (t2, r_lo), and t = t1 + t2 is a sharing without any message.
template <RingElement R>
typename Rep4<R>::TruncMask Rep4<R>::trunc_mask(const Roles& roles, const Shape& sh, int m) {
  const R high_mask = pow2<R>(kRing - m) - 1, low_mask = pow2<R>(m) - 1;
  TruncMask mask;
  for (int q = 0; q < 4; ++q) {
    if (q == me_) continue;
    Tensor<R>& t = mask.high.s[slot(q)];
    if (q != roles.r1 && q != roles.r2) {
      t = Tensor<R>(sh, R{0});
      continue;
    }
    t = key_of_summand(q).template random<R>(sh);
    for (R& v : t) v &= high_mask;
  }
  if (me_ == roles.s || me_ == roles.t) {
    mask.r = session_.pair_prg(me_ == roles.s ? roles.t : roles.s).template random<R>(sh);
    const Tensor<R>&t1 = mask.high.s[slot(roles.r1)], &t2 = mask.high.s[slot(roles.r2)];
    for (std::size_t i = 0; i < mask.r.size(); ++i)
      mask.r[i] = (mask.r[i] & low_mask) + ((t1[i] + t2[i]) << m);
  }
  return mask;
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
//   R1 -> R2: v_R1S + a1, T -> R2: v_R1T + a2 (a1, a2: key of all but R2);
//   S -> R1: v_R2S + b1, R2 -> R1: v_R2T + b2 (b1, b2: key of all but R1);
//   S -> R1 and T -> R2: v_ST + r0 with r0 = r - a1 - a2 - b1 - b2, for
//   the mask r of trunc_mask, which S and T hold (as every key above).
// R1 adds its own terms and a1 + a2, R2 its own terms and b1 + b2: both get
// c = x y + r. R1's three messages are uniform and independent: b1 and b2
// mask two of them, and their sum with the third is masked by r - a1 - a2,
// whose parts 2^m t1 + r_lo R1 lacks (likewise for R2): the same view as
// mask_with's. Six elements in one round, against six for the product and
// two for the masked step.
template <RingElement R>
template <class Product>
typename Rep4<R>::Masked Rep4<R>::mask_product_to_pair(const Roles& ro, const Share& x,
                                                       const Share& y, Product&& product,
                                                       const Shape& sh, Tensor<R> r) {
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
  for (int k : {1, 2})
    if (me_ != ro.r2) mask[k] = key_of_summand(ro.r2).template random<R>(sh);
  for (int k : {3, 4})
    if (me_ != ro.r1) mask[k] = key_of_summand(ro.r1).template random<R>(sh);
  if (masker) {  // r0 = r - a1 - a2 - b1 - b2
    mask[0] = r;
    for (int k = 1; k < 5; ++k) sub_inplace(mask[0], mask[k]);
  }
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
  if (masker) return {std::move(r), false};
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
  check_nogap_shift(m);
  const Roles roles = next_roles();
  TruncMask mask = trunc_mask(roles, shape(x), m);
  return trunc_nogap_masked(roles, mask_with(roles, x, std::move(mask.r)), mask.high, m);
}

// With v = c + 2^(k-2) at R1, R2: e = msb(v), U = (v mod 2^(k-1)) >> m +
// 2^(k-1-m) e. At S, T: t = t1 + t2, carry = t >> (k-m), b = msb(r) = bit
// k-m-1 of t, d = b + carry; then 2^(k-1-m) b - (r mod 2^(k-1)) >> m =
// 2^(k-m) d - t, and y = U - t + 2^(k-m) (d - e b) - 2^(k-2-m). e, b and d
// matter only modulo 2^m: m-bit words.
template <RingElement R>
typename Rep4<R>::Share Rep4<R>::trunc_nogap_masked(const Roles& roles, const Masked& masked,
                                                    const Share& high, int m) {
  constexpr int k = kRing;
  const Shape& sh = shape(high);
  const std::size_t n = masked.c.size();
  const R low_mask = pow2<R>(k - 1) - 1;
  // full is R1 and R2's value, carried S and T's; joint_share reads a value
  // only at its two holders, so each party allocates just its own.
  Tensor<R> bit(sh, kUninitialized), full, carried;
  if (masked.knows_c) {
    full = Tensor<R>(sh, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) {
      const R v = masked.c[i] + pow2<R>(k - 2), top = v >> (k - 1);
      full[i] = ((v & low_mask) >> m) + (top << (k - 1 - m));
      bit[i] = top;
    }
  } else {
    carried = Tensor<R>(sh, kUninitialized);
    const Tensor<R>&t1 = high.s[slot(roles.r1)], &t2 = high.s[slot(roles.r2)];
    for (std::size_t i = 0; i < n; ++i) {
      const R t = t1[i] + t2[i], b = (t >> (k - m - 1)) & 1;
      bit[i] = b;
      carried[i] = b + (t >> (k - m));
    }
  }
  const Tensor<R> like(sh, R{0});
  auto shares = joint_share<Tensor<R>>({{roles.r1, roles.r2, roles.s, roles.r1, 0},
                                        {roles.r1, roles.r2, roles.t, roles.r2, 1, m},
                                        {roles.s, roles.t, roles.r2, roles.t, 2, m},
                                        {roles.s, roles.t, roles.r1, roles.s, 3, m}},
                                       {&full, &bit, &bit, &carried}, {like, like, like, like}, 4);
  const Share &u = shares[0], &e = shares[1], &b = shares[2], &d = shares[3];
  Share y = add(sub(u, high), scale(sub(d, multiply_across(roles, e, b, m)), pow2<R>(k - m)));
  return add_public(y, Tensor<R>(sh, R{0} - pow2<R>(k - 2 - m)));
}

// e b for e jointly shared by R1 and R2 and b by S and T: joint_share leaves
// zero summands at the sharers, so e = e_S + e_T, b = b_R1 + b_R2 and only
// the four cross terms e_q b_p are non-zero, each known to one pair (the
// holders of both summands): {R2, T} knows e_S b_R1, {R1, T} e_S b_R2,
// {R2, S} e_T b_R1, {R1, S} e_T b_R2. Four joint sharings instead of
// multiply's six; every party sends one and receives one.
template <RingElement R>
typename Rep4<R>::Share Rep4<R>::multiply_across(const Roles& ro, const Share& e, const Share& b,
                                                 int bits) {
  auto product = [](const Tensor<R>& u, const Tensor<R>& v) { return sqt::mul(u, v); };
  const std::vector<JointSpec> specs = {{ro.r2, ro.t, ro.r1, ro.t, 0, bits},
                                        {ro.r1, ro.t, ro.s, ro.r1, 0, bits},
                                        {ro.r2, ro.s, ro.t, ro.r2, 0, bits},
                                        {ro.r1, ro.s, ro.r2, ro.s, 0, bits}};
  std::vector<Tensor<R>> terms(specs.size());
  std::vector<const Tensor<R>*> known(specs.size(), nullptr);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    if (me_ != specs[k].i && me_ != specs[k].j) continue;
    terms[k] = pair_term(e, b, product, specs[k].i, specs[k].j, false);
    known[k] = &terms[k];
  }
  return std::move(joint_share<Tensor<R>>(specs, known, {Tensor<R>(shape(e), R{0})}, 1)[0]);
}

}  // namespace sqt
