// tcp_connect.h — connects the parties of a session over TCP (TLS by default).
//
// Every party listens on its own port; party j connects to every party i < j
// and accepts connections from every party above it. A party that is not up
// yet is retried with exponential backoff until connect_timeout. With TLS
// (the default), both sides present certificates signed by the common CA and
// each checks that the peer's certificate names the party it expects
// (CN = sqt-party-<id>); anything else ends the run with a clear error.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "net/memory_channel.h"
#include "net/tls_channel.h"

namespace sqt {

struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "host:port,host:port,..." (one entry per party, in party order).
std::vector<PeerAddress> parse_peers(const std::string& list);

struct ConnectOptions {
  bool tls = true;  // false only on a trusted private network (the CLI warns)
  TlsFiles tls_files;
  std::chrono::milliseconds connect_timeout{60'000};
  std::chrono::milliseconds recv_timeout{600'000};
};

// Returns this party's channels to all others (null at index me).
ChannelRow connect_parties(int me, const std::vector<PeerAddress>& peers,
                           const ConnectOptions& options);

}  // namespace sqt
