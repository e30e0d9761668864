// mal3_boolean.h — mal3's binary sharing: XOR-replicated bits whose ANDs a
// malicious party cannot falsify (Beaver ANDs on triples checked in batches).
//
// A sharing of bit planes is b = b_0 ^ b_1 ^ b_2 with party i holding
// (b_i, b_{i+1}), rep3's binary sharing (Mal3BoolShare). XOR, NOT, AND with
// public bits, and sharings of bits that both holders of one component know
// are local.
//
// AND (bit by bit) takes one checked triple (a, b, c = a & b) per bit:
// d = x ^ a and e = y ^ b are opened (one holder of each missing component
// sends it, the other vouches for it through the MessageCheck) and
// z = c ^ (d & b) ^ (e & a) ^ (d & e): 2 bits per party per AND, one round.
// d and e are uniform, so opening them before a check reveals nothing; a
// wrong opening is caught by the owner's next message check, which runs
// before any output.
//
// Triples are made in batches of N words of 64 (N = 2^15 by default):
//  1. 5N words of triples: a, b random from the pairwise keys, c = a & b by
//     rep3's AND (one bit per party per triple). The corrupted party may
//     have falsified any bits of them (c = a & b ^ e, e chosen by it).
//  2. A uniform permutation of the 5N words is drawn from a joint challenge
//     (joint_challenge.h) after they exist. Word t of the permuted order is
//     kept; words N + t, ..., 4N + t (its bucket) are spent checking it, bit
//     by bit.
//  3. For each check word j: rho = a ^ a_j and sigma = b ^ b_j are opened,
//     and delta = c ^ c_j ^ (sigma & a_j) ^ (rho & b_j) ^ (rho & sigma),
//     which is 0 for correct triples, is compared with 0 without a message:
//     each party expects its missing component of delta to be the XOR of
//     its two, and one holder of that component vouches for it, so the
//     batch's own message check compares them (with the openings of rho and
//     sigma) and fails unless delta = 0 ("abort: mal3 triple message check
//     failed").
// At each bit position, a bucket with both falsified and correct triples
// has delta = 1 at some j, so a falsified triple is kept only if the
// permutation puts the words falsified at that position into whole
// buckets: for the adversary's best choice (one bucket) with probability
// N / C(5N, 5) = 24 / ((5N-1)(5N-2)(5N-3)(5N-4)), under 2^-64 per batch for
// N >= 2^15 (falsifying more only lowers it: every falsified triple must
// land in an all-falsified bucket, or the batch is caught), so
// a batch counts as one check of mal3's budget of 2^23 checks at 2^-63
// (docs/protocols/mal3.md). Permuting words, not single triples, keeps the
// shuffle cheap. Cost per AND: 5 (triples) + 8 (rho, sigma) + 2 (d, e) =
// 15 bits per party, amortised.
//
// Mal3Boolean borrows the Session (network, pairwise keys) and its owner's
// MessageCheck; the three parties call the same operations in the same order.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/bit_planes.h"
#include "proto/common/message_check.h"
#include "proto/common/summands.h"
#include "proto/session.h"

namespace sqt {

using Mal3BoolShare = Summands<BitPlanes, 2>;

class Mal3Boolean {
 public:
  static constexpr int kBucket = 5;
  static constexpr std::size_t kBatchWords = std::size_t{1} << 15;  // 2^21 triples

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

  // x & y by Beaver with checked triples (a batch is made first if the pool
  // is short): one round, 2 bits per party per bit.
  Mal3BoolShare band(const Mal3BoolShare& x, const Mal3BoolShare& y);
  // Opens x to every party: one round, one bit per party per bit. The value
  // is trusted only after the owner's next MessageCheck::check().
  BitPlanes open_unchecked(const Mal3BoolShare& x) { return open_all({&x})[0]; }
  // The same for several sharings, in one message per party.
  std::vector<BitPlanes> open_all(const std::vector<const Mal3BoolShare*>& shares) {
    return open_all(shares, check_);
  }

  // Checked triples made so far, and batches.
  std::uint64_t triples_made() const { return made_; }
  std::uint64_t batches() const { return batches_; }
  // TEST FACILITY: batches of `words` x 64 triples. Below kBatchWords the
  // bound above no longer holds; tests use it to make detection visible.
  void set_batch_words(std::size_t words) { batch_words_ = words > 0 ? words : 1; }

 private:
  // Triples in one plane of 64 W bits.
  struct Triples {
    Mal3BoolShare a, b, c;
  };

  // x & y by rep3's AND: correct only if every party follows the protocol.
  Mal3BoolShare and_unchecked(const Mal3BoolShare& x, const Mal3BoolShare& y);
  Triples make_unchecked(std::size_t words);
  Triples make_checked(std::size_t words);
  // Opens the sharings, the openings vouched for in `check`.
  std::vector<BitPlanes> open_all(const std::vector<const Mal3BoolShare*>& shares,
                                  MessageCheck& check);
  // Makes the triple check's next comparison fail unless x = 0 (no message:
  // each party expects the missing component to be the XOR of its two,
  // whose holders vouch for it).
  void expect_zero(const Mal3BoolShare& x);
  // The checked triples for a sharing of n x planes bits, from the pool.
  Triples take(std::size_t n, int planes);
  void refill(std::size_t words);

  Network& net_;
  int me_, next_, prev_;
  Prg& prg_prev_;              // key with party i-1: component i
  Prg& prg_next_;              // key with party i+1: component i+1
  MessageCheck& check_;        // the owner's: Beaver openings, checked before outputs
  MessageCheck triple_check_;  // the triple batches' openings and zero tests
  std::size_t batch_words_ = kBatchWords;
  std::array<std::vector<std::uint64_t>, 6> pool_;  // a0 a1 b0 b1 c0 c1
  std::size_t pool_used_ = 0;                       // words
  std::uint64_t made_ = 0, batches_ = 0;
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
