// mal3_bits.h — random bits, truncation and the arithmetic bit sharing of
// Mal3 (included by mal3.h).
//
// Bits are arithmetic sharings of 0/1 with MACs (a BShare is such a
// sharing, plane-major), so AND is a product and XOR a + b - 2ab.
//
// Random bits (make_bits): the bit b = A ^ B ^ C of the three pairwise keys'
// streams (A: component q, B: q+1, C: q+2, for a party q rotating per
// batch), so every party misses one of them. q knows x = A ^ B and shares
// it as (x - r, r, 0) with r from its key with q+1, sending x - r to q+2
// (round 1). y = x C gets the components (rho, r C + sigma, (x - r) C - rho
// - sigma), rho and sigma from the keys of q, q+2 and of q+1, q+2: q+1 sends
// its one to q, q+2 its one to q+1 (round 2). b = x + C - 2y is then a
// replicated sharing whose MAC takes one product (round 3). Every message
// goes to the sender's predecessor (joint_challenge's rule: no party can
// learn a check's challenge before fixing what the check covers) and has
// one receiver, so nothing needs vouching. A party that deviates adds an
// error: to x (q; a non-bit x makes b a non-bit, a flipped bit leaves b
// uniform to q, and a daBit's two sharings disagree), to y (b moves by
// twice the error, so it stays a bit only if it is unchanged modulo
// 2^(k+64)), or to the MAC (the MAC check). verify()'s bit check sums
// b (b - 1) = 2e (2e - 2b + 1) over 64 random subsets and opens the sums'
// low k bits only: a deviation that matters (b changes modulo 2^k) is
// non-zero there whatever b, so all 64 sums vanish with probability at most
// 2^-64, and one above bit k shows nothing (it would show +-2e, so the
// bit, at full width). Bits are used only after that check
// (the pool is refilled and verified before it is drawn from), so a failed
// check reveals nothing about a bit in use. Cost per bit: two wide elements
// (16 bytes each at k = 64, 24 at k = 128) from every party, in 3 rounds
// per batch. They are the top bits of truncation masks and the arithmetic
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
inline std::size_t whole_words(std::size_t bits) {
  return (bits + 63) / 64 * 64;
}

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
  // Component me's bit and component me+1's bit (from the keys with prev and next).
  Mal3BoolShare planes{mal3_detail::random_plane(prg_prev_, count),
                       mal3_detail::random_plane(prg_next_, count)};
  const Tensor<W> bit_first = mal3_detail::bit_values<W>(planes.s[0]);
  const Tensor<W> bit_second = mal3_detail::bit_values<W>(planes.s[1]);
  if (binary) *binary = std::move(planes);
  Components b;  // components me and me+1 of b = x + C - 2 x C
  if (me_ == q)
    b = bits_as_input_party(bit_first, bit_second);
  else if (me_ == (q + 1) % 3)
    b = bits_after_input_party(bit_second);  // C is component q+2 = me+1
  else
    b = bits_before_input_party(bit_first);  // C is component q+2 = me
  // Not kept: the caller's verify(&bits), which follows at once, checks
  // this pair's MAC as well (no copy of the batch waits in pending_).
  return with_unkept_mac(std::move(b.first), std::move(b.second));
}

// The three roles of make_bits. y = x C has components (rho, r C + sigma,
// (x - r) C - rho - sigma): rho from the key of q and q+2, sigma from the
// key of q+1 and q+2. Every message goes to the sender's predecessor, as
// joint_challenge requires of what a check covers: the predecessor releases
// its draw of the next challenge only after receiving it, so a party cannot
// learn a challenge before fixing what it sends here.
template <RingElement R>
typename Mal3<R>::Components Mal3<R>::bits_as_input_party(const Tensor<W>& a, const Tensor<W>& b) {
  // x = A ^ B as components (x - r, r, 0), r from the key with q+1; x - r
  // goes to q+2, the other holder of component q.
  const Shape shape = a.shape();
  const Tensor<W> r = prg_next_.template random<W>(shape);
  const Tensor<W> rho = prg_prev_.template random<W>(shape);
  Tensor<W> first(shape, kUninitialized);  // x - r, then b's component q
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = (a[i] ^ b[i]) - r[i];
  send_wide(prev_, first);
  Tensor<W> second = receive_wide(next_, shape);  // y's component q+1
  for (std::size_t i = 0; i < first.size(); ++i) {
    first[i] -= 2 * rho[i];
    second[i] = r[i] - 2 * second[i];
  }
  return {std::move(first), std::move(second)};
}

template <RingElement R>
typename Mal3<R>::Components Mal3<R>::bits_after_input_party(const Tensor<W>& c) {
  // Holds r (key with q) and C; sends q y's component q+1 = r C + sigma.
  const Shape shape = c.shape();
  Tensor<W> first = prg_prev_.template random<W>(shape);  // r, then b's component q+1
  const Tensor<W> sigma = prg_next_.template random<W>(shape);
  Tensor<W> y_part(shape, kUninitialized);
  for (std::size_t i = 0; i < y_part.size(); ++i)
    y_part[i] = (c[i] != 0 ? first[i] : W{0}) + sigma[i];
  send_wide(prev_, y_part);
  Tensor<W> second = receive_wide(next_, shape);  // y's component q+2
  for (std::size_t i = 0; i < first.size(); ++i) {
    first[i] -= 2 * y_part[i];
    second[i] = c[i] - 2 * second[i];
  }
  return {std::move(first), std::move(second)};
}

template <RingElement R>
typename Mal3<R>::Components Mal3<R>::bits_before_input_party(const Tensor<W>& c) {
  // Holds x - r (from q) and C; sends q+1 y's component q+2 =
  // (x - r) C - rho - sigma.
  const Shape shape = c.shape();
  Tensor<W> second = receive_wide(next_, shape);  // x - r, then b's component q
  const Tensor<W> rho = prg_next_.template random<W>(shape);
  const Tensor<W> sigma = prg_prev_.template random<W>(shape);
  Tensor<W> first(shape, kUninitialized);  // y's component q+2, then b's
  for (std::size_t i = 0; i < first.size(); ++i)
    first[i] = (c[i] != 0 ? second[i] : W{0}) - rho[i] - sigma[i];
  send_wide(prev_, first);
  for (std::size_t i = 0; i < first.size(); ++i) {
    first[i] = c[i] - 2 * first[i];
    second[i] -= 2 * rho[i];
  }
  return {std::move(first), std::move(second)};
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

// Chunks of at most a block and of what the mask pool holds, one opening
// each; an empty pool is refilled with masks for the rest of the call (up
// to kMaxMaskBatch), so a call makes one batch per kMaxMaskBatch elements
// and uses what an earlier call left first.
template <RingElement R>
typename Mal3<R>::Share Mal3<R>::trunc_pr(const Share& x, int m) {
  SQT_CHECK(m > 0 && m < kRing - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m,
            kRing);
  const std::size_t n = shape_size(shape(x));
  const std::size_t block = std::max<std::size_t>(1, block_bits_ / kTruncWeight);
  Share out;
  for (Tensor<W>& t : out.s) t = Tensor<W>(shape(x), kUninitialized);
  for (std::size_t start = 0; start < n;) {
    if (trunc_masks_left(m) == 0) refill_trunc_masks(std::min(n - start, kMaxMaskBatch), m);
    const std::size_t count = std::min({n - start, block, trunc_masks_left(m)});
    trunc_range(x, start, count, m, out);
    start += count;
  }
  return out;
}

// c = x + 2^(k-2) + r opened for a mask r = low + 2^m mid + 2^(k-1) top
// (mal3_masks.h; value components only: a masked opening needs no MAC),
// then semi2k's no-gap formula, linear in top and mid because c is public.
template <RingElement R>
void Mal3<R>::trunc_range(const Share& x, std::size_t start, std::size_t count, int m, Share& out) {
  constexpr int k = kRing;
  TruncMaskPool& pool = mask_pools_[m];
  const std::size_t at = pool.used;
  pool.used += count;
  const Share &r = pool.masks.r, &mid = pool.masks.mid, &top = pool.masks.top;
  // This party's parts of component 0 (public values): party 0's first,
  // party 2's second.
  const W public_first = me_ == 0 ? 1 : 0, public_second = me_ == 2 ? 1 : 0;
  const W shift = W(pow2<R>(k - 2));
  std::vector<R> first(count), second(count);
  for (std::size_t i = 0; i < count; ++i) {
    first[i] = static_cast<R>(x.s[0][start + i] + r.s[0][at + i] + public_first * shift);
    second[i] = static_cast<R>(x.s[1][start + i] + r.s[1][at + i] + public_second * shift);
  }
  const Tensor<R> c = open_words(first, second, -1, Shape{count});
  const R low_mask = pow2<R>(k - 1) - 1, unit = pow2<R>(k - 1 - m);
  const W public_part[4] = {public_first, public_second, alpha_[0], alpha_[1]};
  for (std::size_t i = 0; i < count; ++i) {
    const R e = c[i] >> (k - 1);  // e ^ top = e + top (1 - 2e)
    const W sign = W(e ? R{0} - unit : unit);
    const W offset = W(((c[i] & low_mask) >> m) + e * unit - pow2<R>(k - 2 - m));
    for (int j = 0; j < 4; ++j)
      out.s[j][start + i] = sign * top.s[j][at + i] - mid.s[j][at + i] + public_part[j] * offset;
  }
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
