// Tests of the full-duplex TCP channel: simultaneous large sends with tiny
// socket buffers (the worst case for a deadlock), heartbeats and lost
// peers, aborts, stray connections at start-up, and link emulation.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <numeric>

#include "net/link_pacer.h"
#include "net_fixture.h"
#include "test_util.h"

namespace sqt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class SocketChannelTls : public TlsFixture {};

// Every party sends `words` u64 to every other party at once, then receives.
void all_to_all(TcpRun& run, std::size_t words) {
  int n = static_cast<int>(run.nets.size());
  std::vector<std::jthread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      for (int peer = 0; peer < n; ++peer) {
        if (peer == i) continue;
        std::vector<std::uint64_t> out(words);
        std::iota(out.begin(), out.end(), static_cast<std::uint64_t>(i * 1000 + peer));
        run.nets[i]->send_values<std::uint64_t>(peer, out);
      }
      for (int peer = 0; peer < n; ++peer) {
        if (peer == i) continue;
        std::vector<std::uint64_t> in(words);
        run.nets[i]->recv_values<std::uint64_t>(peer, std::span(in));
        std::uint64_t first = static_cast<std::uint64_t>(peer * 1000 + i);
        EXPECT_EQ(in.front(), first);
        EXPECT_EQ(in.back(), first + words - 1);
      }
    });
  }
}

TEST_F(SocketChannelTls, SimultaneousLargeSendsWithTinySocketBuffersDoNotDeadlock) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int i) {
    ConnectOptions options = options_for(i, "good");
    options.socket_buffer_bytes = 4096;
    options.link.io_timeout = 60s;
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  const std::size_t words = (32u << 20) / 8;  // 32 MB to every peer
  all_to_all(run, words);
  for (auto& net : run.nets) {
    EXPECT_EQ(net->stats().bytes_sent, 2 * words * 8);
    EXPECT_EQ(net->stats().bytes_received, 2 * words * 8);
    EXPECT_EQ(net->stats().rounds, 1u);
  }
}

ConnectOptions plain_options(std::chrono::milliseconds peer_timeout = 10s) {
  ConnectOptions options;
  options.tls = false;
  options.connect_timeout = 10s;
  options.link.peer_timeout = peer_timeout;
  options.link.heartbeat_interval = 100ms;
  options.link.linger = 200ms;
  return options;
}

TEST(SocketChannel, PlainTcpWithTinyBuffersAlsoDoesNotDeadlock) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int) {
    ConnectOptions options = plain_options();
    options.socket_buffer_bytes = 4096;
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  all_to_all(run, (8u << 20) / 8);
}

TEST(SocketChannel, HeartbeatsKeepAnIdlePeerAlive) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int) { return plain_options(500ms); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  std::this_thread::sleep_for(1500ms);  // three peer timeouts without a message
  std::uint64_t value = 42, got = 0;
  run.nets[0]->send_values<std::uint64_t>(1, std::span(&value, 1));
  run.nets[1]->recv_values<std::uint64_t>(0, std::span(&got, 1));
  EXPECT_EQ(got, 42u);
}

// A raw TCP connection to 127.0.0.1:port, retried until the port listens.
int connect_loopback(std::uint16_t port) {
  auto deadline = Clock::now() + 10s;
  while (true) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
    ::close(fd);
    if (Clock::now() > deadline) {
      ADD_FAILURE() << "nothing listens on port " << port;
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
}

// A peer that connects and greets correctly, then goes silent (as a process
// stopped with SIGSTOP does: its connection stays open).
TEST(SocketChannel, APeerThatGoesSilentIsDeclaredLost) {
  auto peers = loopback_peers(2);
  std::atomic<bool> done{false};
  std::jthread silent([&] {
    int fd = connect_loopback(peers[0].port);
    char hello[8] = {'S', 'Q', 'T', '2', 1, 0, 0, 0};
    ASSERT_EQ(::send(fd, hello, 8, 0), 8);
    while (!done) std::this_thread::sleep_for(20ms);
    ::close(fd);
  });
  ChannelRow channels = connect_parties(0, peers, plain_options(700ms));
  Network net(0, std::move(channels));
  auto start = Clock::now();
  std::uint64_t got;
  std::string error = error_of([&] { net.recv_values<std::uint64_t>(1, std::span(&got, 1)); });
  double waited = seconds_since(start);
  done = true;
  EXPECT_NE(error.find("party 1 (127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("stopped responding: no data and no heartbeat for 0.7 s"), std::string::npos)
      << error;
  EXPECT_LT(waited, 3.0);
}

// A raw peer for party 1: greets party 0, then sends `bytes` and closes.
void raw_peer_sends(const std::vector<PeerAddress>& peers, std::vector<char> bytes) {
  int fd = connect_loopback(peers[0].port);
  std::vector<char> all = {'S', 'Q', 'T', '2', 1, 0, 0, 0};
  for (char b : bytes) all.push_back(b);
  EXPECT_EQ(::send(fd, all.data(), all.size(), 0), static_cast<long>(all.size()));
  std::this_thread::sleep_for(300ms);
  ::close(fd);
}

// A frame header announcing `length` bytes, followed by `sent` bytes of it.
std::vector<char> partial_frame(std::uint64_t length, std::size_t sent) {
  std::vector<char> bytes(16 + sent, 'x');
  std::uint64_t header[2] = {length, 1};
  std::memcpy(bytes.data(), header, 16);
  return bytes;
}

TEST(SocketChannel, AnnouncedSizesAreNeitherTrustedNorAllocatedAhead) {
  for (std::uint64_t announced : {std::uint64_t{1} << 40, std::uint64_t{8} << 30}) {
    auto peers = loopback_peers(2);
    std::vector<char> bytes = partial_frame(announced, 100);  // then nothing more
    std::jthread peer([&] { raw_peer_sends(peers, bytes); });
    Network net(0, connect_parties(0, peers, plain_options()));
    std::string error = error_of([&] { net.recv_any(1); });
    if (announced > (std::uint64_t{16} << 30)) {
      EXPECT_NE(error.find("announced a 1099511627776-byte message, more than the"),
                std::string::npos)
          << error;
    } else {  // 8 GiB announced, 100 bytes sent: no 8 GiB allocation, just a disconnect
      EXPECT_NE(error.find("party 1 (127.0.0.1:"), std::string::npos) << error;
      EXPECT_NE(error.find("disconnected"), std::string::npos) << error;
    }
  }
}

TEST(SocketChannel, AKilledPeerIsNoticedAtOnce) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int) { return plain_options(); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  auto start = Clock::now();
  std::jthread killer([&] {
    std::this_thread::sleep_for(100ms);
    run.nets[0].reset();
  });
  std::uint64_t got;
  std::string error =
      error_of([&] { run.nets[1]->recv_values<std::uint64_t>(0, std::span(&got, 1)); });
  EXPECT_NE(error.find("party 0 (127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("disconnected"), std::string::npos) << error;
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST(SocketChannel, AnAbortingPartyTellsItsPeersWhy) {
  auto peers = loopback_peers(3);
  auto run = connect_all(peers, [](int) { return plain_options(); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  run.nets[2]->abort("party 0 (127.0.0.1:1) stopped responding");
  std::uint64_t got;
  for (int i : {0, 1}) {
    std::string error =
        error_of([&] { run.nets[i]->recv_values<std::uint64_t>(2, std::span(&got, 1)); });
    EXPECT_NE(error.find("party 2 (127.0.0.1:"), std::string::npos) << error;
    EXPECT_NE(error.find(") stopped: party 0 (127.0.0.1:1) stopped responding"), std::string::npos)
        << error;
  }
}

TEST(SocketChannel, MessagesSentBeforeACloseAreStillDelivered) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int) { return plain_options(); });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  std::vector<std::uint64_t> out(1 << 20, 7), in(1 << 20);
  run.nets[0]->send_values<std::uint64_t>(1, out);
  run.nets[0].reset();  // close right after queueing a large message
  run.nets[1]->recv_values<std::uint64_t>(0, std::span(in));
  EXPECT_EQ(in, out);
}

TEST(SocketChannel, StrayConnectionsAreRefusedAndStartUpGoesOn) {
  auto peers = loopback_peers(2);
  std::vector<std::string> notices;
  std::mutex notices_mutex;
  auto connect_raw = [&](const char* bytes, std::size_t n) {
    int fd = connect_loopback(peers[0].port);
    if (n > 0) {
      EXPECT_EQ(::send(fd, bytes, n, 0), static_cast<long>(n));
    }
    return fd;
  };
  TcpRun run;
  run.nets.resize(2);
  std::jthread party0([&] {
    ConnectOptions options = plain_options();
    options.handshake_timeout = 300ms;
    options.log = [&](const std::string& notice) {
      std::lock_guard lock(notices_mutex);
      notices.push_back(notice);
    };
    run.nets[0] = std::make_unique<Network>(0, connect_parties(0, peers, options));
  });
  int silent = connect_raw(nullptr, 0);                     // says nothing
  int garbage = connect_raw("GET / HTTP/1.0\r\n\r\n", 18);  // not sqt
  char claim[8] = {'S', 'Q', 'T', '2', 0, 0, 0, 0};         // claims to be party 0
  int impostor = connect_raw(claim, 8);
  std::this_thread::sleep_for(200ms);
  run.nets[1] = std::make_unique<Network>(1, connect_parties(1, peers, plain_options()));
  party0.join();
  for (int fd : {silent, garbage, impostor}) ::close(fd);
  ASSERT_TRUE(run.nets[0]);
  std::uint64_t value = 5, got = 0;
  run.nets[1]->send_values<std::uint64_t>(0, std::span(&value, 1));
  run.nets[0]->recv_values<std::uint64_t>(1, std::span(&got, 1));
  EXPECT_EQ(got, 5u);
  std::string all;
  for (auto& notice : notices) all += notice + "\n";
  EXPECT_EQ(notices.size(), 3u) << all;
  EXPECT_NE(all.find("party 0: refused a connection: no data from a connection from"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("does not speak this version of the sqt protocol"), std::string::npos) << all;
  EXPECT_NE(all.find("claims to be party 0, which is not expected to connect to party 0"),
            std::string::npos)
      << all;
}

TEST(LinkPacer, DelaysByHalfTheRoundTripAndQueuesAtTheBandwidth) {
  LinkPacer pacer({.rtt_ms = 10, .gbit = 0.008});  // 1 MB/s
  auto t0 = Clock::time_point{} + 1h;
  auto first = pacer.schedule(t0, 1000);  // 1 ms on the wire
  EXPECT_EQ(first - t0, 5ms);
  auto second = pacer.schedule(t0, 1000);  // queued behind the first
  EXPECT_EQ(second - t0, 6ms);
  EXPECT_EQ(pacer.allowance(first, first + 500us), 500u);
  EXPECT_EQ(pacer.allowance(first, first - 1ms), 0u);
  EXPECT_EQ(pacer.time_for(first, 1000) - first, 1ms);
  LinkPacer unlimited({.rtt_ms = 2, .gbit = 0});
  EXPECT_EQ(unlimited.schedule(t0, 1 << 30) - t0, 1ms);
  EXPECT_EQ(unlimited.allowance(t0, t0), static_cast<std::size_t>(-1));
}

TEST(SocketChannel, EmulatedRoundTripTimeDelaysEveryRound) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int) {
    ConnectOptions options = plain_options();
    options.link.emulation = {.rtt_ms = 40, .gbit = 0};
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  const int exchanges = 5;  // ping-pong: 2 one-way rounds each
  auto start = Clock::now();
  std::jthread echo([&] {
    std::uint64_t v;
    for (int i = 0; i < exchanges; ++i) {
      run.nets[1]->recv_values<std::uint64_t>(0, std::span(&v, 1));
      run.nets[1]->send_values<std::uint64_t>(0, std::span(&v, 1));
    }
  });
  std::uint64_t v = 1;
  for (int i = 0; i < exchanges; ++i) {
    run.nets[0]->send_values<std::uint64_t>(1, std::span(&v, 1));
    run.nets[0]->recv_values<std::uint64_t>(1, std::span(&v, 1));
  }
  double elapsed = seconds_since(start);
  EXPECT_EQ(run.nets[0]->stats().rounds, 2u * exchanges);
  EXPECT_GE(elapsed, exchanges * 0.040);
  EXPECT_LT(elapsed, exchanges * 0.040 * 1.5 + 0.1);
}

TEST(SocketChannel, EmulatedBandwidthPacesLargeMessages) {
  auto peers = loopback_peers(2);
  auto run = connect_all(peers, [](int) {
    ConnectOptions options = plain_options();
    options.link.emulation = {.rtt_ms = 0, .gbit = 0.2};  // 25 MB/s
    return options;
  });
  for (auto& e : run.errors) ASSERT_EQ(e, "");
  std::vector<std::uint64_t> out((5u << 20) / 8, 3), in(out.size());  // 5 MB: 0.2 s
  auto start = Clock::now();
  run.nets[0]->send_values<std::uint64_t>(1, out);
  run.nets[1]->recv_values<std::uint64_t>(0, std::span(in));
  double elapsed = seconds_since(start);
  EXPECT_EQ(in, out);
  EXPECT_GE(elapsed, 0.2);
  EXPECT_LT(elapsed, 0.4);
}

}  // namespace
}  // namespace sqt
