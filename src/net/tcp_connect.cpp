#include "net/tcp_connect.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/error.h"

namespace sqt {

std::vector<PeerAddress> parse_peers(const std::string& list) {
  std::vector<PeerAddress> peers;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string entry = list.substr(start, end - start);
    std::size_t colon = entry.rfind(':');
    SQT_CHECK(colon != std::string::npos && colon > 0 && colon + 1 < entry.size(),
              "peer '{}' in --peers is not host:port", entry);
    PeerAddress peer;
    peer.host = entry.substr(0, colon);
    std::string port = entry.substr(colon + 1);
    char* rest = nullptr;
    long value = std::strtol(port.c_str(), &rest, 10);
    SQT_CHECK(*rest == '\0' && value > 0 && value < 65536, "peer '{}': '{}' is not a TCP port",
              entry, port);
    peer.port = static_cast<std::uint16_t>(value);
    peers.push_back(peer);
    start = end + 1;
  }
  return peers;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Hello {
  char magic[4] = {'S', 'Q', 'T', '1'};
  std::uint32_t id = 0;
};

std::string address_text(const PeerAddress& peer) {
  return fmt::format("{}:{}", peer.host, peer.port);
}

int listen_on(std::uint16_t port) {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  SQT_CHECK(fd >= 0, "cannot create a socket: {}", errno_text(errno));
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_any;
  address.sin6_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    int err = errno;
    ::close(fd);
    fail("cannot listen on port {}: {}", port, errno_text(err));
  }
  return fd;
}

void tune_socket(int fd, std::chrono::milliseconds handshake_timeout) {
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  timeval tv{static_cast<time_t>(handshake_timeout.count() / 1000),
             static_cast<suseconds_t>((handshake_timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void clear_handshake_timeout(int fd) {
  timeval none{0, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
}

// One connection attempt; returns -1 (and the reason) if the peer is not up.
int try_connect(const PeerAddress& peer, std::string& reason) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  std::string port = std::to_string(peer.port);
  int status = ::getaddrinfo(peer.host.c_str(), port.c_str(), &hints, &results);
  if (status != 0) {
    reason = gai_strerror(status);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = results; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      reason = errno_text(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(results);
  return fd;
}

int connect_with_retry(const PeerAddress& peer, int peer_id, Clock::time_point deadline) {
  auto backoff = std::chrono::milliseconds(20);
  std::string reason;
  while (true) {
    int fd = try_connect(peer, reason);
    if (fd >= 0) return fd;
    if (Clock::now() + backoff > deadline) {
      fail("cannot connect to party {} at {}: {} (gave up after the connect timeout)", peer_id,
           address_text(peer), reason);
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

std::string peer_common_name(ssl_st* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  X509_free(cert);
  return name;
}

void check_identity(ssl_st* ssl, int expected_id, const std::string& who) {
  if (ssl == nullptr) return;
  std::string name = peer_common_name(ssl);
  SQT_CHECK(name == party_common_name(expected_id),
            "{} presented a certificate for '{}', expected '{}': refusing the connection", who,
            name, party_common_name(expected_id));
}

// TLS handshake on a connected socket (client or server side).
ssl_st* tls_handshake(TlsContext& context, int fd, bool client, const std::string& who) {
  ssl_st* ssl = SSL_new(context.get());
  SQT_CHECK(ssl != nullptr, "OpenSSL: {}", openssl_error_text());
  SSL_set_fd(ssl, fd);
  int ok = client ? SSL_connect(ssl) : SSL_accept(ssl);
  if (ok != 1) {
    long verify = SSL_get_verify_result(ssl);
    std::string detail = openssl_error_text();
    if (detail == "unknown TLS error")
      detail = "the connection closed during the handshake (the peer stopped or rejected us)";
    if (verify != X509_V_OK) detail += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    SSL_free(ssl);
    ::close(fd);
    fail(
        "TLS handshake with {} failed: {}; each party's certificate must be signed by the CA "
        "that all parties use (--ca)",
        who, detail);
  }
  return ssl;
}

Hello exchange_hello(SocketChannel& channel, int me) {
  Hello mine;
  mine.id = static_cast<std::uint32_t>(me);
  channel.write_all(&mine, sizeof mine);
  Hello theirs;
  channel.read_all(&theirs, sizeof theirs);
  SQT_CHECK(std::memcmp(theirs.magic, mine.magic, 4) == 0,
            "{} does not speak the sqt protocol (bad greeting)", channel.peer_name());
  return theirs;
}

}  // namespace

ChannelRow connect_parties(int me, const std::vector<PeerAddress>& peers,
                           const ConnectOptions& options) {
  int n = static_cast<int>(peers.size());
  SQT_CHECK(me >= 0 && me < n, "party id {} is out of range: --peers lists {} parties", me, n);
  std::unique_ptr<TlsContext> context;
  if (options.tls) context = std::make_unique<TlsContext>(options.tls_files);
  auto deadline = Clock::now() + options.connect_timeout;
  int listener = listen_on(peers[me].port);
  ChannelRow channels(n);
  try {
    for (int i = 0; i < me; ++i) {
      std::string who = fmt::format("party {} ({})", i, address_text(peers[i]));
      int fd = connect_with_retry(peers[i], i, deadline);
      tune_socket(fd, options.connect_timeout);
      ssl_st* ssl = context ? tls_handshake(*context, fd, true, who) : nullptr;
      auto channel = std::make_unique<SocketChannel>(fd, ssl, who, options.recv_timeout);
      check_identity(ssl, i, who);
      Hello hello = exchange_hello(*channel, me);
      SQT_CHECK(static_cast<int>(hello.id) == i, "{} says it is party {}", who, hello.id);
      clear_handshake_timeout(fd);
      channels[i] = std::move(channel);
    }
    for (int accepted = me + 1; accepted < n; ++accepted) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd descriptor{listener, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) {
        std::string missing;
        for (int j = me + 1; j < n; ++j)
          if (!channels[j]) missing += fmt::format(" {}", j);
        fail("parties{} did not connect to party {} within the connect timeout", missing, me);
      }
      int fd = ::accept(listener, nullptr, nullptr);
      SQT_CHECK(fd >= 0, "accept failed: {}", errno_text(errno));
      tune_socket(fd, options.connect_timeout);
      std::string who = "a connecting party";
      ssl_st* ssl = context ? tls_handshake(*context, fd, false, who) : nullptr;
      auto channel = std::make_unique<SocketChannel>(fd, ssl, who, options.recv_timeout);
      Hello hello = exchange_hello(*channel, me);
      int j = static_cast<int>(hello.id);
      SQT_CHECK(j > me && j < n && !channels[j],
                "a peer claiming to be party {} connected to party {}"
                " unexpectedly",
                j, me);
      std::string name = fmt::format("party {} ({})", j, address_text(peers[j]));
      check_identity(ssl, j, name);
      clear_handshake_timeout(fd);
      channel->set_peer_name(name);
      channels[j] = std::move(channel);
    }
  } catch (...) {
    ::close(listener);
    throw;
  }
  ::close(listener);
  return channels;
}

}  // namespace sqt
