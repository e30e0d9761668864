#include "app/party_flags.h"

#include <fmt/core.h>

#include <chrono>

#include "core/error.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {

void add_party_flags(CLI::App& command, PartyFlags& flags) {
  command.add_option("--party,--id", flags.party, "This party's id (0-based)")->required();
  command
      .add_option("--peers", flags.peers,
                  "host:port of every party, in party order, comma-separated")
      ->required();
  command.add_option("--certs", flags.certs_dir,
                     "Directory with ca.pem, party<ID>.pem, party<ID>.key (scripts/make-certs.sh)");
  command.add_option("--ca", flags.ca, "CA certificate (overrides --certs)");
  command.add_option("--cert", flags.cert, "This party's certificate (overrides --certs)");
  command.add_option("--key", flags.key, "This party's private key (overrides --certs)");
  command.add_flag("--insecure-no-tls", flags.insecure_no_tls,
                   "Turn TLS off (all parties on this machine only: loopback addresses)");
  command.add_option("--peer-fingerprints", flags.peer_fingerprints,
                     "SHA-256 fingerprints of every party's certificate, in party order "
                     "(pinning; `openssl x509 -noout -fingerprint -sha256 -in partyI.pem`)");
  command
      .add_option("--connect-timeout", flags.connect_timeout_s,
                  "Seconds to keep retrying peers that are not up yet")
      ->capture_default_str();
  command
      .add_option("--recv-timeout", flags.recv_timeout_s,
                  "Seconds a message may take to arrive, or queued bytes to leave, before the "
                  "run stops")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--peer-timeout", flags.peer_timeout_s,
                  "Seconds without any data or heartbeat (sent every second) before a peer "
                  "counts as lost")
      ->check(CLI::Range(2.0, 86400.0))
      ->capture_default_str();
  add_link_emulation_flags(command, flags.emulate_rtt_ms, flags.emulate_gbit);
  command.add_option("--config", flags.config,
                     "Cluster file (TOML) every host shares: peers, TLS, protocol and options; "
                     "flags on the command line win (README: Running parties on separate hosts)");
  command.add_option("--config-sha256", flags.config_sha256, "Set by --config")->group("");
}

void add_config_agreed(std::map<std::string, std::string>& agreed, const PartyFlags& flags) {
  if (!flags.config_sha256.empty()) agreed["cluster_config_sha256"] = flags.config_sha256;
}

void add_link_emulation_flags(CLI::App& command, double& rtt_ms, double& gbit) {
  command
      .add_option("--emulate-rtt-ms", rtt_ms,
                  "Emulate a link with this round-trip time (ms): every message waits half of it")
      ->check(CLI::Range(0.0, 10000.0))
      ->capture_default_str();
  command
      .add_option("--emulate-gbit", gbit,
                  "Emulate a link of this bandwidth (Gbit/s; 0 = as fast as the real one)")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
}

void add_protocol_flags(CLI::App& command, std::string& protocol, int& ring,
                        const std::string& protocol_help) {
  command.add_option("--protocol", protocol, protocol_help)
      ->check(CLI::IsMember(protocol_names()))
      ->capture_default_str();
  command.add_option("--ring", ring, "Ring bit width k: 64 or 128")
      ->check(CLI::IsMember({64, 128}))
      ->capture_default_str();
}

void add_party_count_flags(CLI::App& command, int& parties, bool& dealer) {
  command
      .add_option("--parties", parties,
                  "Computing parties, for protocols whose count varies (sqt protocols; default: "
                  "the protocol's)")
      ->check(CLI::Range(1, 64));
  command.add_flag("--dealer", dealer,
                   "Take the correlated randomness from a dealer node (protocols that have one): "
                   "in-process, one more thread; across processes, the process after the "
                   "computing parties in --peers");
}

void add_party_count_agreed(std::map<std::string, std::string>& agreed, int parties, bool dealer) {
  agreed["parties"] = std::to_string(parties);
  agreed["dealer"] = dealer ? "yes" : "no";
}

std::vector<PeerAddress> resolve_peers(const PartyFlags& flags, std::string_view protocol,
                                       int parties, bool dealer) {
  std::vector<PeerAddress> peers = parse_peers(flags.peers);
  const int listed = static_cast<int>(peers.size());
  if (dealer) {
    SQT_CHECK(listed == parties + 1,
              "{} with {} parties and --dealer: --peers needs {} addresses (the {} computing "
              "parties, then the dealer), got {}",
              protocol, parties, parties + 1, parties, listed);
  } else {
    SQT_CHECK(listed == parties, "{} runs with {} parties: --peers needs {} addresses, got {}{}",
              protocol, parties, parties, listed,
              listed == parties + 1 && find_protocol(protocol).dealer
                  ? " (the last one a dealer? then pass --dealer)"
                  : "");
  }
  SQT_CHECK(flags.party >= 0 && flags.party < listed,
            "--party {} is not one of the {} {} listed in --peers (0 to {})", flags.party, listed,
            dealer ? "nodes" : "parties", listed - 1);
  return peers;
}

std::vector<PeerAddress> parse_peers_with_holders(const PartyFlags& flags, int parties,
                                                  int holders) {
  std::vector<PeerAddress> peers = parse_peers(flags.peers);
  SQT_CHECK(static_cast<int>(peers.size()) == parties + holders,
            "{} parties and {} holders: --peers needs {} addresses (the computing parties, then "
            "the holders), got {}",
            parties, holders, parties + holders, peers.size());
  return peers;
}

ConnectOptions resolve_connect_options(const PartyFlags& flags) {
  ConnectOptions options;
  options.tls = !flags.insecure_no_tls;
  options.connect_timeout =
      std::chrono::milliseconds(static_cast<long>(flags.connect_timeout_s * 1000));
  auto ms = [](double s) { return std::chrono::milliseconds(static_cast<long>(s * 1000)); };
  options.link.io_timeout = ms(flags.recv_timeout_s);
  options.link.peer_timeout = ms(flags.peer_timeout_s);
  options.link.emulation = {flags.emulate_rtt_ms, flags.emulate_gbit};
  if (!options.tls) {
    for (const PeerAddress& peer : parse_peers(flags.peers))
      SQT_CHECK(is_loopback_host(peer.host),
                "--insecure-no-tls is refused for {}: without TLS anyone on the network reads "
                "the pairwise keys and all three shares; use it only with every party on this "
                "machine (127.0.0.1)",
                peer.host);
    fmt::print(stderr,
               "sqt: WARNING: TLS is off (--insecure-no-tls): traffic, including the pairwise PRG "
               "keys, is unencrypted and unauthenticated. Use this only on a private network.\n");
    return options;
  }
  auto pick = [&](const std::string& explicit_path, const std::string& file) {
    if (!explicit_path.empty()) return explicit_path;
    SQT_CHECK(!flags.certs_dir.empty(),
              "TLS needs certificates: pass --certs DIR (see scripts/make-certs.sh) or "
              "--ca/--cert/--key, or --insecure-no-tls on a private network");
    return flags.certs_dir + "/" + file;
  };
  if (!flags.peer_fingerprints.empty())
    options.peer_fingerprints =
        parse_fingerprints(flags.peer_fingerprints, parse_peers(flags.peers).size());
  options.tls_files.ca_cert = pick(flags.ca, "ca.pem");
  options.tls_files.cert = pick(flags.cert, fmt::format("party{}.pem", flags.party));
  options.tls_files.key = pick(flags.key, fmt::format("party{}.key", flags.party));
  return options;
}

void serve_as_dealer(Session& session, std::string_view protocol, int ring) {
  run_or_abort(session, [&] {
    with_protocol(protocol, ring, [&]<class P>(std::type_identity<P>) { run_helper<P>(session); });
  });
  const std::uint64_t sent =
      session.net().stats().bytes_sent + session.net().offline_stats().bytes_sent;
  fmt::print("dealer: served the run ({:.1f} MB sent)\n", sent / 1e6);
}

}  // namespace sqt
