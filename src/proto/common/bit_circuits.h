// bit_circuits.h — boolean circuits on binary sharings, for any protocol.
//
// Written against the binary part of a protocol (BShare, band, bxor, bnot,
// bslice, bconcat); every AND layer of a circuit is one call, so the rounds
// are the circuit depth and the bits sent are its AND count. Bit-sliced
// inputs: plane 0 is the least significant bit.
#pragma once

namespace sqt {

// [a < b] from the per-bit terms less_j = [a_j < b_j] and equal_j =
// [a_j = b_j] (w planes each): a log-depth tree over (less, equal) pairs.
// AND gates: 2(w - 1) at most; rounds: ceil(log2 w). A protocol whose a is
// public computes the terms locally and calls this directly.
template <class P>
typename P::BShare bit_less_than_terms(P& p, typename P::BShare less, typename P::BShare equal) {
  using BShare = typename P::BShare;
  int w = P::planes(less);
  while (w > 1) {
    const int pairs = w / 2;
    // For pair i: hi = plane 2i+1, lo = plane 2i. less = less_hi ^ (equal_hi & less_lo).
    BShare equal_hi = gather(p, equal, 1, pairs), less_hi = gather(p, less, 1, pairs);
    BShare less_lo = gather(p, less, 0, pairs);
    const bool last = pairs == 1 && w == 2;
    BShare products = last ? p.band(equal_hi, less_lo)
                           : p.band(p.bconcat(equal_hi, equal_hi),
                                    p.bconcat(less_lo, gather(p, equal, 0, pairs)));
    BShare next_less = p.bxor(less_hi, p.bslice(products, 0, pairs));
    BShare next_equal = last ? BShare{} : p.bslice(products, pairs, pairs);
    if (w % 2 == 1) {  // the top plane has no partner: carry it up
      next_less = p.bconcat(next_less, p.bslice(less, w - 1, 1));
      next_equal = p.bconcat(next_equal, p.bslice(equal, w - 1, 1));
    }
    less = std::move(next_less);
    equal = std::move(next_equal);
    w = P::planes(less);
  }
  return less;
}

// [a < b] for unsigned w-bit a and b (w planes each). AND gates: w + 2(w - 1)
// at most; rounds: 1 + ceil(log2 w).
template <class P>
typename P::BShare bit_less_than(P& p, const typename P::BShare& a, const typename P::BShare& b) {
  // Per bit: less = ~a & b, equal = ~(a ^ b).
  return bit_less_than_terms(p, p.band(p.bnot(a), b), p.bnot(p.bxor(a, b)));
}

// AND of all planes of a (one plane out): ceil(log2 w) rounds, w - 1 ANDs.
template <class P>
typename P::BShare bit_all(P& p, typename P::BShare a) {
  int w = P::planes(a);
  while (w > 1) {
    const int pairs = w / 2;
    typename P::BShare next = p.band(gather(p, a, 0, pairs), gather(p, a, 1, pairs));
    if (w % 2 == 1) next = p.bconcat(next, p.bslice(a, w - 1, 1));
    a = std::move(next);
    w = P::planes(a);
  }
  return a;
}

// Planes parity, parity + 2, ... (count of them).
template <class P>
typename P::BShare gather(P& p, const typename P::BShare& x, int parity, int count) {
  return p.bgather(x, parity, 2, count);
}

}  // namespace sqt

namespace sqt {

// The carries of a w-bit addition from per-bit generate and propagate
// terms (w planes each; never both 1 at a position): plane j of the result
// is the carry out of positions 0..j. A Kogge-Stone parallel prefix:
// ceil(log2 w) rounds, about w log2 w + w ANDs. Also the borrows of a
// subtraction, from its own terms.
template <class P>
typename P::BShare bit_prefix_carries(P& p, typename P::BShare G, typename P::BShare Pr) {
  using BShare = typename P::BShare;
  const int w = P::planes(G);
  for (int s = 1; s < w; s *= 2) {
    const int span = w - s, pspan = std::max(0, w - 2 * s);
    BShare left = p.bslice(Pr, s, span), right = p.bslice(G, 0, span);
    if (pspan > 0) {
      left = p.bconcat(left, p.bslice(Pr, 2 * s, pspan));
      right = p.bconcat(right, p.bslice(Pr, s, pspan));
    }
    BShare products = p.band(left, right);
    G = p.bconcat(p.bslice(G, 0, s), p.bxor(p.bslice(G, s, span), p.bslice(products, 0, span)));
    if (pspan > 0) Pr = p.bconcat(p.bslice(Pr, 0, 2 * s), p.bslice(products, span, pspan));
  }
  return G;
}

// Bits of (a + b + carry_in) mod 2^w for w-bit a and b, with a Kogge-Stone
// parallel-prefix carry chain. Rounds: 1 + ceil(log2 w).
template <class P>
typename P::BShare bit_add(P& p, const typename P::BShare& a, const typename P::BShare& b,
                           bool carry_in) {
  using BShare = typename P::BShare;
  const int w = P::planes(a);
  BShare propagate = p.bxor(a, b);
  BShare generate = p.band(a, b);
  // A carry-in of 1 makes bit 0 generate if it generates or propagates (never both).
  BShare G = generate;
  if (carry_in) {
    BShare g0 = p.bxor(p.bslice(generate, 0, 1), p.bslice(propagate, 0, 1));
    G = w > 1 ? p.bconcat(g0, p.bslice(generate, 1, w - 1)) : g0;
  }
  G = bit_prefix_carries(p, std::move(G), propagate);
  // Sum bit i = p_i ^ carry into i; carry into i > 0 is G_{i-1}.
  BShare sum0 = p.bslice(propagate, 0, 1);
  if (carry_in) sum0 = p.bnot(sum0);
  if (w == 1) return sum0;
  return p.bconcat(sum0, p.bxor(p.bslice(propagate, 1, w - 1), p.bslice(G, 0, w - 1)));
}

// Bits of (a - b) mod 2^w = a + ~b + 1.
template <class P>
typename P::BShare bit_subtract(P& p, const typename P::BShare& a, const typename P::BShare& b) {
  return bit_add(p, a, p.bnot(b), true);
}

// Carry-save layer: a + b + c = sum + 2 carry (mod 2^w), one AND layer:
// sum = a ^ b ^ c, carry = majority(a, b, c) = ((a ^ c) & (b ^ c)) ^ c.
// Returns sum and the carry shifted up one bit (plane 0 zero).
template <class P>
std::pair<typename P::BShare, typename P::BShare> carry_save(P& p, const typename P::BShare& a,
                                                             const typename P::BShare& b,
                                                             const typename P::BShare& c) {
  const int w = P::planes(a);
  auto sum = p.bxor(p.bxor(a, b), c);
  auto majority = p.bxor(p.band(p.bxor(a, c), p.bxor(b, c)), c);
  auto zero = p.bxor(p.bslice(a, 0, 1), p.bslice(a, 0, 1));
  auto shifted = w > 1 ? p.bconcat(zero, p.bslice(majority, 0, w - 1)) : zero;
  return {sum, shifted};
}

}  // namespace sqt
