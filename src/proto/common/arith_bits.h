// arith_bits.h — boolean circuits on bits held as arithmetic sharings of 0/1,
// for protocols whose binary sharing is their arithmetic one (shamir).
//
// AND is a product, NOT is 1 - a, XOR is a + b - 2ab (one product), and XOR
// with a public bit c is local: a (1 - 2c) + c. Bits are plane-major tensors
// [planes * n]: plane j holds bit j of n elements. The comparison circuits
// take a public value c and shared bits r (from a masked opening c = x + r)
// and combine "less" and "generate" terms that are never both 1, so their
// XOR is a sum: a comparison of w bits costs ceil(log2 w) rounds of
// products. The protocol P supplies Share, add, sub, mul, scale,
// add_public, mul_public, part, join and gather over its Ring. (mal3 keeps
// its own copy of these circuits in mal3_bits.h.)
#pragma once

#include <cstddef>
#include <vector>

#include "core/tensor.h"

namespace sqt::arith_bits {

// Planes [from, from + count) of a plane-major sharing of n elements.
template <class P>
typename P::Share planes_of(const typename P::Share& x, int from, int count, std::size_t n) {
  return P::part(x, static_cast<std::size_t>(from) * n, {static_cast<std::size_t>(count) * n});
}

// Planes start, start + step, ... (count of them) of n elements each.
template <class P>
typename P::Share strided_planes(const typename P::Share& x, int start, int step, int count,
                                 std::size_t n) {
  std::vector<std::size_t> indices;
  indices.reserve(static_cast<std::size_t>(count) * n);
  for (int k = 0; k < count; ++k)
    for (std::size_t i = 0; i < n; ++i)
      indices.push_back(static_cast<std::size_t>(start + k * step) * n + i);
  return P::gather(x, indices, {indices.size()});
}

template <class P>
typename P::Share join_all(const std::vector<typename P::Share>& parts) {
  return P::join(std::span<const typename P::Share>(parts));
}

// Bit j of each element of c, as 0/1 ring values of shape [n].
template <class R>
Tensor<R> bit_plane(const Tensor<R>& c, int j) {
  Tensor<R> out(Shape{c.size()}, kUninitialized);
  for (std::size_t i = 0; i < c.size(); ++i) out[i] = (c[i] >> j) & 1;
  return out;
}

template <class R>
Tensor<R> flipped(Tensor<R> bits) {
  for (R& b : bits) b ^= 1;
  return bits;
}

// a XOR b for shared bits: a + b - 2ab.
template <class P>
typename P::Share bit_xor(P& p, const typename P::Share& a, const typename P::Share& b) {
  using R = typename P::Ring;
  return p.sub(p.add(a, b), p.scale(p.mul(a, b), R{2}));
}

// b XOR c for public bits c (0/1 values): b (1 - 2c) + c, local.
template <class P>
typename P::Share xor_public(P& p, const typename P::Share& b, const Tensor<typename P::Ring>& c) {
  using R = typename P::Ring;
  Tensor<R> factor(c.shape(), kUninitialized);
  for (std::size_t i = 0; i < c.size(); ++i) factor[i] = c[i] ? R{0} - 1 : R{1};
  return p.add_public(p.mul_public(b, factor), c);
}

// [c < r] for public w-bit values c and shared bits r ([w * n]): a tree over
// (less, equal) pairs whose first layer is local.
template <class P>
typename P::Share less_than_public(P& p, const Tensor<typename P::Ring>& c,
                                   const typename P::Share& r_bits, int w, std::size_t n) {
  using Share = typename P::Share;
  std::vector<Share> less_planes, equal_planes;
  for (int j = 0; j < w; ++j) {
    const Share r = planes_of<P>(r_bits, j, 1, n);
    const auto not_c = flipped(bit_plane(c, j));
    less_planes.push_back(p.mul_public(r, not_c));    // ~c_j & r_j
    equal_planes.push_back(xor_public(p, r, not_c));  // ~(c_j ^ r_j)
  }
  Share less = join_all<P>(less_planes), equal = join_all<P>(equal_planes);
  while (w > 1) {
    const int pairs = w / 2;
    const Share equal_hi = strided_planes<P>(equal, 1, 2, pairs, n);
    const Share less_hi = strided_planes<P>(less, 1, 2, pairs, n);
    const Share less_lo = strided_planes<P>(less, 0, 2, pairs, n);
    const bool last = w == 2;
    const Share products =
        last ? p.mul(equal_hi, less_lo)
             : p.mul(join_all<P>({equal_hi, equal_hi}),
                     join_all<P>({less_lo, strided_planes<P>(equal, 0, 2, pairs, n)}));
    // less_hi and equal_hi & less_lo are never both 1: their XOR is a sum.
    Share next_less = p.add(less_hi, planes_of<P>(products, 0, pairs, n));
    Share next_equal = last ? Share{} : planes_of<P>(products, pairs, pairs, n);
    if (w % 2 == 1) {
      next_less = join_all<P>({next_less, planes_of<P>(less, w - 1, 1, n)});
      next_equal = join_all<P>({next_equal, planes_of<P>(equal, w - 1, 1, n)});
    }
    less = std::move(next_less);
    equal = std::move(next_equal);
    w = pairs + w % 2;
  }
  return less;
}

// The AND of w planes of bits ([w * n] -> [n]), a product tree.
template <class P>
typename P::Share all_planes(P& p, typename P::Share bits, int w, std::size_t n) {
  while (w > 1) {
    const int pairs = w / 2;
    typename P::Share next =
        p.mul(strided_planes<P>(bits, 0, 2, pairs, n), strided_planes<P>(bits, 1, 2, pairs, n));
    if (w % 2 == 1) next = join_all<P>({next, planes_of<P>(bits, w - 1, 1, n)});
    bits = std::move(next);
    w = pairs + w % 2;
  }
  return bits;
}

// [x = 0 mod 2^l] from c = x + r (mod 2^l) and r's bits: the AND of
// ~(c_j ^ r_j).
template <class P>
typename P::Share equal_bits(P& p, const Tensor<typename P::Ring>& c,
                             const typename P::Share& r_bits, int l, std::size_t n) {
  std::vector<typename P::Share> equal;
  for (int j = 0; j < l; ++j)
    equal.push_back(xor_public(p, planes_of<P>(r_bits, j, 1, n), flipped(bit_plane(c, j))));
  return all_planes(p, join_all<P>(equal), l, n);
}

// The bits of c - r mod 2^l for public c and shared bits r: borrows by a
// parallel prefix over (generate, propagate) = (~c_j & r_j, ~(c_j ^ r_j)),
// then out_j = c_j ^ r_j ^ borrow_j: ceil(log2 l) + 1 rounds of products.
template <class P>
typename P::Share difference_bits(P& p, const Tensor<typename P::Ring>& c,
                                  const typename P::Share& r_bits, int l, std::size_t n) {
  using Share = typename P::Share;
  std::vector<Share> generate, propagate, differ;
  for (int j = 0; j < l; ++j) {
    const Share r = planes_of<P>(r_bits, j, 1, n);
    const auto c_j = bit_plane(c, j);
    generate.push_back(p.mul_public(r, flipped(c_j)));
    differ.push_back(xor_public(p, r, c_j));
    propagate.push_back(xor_public(p, r, flipped(c_j)));
  }
  for (int d = 1; d < l; d *= 2) {
    const int count = l - d;  // positions j >= d combine with j - d
    const Share p_hi = join_all<P>({propagate.begin() + d, propagate.end()});
    const Share products =
        p.mul(join_all<P>({p_hi, p_hi}),
              join_all<P>({join_all<P>({generate.begin(), generate.begin() + count}),
                           join_all<P>({propagate.begin(), propagate.begin() + count})}));
    for (int k = 0; k < count; ++k) {
      generate[d + k] = p.add(generate[d + k], planes_of<P>(products, k, 1, n));
      propagate[d + k] = planes_of<P>(products, count + k, 1, n);
    }
  }
  if (l == 1) return differ[0];
  const Share high = bit_xor(p, join_all<P>({differ.begin() + 1, differ.end()}),
                             join_all<P>({generate.begin(), generate.end() - 1}));
  return join_all<P>({differ[0], high});
}

}  // namespace sqt::arith_bits
