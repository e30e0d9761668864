// message_check.h — deferred verification of redundantly known messages.
//
// In honest-majority protocols with replicated sharing a message can often be
// computed by two parties: one sends it, the other ("verifier") only absorbs
// it into a running SHA-256 (`vouch`); the receiver absorbs what it got under
// the verifier's name (`received`). check() later compares 32-byte digests
// per pair of parties instead of the messages: if any sender deviated, the
// receiver's digest differs from its honest verifier's (up to a SHA-256
// collision), whatever the deviation. The same pairs of hashers compare two
// copies of a value that two receivers must hold alike (a consistency check:
// both vouch and receive under each other's name).
//
// check() takes three rounds: digests to every peer, then an agreement on
// the verdicts (two rounds, see agree_verdicts), so that a failure seen by
// one honest party stops all of them before anybody uses the checked values,
// and the corrupted party cannot make only some of them stop (a party whose
// digests do not match throws at once; its peers get its abort reason
// instead of its verdict). Needs n > 3 parties for the agreement. Owned by
// one protocol object; borrows its Network.
#pragma once

#include <string>
#include <vector>

#include "crypto/hasher.h"
#include "net/network.h"

namespace sqt {

class MessageCheck {
 public:
  MessageCheck(Network& net, std::string protocol);

  // This party could compute `bytes`, which another party sent to `receiver`.
  void vouch(int receiver, std::span<const std::byte> bytes) { vouched_[receiver].update(bytes); }
  // This party received `bytes`, which `verifier` vouches for.
  void received(int verifier, std::span<const std::byte> bytes) {
    expected_[verifier].update(bytes);
  }
  // Compares every pair's digests and agrees the verdict; throws an Error
  // starting "abort:" naming the failed check. Every party calls it at the
  // same points of the computation.
  void check() {
    send_digests();
    finish_check();
  }
  // The two halves of check(), for a caller that sends its last messages in
  // the same round as the digests (an open: the digests cover the opening
  // messages that this party vouches for, which it knows before sending).
  void send_digests();
  void finish_check();
  // Checks performed so far (for the statistical accounting in the docs).
  std::uint64_t checks() const { return checks_; }

 private:
  void agree_verdicts();

  Network& net_;
  std::string protocol_;
  std::vector<Hasher> vouched_, expected_;
  std::uint64_t checks_ = 0;
};

}  // namespace sqt
