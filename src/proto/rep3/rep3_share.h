// rep3_share.h — a replicated 2-out-of-3 sharing of a ring tensor.
//
// x = x_0 + x_1 + x_2 (mod 2^k). Party i holds the summands x_i (s[0]) and
// x_{i+1} (s[1]), indices modulo 3; any two parties can reconstruct x, any
// single party sees two uniformly random values. Summand x_j is the one that
// parties j and j-1 have in common, so randomness for it is drawn from the
// PRG key those two parties share.
#pragma once

#include "core/ring.h"
#include "core/tensor.h"
#include "proto/common/summands.h"

namespace sqt {

template <RingElement R>
using Rep3Share = Summands<Tensor<R>, 2>;

}  // namespace sqt
