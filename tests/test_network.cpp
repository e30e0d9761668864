// Tests of channels and the network layer: in-memory and TCP (with and
// without TLS), counters, round counting and every failure mode.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/error.h"
#include "net/network.h"
#include "net/tcp_connect.h"
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

// A port below the kernel's ephemeral range (so no client socket can take it
// between this check and the test's listen) that is free now.
std::uint16_t free_port() {
  static std::uint16_t next = static_cast<std::uint16_t>(20000 + (::getpid() * 7) % 12000);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::uint16_t port = next;
    next = static_cast<std::uint16_t>(next + 1 >= 32000 ? 20000 : next + 1);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons(port);
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (ok) return port;
  }
  ADD_FAILURE() << "no free port in [20000, 32000)";
  return 0;
}

std::vector<PeerAddress> loopback_peers(int n) {
  std::vector<PeerAddress> peers;
  for (int i = 0; i < n; ++i) peers.push_back({"127.0.0.1", free_port()});
  return peers;
}

// Connects n parties on loopback from n threads; returns networks or the
// error text of each party.
struct TcpRun {
  std::vector<std::unique_ptr<Network>> nets;
  std::vector<std::string> errors;
};

TcpRun connect_all(const std::vector<PeerAddress>& peers,
                   const std::function<ConnectOptions(int)>& options_of) {
  int n = static_cast<int>(peers.size());
  TcpRun run;
  run.nets.resize(n);
  run.errors.resize(n);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        try {
          run.nets[i] = std::make_unique<Network>(i, connect_parties(i, peers, options_of(i)));
        } catch (const Error& e) {
          run.errors[i] = e.what();
          run.nets[i].reset();
        }
      });
    }
  }
  return run;
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

class TlsNetwork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("sqt-tls-test-" + std::to_string(::getpid()));
    std::string script = std::string(SQT_SOURCE_DIR) + "/scripts/make-certs.sh";
    ASSERT_EQ(
        0,
        std::system(("bash " + script + " " + (dir_ / "good").string() + " 3 >/dev/null").c_str()));
    ASSERT_EQ(0,
              std::system(
                  ("bash " + script + " " + (dir_ / "other").string() + " 3 >/dev/null").c_str()));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static ConnectOptions options_for(int party, const std::string& set) {
    ConnectOptions options;
    options.connect_timeout = 4s;
    std::string d = (dir_ / set).string();
    options.tls_files = {d + "/ca.pem", d + fmt::format("/party{}.pem", party),
                         d + fmt::format("/party{}.key", party)};
    return options;
  }
  static inline std::filesystem::path dir_;
};

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
  EXPECT_NE(run.errors[0].find("TLS handshake with a connecting party failed"), std::string::npos)
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
