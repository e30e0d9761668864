#include "net/network.h"

#include <algorithm>

#include "core/error.h"

namespace sqt {

Network::Network(int id, ChannelRow channels) : id_(id), channels_(std::move(channels)) {
  SQT_CHECK(id >= 0 && id < parties(), "party id {} is out of range for {} parties", id, parties());
  for (int peer = 0; peer < parties(); ++peer) {
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
  SQT_CHECK(peer >= 0 && peer < parties() && peer != id_, "party {} cannot talk to party {}", id_,
            peer);
  return *channels_[peer];
}

const std::string& Network::peer_name(int peer) const {
  return channel(peer).peer_name();
}

void Network::send(int peer, std::span<const std::byte> message) {
  std::uint64_t depth = received_depth_ + 1;
  channel(peer).send(message, depth);
  stats_.bytes_sent += message.size();
  stats_.messages_sent += 1;
  stats_.rounds = std::max(stats_.rounds, depth);
}

void Network::recv(int peer, std::span<std::byte> out) {
  std::uint64_t depth = channel(peer).recv(out);
  stats_.bytes_received += out.size();
  received_depth_ = std::max(received_depth_, depth);
  stats_.rounds = std::max(stats_.rounds, depth);
}

void Network::synchronize() {
  for (int peer = 0; peer < parties(); ++peer)
    if (peer != id_) send(peer, {});
  for (int peer = 0; peer < parties(); ++peer)
    if (peer != id_) recv(peer, {});
  // Every party has now seen the deepest message any party sent, so all
  // round counters agree; the next message of every party starts one deeper.
  received_depth_ = stats_.rounds;
}

std::vector<std::string> Network::exchange_text(const std::string& text, std::size_t max_bytes) {
  std::vector<std::string> all(parties());
  all[id_] = text;
  for (int peer = 0; peer < parties(); ++peer)
    if (peer != id_) send(peer, std::as_bytes(std::span(text)));
  for (int peer = 0; peer < parties(); ++peer) {
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
  stats_.bytes_received += message.size();
  return message;
}

}  // namespace sqt
