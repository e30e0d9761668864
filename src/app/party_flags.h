// party_flags.h — command-line flags of a party that runs as its own process.
//
// Shared by every subcommand that connects to other parties over TCP:
// --party, --peers, --config (a cluster file, cluster_config.h), the TLS files (--certs DIR or
// --ca/--cert/--key), the switch that turns TLS off, the timeouts and the link emulation; and by
// every subcommand that runs a protocol: --parties and --dealer.
//
// With a dealer, --peers lists the N computing parties and then the dealer:
// the process with --party N is the dealer (serve_as_dealer).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <string_view>

#include "net/tcp_connect.h"

namespace sqt {

class Session;

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
  std::string config;         // --config FILE (expanded before parsing: cluster_config.h)
  std::string config_sha256;  // set by that expansion; compared between parties
};

void add_party_flags(CLI::App& command, PartyFlags& flags);
// Adds {"cluster_config_sha256", digest} when the run came from --config.
void add_config_agreed(std::map<std::string, std::string>& agreed, const PartyFlags& flags);
// --emulate-rtt-ms and --emulate-gbit (net/link_pacer.h), also used by benchmarks.
void add_link_emulation_flags(CLI::App& command, double& rtt_ms, double& gbit);

// --protocol NAME (one of the registry's) and --ring 64|128, for every
// subcommand that runs a protocol; `protocol_help` describes the choice.
void add_protocol_flags(CLI::App& command, std::string& protocol, int& ring,
                        const std::string& protocol_help);

// --parties N (protocols whose party count varies) and --dealer; check them
// with checked_party_count (proto/registry.h).
void add_party_count_flags(CLI::App& command, int& parties, bool& dealer);
// Adds {"parties", N} and {"dealer", "yes"/"no"} to the options every node
// compares at start-up.
void add_party_count_agreed(std::map<std::string, std::string>& agreed, int parties, bool dealer);

// Parses --peers: `parties` computing parties and, with a dealer, the dealer
// last (an error names the expected count); checks --party.
std::vector<PeerAddress> resolve_peers(const PartyFlags& flags, std::string_view protocol,
                                       int parties, bool dealer);
// Parses --peers of a run with data holders: `parties` computing parties,
// then `holders` holders (an error names the expected count).
std::vector<PeerAddress> parse_peers_with_holders(const PartyFlags& flags, int parties,
                                                  int holders);
// TLS and timeouts; prints a warning if TLS is off.
ConnectOptions resolve_connect_options(const PartyFlags& flags);

// The dealer's whole run (the process with --party N of N computing
// parties): serves the protocol's preprocessing until the parties finish,
// aborting the session on an error, and prints one line with what it sent.
void serve_as_dealer(Session& session, std::string_view protocol, int ring);

}  // namespace sqt
