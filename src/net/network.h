// network.h — one party's connections to all other parties, with counters.
//
// Network owns the party's channels (one per peer) and counts what crosses
// them: bytes sent and received, messages, and rounds. Rounds are counted as
// the critical path: every message carries a depth one more than the deepest
// message its sender had received before sending it; a party's round count is
// the deepest message it has sent or received. Messages sent back to back
// without waiting therefore share a round, as they should.
//
// Two optional refinements for protocols with preprocessing:
//  - Helper nodes: channels beyond the computing parties (a dealer, party id
//    parties()). parties() counts only the computing parties, so collective
//    exchanges (exchange_text, synchronize) leave helpers out; nodes() counts
//    all, and send/recv reach every node.
//  - Offline accounting: while an OfflineScope is alive (on every party, at
//    the same point of the program), traffic counts into offline_stats()
//    with its own round counter and leaves stats() (the online phase) alone.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "net/memory_channel.h"

namespace sqt {

struct CommStats {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t rounds = 0;

  CommStats operator-(const CommStats& before) const {
    return {bytes_sent - before.bytes_sent, bytes_received - before.bytes_received,
            messages_sent - before.messages_sent, rounds - before.rounds};
  }
};

class Network {
 public:
  // channels[j] is the channel to party j; channels[id] is null.
  Network(int id, ChannelRow channels);
  // The first `computing` nodes are computing parties, the rest helpers.
  Network(int id, ChannelRow channels, int computing);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  int id() const { return id_; }
  int parties() const { return computing_; }
  int nodes() const { return static_cast<int>(channels_.size()); }

  void send(int peer, std::span<const std::byte> message);
  void recv(int peer, std::span<std::byte> out);
  // Receives the next message whatever its size, up to max_bytes (an error
  // names the peer and both sizes).
  std::vector<std::byte> recv_any(int peer, std::size_t max_bytes = std::size_t{1} << 32);

  template <class T>
  void send_values(int peer, std::span<const T> values) {
    send(peer, std::as_bytes(values));
  }
  template <class T>
  void recv_values(int peer, std::span<T> values) {
    recv(peer, std::as_writable_bytes(values));
  }

  const CommStats& stats() const { return online_.stats; }
  // What crossed the channels inside OfflineScopes (preprocessing).
  const CommStats& offline_stats() const { return offline_.stats; }

  // Counts traffic as offline while alive; scopes nest.
  class OfflineScope {
   public:
    explicit OfflineScope(Network& net) : net_(net) { ++net_.offline_depth_; }
    ~OfflineScope() { --net_.offline_depth_; }
    OfflineScope(const OfflineScope&) = delete;
    OfflineScope& operator=(const OfflineScope&) = delete;

   private:
    Network& net_;
  };
  const std::string& peer_name(int peer) const;

  // Sends `text` to every peer and returns every party's text (ours at our
  // index); a peer's text longer than max_bytes is an error. Helper nodes
  // take part only if with_helpers.
  std::vector<std::string> exchange_text(const std::string& text, std::size_t max_bytes,
                                         bool with_helpers = false);

  // Exchanges an empty message with every peer so that all parties' round
  // counters agree afterwards (used before measuring an operation).
  void synchronize();

  // Closes every channel after its queued messages have left (peers see a
  // disconnect).
  void close();
  // Tells every peer why this party stops, then closes (see Channel::abort).
  void abort(const std::string& reason);

 private:
  Channel& channel(int peer) const;

  struct Counters {
    CommStats stats;
    std::uint64_t received_depth = 0;  // deepest message received so far
  };
  Counters& counters() { return offline_depth_ > 0 ? offline_ : online_; }

  int id_;
  ChannelRow channels_;
  int computing_;
  Counters online_, offline_;
  int offline_depth_ = 0;
};

}  // namespace sqt
