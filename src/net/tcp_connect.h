// tcp_connect.h — connects the parties of a session over TCP (TLS by default).
//
// Every party listens on its own port; party j connects to every party i < j
// and accepts connections from every party above it. A party that is not up
// yet is retried with exponential backoff until connect_timeout. With TLS
// (the default), both sides present certificates signed by the common CA and
// each checks that the peer's certificate names the party it expects
// (CN = sqt-party-<id>). An incoming connection that fails the handshake,
// says nothing, or claims to be a party it is not (a port scanner, a wrong
// certificate) is refused and logged, and start-up goes on until its
// deadline; every wait has a deadline. The resulting channels are full
// duplex (net/socket_channel.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/memory_channel.h"
#include "net/socket_channel.h"
#include "net/tls_context.h"

namespace sqt {

struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "host:port,host:port,..." (one entry per party, in party order).
std::vector<PeerAddress> parse_peers(const std::string& list);

// Parses "FP0,FP1,..." (one SHA-256 fingerprint per party, in party order;
// hex, colons allowed as `openssl x509 -fingerprint -sha256` prints them;
// empty entries pin nothing).
std::vector<std::string> parse_fingerprints(const std::string& list, std::size_t parties);

// Whether host names this machine (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

struct ConnectOptions {
  bool tls = true;  // false only on a trusted private network (the CLI warns)
  TlsFiles tls_files;
  std::chrono::milliseconds connect_timeout{60'000};
  // The most one incoming connection may take to authenticate and say who it
  // is (a silent stray connection is dropped after this).
  std::chrono::milliseconds handshake_timeout{10'000};
  LinkOptions link;  // timeouts, heartbeats and link emulation of the channels
  // SO_SNDBUF / SO_RCVBUF in bytes; 0 leaves the kernel's autotuning, which
  // grows the buffers as needed (setting them turns autotuning off). Tests
  // set tiny buffers to force the worst case.
  int socket_buffer_bytes = 0;
  // Certificate pinning: SHA-256 fingerprints (lowercase hex, no separators)
  // of each party's certificate, by party id; an empty entry is not pinned.
  // With pins, even whoever holds the CA key cannot impersonate a party.
  std::vector<std::string> peer_fingerprints;
  // Where notices about refused connections go (default: standard error).
  std::function<void(const std::string&)> log;
};

// Returns this party's channels to all others (null at index me).
ChannelRow connect_parties(int me, const std::vector<PeerAddress>& peers,
                           const ConnectOptions& options);

}  // namespace sqt
