#include "net/network.h"

#include <algorithm>

#include "core/error.h"

namespace sqt {

Network::Network(int id, ChannelRow channels)
    : Network(id, std::move(channels), static_cast<int>(channels.size())) {}

Network::Network(int id, ChannelRow channels, int computing)
    : id_(id), channels_(std::move(channels)), computing_(computing) {
  SQT_CHECK(computing_ >= 1 && computing_ <= nodes(), "{} computing parties among {} nodes",
            computing_, nodes());
  SQT_CHECK(id >= 0 && id < nodes(), "party id {} is out of range for {} parties", id, nodes());
  for (int peer = 0; peer < nodes(); ++peer) {
    SQT_CHECK((peer == id) == (channels_[peer] == nullptr),
              "network of party {}: the channel to party {} is {}", id, peer,
              peer == id ? "set but should be empty" : "missing");
  }
}

Network::~Network() {
  close();
}

void Network::close() {
  for (auto& channel : channels_) {
    if (channel) channel->close();
  }
}

void Network::abort(const std::string& reason) {
  for (auto& channel : channels_) {
    if (channel) channel->abort(reason);
  }
}

Channel& Network::channel(int peer) const {
  SQT_CHECK(peer >= 0 && peer < nodes() && peer != id_, "party {} cannot talk to party {}", id_,
            peer);
  return *channels_[peer];
}

const std::string& Network::peer_name(int peer) const {
  return channel(peer).peer_name();
}

void Network::send(int peer, std::span<const std::byte> message) {
  Counters& c = counters();
  std::uint64_t depth = c.received_depth + 1;
  channel(peer).send(message, depth);
  c.stats.bytes_sent += message.size();
  c.stats.messages_sent += 1;
  c.stats.rounds = std::max(c.stats.rounds, depth);
}

void Network::recv(int peer, std::span<std::byte> out) {
  std::uint64_t depth = channel(peer).recv(out);
  Counters& c = counters();
  c.stats.bytes_received += out.size();
  c.received_depth = std::max(c.received_depth, depth);
  c.stats.rounds = std::max(c.stats.rounds, depth);
}

void Network::synchronize() {
  for (int peer = 0; peer < parties(); ++peer)
    if (peer != id_) send(peer, {});
  for (int peer = 0; peer < parties(); ++peer)
    if (peer != id_) recv(peer, {});
  // Every party has now seen the deepest message any party sent, so all
  // round counters agree; the next message of every party starts one deeper.
  Counters& c = counters();
  c.received_depth = c.stats.rounds;
}

std::vector<std::string> Network::exchange_text(const std::string& text, std::size_t max_bytes,
                                                bool with_helpers) {
  const int count = with_helpers ? nodes() : parties();
  std::vector<std::string> all(count);
  all[id_] = text;
  for (int peer = 0; peer < count; ++peer)
    if (peer != id_) send(peer, std::as_bytes(std::span(text)));
  for (int peer = 0; peer < count; ++peer) {
    if (peer == id_) continue;
    std::vector<std::byte> bytes = recv_any(peer, max_bytes);
    all[peer].assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return all;
}

std::vector<std::byte> Network::recv_any(int peer, std::size_t max_bytes) {
  std::vector<std::byte> message = channel(peer).recv_any();
  SQT_CHECK(message.size() <= max_bytes, "{} sent a {}-byte message where at most {} are allowed",
            peer_name(peer), message.size(), max_bytes);
  counters().stats.bytes_received += message.size();
  return message;
}

}  // namespace sqt
