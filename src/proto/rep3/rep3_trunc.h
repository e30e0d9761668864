// rep3_trunc.h — probabilistic truncation for Rep3 (included by rep3.h).
//
// Both variants compute y = floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m)
// exactly (stochastic rounding) for x in their valid range, with a mask r
// that two parties draw from their shared key and a third party ("receiver")
// that sees only x + r. The receiver role rotates over the parties from call
// to call to balance the load. Let R be the receiver and S = R+1, T = R+2;
// S and T know r.
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

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::trunc_pr_gap(const Share& x, int m) {
  constexpr int l = kRing - 42;
  SQT_CHECK(m > 0 && m < l, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, kRing);
  const int receiver = static_cast<int>(trunc_calls_++ % 3);
  const int role = (me_ - receiver + 3) % 3;
  const Shape& sh = shape(x);
  const std::size_t n = x.s[0].size();
  const R r_mask = pow2<R>(kRing - 1) - 1;
  const R offset_out = pow2<R>(l - m);

  if (role == 0) {
    Tensor<R> c = receive(next_, sh);
    Tensor<R> u_own = prg_prev_.random<R>(sh);
    Tensor<R> u_next(sh);
    for (std::size_t i = 0; i < n; ++i) {
      R value = c[i] + x.s[0][i] + x.s[1][i] + pow2<R>(l);
      u_next[i] = (value >> m) - u_own[i];
      u_own[i] -= offset_out;
    }
    send(next_, u_next);
    return {std::move(u_own), std::move(u_next)};
  }
  Prg& shared = role == 1 ? prg_next_ : prg_prev_;
  Tensor<R> r = shared.random<R>(sh);
  Tensor<R> minus_r_high(sh);
  for (std::size_t i = 0; i < n; ++i) {
    r[i] &= r_mask;
    minus_r_high[i] = R{0} - (r[i] >> m);
  }
  if (role == 1) {
    add_inplace(r, x.s[1]);
    send(prev_, r);
    return {receive(prev_, sh), std::move(minus_r_high)};
  }
  Tensor<R> u_own = prg_next_.random<R>(sh);
  for (R& u : u_own) u -= offset_out;
  return {std::move(minus_r_high), std::move(u_own)};
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::trunc_pr_nogap(const Share& x, int m) {
  constexpr int k = kRing;
  SQT_CHECK(m > 0 && m < k - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, k);
  const int receiver = static_cast<int>(trunc_calls_++ % 3);
  const int role = (me_ - receiver + 3) % 3;
  const Shape& sh = shape(x);
  const std::size_t n = x.s[0].size();
  const R low_mask = pow2<R>(k - 1) - 1;
  const R offset_in = pow2<R>(k - 2), offset_out = pow2<R>(k - 2 - m);

  if (role == 0) {
    // Round 1: c = x' + r. Round 2: input U and e. Round 3: e*b summands.
    // e and the e*b summands only matter modulo 2^m: they travel as m-bit words.
    Tensor<R> c = receive(next_, sh);
    Tensor<R> u0 = prg_prev_.random<R>(sh), e0 = prg_prev_.random<R>(sh);
    Tensor<R> u_next(sh), e_next(sh);
    for (std::size_t i = 0; i < n; ++i) {
      R value = c[i] + x.s[0][i] + x.s[1][i] + offset_in;
      R e = value >> (k - 1);
      R u = ((value & low_mask) >> m) + (e << (k - 1 - m));
      u_next[i] = u - u0[i];
      e_next[i] = e - e0[i];
    }
    send(next_, u_next);
    send_low(next_, e_next, m);
    Tensor<R> p1 = receive_low(next_, sh, m), p0 = receive_low(prev_, sh, m);
    Tensor<R> y_own(sh);
    for (std::size_t i = 0; i < n; ++i) {
      y_own[i] = u0[i] - (p0[i] << (k - m)) - offset_out;
      u_next[i] -= p1[i] << (k - m);
    }
    return {std::move(y_own), std::move(u_next)};
  }

  Prg& shared = role == 1 ? prg_next_ : prg_prev_;  // the key of S and T
  Tensor<R> r = shared.random<R>(sh);
  Tensor<R> rho = shared.random<R>(sh), rho_prime = shared.random<R>(sh);
  // y_T = -s + 2^(k-1-m) b - 2^(k-m) (rho - rho'), common to S and T.
  Tensor<R> y_t(sh);
  for (std::size_t i = 0; i < n; ++i) {
    R b = r[i] >> (k - 1), s = (r[i] & low_mask) >> m;
    y_t[i] = (b << (k - 1 - m)) - s - ((rho[i] - rho_prime[i]) << (k - m));
  }

  if (role == 1) {
    send(prev_, sqt::add(r, x.s[1]));
    Tensor<R> u1 = receive(prev_, sh), e1 = receive_low(prev_, sh, m);
    Tensor<R> p1(sh);
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
  Tensor<R> p0(sh), y_next(sh);
  for (std::size_t i = 0; i < n; ++i) {
    R b = r[i] >> (k - 1);
    p0[i] = e0[i] * b + rho_prime[i];
    y_next[i] = u0[i] - (p0[i] << (k - m)) - offset_out;
  }
  send_low(next_, p0, m);
  return {std::move(y_t), std::move(y_next)};
}

}  // namespace sqt
