// rep3_trunc.h — probabilistic truncation for Rep3 (included by rep3.h).
//
// Both variants compute y = floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m)
// exactly (stochastic rounding) for x in their valid range, with a mask r
// that two parties draw from their shared key and a third party ("receiver")
// that sees only x + r. The receiver role rotates over the parties from call
// to call to balance the load. Let R be the receiver and S = R+1, T = R+2;
// S and T know r.
//
// x comes either as a replicated sharing (trunc_pr) or as the summands z_i of
// a product before its reshare (mul_trunc_pr, matmul_trunc_pr): the first
// round then carries the product's summands to R directly (S -> R:
// z_S + r - rho, T -> R: z_T + rho, rho from S and T's key), so the product
// costs no reshare round and two elements per value instead of four.
//
// kGap (|x| < 2^(k-42)), 2 rounds, 2 elements per value:
//   x' = x + 2^l (l = k-42) lies in [0, 2^(l+1)); r is uniform in [0, 2^(k-1)).
//   S -> R: x_T + r; R computes c = x' + r (no wrap-around) and inputs
//   U = c >> m (R -> S: U - U_0, U_0 from R and T's key). Then
//   y = U - (r >> m) - 2^(l-m). The low bits of r are uniform, so the carry
//   (c >> m) - (x' >> m) - (r >> m) is Bernoulli((x' mod 2^m) / 2^m).
//   c is within statistical distance 2^-40 of uniform on [0, 2^(k-1)).
//
// kNoGap (|x| < 2^(k-2)), 3 rounds, 2 ring elements and 3 m-bit words per value:
//   x' = x + 2^(k-2) in [0, 2^(k-1)); r uniform on Z_{2^k}, b = msb(r),
//   s = (r mod 2^(k-1)) >> m. c = x' + r mod 2^k is perfectly uniform.
//   With e = msb(c) and c_low = c mod 2^(k-1), the carry into bit k-1 is
//   t = e XOR b = e + b - 2eb and x' = c_low - (r mod 2^(k-1)) + 2^(k-1) t, so
//   y = (c_low >> m) + 2^(k-1-m) (e + b - 2eb) - s - 2^(k-2-m).
//   R inputs U = (c_low >> m) + 2^(k-1-m) e and e (R -> S, masked by R and
//   T's key); e*b is formed from e's summands: S -> R: e_1 b - rho and
//   T -> R: e_0 b + rho' with rho, rho' from S and T's key. Only e*b mod 2^m
//   matters because it is multiplied by 2^(k-m), so e and the two products
//   travel as m-bit words.
#pragma once

namespace sqt {

// Round 1 of both variants: R learns c = x + r (its return value; S and T
// return nothing). r was drawn by S and T from their shared key.
template <RingElement R>
Tensor<R> Rep3<R>::open_masked_to_receiver(int role, const TruncOperand& x, const Tensor<R>& r) {
  const Shape& sh = x.shape();
  if (x.shares != nullptr) {  // R holds x_R and x_S; S sends x_T + r
    if (role == 1) send(prev_, sqt::add(r, x.shares->s[1]));
    if (role != 0) return {};
    Tensor<R> c = receive(next_, sh);
    add_inplace(c, x.shares->s[0]);
    add_inplace(c, x.shares->s[1]);
    return c;
  }
  // Summands of a product: rho (S and T's key, drawn after r) hides each
  // message from R; only their sum z_S + z_T + r reaches it.
  if (role != 0) {
    Tensor<R> rho = helper_prg(role).template random<R>(sh);
    if (role == 1) {
      Tensor<R> message = sqt::add(*x.summand, r);
      sub_inplace(message, rho);
      send(prev_, message);
    } else {
      add_inplace(rho, *x.summand);
      send(next_, rho);
    }
    return {};
  }
  Tensor<R> c = receive(next_, sh);
  add_inplace(c, receive(prev_, sh));
  add_inplace(c, *x.summand);
  return c;
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::trunc_gap(const TruncOperand& x, int m) {
  constexpr int l = kRing - 42;
  SQT_CHECK(m > 0 && m < l, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, kRing);
  const int receiver = static_cast<int>(trunc_calls_++ % 3);
  const int role = (me_ - receiver + 3) % 3;
  const Shape& sh = x.shape();
  const std::size_t n = shape_size(sh);
  const R r_mask = pow2<R>(kRing - 1) - 1;
  const R offset_out = pow2<R>(l - m);

  if (role == 0) {
    Tensor<R> c = open_masked_to_receiver(role, x, {});
    Tensor<R> u_own = prg_prev_.random<R>(sh);
    Tensor<R> u_next(sh, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) {
      R value = c[i] + pow2<R>(l);
      u_next[i] = (value >> m) - u_own[i];
      u_own[i] -= offset_out;
    }
    send(next_, u_next);
    return {std::move(u_own), std::move(u_next)};
  }
  Tensor<R> r = helper_prg(role).template random<R>(sh);
  Tensor<R> minus_r_high(sh, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) {
    r[i] &= r_mask;
    minus_r_high[i] = R{0} - (r[i] >> m);
  }
  open_masked_to_receiver(role, x, r);
  if (role == 1) return {receive(prev_, sh), std::move(minus_r_high)};
  Tensor<R> u_own = prg_next_.random<R>(sh);
  for (R& u : u_own) u -= offset_out;
  return {std::move(minus_r_high), std::move(u_own)};
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::trunc_nogap(const TruncOperand& x, int m) {
  constexpr int k = kRing;
  SQT_CHECK(m > 0 && m < k - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, k);
  const int receiver = static_cast<int>(trunc_calls_++ % 3);
  const int role = (me_ - receiver + 3) % 3;
  const Shape& sh = x.shape();
  const std::size_t n = shape_size(sh);
  const R low_mask = pow2<R>(k - 1) - 1;
  const R offset_in = pow2<R>(k - 2), offset_out = pow2<R>(k - 2 - m);

  if (role == 0) {
    // Round 1: c = x' + r. Round 2: input U and e. Round 3: e*b summands.
    // e and the e*b summands only matter modulo 2^m: they travel as m-bit words.
    Tensor<R> c = open_masked_to_receiver(role, x, {});
    Tensor<R> u0 = prg_prev_.random<R>(sh), e0 = prg_prev_.random<R>(sh);
    Tensor<R> u_next(sh, kUninitialized), e_next(sh, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) {
      R value = c[i] + offset_in;
      R e = value >> (k - 1);
      R u = ((value & low_mask) >> m) + (e << (k - 1 - m));
      u_next[i] = u - u0[i];
      e_next[i] = e - e0[i];
    }
    send(next_, u_next);
    send_low(next_, e_next, m);
    Tensor<R> p1 = receive_low(next_, sh, m), p0 = receive_low(prev_, sh, m);
    Tensor<R> y_own(sh, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) {
      y_own[i] = u0[i] - (p0[i] << (k - m)) - offset_out;
      u_next[i] -= p1[i] << (k - m);
    }
    return {std::move(y_own), std::move(u_next)};
  }

  Prg& shared = helper_prg(role);  // the key of S and T
  Tensor<R> r = shared.random<R>(sh);
  Tensor<R> rho = shared.random<R>(sh), rho_prime = shared.random<R>(sh);
  // y_T = -s + 2^(k-1-m) b - 2^(k-m) (rho - rho'), common to S and T.
  Tensor<R> y_t(sh, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) {
    R b = r[i] >> (k - 1), s = (r[i] & low_mask) >> m;
    y_t[i] = (b << (k - 1 - m)) - s - ((rho[i] - rho_prime[i]) << (k - m));
  }
  open_masked_to_receiver(role, x, r);

  if (role == 1) {
    Tensor<R> u1 = receive(prev_, sh), e1 = receive_low(prev_, sh, m);
    Tensor<R> p1(sh, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) {
      R b = r[i] >> (k - 1);
      p1[i] = e1[i] * b - rho[i];
      u1[i] -= p1[i] << (k - m);
    }
    send_low(prev_, p1, m);
    return {std::move(u1), std::move(y_t)};
  }

  // role 2 (T): knows U_0 and e_0 (its key with R) and r, so p_0 needs no input.
  Tensor<R> u0 = prg_next_.random<R>(sh), e0 = prg_next_.random<R>(sh);
  Tensor<R> p0(sh, kUninitialized), y_next(sh, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) {
    R b = r[i] >> (k - 1);
    p0[i] = e0[i] * b + rho_prime[i];
    y_next[i] = u0[i] - (p0[i] << (k - m)) - offset_out;
  }
  send_low(next_, p0, m);
  return {std::move(y_t), std::move(y_next)};
}

}  // namespace sqt
