// mal3_bits.h — random bits, truncation and the arithmetic bit sharing of
// Mal3 (included by mal3.h).
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
// together). They are the top bits of truncation masks and the arithmetic
// side of daBits (mal3_masks.h).
//
// trunc_pr (|x| < 2^(k-2)) opens x + 2^(k-2) + r for a mask r made from
// bounded random values (mal3_masks.h) and applies the no-gap formula: one
// opening. Comparisons, equality, bit decomposition and mod2m run on
// edaBits and the binary sharing (mal3_compare.h).
#pragma once

namespace sqt {

namespace mal3_detail {

// The smallest batch of bits made at once: every batch costs a verify(), so
// a computation of many small steps should not make one per step.
inline constexpr std::size_t kMinBitBatch = 1024;

// bits rounded up to whole 64-bit words (daBits are taken in words).
inline std::size_t whole_words(std::size_t bits) { return (bits + 63) / 64 * 64; }

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

}  // namespace sqt
