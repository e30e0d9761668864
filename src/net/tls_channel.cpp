#include "net/tls_channel.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace sqt {

std::string party_common_name(int id) {
  return fmt::format("sqt-party-{}", id);
}

std::string openssl_error_text() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown TLS error" : text;
}

TlsContext::TlsContext(const TlsFiles& files) : ctx_(SSL_CTX_new(TLS_method())) {
  SQT_CHECK(ctx_ != nullptr, "OpenSSL: cannot create a TLS context: {}", openssl_error_text());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
  auto load = [&](int ok, const char* what, const std::string& path) {
    if (ok != 1) {
      std::string detail = openssl_error_text();
      SSL_CTX_free(ctx_);
      fail("cannot load {} from '{}': {}", what, path, detail);
    }
  };
  load(SSL_CTX_use_certificate_chain_file(ctx_, files.cert.c_str()), "the party certificate",
       files.cert);
  load(SSL_CTX_use_PrivateKey_file(ctx_, files.key.c_str(), SSL_FILETYPE_PEM), "the private key",
       files.key);
  load(SSL_CTX_check_private_key(ctx_), "a private key matching the certificate", files.key);
  load(SSL_CTX_load_verify_locations(ctx_, files.ca_cert.c_str(), nullptr), "the CA certificate",
       files.ca_cert);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

SocketChannel::SocketChannel(int fd, ssl_st* ssl, std::string peer_name,
                             std::chrono::milliseconds timeout)
    : fd_(fd), ssl_(ssl), name_(std::move(peer_name)), timeout_(timeout) {}

SocketChannel::~SocketChannel() {
  close();
  if (ssl_) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

void SocketChannel::close() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void SocketChannel::wait_readable() {
  if (ssl_ && SSL_pending(ssl_) > 0) return;
  pollfd descriptor{fd_, POLLIN, 0};
  while (true) {
    int ready = ::poll(&descriptor, 1, static_cast<int>(timeout_.count()));
    if (ready > 0) return;
    if (ready == 0) fail("no data from {} for {} s (timeout)", name_, timeout_.count() / 1000.0);
    if (errno != EINTR) fail("waiting for {}: {}", name_, errno_text(errno));
  }
}

void SocketChannel::write_all(const void* data, std::size_t n) {
  const auto* bytes = static_cast<const char*>(data);
  while (n > 0) {
    int chunk = static_cast<int>(n < (1u << 30) ? n : (1u << 30));
    long written;
    if (ssl_) {
      written = SSL_write(ssl_, bytes, chunk);
      if (written <= 0) fail("{} disconnected (send failed: {})", name_, openssl_error_text());
    } else {
      written = ::send(fd_, bytes, static_cast<std::size_t>(chunk), MSG_NOSIGNAL);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) fail("{} disconnected (send failed: {})", name_, errno_text(errno));
    }
    bytes += written;
    n -= static_cast<std::size_t>(written);
  }
}

void SocketChannel::read_all(void* data, std::size_t n) {
  auto* bytes = static_cast<char*>(data);
  while (n > 0) {
    wait_readable();
    int chunk = static_cast<int>(n < (1u << 30) ? n : (1u << 30));
    long got;
    if (ssl_) {
      got = SSL_read(ssl_, bytes, chunk);
      if (got <= 0) {
        int reason = SSL_get_error(ssl_, static_cast<int>(got));
        if (reason == SSL_ERROR_WANT_READ) continue;
        if (reason == SSL_ERROR_ZERO_RETURN ||
            (reason == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
          fail("{} disconnected", name_);
        fail("{} disconnected or rejected us: {}", name_, openssl_error_text());
      }
    } else {
      got = ::recv(fd_, bytes, static_cast<std::size_t>(chunk), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) fail("{} disconnected", name_);
      if (got < 0) fail("{} disconnected ({})", name_, errno_text(errno));
    }
    bytes += got;
    n -= static_cast<std::size_t>(got);
  }
}

void SocketChannel::send(std::span<const std::byte> message, std::uint64_t depth) {
  std::uint64_t header[2] = {message.size(), depth};
  write_all(header, sizeof header);
  write_all(message.data(), message.size());
}

std::uint64_t SocketChannel::recv(std::span<std::byte> out) {
  std::uint64_t header[2];
  read_all(header, sizeof header);
  if (header[0] != out.size()) fail_size_mismatch(name_, out.size(), header[0]);
  read_all(out.data(), out.size());
  return header[1];
}

std::vector<std::byte> SocketChannel::recv_any() {
  std::uint64_t header[2];
  read_all(header, sizeof header);
  SQT_CHECK(header[0] <= (std::uint64_t{1} << 32), "{} announced a {}-byte message: refusing",
            name_, header[0]);
  std::vector<std::byte> message(header[0]);
  read_all(message.data(), message.size());
  return message;
}

}  // namespace sqt
