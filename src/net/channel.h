// channel.h — a message channel to one peer.
//
// A Channel carries whole messages between this party and one peer, in order.
// Each message carries a depth (its position on the longest chain of
// messages that led to it); Network uses depths to count rounds as the
// critical path. Implementations: MemoryChannel (parties as threads of one
// process) and SocketChannel (TCP, with TLS 1.3 by default; full duplex).
//
// Every failure (peer gone, timeout, size mismatch) throws sqt::Error with a
// sentence naming the peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sqt {

class Channel {
 public:
  virtual ~Channel() = default;

  // Sends one message.
  virtual void send(std::span<const std::byte> message, std::uint64_t depth) = 0;
  // Receives the next message, which must be exactly out.size() bytes long
  // (a different size means the parties disagree on the computation).
  // Returns the message's depth.
  virtual std::uint64_t recv(std::span<std::byte> out) = 0;
  // Receives the next message whatever its size.
  virtual std::vector<std::byte> recv_any() = 0;
  // Closes the channel after the queued messages have left: the peer's
  // pending and later receives fail. Never throws.
  virtual void close() = 0;
  // Tells the peer why this party stops (its receives fail with `reason`),
  // then closes. Never throws.
  virtual void abort(const std::string& reason) = 0;

  // "party 2" or "party 2 (10.0.0.3:7002)", for error messages.
  virtual const std::string& peer_name() const = 0;
};

// The error for a message whose size differs from what the protocol expects.
[[noreturn]] void fail_size_mismatch(const std::string& peer, std::size_t expected,
                                     std::size_t got);

}  // namespace sqt
