// normalize.h — scaling a positive value into [2^(L-1), 2^L) by a power of two.
//
// normalize(x, L) finds j >= 0 with y = x 2^j in [2^(L-1), 2^L) for a ring
// integer 1 <= x < 2^L, by binary search over the shift: for t = 2^s, ..., 2, 1
// (t < L), b_t = [y < 2^(L-t)] and y <- y (1 + b_t (2^t - 1)). Each step is one
// comparison and one multiplication round (all factors in one call), so the
// cost is ceil(log2 L) comparisons, whatever the magnitude of x. Optionally
// it accumulates 2^j and, over the steps t >= 2, 2^(t b_t / 2) (square roots).
#pragma once

#include <cmath>
#include <optional>
#include <vector>

#include "mpc/compare.h"

namespace sqt {

template <BinaryProtocol P>
struct Normalized {
  typename P::Share y;                          // x 2^j
  std::vector<int> steps;                       // t, descending
  std::vector<typename P::Share> bits;          // b_t (arithmetic 0/1), same order
  std::optional<typename P::Share> scale;       // 2^j
  std::optional<typename P::Share> half_scale;  // prod over t >= 2 of 2^(b_t t / 2)
};

// The shift amounts for L: powers of two below L, largest first.
inline std::vector<int> normalize_steps(int L, int min_step) {
  std::vector<int> steps;
  int t = 1;
  while (2 * t < L) t *= 2;
  for (; t >= min_step; t /= 2) steps.push_back(t);
  return steps;
}

// With min_step = 2 the shift j is even and y lands in [2^(L-2), 2^L).
template <BinaryProtocol P>
Normalized<P> normalize(P& p, const typename P::Share& x, int L, bool want_scale,
                        bool want_half_scale, int min_step = 1) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  SQT_CHECK(L >= 2 && L < value_bits(p), "normalize: L = {} must be below {}", L, value_bits(p));
  Normalized<P> n{x, normalize_steps(L, min_step), {}, {}, {}};
  const Tensor<R> one = filled<P>(x, R{1});
  if (want_scale) n.scale = p.constant(one);
  if (want_half_scale) n.half_scale = p.constant(one);
  for (int t : n.steps) {
    Share b = ltz(p, add_scalar(p, n.y, R{0} - pow2<R>(L - t)));
    std::vector<Share> bits{b}, grown{p.scale(n.y, pow2<R>(t) - 1)};
    if (want_scale) {
      bits.push_back(b);
      grown.push_back(p.scale(*n.scale, pow2<R>(t) - 1));
    }
    if (want_half_scale && t >= 2) {
      bits.push_back(b);
      grown.push_back(p.scale(*n.half_scale, pow2<R>(t / 2) - 1));
    }
    std::vector<Share> increments = mul_many(p, bits, grown);
    n.y = p.add(n.y, increments[0]);
    std::size_t next = 1;
    if (want_scale) n.scale = p.add(*n.scale, increments[next++]);
    if (want_half_scale && t >= 2) n.half_scale = p.add(*n.half_scale, increments[next++]);
    n.bits.push_back(std::move(b));
  }
  return n;
}

// Bit width used to normalize fixed-point values: inputs x with
// 2^-f <= |x| < 2^(L - f) are supported.
template <BinaryProtocol P>
int normalize_bits(const P& p) {
  return std::min(2 * p.frac_bits(), value_bits(p) - 2);
}

}  // namespace sqt
