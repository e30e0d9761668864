// Tests of channels and the network layer: in-memory and TCP (with and
// without TLS), counters, round counting and every failure mode.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <thread>

#include "core/error.h"
#include "net/network.h"
#include "net/tcp_connect.h"
#include "net_fixture.h"
#include "test_util.h"

namespace sqt {
namespace {

using namespace std::chrono_literals;

std::vector<std::unique_ptr<Network>> memory_networks(int n,
                                                      std::chrono::milliseconds timeout = 5s) {
  auto mesh = make_memory_mesh(n, timeout);
  std::vector<std::unique_ptr<Network>> nets;
  for (int i = 0; i < n; ++i) nets.push_back(std::make_unique<Network>(i, std::move(mesh[i])));
  return nets;
}

TEST(MemoryNetwork, DeliversInOrderAndCountsBytes) {
  auto nets = memory_networks(3);
  std::vector<std::uint64_t> a{1, 2, 3}, b{4, 5};
  nets[0]->send_values<std::uint64_t>(1, a);
  nets[0]->send_values<std::uint64_t>(1, b);
  std::vector<std::uint64_t> ra(3), rb(2);
  nets[1]->recv_values<std::uint64_t>(0, std::span(ra));
  nets[1]->recv_values<std::uint64_t>(0, std::span(rb));
  EXPECT_EQ(ra, a);
  EXPECT_EQ(rb, b);
  EXPECT_EQ(nets[0]->stats().bytes_sent, 40u);
  EXPECT_EQ(nets[0]->stats().messages_sent, 2u);
  EXPECT_EQ(nets[1]->stats().bytes_received, 40u);
}

TEST(MemoryNetwork, RoundsFollowTheCriticalPath) {
  auto nets = memory_networks(3);
  std::byte x{};
  // Two messages sent back to back share a round.
  nets[0]->send(1, std::span(&x, 1));
  nets[0]->send(2, std::span(&x, 1));
  EXPECT_EQ(nets[0]->stats().rounds, 1u);
  // A reply to a received message is one round deeper; a chain 0 -> 1 -> 2 is 2 rounds.
  nets[1]->recv(0, std::span(&x, 1));
  nets[1]->send(2, std::span(&x, 1));
  nets[2]->recv(0, std::span(&x, 1));
  nets[2]->recv(1, std::span(&x, 1));
  EXPECT_EQ(nets[1]->stats().rounds, 2u);
  EXPECT_EQ(nets[2]->stats().rounds, 2u);
}

TEST(MemoryNetwork, SynchronizeAlignsRoundCounters) {
  auto nets = memory_networks(3);
  std::byte x{};
  nets[0]->send(1, std::span(&x, 1));  // a chain of depth 2 ending at party 2
  nets[1]->recv(0, std::span(&x, 1));
  nets[1]->send(2, std::span(&x, 1));
  nets[2]->recv(1, std::span(&x, 1));
  {
    std::vector<std::jthread> threads;
    for (auto& net : nets) threads.emplace_back([&net] { net->synchronize(); });
  }
  for (auto& net : nets) EXPECT_EQ(net->stats().rounds, 3u);
  nets[0]->send(2, std::span(&x, 1));  // the next message is one round deeper for everyone
  EXPECT_EQ(nets[0]->stats().rounds, 4u);
}

TEST(MemoryNetwork, SizeMismatchNamesPeerAndSizes) {
  auto nets = memory_networks(2);
  std::vector<std::uint64_t> v(4);
  nets[0]->send_values<std::uint64_t>(1, v);
  std::vector<std::uint64_t> out(3);
  EXPECT_EQ(error_of([&] { nets[1]->recv_values<std::uint64_t>(0, std::span(out)); }),
            "party 0 sent a 32-byte message where 24 bytes were expected: the parties are not "
            "running the same computation (check that every party uses the same options)");
}

TEST(MemoryNetwork, DisconnectedPeerFailsInsteadOfHanging) {
  auto nets = memory_networks(2);
  nets[0].reset();
  std::byte x{};
  EXPECT_EQ(error_of([&] { nets[1]->recv(0, std::span(&x, 1)); }), "party 0 disconnected");
  EXPECT_EQ(error_of([&] { nets[1]->send(0, std::span(&x, 1)); }), "party 0 disconnected");
}

TEST(MemoryNetwork, SilentPeerTimesOut) {
  auto nets = memory_networks(2, 50ms);
  std::byte x{};
  EXPECT_EQ(error_of([&] { nets[1]->recv(0, std::span(&x, 1)); }),
            "no message from party 0 for 0.05 s (timeout)");
}

void exchange_ring(TcpRun& run) {
  int n = static_cast<int>(run.nets.size());
  std::vector<std::jthread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      std::vector<std::uint64_t> out(100000, static_cast<std::uint64_t>(i)), in(100000);
      run.nets[i]->send_values<std::uint64_t>((i + 1) % n, out);
      run.nets[i]->recv_values<std::uint64_t>((i + n - 1) % n, std::span(in));
      EXPECT_EQ(in[99999], static_cast<std::uint64_t>((i + n - 1) % n));
    });
  }
}

TEST(TcpNetwork, PlainTcpConnectsAndCarriesMessages) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int) {
    ConnectOptions options;
    options.tls = false;
    options.connect_timeout = 10s;
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  exchange_ring(run);
  EXPECT_EQ(run.nets[0]->stats().bytes_sent, 800000u);
}

TEST(TcpNetwork, UnreachablePeerFailsAfterConnectTimeout) {
  auto peers = loopback_peers(2);
  ConnectOptions options;
  options.tls = false;
  options.connect_timeout = 300ms;
  std::string error = error_of([&] { connect_parties(1, peers, options); });
  EXPECT_NE(error.find("cannot connect to party 0 at 127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("gave up after the connect timeout"), std::string::npos) << error;
}

class TlsNetwork : public TlsFixture {};

TEST_F(TlsNetwork, MutuallyAuthenticatedTls13CarriesMessages) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int i) { return options_for(i, "good"); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  exchange_ring(run);
}

TEST_F(TlsNetwork, CertificateFromAnotherCaIsRefused) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int i) {
    ConnectOptions options = options_for(i, "good");
    if (i == 1) {  // party 1's certificate and key come from a foreign CA
      ConnectOptions other = options_for(1, "other");
      options.tls_files.cert = other.tls_files.cert;
      options.tls_files.key = other.tls_files.key;
    }
    return options;
  });
  // Party 0 refuses the connection and waits on until its deadline.
  EXPECT_NE(run.errors[0].find("parties 1 did not connect to party 0 within the connect timeout "
                               "(refused 1 connection(s); the last: TLS handshake with a "
                               "connection from "),
            std::string::npos)
      << run.errors[0];
  EXPECT_NE(run.errors[1], "");
}

TEST_F(TlsNetwork, CertificateOfTheWrongPartyIsRefused) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int i) {
    ConnectOptions options = options_for(i, "good");
    if (i == 2)
      options = [] {  // party 2 presents party 1's (valid) certificate
        ConnectOptions o = options_for(1, "good");
        return o;
      }();
    return options;
  });
  bool named = false;
  for (auto& e : run.errors)
    named |= e.find("presented a certificate for 'sqt-party-1', expected 'sqt-party-2'") !=
             std::string::npos;
  EXPECT_TRUE(named) << run.errors[0] << " | " << run.errors[1] << " | " << run.errors[2];
}

std::string fingerprint_of(const std::string& pem_path) {
  FILE* file = std::fopen(pem_path.c_str(), "r");
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  X509_free(cert);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02X}:", digest[i]);
  hex.pop_back();
  return hex;  // as `openssl x509 -fingerprint -sha256` prints it
}

TEST_F(TlsNetwork, PinnedFingerprintsAdmitTheRightCertificatesOnly) {
  std::string pins;
  for (int i = 0; i < 3; ++i)
    pins += (i ? "," : "") + fingerprint_of(options_for(i, "good").tls_files.cert);
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [&](int i) {
    ConnectOptions options = options_for(i, "good");
    options.peer_fingerprints = parse_fingerprints(pins, 3);
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  exchange_ring(run);
  // A second certificate for party 1, signed by the same CA, is refused.
  std::string wrong = pins.substr(0, pins.find(',') + 1) +
                      fingerprint_of(options_for(0, "good").tls_files.cert) +
                      pins.substr(pins.rfind(','));
  auto peers2 = loopback_peers(2);
  auto run2 = connect_all(peers2, [&](int i) {
    ConnectOptions options = options_for(i, "good");
    options.connect_timeout = 1500ms;
    options.peer_fingerprints = parse_fingerprints(wrong, 3);
    options.peer_fingerprints.resize(2);
    return options;
  });
  bool refused = false;
  for (auto& e : run2.errors) refused |= e.find("not the pinned") != std::string::npos;
  EXPECT_TRUE(refused) << run2.errors[0] << " | " << run2.errors[1];
  EXPECT_NE(error_of([] { parse_fingerprints("abc", 1); }).find("has 3 hex digits"),
            std::string::npos);
}

TEST_F(TlsNetwork, PeerThatDiesMidRunIsNamed) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int i) { return options_for(i, "good"); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  run.nets[0].reset();  // party 0 goes away
  std::byte x{};
  std::string error = error_of([&] { run.nets[1]->recv(0, std::span(&x, 1)); });
  EXPECT_NE(error.find("party 0 (127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("disconnected"), std::string::npos) << error;
}

}  // namespace
}  // namespace sqt
