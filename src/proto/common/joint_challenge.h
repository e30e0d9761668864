// joint_challenge.h — a random key that three parties draw together after
// the values it is to check are fixed (honest majority of three).
//
// The key is the XOR of one fresh 128-bit draw from each pairwise key: each
// party holds two draws and receives the third from one holder (its
// predecessor) and its SHA-256 digest from the other, which must match. The
// corrupted party gets the draw of the two honest parties' key only from
// its predecessor, after the predecessor has received every message the
// corrupted party sent it before (everything a key checks is sent to the
// predecessor: products, MAC summands, random bits' components, ANDs,
// proof shares), so the key is uniform and unpredictable to it until those
// are fixed, even if it waits (rushes). Used by mal3's MAC and bit checks,
// its daBit parity checks and the proof of its ANDs. Borrows the network
// and the PRGs.
#pragma once

#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

// The parties' common challenge PRG. prg_prev / prg_next are this party's
// keys with parties me-1 and me+1. Throws an Error starting "abort:
// <protocol> challenge check failed" if the two holders of the missing draw
// sent different parts.
Prg joint_challenge(Network& net, Prg& prg_prev, Prg& prg_next, const char* protocol);

}  // namespace sqt
