// mal3_arith.h — Mal3's sharing, input, opening and products (included by
// mal3.h).
//
// Components: party i holds components i and i+1 of a value and of its MAC;
// component c is known to parties c and c-1 and drawn from their pairwise
// key where it is random. Products are rep3's: party i's summand x_i (y_i +
// y_{i+1}) + x_{i+1} y_i of x y (and the same with the MAC components of x
// for m y), plus a zero sharing, goes to party i-1. Opened values travel as
// their low k bits only: the high half of a wide element is never sent
// except inside a product's reshare, where a zero sharing masks it, and in
// the MAC check's openings (mal3_verify.h: w masked by a random sharing,
// sigma zero unless a party cheated; the bit check's t opens its low k
// bits only).
#pragma once

#include <algorithm>

namespace sqt {

namespace mal3_detail {

// Bytes of a message of words, for the message check.
template <class T>
std::span<const std::byte> bytes_of(const std::vector<T>& words) {
  return std::as_bytes(std::span(words));
}

}  // namespace mal3_detail

template <RingElement R>
typename Mal3<R>::Components Mal3<R>::send_input(const Tensor<W>& value) {
  Tensor<W> first = prg_prev_.template random<W>(value.shape());
  Tensor<W> second = prg_next_.template random<W>(value.shape());
  // The whole wide word: an input's wide value is the value itself (an
  // input bit is exactly 0 or 1; the bit check needs it modulo 2^k only).
  Tensor<W> third(value.shape(), kUninitialized);
  for (std::size_t i = 0; i < third.size(); ++i) third[i] = value[i] - first[i] - second[i];
  send_wide(next_, third);
  send_wide(prev_, third);
  return {std::move(first), std::move(second)};
}

template <RingElement R>
typename Mal3<R>::Components Mal3<R>::receive_input(int p, const Shape& shape) {
  // Party p+1 holds components p+1 (key with p) and p+2 (received); party
  // p+2 holds p+2 (received) and p (key with p). They vouch for each other.
  const bool after = me_ == (p + 1) % 3;
  const int other = after ? next_ : prev_;
  Tensor<W> third = receive_wide(p, shape);
  check_.vouch(other, std::as_bytes(third.span()));
  check_.received(other, std::as_bytes(third.span()));
  if (after) return {prg_prev_.template random<W>(shape), std::move(third)};
  return {std::move(third), prg_next_.template random<W>(shape)};
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::input(int p, const Tensor<R>& value, const Shape& shape) {
  check_party(p);
  if (me_ == p) check_same_shape(value.shape(), shape, "input");
  auto [first, second] = me_ == p ? send_input(lifted(value)) : receive_input(p, shape);
  return with_mac(std::move(first), std::move(second));
}

template <RingElement R>
Tensor<R> Mal3<R>::open_value(const Share& x, int to_party) {
  return open_words(low_words(x.s[0]), low_words(x.s[1]), to_party, shape(x));
}

template <RingElement R>
Tensor<R> Mal3<R>::open_words(const std::vector<R>& first, const std::vector<R>& second,
                              int to_party, const Shape& shape) {
  const std::size_t n = first.size();
  Tensor<R> out;
  const bool to_all = to_party < 0;
  // The missing component of party j is held by j-1 (its first) and j+1
  // (its second): j-1 sends, j+1 vouches.
  if (to_all || next_ == to_party) net_.send_values<R>(next_, std::span(first));
  if (to_all || prev_ == to_party) check_.vouch(prev_, mal3_detail::bytes_of(second));
  if (!to_all && me_ != to_party) return out;
  std::vector<R> missing = receive_low(prev_, n);
  check_.received(next_, mal3_detail::bytes_of(missing));
  out = Tensor<R>(shape, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) out[i] = missing[i] + first[i] + second[i];
  return out;
}

template <RingElement R>
void Mal3<R>::finish() {
  verify();
  check_.check();
  const std::byte closing{0};
  std::byte ignored{};
  for (int peer : {next_, prev_}) net_.send(peer, std::span(&closing, 1));
  for (int peer : {prev_, next_}) net_.recv(peer, std::span(&ignored, 1));
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::constant_wide(const Tensor<W>& c) const {
  return add_public_wide(zeros(c.shape()), c);
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::add_public_wide(Share out, const Tensor<W>& c) const {
  // out plus the constant share of c (value c held by party 0 as its first
  // summand and by party 2 as its second; MAC alpha c split as alpha_j c),
  // added in place, one pass per component.
  check_same_shape(shape(out), c.shape(), "add_public");
  if (me_ == 0) add_inplace(out.s[0], c);
  if (me_ == 2) add_inplace(out.s[1], c);
  for (int j = 0; j < 2; ++j) {
    Tensor<W>& mac = out.s[2 + j];
    const W key = alpha_[j];
    for (std::size_t i = 0; i < c.size(); ++i) mac[i] += key * c[i];
  }
  return out;
}

template <RingElement R>
std::vector<Tensor<R>> Mal3<R>::local_tensors(const Share& x) {
  std::vector<Tensor<R>> out;
  for (const Tensor<W>& t : x.s) {
    Tensor<R> low(t.shape(), kUninitialized), high(t.shape(), kUninitialized);
    for (std::size_t i = 0; i < t.size(); ++i) {
      low[i] = static_cast<R>(t[i]);
      high[i] = static_cast<R>(t[i] >> kRing);
    }
    out.push_back(std::move(low));
    out.push_back(std::move(high));
  }
  return out;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::from_local_tensors(std::vector<Tensor<R>> tensors) {
  SQT_CHECK(tensors.size() == 8, "a mal3 share has 8 local tensors (4 wide ones), got {}",
            tensors.size());
  Share out;
  for (int j = 0; j < 4; ++j) {
    const Tensor<R>&low = tensors[2 * j], &high = tensors[2 * j + 1];
    SQT_CHECK(low.shape() == tensors[0].shape() && high.shape() == tensors[0].shape(),
              "the local tensors of a mal3 share differ in shape: {} and {}",
              shape_string(tensors[0].shape()), shape_string(low.shape()));
    out.s[j] = Tensor<W>(low.shape(), kUninitialized);
    for (std::size_t i = 0; i < low.size(); ++i) out.s[j][i] = (W(high[i]) << kRing) | W(low[i]);
  }
  return out;
}

template <RingElement R>
Tensor<typename Mal3<R>::W> Mal3<R>::mac_summand(const Tensor<W>& x0, const Tensor<W>& x1) {
  // Summand of alpha x: alpha_i (x_i + x_{i+1}) + alpha_{i+1} x_i.
  Tensor<W> term(x0.shape(), kUninitialized);
  for (std::size_t i = 0; i < term.size(); ++i)
    term[i] = alpha_[0] * (x0[i] + x1[i]) + alpha_[1] * x0[i];
  add_zero_share(term);
  return term;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::with_unkept_mac(Tensor<W> x0, Tensor<W> x1) {
  Tensor<W> term = mac_summand(x0, x1);
  send_wide(prev_, term);
  Tensor<W> from_next = receive_wide(next_, term.shape());
  return Share{{std::move(x0), std::move(x1), std::move(term), std::move(from_next)}};
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::with_mac(Tensor<W> x0, Tensor<W> x1) {
  Share z = with_unkept_mac(std::move(x0), std::move(x1));
  keep_for_check(z);
  return z;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::reshare_product(Product z) {
  return *reshare_kept(std::move(z));  // the caller's copy
}

template <RingElement R>
std::shared_ptr<const typename Mal3<R>::Share> Mal3<R>::reshare_kept(Product z) {
  add_zero_share(z.value);
  add_zero_share(z.mac);
  const Shape sh = z.value.shape();
  // Two messages sent back to back (one round), so neither side copies
  // them into or out of one buffer.
  send_wide(prev_, z.value);
  send_wide(prev_, z.mac);
  Tensor<W> value_next = receive_wide(next_, sh);
  Tensor<W> mac_next = receive_wide(next_, sh);
  auto out = std::make_shared<const Share>(
      Share{{std::move(z.value), std::move(value_next), std::move(z.mac), std::move(mac_next)}});
  keep_for_check(out);
  return out;
}

template <RingElement R>
std::shared_ptr<const typename Mal3<R>::Share> Mal3<R>::with_shared_mac(Tensor<W> x0,
                                                                        Tensor<W> x1) {
  auto z = std::make_shared<const Share>(with_unkept_mac(std::move(x0), std::move(x1)));
  keep_for_check(z);
  return z;
}

template <RingElement R>
void Mal3<R>::keep_for_check(std::shared_ptr<const Share> z) {
  pending_elements_ += z->s[0].size();
  pending_.push_back(std::move(z));
}

template <RingElement R>
typename Mal3<R>::Product Mal3<R>::local_mul(const Share& x, const Share& y) {
  check_same_shape(shape(x), shape(y), "mul");
  make_room();
  const std::size_t n = x.s[0].size();
  Product z{Tensor<W>(shape(x), kUninitialized), Tensor<W>(shape(x), kUninitialized)};
  const W *x0 = x.s[0].data(), *x1 = x.s[1].data(), *m0 = x.s[2].data(), *m1 = x.s[3].data();
  const W *y0 = y.s[0].data(), *y1 = y.s[1].data();
  W *value = z.value.data(), *mac = z.mac.data();
  session_.pool().for_ranges(n, kElementwiseGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const W y_sum = y0[i] + y1[i];
      value[i] = x0[i] * y_sum + x1[i] * y0[i];
      mac[i] = m0[i] * y_sum + m1[i] * y0[i];
    }
  });
  return z;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::dot_rows(const Share& x, const Share& y) {
  check_same_shape(shape(x), shape(y), "dot_rows");
  SQT_CHECK(shape(x).size() == 2, "dot_rows needs (n x k) tensors, got {}", shape_string(shape(x)));
  make_room();
  const std::size_t rows = shape(x)[0], k = shape(x)[1];
  Product z{Tensor<W>(Shape{rows}, W{0}), Tensor<W>(Shape{rows}, W{0})};
  const W *x0 = x.s[0].data(), *x1 = x.s[1].data(), *m0 = x.s[2].data(), *m1 = x.s[3].data();
  const W *y0 = y.s[0].data(), *y1 = y.s[1].data();
  for (std::size_t r = 0; r < rows; ++r) {
    W value = 0, mac = 0;
    for (std::size_t j = r * k; j < (r + 1) * k; ++j) {
      const W y_sum = y0[j] + y1[j];
      value += x0[j] * y_sum + x1[j] * y0[j];
      mac += m0[j] * y_sum + m1[j] * y0[j];
    }
    z.value[r] = value;
    z.mac[r] = mac;
  }
  return reshare_product(std::move(z));
}

template <RingElement R>
std::tuple<std::size_t, std::size_t, std::size_t> Mal3<R>::matmul_dims(const Share& x,
                                                                       const Share& y) const {
  const Shape &xs = shape(x), &ys = shape(y);
  SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0], "matmul: cannot multiply {} by {}",
            shape_string(xs), shape_string(ys));
  return {xs[0], xs[1], ys[1]};
}

template <RingElement R>
typename Mal3<R>::Product Mal3<R>::local_matmul(const Share& x, const Share& y, std::size_t m,
                                                std::size_t k, std::size_t n) const {
  Product z{Tensor<W>(Shape{m, n}, W{0}), Tensor<W>(Shape{m, n}, W{0})};
  const MatmulTerm<W> value_terms[2] = {{x.s[0].data(), y.s[0].data(), y.s[1].data()},
                                        {x.s[1].data(), y.s[0].data(), nullptr}};
  const MatmulTerm<W> mac_terms[2] = {{x.s[2].data(), y.s[0].data(), y.s[1].data()},
                                      {x.s[3].data(), y.s[0].data(), nullptr}};
  matmul_add_terms<W>(value_terms, z.value.data(), m, k, n, session_.pool());
  matmul_add_terms<W>(mac_terms, z.mac.data(), m, k, n, session_.pool());
  return z;
}

}  // namespace sqt
