// mal3_bits.h — random bits, truncation, comparison and bit decomposition
// for Mal3 (included by mal3.h).
//
// Bits are arithmetic sharings of 0/1 with MACs (a BShare is such a
// sharing, plane-major), so AND is a product and XOR a + b - 2ab.
//
// Random bits (make_bits): party q (rotating per batch) knows the bits A and
// B of its two pairwise keys and inputs x = A ^ B, without a MAC (the two
// receivers vouch for the sent component, so the sharing is consistent); C
// is the bit of the key of the other two parties (a sharing with no
// message), given a MAC by one product with alpha. b = C + (1 - 2C) x, with
// (1 - 2C) x and its MAC m_(1-2C) x by one product, so b's MAC is the sum of
// C's and the product's. Every party misses one of A, B, C, so b is uniform
// to each. A party that inputs a non-bit x makes b a non-bit whatever C is
// (b = x or 1 - x), and every product is checked by its MAC, so verify()'s
// bit check catches every deviation. Bits are used only after that check
// (the pool is refilled and verified before it is drawn from), so a failed
// check reveals nothing about a bit in use. Cost per bit, all parties: 2
// words (input) + 3 (C's MAC) + 6 (product) wide elements (16 bytes at
// k = 64, 24 at k = 128), in 2 rounds per batch (the input and C's MAC go
// together).
//
// With l checked bits r_j, masked_bits opens c = x + r modulo 2^l, r = sum
// 2^j r_j (uniform modulo 2^l, unknown to every single party), and:
//  - trunc_pr (|x| < 2^(k-2)) uses a mask made from bounded random values
//    instead (mal3_masks.h) and the same no-gap formula: one opening;
//  - msb, eqz, bit_decompose, mod2m: boolean circuits in which one operand
//    of every first-layer gate is public (so local), and in which the
//    combined "less" and "generate" terms are disjoint (their XOR is a sum):
//    a comparison of w bits costs ceil(log2 w) rounds of products.
#pragma once

namespace sqt {

namespace mal3_detail {

// The smallest batch of bits made at once: every batch costs a verify(), so
// a computation of many small steps should not make one per step.
inline constexpr std::size_t kMinBitBatch = 1024;

// n uniformly random bits from a key's stream, as one plane.
inline BitPlanes random_plane(Prg& prg, std::size_t n) {
  BitPlanes out(n, 1, kUninitialized);
  prg.fill<std::uint64_t>(out.words());
  out.clear_padding();
  return out;
}

// The bits of one plane as 0/1 wide values.
template <class W>
Tensor<W> bit_values(const BitPlanes& bits) {
  Tensor<W> out(Shape{bits.n()}, kUninitialized);
  const std::uint64_t* words = bits.plane(0);
  for (std::size_t i = 0; i < bits.n(); ++i) out[i] = (words[i / 64] >> (i % 64)) & 1;
  return out;
}

// Bit j of each element of c, as ring values.
template <RingElement R>
Tensor<R> bit_of(const Tensor<R>& c, int j) {
  Tensor<R> out(c.shape(), kUninitialized);
  for (std::size_t i = 0; i < c.size(); ++i) out[i] = (c[i] >> j) & 1;
  return out;
}

}  // namespace mal3_detail

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::make_bits(std::size_t count, Mal3BoolShare* binary) {
  const int q = static_cast<int>(bit_batches_++ % 3);
  const Shape shape{count};
  // Component me's bit and component me+1's bit (from the keys with prev and next).
  Mal3BoolShare planes{mal3_detail::random_plane(prg_prev_, count),
                       mal3_detail::random_plane(prg_next_, count)};
  const Tensor<W> bit_first = mal3_detail::bit_values<W>(planes.s[0]);
  const Tensor<W> bit_second = mal3_detail::bit_values<W>(planes.s[1]);
  if (binary) *binary = std::move(planes);
  // C: the bit of the key of q+1 and q+2 (component q+2); its components here.
  const int c_component = (q + 2) % 3;
  Tensor<W> c0 = c_component == me_ ? bit_first : Tensor<W>(shape, W{0});
  Tensor<W> c1 = c_component == next_ ? bit_second : Tensor<W>(shape, W{0});
  // Round 1, both messages at once: the summand of C's MAC (to prev) and,
  // from q, the sent component of x = A ^ B (q's two key bits, no MAC).
  Tensor<W> c_mac = mac_summand(c0, c1);
  send_wide(prev_, c_mac);
  Components x;  // components me and me+1 of x
  if (me_ == q) {
    Tensor<W> a_xor_b(shape, kUninitialized);
    for (std::size_t i = 0; i < count; ++i) a_xor_b[i] = bit_first[i] ^ bit_second[i];
    x = send_input(a_xor_b);
  }
  Share c{{std::move(c0), std::move(c1), std::move(c_mac), receive_wide(next_, shape)}};
  keep_for_check(c);
  if (me_ != q) x = receive_input(q, shape);
  const Tensor<W>&x0 = x.first, &x1 = x.second;
  // Round 2: b = C + (1 - 2C) x, where (1 - 2C) x and its MAC
  // m_(1-2C) x = (alpha - 2 m_C) x are one product.
  const W one0 = me_ == 0 ? 1 : 0, one1 = me_ == 2 ? 1 : 0;  // component 0 of 1 is held by 0, 2
  Product fx{Tensor<W>(shape, kUninitialized), Tensor<W>(shape, kUninitialized)};
  for (std::size_t i = 0; i < count; ++i) {
    const W x_sum = x0[i] + x1[i];
    const W f0 = one0 - 2 * c.s[0][i], f1 = one1 - 2 * c.s[1][i];
    const W g0 = alpha_[0] - 2 * c.s[2][i], g1 = alpha_[1] - 2 * c.s[3][i];
    fx.value[i] = f0 * x_sum + f1 * x0[i];
    fx.mac[i] = g0 * x_sum + g1 * x0[i];
  }
  Share b = reshare_product(std::move(fx));
  for (int j = 0; j < 4; ++j) add_inplace(b.s[j], c.s[j]);
  return b;  // checked by the caller's verify
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::take_bits(std::size_t count) {
  const std::size_t have = pool_.s[0].size() - pool_used_;
  if (have < count) {
    Share fresh = make_bits(std::max(count - have, mal3_detail::kMinBitBatch));
    verify(&fresh);
    if (have == 0) {
      pool_ = std::move(fresh);
    } else {
      const Share rest = part(pool_, pool_used_, {have});
      pool_ = join(std::vector<Share>{rest, fresh});
    }
    pool_used_ = 0;
  }
  Share out = part(pool_, pool_used_, {count});
  pool_used_ += count;
  return out;
}

// sum_{from <= j < to} 2^(j - from) b_j for bit planes b_j of n elements,
// with its MAC: one pass over the planes.
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::weighted_planes(const Share& bits, int from, int to,
                                                 std::size_t n) {
  Share out = zeros({n});
  for (int c = 0; c < 4; ++c) {
    W* dst = out.s[c].data();
    for (int j = from; j < to; ++j) {
      const W* plane = bits.s[c].data() + static_cast<std::size_t>(j) * n;
      const int shift = j - from;
      for (std::size_t i = 0; i < n; ++i) dst[i] += plane[i] << shift;
    }
  }
  return out;
}

template <RingElement R>
typename Mal3<R>::MaskedBits Mal3<R>::masked_bits(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  Share bits = take_bits(n * static_cast<std::size_t>(l));
  Share r = weighted_planes(bits, 0, l, n);
  Share masked = add(reshaped(x, {n}), r);
  if (l < kRing)  // only the low l bits of x + r are uniform: open those
    for (int j = 0; j < 2; ++j)
      for (W& v : masked.s[j]) v &= (W{1} << l) - 1;
  Tensor<R> c = open_masked(masked);
  if (l < kRing)
    for (R& v : c) v &= pow2<R>(l) - 1;
  return {std::move(c), std::move(r), std::move(bits)};
}

template <RingElement R>
template <class Fn>
typename Mal3<R>::Share Mal3<R>::by_blocks(const Share& x, int l, int planes, Fn&& fn) {
  const std::size_t n = shape_size(shape(x));
  const std::size_t block = std::max<std::size_t>(1, block_bits_ / static_cast<std::size_t>(l));
  const Share flat = reshaped(x, {n});
  if (n <= block) return fn(flat);
  std::vector<Share> outputs;
  std::vector<std::size_t> sizes;
  for (std::size_t start = 0; start < n; start += block) {
    sizes.push_back(std::min(block, n - start));
    outputs.push_back(fn(part(flat, start, {sizes.back()})));
  }
  std::vector<Share> ordered;  // plane j of every block, then plane j+1
  for (int j = 0; j < planes; ++j)
    for (std::size_t b = 0; b < outputs.size(); ++b)
      ordered.push_back(planes_of(outputs[b], j, 1, sizes[b]));
  return join(ordered);
}

// x + 2^(k-2) + r opened with a mask r = low + 2^m mid + 2^(k-1) top
// (mal3_masks.h), then semi2k's no-gap formula.
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::trunc_block(const Share& x, int m) {
  constexpr int k = kRing;
  const std::size_t n = shape_size(shape(x));
  const TruncMasks mask = take_trunc_masks(n, m);
  const Share shifted = add_public(reshaped(x, {n}), Tensor<R>(Shape{n}, pow2<R>(k - 2)));
  const Tensor<R> c = open_masked(add(shifted, mask.r));
  const R low_mask = pow2<R>(k - 1) - 1, unit = pow2<R>(k - 1 - m);
  Tensor<R> sign(Shape{n}, kUninitialized), offset(Shape{n}, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) {
    const R e = c[i] >> (k - 1);  // e ^ top = e + top (1 - 2e)
    sign[i] = e ? R{0} - unit : unit;
    offset[i] = ((c[i] & low_mask) >> m) + e * unit - pow2<R>(k - 2 - m);
  }
  return add_public(sub(mul_public(mask.top, sign), mask.mid), offset);
}

// --- binary sharing ------------------------------------------------------

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::binput(int p, const BitPlanes& bits, std::size_t n, int planes) {
  check_party(p);
  const std::size_t total = n * static_cast<std::size_t>(planes);
  Tensor<R> values;
  if (me_ == p) {
    SQT_CHECK(bits.n() == n && bits.planes() == planes, "binput: {}x{} bits given, {}x{} declared",
              bits.planes(), bits.n(), planes, n);
    values = Tensor<R>(Shape{total}, kUninitialized);
    for (int j = 0; j < planes; ++j)
      for (std::size_t i = 0; i < n; ++i) values[j * n + i] = bits.get(j, i);
  }
  Share v = input(p, values, {total});
  bit_checks_.push_back(v);  // the input party must input bits
  return {std::move(v), n, planes};
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::bxor(const BShare& a, const BShare& b) {
  SQT_CHECK(a.n == b.n && a.planes == b.planes, "bxor: {}x{} and {}x{} bits", a.planes, a.n,
            b.planes, b.n);
  return {bit_xor(a.v, b.v), a.n, a.planes};
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::band(const BShare& a, const BShare& b) {
  SQT_CHECK(a.n == b.n && a.planes == b.planes, "band: {}x{} and {}x{} bits", a.planes, a.n,
            b.planes, b.n);
  return {mul(a.v, b.v), a.n, a.planes};
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::bnot(const BShare& a) const {
  return {add_public_wide(neg(a.v), Tensor<W>(shape(a.v), W{1})), a.n, a.planes};
}

template <RingElement R>
BitPlanes Mal3<R>::bopen(const BShare& a) {
  const Tensor<R> values = open(a.v);
  BitPlanes out(a.n, a.planes);
  for (int j = 0; j < a.planes; ++j)
    for (std::size_t i = 0; i < a.n; ++i) out.set(j, i, values[j * a.n + i] & 1);
  return out;
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::bslice(const BShare& a, int from, int count) {
  return {part(a.v, static_cast<std::size_t>(from) * a.n, {static_cast<std::size_t>(count) * a.n}),
          a.n, count};
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::bgather(const BShare& a, int start, int step, int count) {
  std::vector<std::size_t> indices;
  indices.reserve(static_cast<std::size_t>(count) * a.n);
  for (int t = 0; t < count; ++t)
    for (std::size_t i = 0; i < a.n; ++i)
      indices.push_back(static_cast<std::size_t>(start + t * step) * a.n + i);
  return {gather(a.v, indices, {indices.size()}), a.n, count};
}

template <RingElement R>
typename Mal3<R>::BShare Mal3<R>::bconcat(const BShare& a, const BShare& b) {
  if (a.planes == 0) return b;
  if (b.planes == 0) return a;
  SQT_CHECK(a.n == b.n, "bconcat: {} and {} elements", a.n, b.n);
  return {join(std::vector<Share>{a.v, b.v}), a.n, a.planes + b.planes};
}

// --- circuits with one public operand -------------------------------------

// b ^ c_j for public bits c_j (bit `plane` of c): b (1 - 2 c_j) + c_j.
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::xor_public(const Share& b, const Tensor<R>& c, int plane,
                                            std::size_t n) const {
  const Tensor<R> bit = mal3_detail::bit_of(c, plane).reshaped({n});
  Tensor<R> factor(Shape{n}, kUninitialized);
  for (std::size_t i = 0; i < n; ++i) factor[i] = bit[i] ? R{0} - 1 : R{1};
  return add_public(mul_public(b, factor), bit);
}

// [c < r] for public w-bit c and shared bits r (planes [w * n]).
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::less_than_public(const Tensor<R>& c, const Share& r_bits, int w,
                                                  std::size_t n) {
  std::vector<Share> less_planes, equal_planes;
  for (int j = 0; j < w; ++j) {
    const Share r = planes_of(r_bits, j, 1, n);
    Tensor<R> not_c = mal3_detail::bit_of(c, j).reshaped({n});
    for (R& v : not_c) v ^= 1;
    less_planes.push_back(mul_public(r, not_c));         // ~c_j & r_j
    equal_planes.push_back(xor_public(r, not_c, 0, n));  // ~(c_j ^ r_j)
  }
  Share less = join(less_planes), equal = join(equal_planes);
  while (w > 1) {
    const int pairs = w / 2;
    auto planes_at = [&](const Share& s, int parity) {
      return bgather({s, n, w}, parity, 2, pairs).v;
    };
    const Share equal_hi = planes_at(equal, 1), less_hi = planes_at(less, 1);
    const Share less_lo = planes_at(less, 0);
    const bool last = w == 2;
    const Share products = last ? mul(equal_hi, less_lo)
                                : mul(join(std::vector<Share>{equal_hi, equal_hi}),
                                      join(std::vector<Share>{less_lo, planes_at(equal, 0)}));
    // less_hi and equal_hi & less_lo are never both 1: their XOR is a sum.
    Share next_less = add(less_hi, planes_of(products, 0, pairs, n));
    Share next_equal = last ? Share{} : planes_of(products, pairs, pairs, n);
    if (w % 2 == 1) {
      next_less = join(std::vector<Share>{next_less, planes_of(less, w - 1, 1, n)});
      next_equal = join(std::vector<Share>{next_equal, planes_of(equal, w - 1, 1, n)});
    }
    less = std::move(next_less);
    equal = std::move(next_equal);
    w = pairs + w % 2;
  }
  return less;
}

// The AND of w planes of bits ([w * n] -> [n]).
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::all_planes(Share bits, int w, std::size_t n) {
  while (w > 1) {
    const int pairs = w / 2;
    Share next = mul(bgather({bits, n, w}, 0, 2, pairs).v, bgather({bits, n, w}, 1, 2, pairs).v);
    if (w % 2 == 1) next = join(std::vector<Share>{next, planes_of(bits, w - 1, 1, n)});
    bits = std::move(next);
    w = pairs + w % 2;
  }
  return bits;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::msb_block(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  MaskedBits m = masked_bits(add_public(x, Tensor<R>(shape(x), pow2<R>(l - 1))), l);
  Tensor<R> c_low = m.c;
  for (R& v : c_low) v &= pow2<R>(l - 1) - 1;
  const Share lt = less_than_public(c_low, m.bits, l - 1, n);
  const Share top = xor_public(planes_of(m.bits, l - 1, 1, n), m.c, l - 1, n);
  return bit_xor(top, lt);
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::eqz_block(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  MaskedBits m = masked_bits(x, l);
  std::vector<Share> equal;
  for (int j = 0; j < l; ++j) {
    Tensor<R> not_c = mal3_detail::bit_of(m.c, j);
    for (R& v : not_c) v ^= 1;
    equal.push_back(xor_public(planes_of(m.bits, j, 1, n), not_c, 0, n));
  }
  return all_planes(join(equal), l, n);
}

// The bits of x = c - r modulo 2^l: borrows by a parallel prefix over
// (generate, propagate) = (~c_j & r_j, ~(c_j ^ r_j)), then out_j = c_j ^ r_j
// ^ borrow_j: ceil(log2 l) + 1 rounds of products.
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::decompose_block(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  MaskedBits m = masked_bits(x, l);
  std::vector<Share> generate, propagate, differ;
  for (int j = 0; j < l; ++j) {
    const Share r = planes_of(m.bits, j, 1, n);
    Tensor<R> not_c = mal3_detail::bit_of(m.c, j);
    for (R& v : not_c) v ^= 1;
    generate.push_back(mul_public(r, not_c));
    differ.push_back(xor_public(r, m.c, j, n));
    propagate.push_back(xor_public(r, not_c, 0, n));
  }
  for (int d = 1; d < l; d *= 2) {
    const int count = l - d;  // positions j >= d combine with j - d
    std::vector<Share> p_hi(propagate.begin() + d, propagate.end());
    std::vector<Share> g_lo(generate.begin(), generate.begin() + count);
    std::vector<Share> p_lo(propagate.begin(), propagate.begin() + count);
    const Share ph = join(p_hi);
    const Share products =
        mul(join(std::vector<Share>{ph, ph}), join(std::vector<Share>{join(g_lo), join(p_lo)}));
    for (int t = 0; t < count; ++t) {
      generate[d + t] = add(generate[d + t], planes_of(products, t, 1, n));
      propagate[d + t] = planes_of(products, count + t, 1, n);
    }
  }
  if (l == 1) return differ[0];
  std::vector<Share> d_hi(differ.begin() + 1, differ.end());
  std::vector<Share> borrows(generate.begin(), generate.end() - 1);
  const Share dh = join(d_hi), bh = join(borrows);
  const Share high = sub(add(dh, bh), scale_wide(mul(dh, bh), 2));
  return join(std::vector<Share>{differ[0], high});
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::mod2m_block(const Share& x, int m) {
  const std::size_t n = shape_size(shape(x));
  MaskedBits masked = masked_bits(x, m);
  const Share borrow = less_than_public(masked.c, masked.bits, m, n);
  Share low = add_public(neg(masked.r), masked.c);
  return add(low, scale_wide(borrow, W{1} << m));
}

}  // namespace sqt
