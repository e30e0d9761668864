// semi2k_bits.h — binary sharing, truncation, comparison, bit decomposition
// and conversions for Semi2k (included by semi2k.h).
//
// AND: a bit triple, d = a ^ u and e = b ^ v opened in one round (one bit
// per plane and element to every peer). Everything else rests on daBits
// (random bits shared both as ring elements and as XOR summands):
//  - masked_bits(x, l): an edaBit r = sum_{j<l} 2^j b_j from l daBits,
//    c = x + r opened modulo 2^l (uniform: r is uniform modulo 2^l and no
//    coalition of N-1 knows it), then boolean circuits (bit_circuits.h) on
//    the bits of c (public) and of r: msb = c_{l-1} ^ r_{l-1} ^ [c' < r']
//    (c', r' modulo 2^(l-1), after adding 2^(l-1)); eqz = AND of ~(c ^ r);
//    bits = c - r; mod2m = c - r + 2^m [c < r].
//  - b2a(b): a daBit s, e = b ^ s opened, b = e + s - 2es (e public).
//  - trunc_pr(x, m), no gap (|x| < 2^(k-2), perfectly hiding): a truncation
//    pair (r, b = msb(r), mid = (r mod 2^(k-1)) >> m), c = x + 2^(k-2) + r
//    opened, e = msb(c), y = (c mod 2^(k-1)) >> m + 2^(k-1-m)(e ^ b) - mid
//    - 2^(k-2-m), where e ^ b = e + b(1 - 2e) is linear because e is
//    public: one round, one ring element per peer.
#pragma once

#include "proto/common/bit_circuits.h"

namespace sqt {

template <RingElement R>
typename Semi2k<R>::Share Semi2k<R>::trunc_pr(const Share& x, int m) {
  constexpr int k = kRing;
  SQT_CHECK(m > 0 && m < k - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m, k);
  const std::size_t n = shape_size(shape(x));
  semi2k::TruncPairs<R> pair = preprocess([&](auto& s) { return s.trunc_pairs(n, m); });
  Tensor<R> masked = sqt::add(x.s[0], pair.r.reshaped(shape(x)));
  if (me_ == 0)
    for (R& v : masked) v += pow2<R>(k - 2);
  const Tensor<R> c = open_tensor(masked, k);
  Tensor<R> y(shape(x), kUninitialized);
  const R low_mask = pow2<R>(k - 1) - 1, unit = pow2<R>(k - 1 - m);
  for (std::size_t i = 0; i < n; ++i) {
    const R e = c[i] >> (k - 1);
    R v = (e ? R{0} - pair.msb[i] : pair.msb[i]) * unit - pair.mid[i];
    if (me_ == 0) v += ((c[i] & low_mask) >> m) + e * unit - pow2<R>(k - 2 - m);
    y[i] = v;
  }
  return {{std::move(y)}};
}

template <RingElement R>
typename Semi2k<R>::BShare Semi2k<R>::binput(int p, const BitPlanes& bits, std::size_t n,
                                             int planes) {
  check_party(p);
  if (me_ != p) return {{semi2k::dealer_detail::random_planes(session_.pair_prg(p), n, planes)}};
  SQT_CHECK(bits.n() == n && bits.planes() == planes, "binput: {}x{} bits given, {}x{} declared",
            bits.planes(), bits.n(), planes, n);
  BitPlanes mine = bits;
  for (int q = 0; q < n_; ++q)
    if (q != me_) mine ^= semi2k::dealer_detail::random_planes(session_.pair_prg(q), n, planes);
  return {{std::move(mine)}};
}

template <RingElement R>
BitPlanes Semi2k<R>::bopen(const BShare& a) {
  const BitPlanes& mine = a.s[0];
  for (int q = 0; q < n_; ++q)
    if (q != me_) net_.send_values<std::uint64_t>(q, std::span(mine.words()));
  BitPlanes sum = mine, theirs(mine.n(), mine.planes(), kUninitialized);
  for (int q = 0; q < n_; ++q) {
    if (q == me_) continue;
    net_.recv_values<std::uint64_t>(q, std::span(theirs.words()));
    sum ^= theirs;
  }
  sum.clear_padding();
  return sum;
}

template <RingElement R>
typename Semi2k<R>::BShare Semi2k<R>::band(const BShare& a, const BShare& b) {
  const BitPlanes &u = a.s[0], &v = b.s[0];
  SQT_CHECK(u.n() == v.n() && u.planes() == v.planes(), "band: {}x{} and {}x{} bits", u.planes(),
            u.n(), v.planes(), v.n());
  semi2k::BitTriples t = preprocess([&](auto& s) { return s.bit_triples(u.n(), u.planes()); });
  // d = a ^ ta, e = b ^ tb in one message per peer.
  BitPlanes both = (u ^ t.a).concat(v ^ t.b);
  const BitPlanes opened = bopen({{std::move(both)}});
  const BitPlanes d = opened.slice(0, u.planes()), e = opened.slice(u.planes(), u.planes());
  BitPlanes z = std::move(t.c);
  z ^= d & t.b;
  z ^= e & t.a;
  if (me_ == 0) z ^= d & e;
  return {{std::move(z)}};
}

template <RingElement R>
typename Semi2k<R>::MaskedBits Semi2k<R>::masked_bits(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  semi2k::DaBits<R> bits = preprocess([&](auto& s) { return s.dabits(n, l); });
  Tensor<R> r(shape(x), R{0});
  for (int j = 0; j < l; ++j) {
    const R* b = bits.ring.data() + static_cast<std::size_t>(j) * n;
    for (std::size_t i = 0; i < n; ++i) r[i] += b[i] << j;
  }
  Tensor<R> c = open_tensor(sqt::add(x.s[0], r), l);
  BShare c_bits{{me_ == 0 ? to_planes(c, 0, l) : BitPlanes(n, l)}};
  return {std::move(c), std::move(r), std::move(c_bits), {{std::move(bits.bits)}}};
}

template <RingElement R>
typename Semi2k<R>::BShare Semi2k<R>::msb(const Share& x, int l) {
  SQT_CHECK(l >= 2 && l <= kRing, "msb: bit length {} is outside [2, {}]", l, kRing);
  Share shifted = add_public(x, Tensor<R>(shape(x), pow2<R>(l - 1)));
  MaskedBits m = masked_bits(shifted, l);
  BShare lt = bit_less_than(*this, bslice(m.c_bits, 0, l - 1), bslice(m.r_bits, 0, l - 1));
  return bxor(bxor(bslice(m.c_bits, l - 1, 1), bslice(m.r_bits, l - 1, 1)), lt);
}

template <RingElement R>
typename Semi2k<R>::BShare Semi2k<R>::eqz_bits(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "eqz: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(x, l);
  return bit_all(*this, bnot(bxor(m.c_bits, m.r_bits)));
}

template <RingElement R>
typename Semi2k<R>::BShare Semi2k<R>::bit_decompose(const Share& x, int l) {
  SQT_CHECK(l >= 1 && l <= kRing, "bit_decompose: bit length {} is outside [1, {}]", l, kRing);
  MaskedBits m = masked_bits(x, l);
  return bit_subtract(*this, m.c_bits, m.r_bits);
}

template <RingElement R>
typename Semi2k<R>::Share Semi2k<R>::mod2m(const Share& x, int m) {
  SQT_CHECK(m >= 1 && m < kRing, "mod2m: cannot reduce modulo 2^{} in a {}-bit ring", m, kRing);
  MaskedBits masked = masked_bits(x, m);
  Share borrow = reshaped(b2a(bit_less_than(*this, masked.c_bits, masked.r_bits)), shape(x));
  Share low{{sqt::neg(masked.r_ring)}};
  if (me_ == 0) add_inplace(low.s[0], masked.c);
  return add(low, scale(borrow, pow2<R>(m)));
}

template <RingElement R>
typename Semi2k<R>::Share Semi2k<R>::b2a(const BShare& b) {
  const std::size_t n = b.s[0].n();
  const int planes = b.s[0].planes();
  semi2k::DaBits<R> s = preprocess([&](auto& src) { return src.dabits(n, planes); });
  const BitPlanes e = bopen({{b.s[0] ^ s.bits}});
  Tensor<R> out(Shape{n * static_cast<std::size_t>(planes)}, kUninitialized);
  std::size_t i = 0;
  for (int j = 0; j < planes; ++j) {
    for (std::size_t el = 0; el < n; ++el, ++i) {
      const bool bit = e.get(j, el);
      R v = bit ? R{0} - s.ring[i] : s.ring[i];
      if (me_ == 0 && bit) v += 1;
      out[i] = v;
    }
  }
  return {{std::move(out)}};
}

}  // namespace sqt
