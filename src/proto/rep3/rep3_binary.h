// rep3_binary.h — binary (XOR) replicated sharing for Rep3 (included by rep3.h).
//
// A Rep3BShare shares bit-sliced values (BitPlanes) as b = b_0 ^ b_1 ^ b_2 with
// party i holding (b_i, b_{i+1}), exactly like the arithmetic sharing with XOR
// for +. XOR and NOT are local; AND costs one bit per party per bit and one
// round for any number of planes and elements.
#pragma once

namespace sqt {

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::binput(int p, const BitPlanes& bits, std::size_t n, int planes) {
  check_party(p);
  BitPlanes mask(n, planes);
  if (me_ == p) {
    SQT_CHECK(bits.n() == n && bits.planes() == planes, "binput: {}x{} bits given, {}x{} declared",
              bits.planes(), bits.n(), planes, n);
    prg_prev_.fill<std::uint64_t>(mask.words());
    mask.clear_padding();
    BitPlanes masked = bits ^ mask;
    net_.send_values<std::uint64_t>(next_, masked.words());
    return {std::move(mask), std::move(masked)};
  }
  if (next_ == p) {
    prg_next_.fill<std::uint64_t>(mask.words());
    mask.clear_padding();
    return {BitPlanes(n, planes), std::move(mask)};
  }
  net_.recv_values<std::uint64_t>(prev_, std::span(mask.words()));
  return {std::move(mask), BitPlanes(n, planes)};
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::bnot(const BShare& a) const {
  BShare out = a;  // complement summand b_0, held by parties 0 and 2
  if (me_ == 0) out.s[0] = ~out.s[0];
  if (me_ == 2) out.s[1] = ~out.s[1];
  return out;
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::band(const BShare& a, const BShare& b) {
  SQT_CHECK(a.s[0].n() == b.s[0].n() && a.s[0].planes() == b.s[0].planes(),
            "band: {}x{} and {}x{} bits", a.s[0].planes(), a.s[0].n(), b.s[0].planes(), b.s[0].n());
  // z_i = a_i b_i ^ a_i b_{i+1} ^ a_{i+1} b_i ^ (mask from i-1) ^ (mask from i+1), in
  // one pass; from_next holds the second mask until the reply overwrites it.
  const std::size_t n = a.s[0].n();
  const int planes = a.s[0].planes();
  BitPlanes z(n, planes, kUninitialized), from_next(n, planes, kUninitialized);
  prg_prev_.fill<std::uint64_t>(z.words());
  prg_next_.fill<std::uint64_t>(from_next.words());
  const std::uint64_t *a0 = a.s[0].words().data(), *a1 = a.s[1].words().data();
  const std::uint64_t *b0 = b.s[0].words().data(), *b1 = b.s[1].words().data();
  std::uint64_t *out = z.words().data(), *mask = from_next.words().data();
  for (std::size_t w = 0; w < z.words().size(); ++w)
    out[w] ^= mask[w] ^ (a0[w] & (b0[w] ^ b1[w])) ^ (a1[w] & b0[w]);
  z.clear_padding();
  net_.send_values<std::uint64_t>(prev_, z.words());
  net_.recv_values<std::uint64_t>(next_, std::span(from_next.words()));
  return {std::move(z), std::move(from_next)};
}

template <RingElement R>
BitPlanes Rep3<R>::bopen(const BShare& a) {
  net_.send_values<std::uint64_t>(next_, a.s[0].words());
  BitPlanes missing(a.s[0].n(), a.s[0].planes());
  net_.recv_values<std::uint64_t>(prev_, std::span(missing.words()));
  return missing ^ a.s[0] ^ a.s[1];
}

// --- sharings where one role knows the value (see rep3_compare.h) --------

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::bin_input_by_receiver(const Roles& roles, const BitPlanes& bits,
                                                        std::size_t n, int planes) {
  BitPlanes zero(n, planes);
  if (roles.role == 0) {
    BitPlanes mask(n, planes);
    prg_prev_.fill<std::uint64_t>(mask.words());  // key K_R, shared with T
    mask.clear_padding();
    BitPlanes masked = bits ^ mask;
    net_.send_values<std::uint64_t>(next_, masked.words());
    return {std::move(mask), std::move(masked)};
  }
  if (roles.role == 1) {
    BitPlanes received(n, planes);
    net_.recv_values<std::uint64_t>(prev_, std::span(received.words()));
    return {std::move(received), std::move(zero)};
  }
  BitPlanes mask(n, planes);
  prg_next_.fill<std::uint64_t>(mask.words());
  mask.clear_padding();
  return {std::move(zero), std::move(mask)};
}

template <RingElement R>
typename Rep3<R>::BShare Rep3<R>::bin_known_by_helpers(const Roles& roles, const BitPlanes& bits,
                                                       std::size_t n, int planes) const {
  BitPlanes zero(n, planes);
  if (roles.role == 0) return {zero, zero};
  if (roles.role == 1) return {std::move(zero), bits};
  return {bits, std::move(zero)};
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::arith_input_by_receiver(const Roles& roles, const Tensor<R>& value,
                                                         const Shape& shape) {
  if (roles.role == 0) {
    Tensor<R> mask = prg_prev_.random<R>(shape);
    Tensor<R> masked = sqt::sub(value, mask);
    send(next_, masked);
    return {std::move(mask), std::move(masked)};
  }
  if (roles.role == 1) return {receive(prev_, shape), Tensor<R>(shape, R{0})};
  return {Tensor<R>(shape, R{0}), prg_next_.random<R>(shape)};
}

template <RingElement R>
typename Rep3<R>::Share Rep3<R>::arith_known_by_helpers(const Roles& roles, const Tensor<R>& value,
                                                        const Shape& shape) const {
  if (roles.role == 0) return {Tensor<R>(shape, R{0}), Tensor<R>(shape, R{0})};
  if (roles.role == 1) return {Tensor<R>(shape, R{0}), value};
  return {value, Tensor<R>(shape, R{0})};
}

}  // namespace sqt
