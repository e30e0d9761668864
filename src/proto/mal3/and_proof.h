// and_proof.h — a distributed zero-knowledge proof that every party
// computed its rep3 ANDs correctly (mal3's binary sharing,
// proto/mal3/mal3_boolean.h): Boyle, Gilboa, Ishai, Nof (CCS 2019) with the
// fully linear proofs of Boneh et al. (CRYPTO 2019), over K = GF(2^128).
// docs/protocols/mal3.md ("Binary sharing: rep3 ANDs with a proof") has the
// messages and what each reveals; this comment is the summary.
//
// The relation. For an AND by party i (the prover P) of sharings x, y, P
// sends z_i = x_i y_i ^ x_i y_(i+1) ^ x_(i+1) y_i ^ s- ^ s+ to V- = party
// i-1 (s-, s+ from P's keys with V- and V+ = party i+1). With a = x_i,
// c = y_i (known to P and V-), b = y_(i+1), d = x_(i+1) (P and V+),
// e = z_i ^ a c ^ s- (V-) and f = s+ (V+), an honest AND satisfies
// a b ^ c d ^ e ^ f = 0, for 64 gates per word. Every party records, per
// word, what its three roles need (prover of its own ANDs, V- of its
// successor's, V+ of its predecessor's): 6 bits per AND gate.
//
// The proof (at each verify(), for all recorded ANDs, three proofs at once):
//  1. A joint challenge drawn after every z was sent gives weights sigma_s
//     (16 elements of K) and rho_m (a 64-bit polynomial per group of 16
//     words); gate t of word 16m + s gets sigma_s rho_m X^t. The relation of
//     every gate becomes one claim <u, v> = t- + t+ with u the weighted a and
//     c bits (P and V- know them), v the b and d bits (P and V+), t- from e
//     (V-) and t+ from f (V+). A wrong gate makes the claim false except
//     with probability 2^-64.
//  2. Levels of compression: with L rows, the prover computes the
//     polynomial G = sum_c p_c q_c of degree 2L-2 whose values at the nodes
//     0..L-1 sum to <u, v>, and sends V- the share G- = G + G+ of its 2L-1
//     values (G+ from P's key with V+: no message). The verifiers' sums of
//     their shares at the nodes plus t- and t+ must agree (checked at the
//     end). A joint challenge r (after every G- arrived) folds u, v to n/L
//     entries and gives the new claim t± = G±(r). The first level works on
//     the bits directly (32 rows: one carry-less product per AND gate).
//  3. Final level (n <= 8): the polynomials get a random value at node 0
//     (mu- from P's key with V-, mu+ with V+), so that after the last
//     challenge r V- can send p(r) to V+ and V+ q(r) to V-; both check
//     G-(r) + G+(r) = p(r) q(r) and that every level's sums agree.
// A false claim survives a level with probability at most 2(L-1)/(2^128 -
// 2L), so a cheating prover passes a proof with probability below 2^-63.99
// (2^-64 from rho, about 2^-120 from the rest). Each verifier sees only
// uniform shares and masked evaluations (zero knowledge against one
// corrupted verifier); the abort depends only on the deviation and the
// public challenges, never on the data.
//
// Cost per party (per proof run, for N recorded AND gates): the ANDs' own
// z (1 bit per gate, sent at the AND); then 16 (2L-1) bytes per level to
// V-, a 48-byte joint challenge per level plus one for the weights, and a
// final exchange of 16 (levels + 3) bytes with each peer (levels: the six
// of and_proof_levels, before the final one): 2.1 KB for up to about 2^10
// gates, 4.4 KB at 2^24, 7 KB at 2^32; 1 + 2 x 6 + 3 = 16 rounds. CPU:
// one carry-less product per gate in the first level, then about 0.7
// products in K per gate. Memory: the records (6 bits per gate) and, during
// the proof, the four folded vectors of the first level (4 bytes per gate).
//
// AndProof borrows the network and the two pairwise PRGs of its owner
// (Mal3Boolean); the three parties call record() and verify() in the same
// order with the same sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bit_planes.h"
#include "core/gf2_128.h"
#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

// The rows of each level of a proof of `words` words of ANDs: 32 for the
// first (on the bits, leaving n = 64 entries per group of 16 words), then
// five levels (more only past 2^32 gates, so the rounds do not depend on
// the size) whose rows (powers of two, 2 to 32) bring n to at most 8 for
// the final level with the fewest products.
std::vector<int> and_proof_levels(std::size_t words);

class AndProof {
 public:
  AndProof(Network& net, Prg& prg_prev, Prg& prg_next);

  // Records the ANDs of one call, shaped like `shape` (planes of n bits):
  // this party's components x0 = x_i, x1 = x_(i+1), y0, y1 of the factors,
  // e = received z ^ x1 y1 ^ the draw of the key with i+1, and f = the draw
  // of the key with i-1 (see above), each shape.words().size() words. The
  // padding bits of each plane's last word are cleared in the records.
  void record(const BitPlanes& shape, const std::uint64_t* x0, const std::uint64_t* x1,
              const std::uint64_t* y0, const std::uint64_t* y1, const std::uint64_t* e,
              const std::uint64_t* f);

  // AND gates recorded since the last verify() (64 per word).
  std::size_t pending_gates() const { return 64 * records_[0].size(); }

  // Runs the three proofs for every recorded AND and forgets them; throws an
  // Error starting "abort: mal3 and check failed" if a proof fails. No
  // messages if nothing is recorded.
  void verify();

  // Proofs run so far (each a statistical check of at most 2^-63).
  std::uint64_t proofs() const { return proofs_; }

 private:
  struct Run;  // the state of one verify() (and_proof.cpp)

  Network& net_;
  int me_, next_, prev_;
  Prg& prg_prev_;
  Prg& prg_next_;
  // x0, x1, y0, y1, e, f: one word per 64 gates each.
  std::vector<std::uint64_t> records_[6];
  std::uint64_t proofs_ = 0;
};

}  // namespace sqt
