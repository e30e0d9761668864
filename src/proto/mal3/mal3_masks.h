// mal3_masks.h — truncation masks for Mal3 from bounded random values
// (included by mal3.h).
//
// trunc_pr(x, m) opens c = x + r modulo 2^k and needs, besides r, its bit
// k-1 (top) and mid = floor((r mod 2^(k-1)) / 2^m), all with MACs. A mask is
// r = low + 2^m mid + 2^(k-1) top with
//  - top: a checked random bit (mal3_bits.h);
//  - low uniform in [0, 2^m) and mid uniform in [0, 2^(k-1-m)): bounded
//    random values. V uniform in [0, 2^n) is the sum of three n-bit
//    components u_0, u_1, u_2 (component c drawn from the key of its two
//    holders, so uniform to the third party) reduced modulo 2^n:
//    V = U - 2^n w with U = u_0 + u_1 + u_2 (a sharing without messages,
//    its MAC by one product) and w = floor(U / 2^n) in {0, 1, 2}. w comes
//    from a binary circuit on the components' bits, each bit string being
//    a binary sharing without messages: a carry-save layer s + 2 cy = U
//    (one AND per bit), then the carry t out of s + 2 (cy mod 2^(n-1)) by a
//    ripple of majority gates (one AND each, n - 1 rounds), so
//    w = cy_(n-1) + t. The two bits become arithmetic sharings with MACs
//    through daBits (bool_to_arith): random bits known in both sharings,
//    b ^ d opened and b = d (1 - 2 (b ^ d)) + (b ^ d). The sum bits
//    V_j = s_j ^ cy_(j-1) ^ k_j come with the ripple at one XOR each: V
//    with its bits is an edaBit (make_edabits; used by mal3_compare.h).
// daBits (make_dabits) are checked random bits (mal3_bits.h) with the
// binary sharing they have if the party that input their first part was
// honest: the XOR of the three key bits. 64 parity checks compare the two:
// for a random subset (drawn after the bits) plus one sacrificial daBit,
// the parity of the arithmetic sum (the XOR of the lowest bits of its
// components, a binary sharing without messages) and the binary XOR are
// opened and must agree; each check catches any inconsistency with
// probability 1/2, so a batch passes one with probability 2^-64, and the
// opened parities are uniform (the sacrificial bit).
// Every AND is rep3's (mal3_boolean.h). A batch of masks is checked
// (verify(): the proof of every AND, the MACs of every product and the
// bits; then the message check of every opening) before any of it masks a
// value, so a deviation while making them cannot bias an opening; it is
// caught first.
//
// Cost per mask (k = 64, m = 16, per party): 2 (n_low + n_mid) - 2 = 124
// ANDs (1 bit each), two MACs of U, four daBits and their openings, one
// random bit (32 bytes each): about 210 bytes (350 with random bits of 59
// bytes, 570 with AND triples; 3,776 with 64 checked random bits;
// docs/protocols/mal3.md).
#pragma once

namespace sqt {

namespace mal3_detail {

// Masks made at once at least: every batch costs a verify() and a message
// check, and its carry ripple about n rounds.
inline constexpr std::size_t kMinMaskBatch = 1024;
// Parity checks of a batch of daBits: each catches an inconsistent batch
// with probability 1/2.
inline constexpr int kDaBitChecks = 64;
// daBits made at once at least (whole words).
inline constexpr std::size_t kMinDaBitBatch = 1024;

// Planes [from, from + count) of a binary sharing.
inline Mal3BoolShare bool_planes(const Mal3BoolShare& x, int from, int count) {
  return Mal3BoolCircuits::bslice(x, from, count);
}

// A one-plane sharing of `bits` bits, not initialised.
inline Mal3BoolShare uninitialized_plane(std::size_t bits) {
  return {BitPlanes(bits, 1, kUninitialized), BitPlanes(bits, 1, kUninitialized)};
}

// Bits [from, from + count) of x's one plane to out's one plane from bit
// `to` (from, count and to whole words: multiples of 64).
inline void copy_words(const Mal3BoolShare& x, std::size_t from, std::size_t count,
                       Mal3BoolShare& out, std::size_t to) {
  for (int c = 0; c < 2; ++c)
    std::copy_n(x.s[c].plane(0) + from / 64, count / 64, out.s[c].plane(0) + to / 64);
}

// Plane `from_plane` of x into plane `to_plane` of out (same n).
inline void copy_plane(const Mal3BoolShare& x, int from_plane, Mal3BoolShare& out, int to_plane) {
  for (int c = 0; c < 2; ++c)
    std::copy_n(x.s[c].plane(from_plane), x.s[c].words_per_plane(), out.s[c].plane(to_plane));
}

// ORs plane `plane` of x (n valid bits) into out's one plane from bit `to`
// (out's bits there are zero and its plane holds them).
inline void append_bits(const BitPlanes& x, int plane, BitPlanes& out, std::size_t to) {
  const std::uint64_t* from = x.plane(plane);
  std::uint64_t* words = out.plane(0);
  const std::size_t count = x.words_per_plane(), last = out.words_per_plane();
  const unsigned shift = to % 64;
  for (std::size_t w = 0; w < count; ++w) {
    const std::uint64_t bits = from[w] & x.valid_mask(w);
    const std::size_t at = to / 64 + w;
    words[at] |= bits << shift;
    if (shift != 0 && at + 1 < last) words[at + 1] |= bits >> (64 - shift);
  }
}

// The lowest bit of each of the values (a whole number of words of them),
// as one plane.
template <class W>
BitPlanes lowest_bits(const Tensor<W>& values) {
  SQT_CHECK(values.size() % 64 == 0, "mal3: {} values are not whole words of bits", values.size());
  BitPlanes out(values.size(), 1, kUninitialized);
  std::uint64_t* words = out.plane(0);
  for (std::size_t w = 0; w < out.words_per_plane(); ++w) {
    const W* v = values.data() + 64 * w;
    std::uint64_t word = 0;
    for (unsigned b = 0; b < 64; ++b) word |= (static_cast<std::uint64_t>(v[b]) & 1) << b;
    words[w] = word;
  }
  return out;
}

inline Mal3BoolShare bool_concat(const std::vector<Mal3BoolShare>& parts) {
  Mal3BoolShare out{BitPlanes(parts.front().s[0].n(), 0), BitPlanes(parts.front().s[0].n(), 0)};
  for (const Mal3BoolShare& p : parts)
    for (int c = 0; c < 2; ++c) out.s[c] = out.s[c].concat(p.s[c]);
  return out;
}

}  // namespace mal3_detail

template <RingElement R>
typename Mal3<R>::DaBits Mal3<R>::make_dabits(std::size_t count) {
  constexpr int checks = mal3_detail::kDaBitChecks;  // one word: the sacrificial bits first
  ++dabit_batches_;
  count = mal3_detail::whole_words(count);
  Mal3BoolShare binary;
  Share bits = make_bits(checks + count, &binary);
  verify(&bits);  // bits are bits (and every product so far is right)
  // Each check: a random subset (drawn now that the bits are fixed) plus
  // one sacrificial daBit of its own, whose uniform bit hides the parity.
  // The parity of an arithmetic sum is the XOR of the lowest bits of its
  // components, so both sides are binary sharings of one bit per check.
  const Mal3BoolShare arith_low{mal3_detail::lowest_bits(bits.s[0]),
                                mal3_detail::lowest_bits(bits.s[1])};
  Prg chi = challenge();
  const std::size_t words = count / 64;
  std::vector<std::uint64_t> subset(words);
  Mal3BoolShare arith_parity{BitPlanes(checks, 1), BitPlanes(checks, 1)};
  Mal3BoolShare binary_parity = arith_parity;
  for (int t = 0; t < checks; ++t) {
    chi.fill<std::uint64_t>(std::span(subset));
    for (int c = 0; c < 2; ++c) {
      const auto parity = [&](const BitPlanes& b) {
        const std::uint64_t* plane = b.plane(0);
        int p = static_cast<int>((plane[0] >> t) & 1);  // the sacrificial bit
        for (std::size_t w = 0; w < words; ++w) p ^= std::popcount(plane[1 + w] & subset[w]) & 1;
        return p != 0;
      };
      arith_parity.s[c].set(0, t, parity(arith_low.s[c]));
      binary_parity.s[c].set(0, t, parity(binary.s[c]));
    }
  }
  const std::vector<BitPlanes> opened = boolean_.open_all({&arith_parity, &binary_parity});
  check_.check();  // both openings are agreed before they are compared
  SQT_CHECK(opened[0] == opened[1],
            "abort: mal3 daBit check failed at party {}: the arithmetic and binary sharings of "
            "the random bits differ (a party deviated from the protocol)",
            me_);
  return {std::move(bits), std::move(binary)};
}

template <RingElement R>
void Mal3<R>::reserve_dabits(std::size_t count) {
  count = mal3_detail::whole_words(count);
  const std::size_t have = dabit_pool_.arith.s[0].size() - dabits_used_;
  if (have >= count) return;
  // Fewer unspent daBits than a minimal batch are dropped rather than
  // joined with the new batch, which would copy all of it (at most 1,023
  // daBits, about 32 KB per party, go unused).
  const bool keep = have >= mal3_detail::kMinDaBitBatch;
  DaBits fresh = make_dabits(std::max(keep ? count - have : count, mal3_detail::kMinDaBitBatch));
  std::size_t first = mal3_detail::kDaBitChecks;  // the sacrificial bits are spent
  if (keep) {                                     // the unspent words first
    const std::size_t made = fresh.arith.s[0].size() - first;
    DaBits joined{join(std::vector<Share>{part(dabit_pool_.arith, dabits_used_, {have}),
                                          part(fresh.arith, first, {made})}),
                  mal3_detail::uninitialized_plane(have + made)};
    mal3_detail::copy_words(dabit_pool_.binary, dabits_used_, have, joined.binary, 0);
    mal3_detail::copy_words(fresh.binary, first, made, joined.binary, have);
    fresh = std::move(joined);
    first = 0;
  }
  dabit_pool_ = std::move(fresh);
  dabits_used_ = first;
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::bool_to_arith(const Mal3BoolShare& b) {
  const std::size_t n = b.s[0].n(), total = n * static_cast<std::size_t>(b.s[0].planes());
  const std::size_t words = mal3_detail::whole_words(total);
  reserve_dabits(words);
  const std::size_t at = dabits_used_;
  dabits_used_ += words;
  // b's planes one after another in one plane, XORed with the next daBits'
  // binary side and opened: e = b ^ d is uniform.
  Mal3BoolShare masked{BitPlanes(words, 1), BitPlanes(words, 1)};
  for (int c = 0; c < 2; ++c) {
    for (int j = 0; j < b.s[c].planes(); ++j)
      mal3_detail::append_bits(b.s[c], j, masked.s[c], static_cast<std::size_t>(j) * n);
    std::uint64_t* out = masked.s[c].plane(0);
    const std::uint64_t* d = dabit_pool_.binary.s[c].plane(0) + at / 64;
    for (std::size_t w = 0; w < words / 64; ++w) out[w] ^= d[w];
  }
  const BitPlanes e = boolean_.open_unchecked(masked);
  // b = d ^ e: d where e = 0, 1 - d where e = 1 (1 is public: component 0,
  // and alpha in the MAC).
  const W public_part[4] = {W(me_ == 0 ? 1 : 0), W(me_ == 2 ? 1 : 0), alpha_[0], alpha_[1]};
  const std::uint64_t* e_words = e.plane(0);
  Share out;
  for (int j = 0; j < 4; ++j) {
    out.s[j] = Tensor<W>(Shape{total}, kUninitialized);
    const W* d = dabit_pool_.arith.s[j].data() + at;
    W* o = out.s[j].data();
    const W p = public_part[j];
    // Branch-free (the bits of e are uniform): d + flip (p - 2 d).
    for (std::size_t i = 0; i < total; ++i) {
      const W flip = W{0} - W((e_words[i / 64] >> (i % 64)) & 1);
      o[i] = d[i] + (flip & (p - 2 * d[i]));
    }
  }
  return out;
}

template <RingElement R>
std::vector<typename Mal3<R>::Share> Mal3<R>::bounded_randoms(std::size_t count,
                                                              const std::vector<int>& widths,
                                                              std::vector<Mal3BoolShare>* bits) {
  const int values = static_cast<int>(widths.size());
  std::vector<int> offset;  // first plane of each value
  int planes = 0, widest = 0;
  for (int n : widths) {
    SQT_CHECK(n >= 1 && n <= kRing, "mal3: a bounded random value of {} bits", n);
    offset.push_back(planes);
    planes += n;
    widest = std::max(widest, n);
  }
  // Components me and me+1 of every value (n-bit integers from the keys),
  // as wide integers and as bit planes.
  Tensor<W> u_first(Shape{values * count}, kUninitialized), u_second = u_first;
  BitPlanes bits_first(count, 0), bits_second(count, 0);
  for (int v = 0; v < values; ++v) {
    const R mask = widths[v] == kRing ? ~R{0} : pow2<R>(widths[v]) - 1;
    Tensor<R> first = prg_prev_.template random<R>({count});
    Tensor<R> second = prg_next_.template random<R>({count});
    for (std::size_t i = 0; i < count; ++i) {
      first[i] &= mask;
      second[i] &= mask;
      u_first[v * count + i] = first[i];
      u_second[v * count + i] = second[i];
    }
    bits_first = bits_first.concat(to_planes(first, 0, widths[v]));
    bits_second = bits_second.concat(to_planes(second, 0, widths[v]));
  }
  // U of every value, kept for the check without a copy.
  const std::shared_ptr<const Share> sums =
      with_shared_mac(std::move(u_first), std::move(u_second));

  // Component c's bits as a binary sharing (no messages).
  const auto component = [&](int c) {
    return boolean_.from_component(c, c == me_ ? bits_first : bits_second);
  };
  const Mal3BoolShare x0 = component(0), x1 = component(1), x2 = component(2);
  // Carry-save: s = x0 ^ x1 ^ x2, cy = maj(x0, x1, x2) = ((x0 ^ x1) & (x1 ^ x2)) ^ x1.
  const Mal3BoolShare x01 = boolean_.bxor(x0, x1);
  const Mal3BoolShare s = boolean_.bxor(x01, x2);
  const Mal3BoolShare cy = boolean_.bxor(boolean_.band(x01, boolean_.bxor(x1, x2)), x1);

  // Ripple: carry k_(j+1) = maj(s_j, d_j, k_j) with d_j = cy_(j-1), from
  // k_1 = 0, for the values still this wide; t = k_n. The sum bits
  // V_j = s_j ^ d_j ^ k_j (V_0 = s_0) come with it, if asked for.
  std::vector<Mal3BoolShare> carry(values, Mal3BoolShare{BitPlanes(count, 1), BitPlanes(count, 1)});
  if (bits) {
    bits->clear();
    for (int v = 0; v < values; ++v) {
      bits->push_back({BitPlanes(count, widths[v], kUninitialized),
                       BitPlanes(count, widths[v], kUninitialized)});
      mal3_detail::copy_plane(s, offset[v], bits->back(), 0);
    }
  }
  for (int j = 1; j < widest; ++j) {
    std::vector<int> active;
    std::vector<Mal3BoolShare> sj, dj, kj;
    for (int v = 0; v < values; ++v) {
      if (j >= widths[v]) continue;
      active.push_back(v);
      sj.push_back(mal3_detail::bool_planes(s, offset[v] + j, 1));
      dj.push_back(mal3_detail::bool_planes(cy, offset[v] + j - 1, 1));
      kj.push_back(carry[v]);
    }
    const Mal3BoolShare S = mal3_detail::bool_concat(sj), D = mal3_detail::bool_concat(dj);
    const Mal3BoolShare K = mal3_detail::bool_concat(kj);
    const Mal3BoolShare SD = boolean_.bxor(S, D);
    const Mal3BoolShare next = boolean_.bxor(boolean_.band(SD, boolean_.bxor(D, K)), D);
    const Mal3BoolShare sum = boolean_.bxor(SD, K);
    for (std::size_t a = 0; a < active.size(); ++a) {
      carry[active[a]] = mal3_detail::bool_planes(next, static_cast<int>(a), 1);
      if (bits) mal3_detail::copy_plane(sum, static_cast<int>(a), (*bits)[active[a]], j);
    }
  }
  // w = cy_(n-1) + t for every value: the 2 x values bits to arithmetic.
  // (A k-bit value needs no w: only U mod 2^k is ever used.)
  std::vector<Mal3BoolShare> w_bits;
  std::vector<int> w_index(values, -1);
  for (int v = 0; v < values; ++v) {
    if (widths[v] == kRing) continue;
    w_index[v] = static_cast<int>(w_bits.size()) / 2;
    w_bits.push_back(mal3_detail::bool_planes(cy, offset[v] + widths[v] - 1, 1));
    w_bits.push_back(carry[v]);
  }
  const Share w = w_bits.empty() ? Share{} : bool_to_arith(mal3_detail::bool_concat(w_bits));
  std::vector<Share> out;
  for (int v = 0; v < values; ++v) {
    if (w_index[v] < 0) {
      out.push_back(part(*sums, v * count, {count}));
      continue;
    }
    // V = U - 2^n (cy_(n-1) + t), every component in one pass.
    const std::size_t at = 2 * static_cast<std::size_t>(w_index[v]) * count;
    const int n = widths[v];
    Share value;
    for (int j = 0; j < 4; ++j) {
      value.s[j] = Tensor<W>(Shape{count}, kUninitialized);
      const W* u = sums->s[j].data() + v * count;
      const W *carry_out = w.s[j].data() + at, *carry_in = w.s[j].data() + at + count;
      W* o = value.s[j].data();
      for (std::size_t i = 0; i < count; ++i) o[i] = u[i] - ((carry_out[i] + carry_in[i]) << n);
    }
    out.push_back(std::move(value));
  }
  return out;
}

template <RingElement R>
typename Mal3<R>::EdaBits Mal3<R>::make_edabits(std::size_t count, int l) {
  std::vector<Mal3BoolShare> bits;
  std::vector<Share> r = bounded_randoms(count, {l}, &bits);
  verify();
  check_.check();  // the openings of the ANDs above
  return {std::move(r[0]), std::move(bits[0])};
}

template <RingElement R>
typename Mal3<R>::TruncMasks Mal3<R>::make_trunc_masks(std::size_t count, int m) {
  std::vector<Share> bounded = bounded_randoms(count, {m, kRing - 1 - m});
  Share top = take_bits(count);
  Share r;  // low + 2^m mid + 2^(k-1) top, every component in one pass
  for (int j = 0; j < 4; ++j) {
    r.s[j] = Tensor<W>(Shape{count}, kUninitialized);
    const W *low = bounded[0].s[j].data(), *mid = bounded[1].s[j].data(), *t = top.s[j].data();
    W* o = r.s[j].data();
    for (std::size_t i = 0; i < count; ++i) o[i] = low[i] + (mid[i] << m) + (t[i] << (kRing - 1));
  }
  verify();
  check_.check();  // the openings of the ANDs above
  return {std::move(r), std::move(bounded[1]), std::move(top)};
}

template <RingElement R>
void Mal3<R>::refill_trunc_masks(std::size_t count, int m) {
  TruncMaskPool& pool = mask_pools_[m];
  pool.masks = {};  // the spent batch's memory back before the new one is made
  pool.used = 0;
  pool.masks = make_trunc_masks(std::max(count, mal3_detail::kMinMaskBatch), m);
}

}  // namespace sqt
