// init.h — parameter initialisation inside MPC.
//
// Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)),
// drawn as a uniform fixed-point number in [0, 2^e) (2^e >= 2l, mpc/random.h)
// scaled by 2l / 2^e and shifted by -l. No party learns the weights.
#pragma once

#include <cmath>

#include "mpc/basic.h"
#include "mpc/random.h"

namespace sqt {

template <BinaryProtocol P>
typename P::Share glorot_uniform(P& p, const Shape& shape, std::size_t fan_in,
                                 std::size_t fan_out) {
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  const int e = static_cast<int>(std::ceil(std::log2(2 * limit)));
  auto u = rand_fixed(p, shape, 0.0, e);
  return add_const(p, mul_const(p, u, 2 * limit / std::ldexp(1.0, e)), -limit);
}

template <Protocol P>
typename P::Share zeros(P& p, const Shape& shape) {
  return p.constant(Tensor<typename P::Ring>(shape, typename P::Ring{0}));
}

}  // namespace sqt
