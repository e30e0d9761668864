// joint_challenge.cpp — see joint_challenge.h.
#include "proto/common/joint_challenge.h"

#include "core/error.h"

namespace sqt {

Prg joint_challenge(Network& net, Prg& prg_prev, Prg& prg_next, const char* protocol) {
  const int me = net.id();
  const int next = (me + 1) % 3, prev = (me + 2) % 3;
  Key128 own_prev{}, own_next{};  // the draws of this party's two keys
  prg_prev.fill_bytes(own_prev.data(), own_prev.size());
  prg_next.fill_bytes(own_next.data(), own_next.size());
  net.send(next, std::as_bytes(std::span(own_prev)));
  net.send(prev, std::as_bytes(std::span(own_next)));
  Key128 from_prev{}, from_next{};
  net.recv(prev, std::as_writable_bytes(std::span(from_prev)));
  net.recv(next, std::as_writable_bytes(std::span(from_next)));
  SQT_CHECK(from_prev == from_next,
            "abort: {} challenge check failed at party {}: {} and {} sent different parts of "
            "the challenge key (a party deviated from the protocol)",
            protocol, me, net.peer_name(prev), net.peer_name(next));
  Key128 key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = own_prev[i] ^ own_next[i] ^ from_prev[i];
  return Prg(key);
}

}  // namespace sqt
