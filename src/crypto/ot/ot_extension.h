// ot_extension.h — IKNP oblivious-transfer extension (semi-honest), correlated form.
//
// An OtExtSender and an OtExtReceiver are the two ends of one direction of OT
// extension between two parties; each is owned by one party (one thread) and
// talks to one peer over a Network it borrows (the Network must outlive it).
// On first use (or setup()) they run 128 base OTs, the extension sender acting
// as base-OT receiver with its secret delta as choice bits. Each extend(n) then
// costs 16 * round_up(n, 64) bytes from receiver to sender in one round (128
// columns of n bits padded to whole 64-bit words, one message per kOtExtChunk
// OTs) and gives n correlated OTs: the sender gets q_i, the
// receiver t_i = q_i ^ (c_i ? delta : 0). The column PRGs continue across
// calls, so extend may be called any number of times; both ends must make the
// same calls in the same order (and not interleave other traffic with the
// same peer in between). Vectors returned belong to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/ot/block.h"
#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

// OTs per message at most: 2^14 keeps each 128-column buffer (256 KB) in
// cache for the transpose, and lets the sender work on one message while the
// receiver makes the next.
inline constexpr std::size_t kOtExtChunk = std::size_t{1} << 14;

// Bytes the extension receiver sends for one extend(n) call (after setup).
inline std::size_t ot_ext_message_bytes(std::size_t n) {
  return 16 * ((n + 63) / 64 * 64);
}

class OtExtSender {  // in IKNP the extension sender is the base-OT receiver
 public:
  OtExtSender(Network& net, int peer);
  // Runs the base OTs if not done yet (extend calls it).
  void setup();
  const Block& delta() const { return delta_; }
  // n correlated OTs: returns q_i (i < n).
  std::vector<Block> extend(std::size_t n);
  std::uint64_t ots_done() const { return ots_done_; }

 private:
  Network& net_;
  int peer_;
  Block delta_;
  std::vector<Prg> columns_;  // G(k_{s_j}), j < 128
  std::vector<std::uint64_t> q_, u_;
  std::uint64_t ots_done_ = 0;
};

class OtExtReceiver {  // the base-OT sender
 public:
  OtExtReceiver(Network& net, int peer);
  void setup();
  // choices: n bits packed little-endian in uint64 words (bit i of word i/64;
  // bits past n are ignored); returns t_i.
  std::vector<Block> extend(const std::vector<std::uint64_t>& choice_words, std::size_t n);
  std::uint64_t ots_done() const { return ots_done_; }

 private:
  Network& net_;
  int peer_;
  std::vector<Prg> columns0_, columns1_;  // G(k0_j), G(k1_j)
  std::vector<std::uint64_t> t_, u_;
  std::uint64_t ots_done_ = 0;
};

// Correlation-robust hash with a tweak: out[k] = H(in[k], tweak_base + k) where
// H(x, i) = AES_K(sigma(x) ^ i) ^ sigma(x), K a fixed public key and
// sigma(lo, hi) = (hi, hi ^ lo). in and out may be the same span.
void cr_hash(std::span<const Block> in, std::uint64_t tweak_base, std::span<Block> out);

// Transposes a 128 x (64 * words) bit matrix given as 128 columns of `words`
// words each (column j is columns[j * words, (j + 1) * words)) into rows:
// bit j of rows[i] is bit i of column j. Writes rows.size() <= 64 * words rows.
void transpose_128xn(std::span<const std::uint64_t> columns, std::size_t words,
                     std::span<Block> rows);

// n random OTs with 1-bit messages: the sender gets m0, m1 (packed words), the
// receiver a random choice c and m_c. m_b of OT i is the lowest bit of
// cr_hash(q_i ^ b * delta, index of the OT), so every OT has a unique tweak.
struct BitRotSender {
  std::vector<std::uint64_t> m0, m1;
};
struct BitRotReceiver {
  std::vector<std::uint64_t> choice, chosen;
};
BitRotSender random_bit_ots_send(OtExtSender& sender, std::size_t n);
BitRotReceiver random_bit_ots_receive(OtExtReceiver& receiver, std::size_t n, Prg& rng);

}  // namespace sqt
