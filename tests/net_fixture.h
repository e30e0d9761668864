// net_fixture.h — helpers for tests that connect parties over loopback TCP:
// free ports, connecting n parties from n threads, and a fixture with test
// certificates (two CAs: "good" and "other").
#pragma once

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

namespace sqt {

using namespace std::chrono_literals;

// A port below the kernel's ephemeral range (so no client socket can take it
// between this check and the test's listen) that is free now.
inline std::uint16_t free_port() {
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

inline std::vector<PeerAddress> loopback_peers(int n) {
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

inline TcpRun connect_all(const std::vector<PeerAddress>& peers,
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

class TlsFixture : public ::testing::Test {
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

}  // namespace sqt
