// mal3_boolean.h — mal3's binary sharing: XOR-replicated bits whose ANDs a
// malicious party cannot falsify (rep3's AND, proved correct in batches).
//
// A sharing of bit planes is b = b_0 ^ b_1 ^ b_2 with party i holding
// (b_i, b_{i+1}), rep3's binary sharing (Mal3BoolShare). XOR, NOT, AND with
// public bits, and sharings of bits that both holders of one component know
// are local.
//
// AND (bit by bit) is rep3's: party i sends z_i = x_i y_i ^ x_i y_{i+1} ^
// x_{i+1} y_i ^ (a zero sharing from the pairwise keys) to party i-1: one
// bit per party per AND, one round. z_i is uniform to its receiver (masked
// by the draw of the key i shares with i+1), so it reveals nothing. A
// corrupted party can add any error to what it sends; each party records
// its ANDs (6 bits per gate, and_proof.h), and verify_ands() runs one
// distributed zero-knowledge proof per party for all ANDs since the last
// one ("abort: mal3 and check failed" unless every AND is correct, except
// with probability below 2^-63 per run of the proof). The owner (Mal3)
// calls verify_ands() in every verify(), so the ANDs are proved before any
// value that depends on them is opened unmasked or masks anything; band()
// runs it on its own when 2^24 gates are pending (12 MiB of records; the
// proof takes 64 MiB more while it runs).
//
// Mal3Boolean borrows the Session (network, pairwise keys) and its owner's
// MessageCheck; the three parties call the same operations in the same order.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bit_planes.h"
#include "proto/common/message_check.h"
#include "proto/common/summands.h"
#include "proto/mal3/and_proof.h"
#include "proto/session.h"

namespace sqt {

using Mal3BoolShare = Summands<BitPlanes, 2>;

class Mal3Boolean {
 public:
  // Pending AND gates that make band() run the proof first.
  static constexpr std::size_t kMaxPendingGates = std::size_t{1} << 24;

  Mal3Boolean(Session& session, MessageCheck& check);

  // --- local operations --------------------------------------------------

  // A uniformly random sharing (components from the pairwise keys).
  Mal3BoolShare random(std::size_t n, int planes);
  // The sharing whose component c is `bits` and whose other components are
  // zero; `bits` matters only at the two holders of component c (parties c
  // and c - 1), elsewhere only its size.
  Mal3BoolShare from_component(int component, const BitPlanes& bits) const;
  static Mal3BoolShare bxor(const Mal3BoolShare& x, const Mal3BoolShare& y);
  Mal3BoolShare xor_public(const Mal3BoolShare& x, const BitPlanes& c) const;
  Mal3BoolShare bnot(const Mal3BoolShare& x) const {
    return xor_public(x, ~BitPlanes(x.s[0].n(), x.s[0].planes()));
  }
  static Mal3BoolShare and_public(const Mal3BoolShare& x, const BitPlanes& c);

  // --- interactive operations --------------------------------------------

  // x & y by rep3's AND, recorded for the next verify_ands(): one round,
  // one bit per party per bit.
  Mal3BoolShare band(const Mal3BoolShare& x, const Mal3BoolShare& y);
  // Proves every AND since the last call (no messages if there is none);
  // throws an Error starting "abort: mal3 and check failed" if one is wrong.
  void verify_ands() { proof_.verify(); }
  std::size_t pending_gates() const { return proof_.pending_gates(); }
  // Opens x to every party: one round, one bit per party per bit. The value
  // is trusted only after the owner's next MessageCheck::check().
  BitPlanes open_unchecked(const Mal3BoolShare& x) { return open_all({&x})[0]; }
  // The same for several sharings, in one message per party.
  std::vector<BitPlanes> open_all(const std::vector<const Mal3BoolShare*>& shares);

  // Proofs run so far (each a statistical check of mal3's budget).
  std::uint64_t proofs() const { return proof_.proofs(); }

 private:
  // Throws unless the padding bits of a received AND message are zero (the
  // proof covers only the bits of the planes).
  void check_padding(const BitPlanes& received) const;

  Network& net_;
  int me_, next_, prev_;
  Prg& prg_prev_;        // key with party i-1: component i
  Prg& prg_next_;        // key with party i+1: component i+1
  MessageCheck& check_;  // the owner's: openings, checked before outputs
  AndProof proof_;
};

// Mal3Boolean as the binary part of a protocol, for the circuits of
// proto/common/bit_circuits.h (they take a P with BShare, band, bxor, bnot,
// bslice, bgather, bconcat and planes): the local plumbing of replicated
// bit planes plus Mal3Boolean's AND and NOT. Borrows the Mal3Boolean.
struct Mal3BoolCircuits : BinarySummandPlumbing<2> {
  explicit Mal3BoolCircuits(Mal3Boolean& b) : boolean(b) {}
  BShare band(const BShare& x, const BShare& y) { return boolean.band(x, y); }
  BShare bnot(const BShare& x) const { return boolean.bnot(x); }

  Mal3Boolean& boolean;
};

}  // namespace sqt
