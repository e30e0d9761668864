// random.h — uniformly random fixed-point numbers that no party knows.
//
// rand_fixed(shape, a, e) is uniform on the multiples of 2^-f in
// [a, a + 2^e): the low f + e bits of a uniformly random shared ring element,
// reduced exactly with mod2m, plus a. Used for Glorot initialisation.
#pragma once

#include "mpc/basic.h"

namespace sqt {

template <BinaryProtocol P>
typename P::Share rand_fixed(P& p, const Shape& shape, double a, int e) {
  const int bits = p.frac_bits() + e;
  SQT_CHECK(bits >= 1 && bits < kRingBits<typename P::Ring> - 1,
            "rand_fixed: 2^{} is out of range for f = {}", e, p.frac_bits());
  return add_const(p, p.mod2m(p.random(shape), bits), a);
}

}  // namespace sqt
