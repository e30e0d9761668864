// joint_challenge.cpp — see joint_challenge.h.
#include "proto/common/joint_challenge.h"

#include "core/error.h"
#include "crypto/hasher.h"

namespace sqt {
namespace {

Digest digest_of(const Key128& draw) {
  Hasher hasher;
  hasher.update(std::as_bytes(std::span(draw)));
  return hasher.finish();
}

}  // namespace

Prg joint_challenge(Network& net, Prg& prg_prev, Prg& prg_next, const char* protocol) {
  const int me = net.id();
  const int next = (me + 1) % 3, prev = (me + 2) % 3;
  Key128 own_prev{}, own_next{};  // the draws of this party's two keys
  prg_prev.fill_bytes(own_prev.data(), own_prev.size());
  prg_next.fill_bytes(own_next.data(), own_next.size());
  // The draw of the key of prev and next, which this party lacks, comes in
  // the clear from prev only, and from next only as a digest. prev sends it
  // after it has received every message this party sent it before, so a
  // party that waits for the draw cannot change what it sent (a rushing
  // party would otherwise learn the key from next, which never waits for
  // it, before sending its last messages to prev).
  const Digest own_next_digest = digest_of(own_next);
  net.send(next, std::as_bytes(std::span(own_prev)));
  net.send(prev, std::as_bytes(std::span(own_next_digest)));
  Key128 from_prev{};
  Digest from_next{};
  net.recv(prev, std::as_writable_bytes(std::span(from_prev)));
  net.recv(next, std::as_writable_bytes(std::span(from_next)));
  SQT_CHECK(digest_of(from_prev) == from_next,
            "abort: {} challenge check failed at party {}: {} and {} sent different parts of "
            "the challenge key (a party deviated from the protocol)",
            protocol, me, net.peer_name(prev), net.peer_name(next));
  Key128 key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = own_prev[i] ^ own_next[i] ^ from_prev[i];
  return Prg(key);
}

}  // namespace sqt
