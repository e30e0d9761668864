// ot_correlations.h — semi2k's correlated randomness from oblivious transfer
// between every pair of parties (no trusted party).
#pragma once

#include "proto/semi2k/semi2k.h"

namespace sqt {

template <RingElement R>
std::unique_ptr<semi2k::Correlations<R>> make_ot_correlations(Session&) {
  fail("semi2k without --dealer needs OT preprocessing, which this build does not have yet");
}

}  // namespace sqt
