#include "net/tcp_connect.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "net/connection.h"

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

std::vector<std::string> parse_fingerprints(const std::string& list, std::size_t parties) {
  std::vector<std::string> pins;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string hex;
    for (char c : list.substr(start, end - start)) {
      if (c == ':') continue;
      SQT_CHECK(std::isxdigit(static_cast<unsigned char>(c)),
                "--peer-fingerprints entry {} is not hexadecimal", pins.size());
      hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    SQT_CHECK(hex.empty() || hex.size() == 64,
              "--peer-fingerprints entry {} has {} hex digits, a SHA-256 fingerprint has 64",
              pins.size(), hex.size());
    pins.push_back(hex);
    start = end + 1;
  }
  SQT_CHECK(pins.size() == parties, "--peer-fingerprints lists {} entries for {} parties",
            pins.size(), parties);
  return pins;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

struct Hello {
  char magic[4] = {'S', 'Q', 'T', '2'};  // version 2: framed with heartbeats and aborts
  std::uint32_t id = 0;
};

std::string address_text(const PeerAddress& peer) {
  return fmt::format("{}:{}", peer.host, peer.port);
}

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
}

void set_buffers(int fd, int bytes) {
  if (bytes <= 0) return;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

int listen_on(std::uint16_t port, int buffer_bytes) {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  SQT_CHECK(fd >= 0, "cannot create a socket: {}", errno_text(errno));
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  set_buffers(fd, buffer_bytes);  // accepted sockets inherit them
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

void set_no_delay(int fd) {
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// Waits for a non-blocking connect to finish; returns 0 or the error.
int finish_connect(int fd, Clock::time_point deadline) {
  pollfd descriptor{fd, POLLOUT, 0};
  auto left = std::max<long>(0, left_until(deadline).count());
  int ready = ::poll(&descriptor, 1, static_cast<int>(std::min<long>(left, 5000)));
  if (ready <= 0) return ETIMEDOUT;
  int err = 0;
  socklen_t size = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size);
  return err;
}

// One connection attempt; returns -1 (and the reason) if the peer is not up.
int try_connect(const PeerAddress& peer, int buffer_bytes, Clock::time_point deadline,
                std::string& reason) {
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
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    set_buffers(fd, buffer_bytes);
    int err = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) err = finish_connect(fd, deadline);
    if (err != 0) {
      reason = errno_text(err);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(results);
  return fd;
}

int connect_with_retry(const PeerAddress& peer, int peer_id, int buffer_bytes,
                       Clock::time_point deadline) {
  auto backoff = std::chrono::milliseconds(20);
  std::string reason;
  while (true) {
    int fd = try_connect(peer, buffer_bytes, deadline, reason);
    if (fd >= 0) return fd;
    if (Clock::now() + backoff > deadline) {
      fail("cannot connect to party {} at {}: {} (gave up after the connect timeout)", peer_id,
           address_text(peer), reason);
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

// The peer certificate's common name, of any length ("" if none).
std::string peer_common_name(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  int index = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
  if (index < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string name(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return name;
}

// SHA-256 of the certificate (DER), lowercase hex without separators.
std::string certificate_fingerprint(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  SQT_CHECK(X509_digest(cert, EVP_sha256(), digest, &length) == 1,
            "OpenSSL: cannot compute a certificate fingerprint");
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

void check_identity(const Connection& connection, int expected_id, const ConnectOptions& options) {
  if (connection.ssl() == nullptr) return;
  X509* cert = SSL_get1_peer_certificate(connection.ssl());
  SQT_CHECK(cert != nullptr, "{} presented no certificate", connection.peer_name());
  std::string name = peer_common_name(cert);
  std::string fingerprint = certificate_fingerprint(cert);
  X509_free(cert);
  SQT_CHECK(name == party_common_name(expected_id),
            "{} presented a certificate for '{}', expected '{}': refusing the connection",
            connection.peer_name(), name, party_common_name(expected_id));
  if (expected_id < static_cast<int>(options.peer_fingerprints.size()) &&
      !options.peer_fingerprints[expected_id].empty()) {
    SQT_CHECK(fingerprint == options.peer_fingerprints[expected_id],
              "{} presented a certificate with SHA-256 fingerprint {}, not the pinned {}: "
              "refusing the connection (another certificate signed by the CA?)",
              connection.peer_name(), fingerprint, options.peer_fingerprints[expected_id]);
  }
}

Hello exchange_hello(Connection& connection, int me, Clock::time_point deadline) {
  Hello mine;
  mine.id = static_cast<std::uint32_t>(me);
  connection.write_all(&mine, sizeof mine, deadline);
  Hello theirs;
  connection.read_all(&theirs, sizeof theirs, deadline);
  SQT_CHECK(std::memcmp(theirs.magic, mine.magic, 4) == 0,
            "{} does not speak this version of the sqt protocol (bad greeting)",
            connection.peer_name());
  return theirs;
}

std::string client_address(const sockaddr_storage& address) {
  char host[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (address.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &a6.sin6_addr, host, sizeof host);
    port = ntohs(a6.sin6_port);
  } else if (address.ss_family == AF_INET) {
    const auto& a4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &a4.sin_addr, host, sizeof host);
    port = ntohs(a4.sin_port);
  }
  return fmt::format("{}:{}", host, port);
}

// Connects to every lower-numbered party.
void connect_down(int me, const std::vector<PeerAddress>& peers, const ConnectOptions& options,
                  TlsContext* context, Clock::time_point deadline, ChannelRow& channels) {
  for (int i = 0; i < me; ++i) {
    std::string who = fmt::format("party {} ({})", i, address_text(peers[i]));
    int fd = connect_with_retry(peers[i], i, options.socket_buffer_bytes, deadline);
    set_no_delay(fd);
    auto connection = std::make_unique<Connection>(fd, who);
    auto step_deadline = std::min(deadline, Clock::now() + options.handshake_timeout);
    if (context) connection->handshake(*context, true, step_deadline);
    check_identity(*connection, i, options);
    Hello hello = exchange_hello(*connection, me, step_deadline);
    SQT_CHECK(static_cast<int>(hello.id) == i, "{} says it is party {}", who, hello.id);
    channels[i] = std::make_unique<SocketChannel>(std::move(connection), options.link);
  }
}

// Authenticates one incoming connection; returns the party it is, or throws
// why it is refused.
int admit(Connection& connection, int me, const std::vector<PeerAddress>& peers,
          const ConnectOptions& options, TlsContext* context, Clock::time_point deadline,
          const ChannelRow& channels) {
  auto step_deadline = std::min(deadline, Clock::now() + options.handshake_timeout);
  if (context) connection.handshake(*context, false, step_deadline);
  Hello hello = exchange_hello(connection, me, step_deadline);
  int n = static_cast<int>(peers.size());
  int j = static_cast<int>(hello.id);
  SQT_CHECK(hello.id < static_cast<std::uint32_t>(n) && j > me && !channels[j],
            "{} claims to be party {}, which is not expected to connect to party {}",
            connection.peer_name(), hello.id, me);
  connection.set_peer_name(fmt::format("party {} ({})", j, address_text(peers[j])));
  check_identity(connection, j, options);
  return j;
}

// Accepts every higher-numbered party; refuses (and logs) anything else.
void accept_up(int me, int listener, const std::vector<PeerAddress>& peers,
               const ConnectOptions& options, TlsContext* context, Clock::time_point deadline,
               ChannelRow& channels) {
  int n = static_cast<int>(peers.size());
  int refused = 0;
  std::string last_refusal;
  auto missing = [&] {
    std::string text;
    for (int j = me + 1; j < n; ++j)
      if (!channels[j]) text += fmt::format(" {}", j);
    return text;
  };
  while (!missing().empty()) {
    auto left = left_until(deadline);
    pollfd descriptor{listener, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) {
      std::string detail = refused == 0 ? ""
                                        : fmt::format(" (refused {} connection(s); the last: {})",
                                                      refused, last_refusal);
      fail("parties{} did not connect to party {} within the connect timeout{}", missing(), me,
           detail);
    }
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    int fd = ::accept4(listener, reinterpret_cast<sockaddr*>(&address), &size, SOCK_CLOEXEC);
    if (fd < 0) continue;
    set_no_delay(fd);
    auto connection = std::make_unique<Connection>(
        fd, fmt::format("a connection from {}", client_address(address)));
    try {
      int j = admit(*connection, me, peers, options, context, deadline, channels);
      channels[j] = std::make_unique<SocketChannel>(std::move(connection), options.link);
    } catch (const Error& e) {
      ++refused;
      last_refusal = e.what();
      std::string notice = fmt::format("party {}: refused a connection: {}", me, e.what());
      if (options.log) {
        options.log(notice);
      } else {
        fmt::print(stderr, "sqt: {}\n", notice);
      }
    }
  }
}

}  // namespace

ChannelRow connect_parties(int me, const std::vector<PeerAddress>& peers,
                           const ConnectOptions& options) {
  int n = static_cast<int>(peers.size());
  SQT_CHECK(me >= 0 && me < n, "party id {} is out of range: --peers lists {} parties", me, n);
  std::unique_ptr<TlsContext> context;
  if (options.tls) context = std::make_unique<TlsContext>(options.tls_files);
  auto deadline = Clock::now() + options.connect_timeout;
  int listener = listen_on(peers[me].port, options.socket_buffer_bytes);
  ChannelRow channels(n);
  try {
    connect_down(me, peers, options, context.get(), deadline, channels);
    accept_up(me, listener, peers, options, context.get(), deadline, channels);
  } catch (...) {
    ::close(listener);
    throw;
  }
  ::close(listener);
  return channels;
}

}  // namespace sqt
