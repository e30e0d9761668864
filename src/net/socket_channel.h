// socket_channel.h — a full-duplex Channel over one TCP (TLS) connection.
//
// SocketChannel owns a Connection and one I/O thread that alone touches it.
// The I/O thread reads whenever data arrives and writes whenever the socket
// takes more, so sending never blocks receiving: any number of parties may
// send messages of any size to each other at once. send() only queues the
// message (the caller computes on while it leaves); recv() waits for a
// complete message that the I/O thread has already read.
//
// Wire format, per frame: [u64 length][u64 depth][payload], written as one
// buffer (header and payload share TLS records). Two depth values are
// reserved: heartbeats (no payload), sent when nothing else went out for
// heartbeat_interval, and aborts (payload: the reason a party stopped).
//
// Failure handling, all naming the peer:
//  - the connection closes or resets: pending and later recv() fail at once;
//  - no byte (data or heartbeat) arrives for peer_timeout: the peer is lost
//    (killed, stopped or its host gone);
//  - a message does not arrive, or queued bytes do not leave, within
//    io_timeout;
//  - the peer aborted: its reason is passed on.
// Messages that arrived before a failure are still delivered.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/tensor.h"
#include "net/channel.h"
#include "net/connection.h"
#include "net/link_pacer.h"

namespace sqt {

struct LinkOptions {
  std::chrono::milliseconds io_timeout{600'000};
  std::chrono::milliseconds peer_timeout{10'000};
  std::chrono::milliseconds heartbeat_interval{1'000};
  std::chrono::milliseconds linger{2'000};  // at close: wait this long for the peer's close
  LinkEmulation emulation;
};

class SocketChannel final : public Channel {
 public:
  SocketChannel(std::unique_ptr<Connection> connection, LinkOptions options);
  ~SocketChannel() override;

  void send(std::span<const std::byte> message, std::uint64_t depth) override;
  std::uint64_t recv(std::span<std::byte> out) override;
  std::vector<std::byte> recv_any() override;
  void close() override;
  void abort(const std::string& reason) override;
  const std::string& peer_name() const override { return name_; }

 private:
  // Frames and payloads are written whole: not zeroed when sized.
  using Bytes = UninitVector<std::byte>;
  struct Outgoing {
    Bytes frame;
    Clock::time_point release;  // not before (link emulation)
  };
  struct Incoming {
    Bytes payload;
    std::uint64_t depth;
  };
  struct Wakeup;  // what the I/O thread waits for next

  Incoming pop();
  void queue(Bytes frame, Clock::time_point release);
  void wake_io();

  // I/O thread.
  void io_loop();
  bool pump_reads(Clock::time_point now, Wakeup& next);
  bool pump_writes(Clock::time_point now, Wakeup& next);
  bool take_next(Clock::time_point now, Wakeup& next);
  bool advance_payload();
  bool finish_frame();
  bool check_deadlines(Clock::time_point now, Wakeup& next);
  void linger();
  void set_failure(std::string text);
  std::string disconnected(const IoResult& result) const;
  bool failed() const;

  std::unique_ptr<Connection> connection_;
  std::string name_;
  LinkOptions options_;
  int wake_fd_ = -1;

  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Outgoing> outbox_;
  std::deque<Incoming> inbox_;
  std::string failure_;  // set once, when the channel fails
  bool closing_ = false;
  LinkPacer pacer_;

  // Owned by the I/O thread.
  Outgoing current_;
  bool writing_ = false;
  std::size_t written_ = 0, retry_length_ = 0;
  Clock::time_point last_sent_, last_received_, write_progress_;
  std::uint64_t header_[2] = {0, 0};
  std::size_t header_got_ = 0, payload_got_ = 0;
  bool payload_started_ = false;
  Bytes payload_;

  std::thread io_;
};

}  // namespace sqt
