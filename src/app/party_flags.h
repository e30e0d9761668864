// party_flags.h — command-line flags of a party that runs as its own process.
//
// Shared by every subcommand that connects to other parties over TCP:
// --party, --peers, the TLS files (--certs DIR or --ca/--cert/--key), the
// switch that turns TLS off, the timeouts and the link emulation.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "net/tcp_connect.h"

namespace sqt {

struct PartyFlags {
  int party = -1;
  std::string peers;
  std::string certs_dir;
  std::string ca, cert, key;
  bool insecure_no_tls = false;
  std::string peer_fingerprints;
  double connect_timeout_s = 60;
  double recv_timeout_s = 600;
  double peer_timeout_s = 10;
  double emulate_rtt_ms = 0;
  double emulate_gbit = 0;
};

void add_party_flags(CLI::App& command, PartyFlags& flags);
// --emulate-rtt-ms and --emulate-gbit (net/link_pacer.h), also used by benchmarks.
void add_link_emulation_flags(CLI::App& command, double& rtt_ms, double& gbit);

// Parses the peers and TLS files; prints a warning if TLS is off.
std::vector<PeerAddress> resolve_peers(const PartyFlags& flags);
ConnectOptions resolve_connect_options(const PartyFlags& flags);

}  // namespace sqt
