// base_ot.h — batched base oblivious transfer (Chou–Orlandi "simplest OT" over
// ristretto255), semi-honest.
//
// One call runs `count` 1-out-of-2 OTs of random 128-bit keys with one peer in
// one round trip: the sender sends one point A, the receiver answers with one
// point B_i per OT (32 bytes each). The sender gets both keys of every OT, the
// receiver the key of its choice. The caller owns the Network and the Prg (the
// secret scalars are drawn from it, so it must be keyed from the OS for real
// use); the results belong to the caller. Invalid points from the peer throw
// sqt::Error naming the peer.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "crypto/ot/block.h"
#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

inline constexpr std::size_t kPointBytes = 32;  // a ristretto255 point on the wire

// Sender side: returns `count` pairs (key0, key1).
std::vector<std::array<Block, 2>> base_ot_send(Network& net, int peer, std::size_t count, Prg& rng);

// Receiver side: returns key[choices[i]] of every OT i.
std::vector<Block> base_ot_receive(Network& net, int peer, const std::vector<bool>& choices,
                                   Prg& rng);

}  // namespace sqt
