// mal3_compare.h — comparison, equality, bit decomposition and reduction
// modulo 2^m for Mal3, on edaBits and the binary sharing (included by
// mal3.h).
//
// Each operation takes, per element, an edaBit of l bits (mal3_masks.h): r
// uniform in [0, 2^l) with a MAC and its bits r_j as a binary sharing,
// checked (verify() and the message check) before it masks anything. It
// opens c = x + r modulo 2^l (uniform, so it reveals nothing even before a
// check) and evaluates a boolean circuit in which c is public, so the
// first layer is local (an AND or XOR with a public bit); the remaining
// layers take checked ANDs (mal3_boolean.h). The result bits become
// arithmetic bits with MACs through daBits (bool_to_arith), from a pool
// that one batch fills for the edaBits' own conversion and the result:
//  - msb(x, l): bit l-1 of x + 2^(l-1) (c and r of that) is
//    c_(l-1) ^ r_(l-1) ^ [c' < r'] (c', r' modulo 2^(l-1)); [c' < r'] by a
//    tree over (less, equal) = (~c_j & r_j, ~(c_j ^ r_j)):
//    ceil(log2(l-1)) rounds, at most 2(l - 2) ANDs;
//  - eqz_bits: the AND of the planes ~(c_j ^ r_j): l - 1 ANDs;
//  - bit_decompose: x = c - r by a Kogge-Stone prefix over the borrows'
//    (generate, propagate) = (~c_j & r_j, ~(c_j ^ r_j)), then
//    out_j = c_j ^ r_j ^ borrow_j; l daBits for the output planes;
//  - mod2m(x, m): c - r + 2^m [c < r].
// Cost of an l-bit comparison with l < k, per party: l + (l - 1) ANDs for
// the edaBit (carry-save layer and ripple), at most 2 (l - 2) for the tree
// (1 bit each, plus a share of a proof per verify()), 3 daBits (32 bytes
// each at k = 64: two for the edaBit's wrap, one for the result), the MAC
// of the edaBit's sum and the opened word: about 145 bytes at l = 48 (225
// with daBits of 59 bytes, about 600 with AND triples, about 6,800 with 48
// arithmetic random bits). On all k bits the wrap vanishes: one daBit,
// about 88 bytes at k = 64, so msb compares on k bits when l is within
// Mal3::kMaxCompareWidening bits of it (compare_width).
#pragma once

namespace sqt {

namespace mal3_detail {

// [c < r] for public c and shared r of w bits each (w planes): the
// (less, equal) tree of bit_circuits.h on the local first-layer terms
// (~c_j & r_j, ~(c_j ^ r_j)).
inline Mal3BoolShare less_than_public(Mal3Boolean& boolean, const BitPlanes& c,
                                      const Mal3BoolShare& r) {
  Mal3BoolCircuits ops{boolean};
  const BitPlanes not_c = ~c;
  return bit_less_than_terms(ops, Mal3Boolean::and_public(r, not_c), boolean.xor_public(r, not_c));
}

}  // namespace mal3_detail

template <RingElement R>
typename Mal3<R>::MaskedEdaBits Mal3<R>::masked_edabits(const Share& x, int l, int result_planes) {
  const std::size_t n = shape_size(shape(x));
  // One batch of daBits for the edaBits' two carry planes (none for l = k:
  // no wrap to remove) and the result.
  const std::size_t carry_bits = l < kRing ? mal3_detail::whole_words(2 * n) : 0;
  reserve_dabits(carry_bits +
                 mal3_detail::whole_words(n * static_cast<std::size_t>(result_planes)));
  EdaBits mask = make_edabits(n, l);
  Share masked = add(reshaped(x, {n}), mask.r);
  if (l < kRing)  // only the low l bits of x + r are uniform: open those
    for (int j = 0; j < 2; ++j)
      for (W& v : masked.s[j]) v &= (W{1} << l) - 1;
  Tensor<R> c = open_masked(masked);
  if (l < kRing)
    for (R& v : c) v &= pow2<R>(l) - 1;
  return {std::move(c), std::move(mask.r), std::move(mask.bits)};
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::msb_block(const Share& x, int l) {
  MaskedEdaBits m = masked_edabits(add_public(x, Tensor<R>(shape(x), pow2<R>(l - 1))), l, 1);
  const BitPlanes c = to_planes(m.c, 0, l);
  const Mal3BoolShare below = mal3_detail::less_than_public(
      boolean_, c.slice(0, l - 1), Mal3BoolCircuits::bslice(m.bits, 0, l - 1));
  const Mal3BoolShare top =
      boolean_.xor_public(Mal3BoolCircuits::bslice(m.bits, l - 1, 1), c.slice(l - 1, 1));
  return bool_to_arith(Mal3Boolean::bxor(top, below));
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::eqz_block(const Share& x, int l) {
  MaskedEdaBits m = masked_edabits(x, l, 1);
  Mal3BoolCircuits ops{boolean_};
  return bool_to_arith(bit_all(ops, boolean_.xor_public(m.bits, ~to_planes(m.c, 0, l))));
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::decompose_block(const Share& x, int l) {
  const std::size_t n = shape_size(shape(x));
  MaskedEdaBits m = masked_edabits(x, l, l);
  Mal3BoolCircuits ops{boolean_};
  const BitPlanes c = to_planes(m.c, 0, l), not_c = ~c;
  const Mal3BoolShare differ = boolean_.xor_public(m.bits, c);
  if (l == 1) return bool_to_arith(differ);
  // Borrow out of positions 0..j: generated where c_j < r_j, passed on where c_j = r_j.
  const Mal3BoolShare borrows = bit_prefix_carries(ops, Mal3Boolean::and_public(m.bits, not_c),
                                                   boolean_.xor_public(m.bits, not_c));
  const Mal3BoolShare borrow_in =  // no borrow into bit 0
      ops.bconcat(ops.bzeros(n, 1), ops.bslice(borrows, 0, l - 1));
  return bool_to_arith(Mal3Boolean::bxor(differ, borrow_in));
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::mod2m_block(const Share& x, int m) {
  MaskedEdaBits e = masked_edabits(x, m, 1);
  const Mal3BoolShare borrow =
      mal3_detail::less_than_public(boolean_, to_planes(e.c, 0, m), e.bits);
  const Share low = add_public(neg(e.r), e.c);
  return add(low, scale_wide(bool_to_arith(borrow), W{1} << m));
}

}  // namespace sqt
