// link_pacer.h — emulation of a slower network on top of a real connection.
//
// The machines we run on have no netem, so sqt emulates a link itself: every
// message waits half the round-trip time before its first byte may leave,
// and its bytes leave no faster than the emulated bandwidth, queued behind
// the messages before it (a link with latency rtt/2 and a serialising
// sender). The pacing applies to each message's plaintext bytes inside the
// channel, just above TLS (net/socket_channel.h); TLS then adds its record
// overhead (about 0.1%). Heartbeats are not paced.
//
// One LinkPacer paces one direction of one connection; its owner serialises
// calls.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace sqt {

struct LinkEmulation {
  double rtt_ms = 0;  // emulated round-trip time; 0 = none
  double gbit = 0;    // emulated bandwidth in Gbit/s; 0 = unlimited

  bool active() const { return rtt_ms > 0 || gbit > 0; }
};

class LinkPacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LinkPacer(LinkEmulation link) : link_(link) {}

  // A message of `bytes` is queued at `queued`: returns when its first byte
  // may be written, and books the link until its last byte is through.
  Clock::time_point schedule(Clock::time_point queued, std::size_t bytes) {
    auto start = std::max(queued + half_rtt(), busy_until_);
    busy_until_ = start + transfer_time(bytes);
    return start;
  }

  // How many bytes of a message whose first byte was released at `start`
  // may have been written by `now`.
  std::size_t allowance(Clock::time_point start, Clock::time_point now) const {
    if (link_.gbit <= 0) return static_cast<std::size_t>(-1);
    if (now <= start) return 0;
    double seconds = std::chrono::duration<double>(now - start).count();
    return static_cast<std::size_t>(seconds * link_.gbit * 1e9 / 8);
  }

  // Bytes the emulated bandwidth carries in a millisecond (at least 1;
  // unlimited bandwidth: the largest size).
  std::size_t bytes_per_millisecond() const {
    if (link_.gbit <= 0) return static_cast<std::size_t>(-1);
    return std::max<std::size_t>(1, static_cast<std::size_t>(link_.gbit * 1e9 / 8 / 1000));
  }

  // When `bytes` bytes of a message released at `start` may have been written.
  Clock::time_point time_for(Clock::time_point start, std::size_t bytes) const {
    return start + transfer_time(bytes);
  }

 private:
  Clock::duration half_rtt() const {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double, std::milli>(link_.rtt_ms / 2));
  }
  Clock::duration transfer_time(std::size_t bytes) const {
    if (link_.gbit <= 0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(bytes) * 8 / (link_.gbit * 1e9)));
  }

  LinkEmulation link_;
  Clock::time_point busy_until_{};
};

}  // namespace sqt
