// tls_channel.h — a Channel over a connected TCP socket, with or without TLS.
//
// SocketChannel owns a connected socket and, when TLS is on, the OpenSSL
// session over it. Messages are framed as [u64 length][u64 depth][payload].
// A receive waits at most the configured timeout; a closed or failed
// connection throws an Error that names the peer.
//
// TlsContext holds the party's certificate, key and the CA all parties trust
// (TLS 1.3 only, peer certificates required in both directions).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "net/channel.h"

struct ssl_st;
struct ssl_ctx_st;

namespace sqt {

struct TlsFiles {
  std::string ca_cert;  // PEM: the CA that signed every party's certificate
  std::string cert;     // PEM: this party's certificate (CN = sqt-party-<id>)
  std::string key;      // PEM: this party's private key
};

// The certificate common name expected of party `id`.
std::string party_common_name(int id);

class TlsContext {
 public:
  explicit TlsContext(const TlsFiles& files);
  ~TlsContext();
  ssl_ctx_st* get() const { return ctx_; }

 private:
  ssl_ctx_st* ctx_;
};

// The text of OpenSSL's most recent errors (clears its error queue).
std::string openssl_error_text();

class SocketChannel final : public Channel {
 public:
  // Takes ownership of fd and (if non-null) ssl.
  SocketChannel(int fd, ssl_st* ssl, std::string peer_name, std::chrono::milliseconds timeout);
  ~SocketChannel() override;

  void send(std::span<const std::byte> message, std::uint64_t depth) override;
  std::uint64_t recv(std::span<std::byte> out) override;
  std::vector<std::byte> recv_any() override;
  void close() override;
  const std::string& peer_name() const override { return name_; }
  void set_peer_name(std::string name) { name_ = std::move(name); }

  // Raw framed-less I/O, used during the connection handshake.
  void write_all(const void* data, std::size_t n);
  void read_all(void* data, std::size_t n);

 private:
  void wait_readable();

  int fd_;
  ssl_st* ssl_;
  std::string name_;
  std::chrono::milliseconds timeout_;
};

}  // namespace sqt
