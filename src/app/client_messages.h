// client_messages.h — messages between the computing parties and a client
// node (the `sqt infer` client, a `sqt holder` data holder), which is not a
// computing party and holds no shares.
//
// A client splits a value into N additive summands mod 2^k and sends party i
// the i-th (send_summands); each party inputs its summand with the protocol's
// own input (nn/secure_inference.h input_summands). Whatever a client
// announces (counts, sizes) the computing parties compare among themselves
// before acting on it (agree_on_words), so a client cannot make them disagree.
// The session start compares only the options a client knows too; the
// parties compare the rest among themselves (check_parties_agree).
#pragma once

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/tensor.h"
#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

// Sends party i the i-th of N additive summands of `value` (fresh randomness).
template <class R>
void send_summands(Network& net, Prg& prg, const Tensor<R>& value) {
  Tensor<R> last = value;
  for (int i = 0; i + 1 < net.parties(); ++i) {
    Tensor<R> summand = prg.random<R>(value.shape());
    for (std::size_t k = 0; k < last.size(); ++k) last[k] -= summand[k];
    net.send_values<R>(i, summand.span());
  }
  net.send_values<R>(net.parties() - 1, last.span());
}

// At a client: one opening of `count` ring elements from every computing
// party, which must all agree (a party that deviated is named); returns it.
template <class R>
Tensor<R> receive_agreed(Network& net, std::size_t count, std::string_view what) {
  Tensor<R> first(Shape{count});
  net.recv_values<R>(0, first.span());
  for (int i = 1; i < net.parties(); ++i) {
    Tensor<R> theirs(Shape{count});
    net.recv_values<R>(i, theirs.span());
    SQT_CHECK(theirs.to_vector() == first.to_vector(),
              "computing parties 0 and {} sent different {}: a party deviated", i, what);
  }
  return first;
}

// Receives `N` words from node `client` and checks that every computing party
// received the same ones (an error names `what` and the first difference).
template <std::size_t N>
std::array<std::uint64_t, N> agree_on_words(Network& net, int client, std::string_view what) {
  std::array<std::uint64_t, N> words{};
  net.recv_values<std::uint64_t>(client, words);
  for (int peer = 0; peer < net.parties(); ++peer)
    if (peer != net.id()) net.send_values<std::uint64_t>(peer, words);
  for (int peer = 0; peer < net.parties(); ++peer) {
    if (peer == net.id()) continue;
    std::array<std::uint64_t, N> theirs{};
    net.recv_values<std::uint64_t>(peer, theirs);
    for (std::size_t i = 0; i < N; ++i)
      SQT_CHECK(theirs[i] == words[i],
                "{} told this party {} but party {} {} (field {}): a client deviated", what,
                words[i], peer, theirs[i], i);
  }
  return words;
}

// The computing parties compare `options` (what `what` names, e.g. "the
// training options") among themselves; a client takes no part.
inline void check_parties_agree(Network& net, const std::map<std::string, std::string>& options,
                                std::string_view what) {
  const std::string mine = nlohmann::json(options).dump();
  std::vector<std::string> all = net.exchange_text(mine, 64 * 1024);
  for (int peer = 0; peer < net.parties(); ++peer)
    SQT_CHECK(all[peer] == mine,
              "configuration mismatch with party {}: {} differ; start every party with the same "
              "options",
              peer, what);
}

}  // namespace sqt
