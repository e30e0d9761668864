// exp.h — 2^x and e^x.
//
// x is clamped below at -(f+1) (2^x < 2^-f there, so the result underflows to
// 0). y = x + f + 1 in [0, 64) is bit-decomposed on f + 6 bits: the top six
// bits give the integer part u, and 2^u = prod (1 + b_i (2^(2^i) - 1)) (exact
// integers, 3 rounds); the low f bits give frac = y - u, and 2^frac comes from
// a Chebyshev interpolant on [0, 1). Then 2^x = 2^frac 2^u 2^-(f+1).
// Valid for x < 27 at f = 16, k = 64 and x < 30 at f = 32, k = 128 (the
// product 2^frac 2^u must stay within the wide truncation's range); see
// docs/math.md. e^x = 2^(x log2 e).
#pragma once

#include <numbers>

#include "mpc/building_blocks.h"
#include "mpc/compare.h"
#include "mpc/poly.h"

namespace sqt {

template <BinaryProtocol P>
typename P::Share exp2(P& p, const typename P::Share& x) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  const int f = p.frac_bits();
  const Shape& shape = P::shape(x);
  const std::size_t n = shape_size(shape);
  constexpr int kIntegerBits = 6;
  // Clamp below: xc = underflow ? -(f+1) : x.
  Share underflow = ltz(p, add_const(p, x, f + 1));
  Share floor_value = p.constant(filled<P>(x, encode_fixed<R>(-(f + 1), f)));
  Share xc = select(p, underflow, floor_value, x);
  Share y = add_const(p, xc, f + 1);  // in [0, 2^kIntegerBits)
  auto bits = p.bit_decompose(y, f + kIntegerBits);
  Share int_bits = p.b2a(p.bslice(bits, f, kIntegerBits));  // [kIntegerBits * n], plane-major
  std::vector<Share> factors, bit_list;
  Share u = p.constant(Tensor<R>(shape, R{0}));
  for (int i = 0; i < kIntegerBits; ++i) {
    Share b = P::part(int_bits, static_cast<std::size_t>(i) * n, shape);
    u = p.add(u, p.scale(b, pow2<R>(i)));
    // 1 + b (2^(2^i) - 1)
    factors.push_back(add_scalar(p, p.scale(b, pow2<R>(1 << i) - 1), R{1}));
  }
  while (factors.size() > 1) {  // balanced product tree
    std::vector<Share> left, right;
    for (std::size_t i = 0; i + 1 < factors.size(); i += 2) {
      left.push_back(factors[i]);
      right.push_back(factors[i + 1]);
    }
    std::vector<Share> next = mul_many(p, left, right);
    if (factors.size() % 2 == 1) next.push_back(factors.back());
    factors = std::move(next);
  }
  Share frac = p.sub(y, p.scale(u, pow2<R>(f)));
  const ChebyshevSeries& series = cached_fit("exp2", f, [f] {
    return chebyshev_fit([](double t) { return std::exp2(t); }, 0, 1, std::ldexp(1.0, -f - 2),
                         true);
  });
  Share two_frac = clenshaw(p, series, frac);
  Share result = mul_trunc_wide(p, two_frac, factors[0], f + 1);
  return p.sub(result, p.mul(underflow, result));
}

template <BinaryProtocol P>
typename P::Share exp(P& p, const typename P::Share& x) {
  return exp2(p, mul_const(p, x, std::numbers::log2e));
}

}  // namespace sqt
