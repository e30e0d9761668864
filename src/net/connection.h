// connection.h — one TCP connection to a peer, with or without TLS.
//
// A Connection owns a connected, non-blocking socket and, when TLS is on,
// the OpenSSL session over it. It offers two kinds of I/O:
//  - read_some / write_some: one non-blocking attempt, reporting whether the
//    connection would block (and on what) or ended; the channel's I/O thread
//    drives these from poll() (net/socket_channel.h).
//  - read_all / write_all / handshake: loops over those attempts with a
//    deadline; used at start-up, before the channel exists, so that no
//    start-up wait can last forever.
// Errors carry the peer's name (set by the owner, e.g. "party 2
// (10.0.0.3:7002)").
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

struct ssl_st;

namespace sqt {

class TlsContext;

using Clock = std::chrono::steady_clock;

enum class IoStatus {
  progress,    // `bytes` > 0 were transferred
  want_read,   // nothing transferred: wait until the socket is readable
  want_write,  // nothing transferred: wait until the socket is writable
  closed,      // the peer closed the connection
  failed,      // the connection broke; `error` says how
};

struct IoResult {
  IoStatus status;
  std::size_t bytes = 0;
  std::string error = {};
};

class Connection {
 public:
  // Takes ownership of fd, which it makes non-blocking.
  Connection(int fd, std::string peer_name);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  ssl_st* ssl() const { return ssl_; }
  const std::string& peer_name() const { return name_; }
  void set_peer_name(std::string name) { name_ = std::move(name); }

  // TLS handshake (client or server side) before `deadline`; throws an Error
  // naming the peer and the reason on failure.
  void handshake(TlsContext& context, bool client, Clock::time_point deadline);

  IoResult read_some(void* data, std::size_t n);
  IoResult write_some(const void* data, std::size_t n);

  // Whole transfers before `deadline`; throw an Error naming the peer.
  void write_all(const void* data, std::size_t n, Clock::time_point deadline);
  void read_all(void* data, std::size_t n, Clock::time_point deadline);

  // Waits until the socket is ready for `status` (want_read or want_write) or
  // the deadline passes; returns false on timeout.
  bool wait(IoStatus status, Clock::time_point deadline) const;

  // Half-closes: no more writes (TLS close_notify, then TCP FIN after the
  // queued bytes); reads go on.
  void shutdown_write();
  // Closes both directions at once (pending reads and writes fail).
  void abort();

 private:
  IoResult tls_result(int returned, const char* what);
  template <class Byte, class Step>
  void transfer_all(Byte* bytes, std::size_t n, Clock::time_point deadline, Step step,
                    bool reading);

  int fd_;
  ssl_st* ssl_ = nullptr;
  std::string name_;
};

}  // namespace sqt
