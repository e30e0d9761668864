#include "net/connection.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "core/error.h"
#include "net/tls_context.h"

namespace sqt {

Connection::Connection(int fd, std::string peer_name) : fd_(fd), name_(std::move(peer_name)) {
  int flags = ::fcntl(fd_, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK) != 0) {
    int err = errno;
    ::close(fd_);
    fail("cannot make the socket to {} non-blocking: {}", name_, errno_text(err));
  }
}

Connection::~Connection() {
  if (ssl_) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::wait(IoStatus status, Clock::time_point deadline) const {
  pollfd descriptor{fd_, static_cast<short>(status == IoStatus::want_write ? POLLOUT : POLLIN), 0};
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    int ready = ::poll(&descriptor, 1, static_cast<int>(std::min<long>(left, INT_MAX)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) fail("waiting for {}: {}", name_, errno_text(errno));
  }
}

void Connection::handshake(TlsContext& context, bool client, Clock::time_point deadline) {
  ssl_ = SSL_new(context.get());
  SQT_CHECK(ssl_ != nullptr, "OpenSSL: {}", openssl_error_text());
  SQT_CHECK(SSL_set_fd(ssl_, fd_) == 1, "OpenSSL: cannot attach the socket of {}: {}", name_,
            openssl_error_text());
  while (true) {
    int ok = client ? SSL_connect(ssl_) : SSL_accept(ssl_);
    if (ok == 1) return;
    IoResult result = tls_result(ok, "handshake");
    if (result.status == IoStatus::want_read || result.status == IoStatus::want_write) {
      if (wait(result.status, deadline)) continue;
      fail("TLS handshake with {} failed: it did not complete in time", name_);
    }
    long verify = SSL_get_verify_result(ssl_);
    std::string detail = result.error;
    if (result.status == IoStatus::closed || detail.empty())
      detail = "the connection closed during the handshake (the peer stopped or rejected us)";
    if (verify != X509_V_OK) detail += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    fail(
        "TLS handshake with {} failed: {}; each party's certificate must be signed by the CA "
        "that all parties use (--ca)",
        name_, detail);
  }
}

IoResult Connection::tls_result(int returned, const char* what) {
  int reason = SSL_get_error(ssl_, returned);
  switch (reason) {
    case SSL_ERROR_WANT_READ:
      return {IoStatus::want_read};
    case SSL_ERROR_WANT_WRITE:
      return {IoStatus::want_write};
    case SSL_ERROR_ZERO_RETURN:
      return {IoStatus::closed};
    case SSL_ERROR_SSL:
      if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return {IoStatus::closed, 0, "without a TLS goodbye: killed or crashed?"};
      }
      return {IoStatus::failed, 0, openssl_error_text()};
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        if (errno == 0 || errno == ECONNRESET || errno == EPIPE) return {IoStatus::closed};
        return {IoStatus::failed, 0, fmt::format("{} failed: {}", what, errno_text(errno))};
      }
      [[fallthrough]];
    default:
      return {IoStatus::failed, 0, openssl_error_text()};
  }
}

IoResult Connection::read_some(void* data, std::size_t n) {
  int chunk = static_cast<int>(std::min<std::size_t>(n, INT_MAX));
  if (ssl_) {
    ERR_clear_error();
    errno = 0;
    int got = SSL_read(ssl_, data, chunk);
    if (got > 0) return {IoStatus::progress, static_cast<std::size_t>(got)};
    return tls_result(got, "receive");
  }
  while (true) {
    long got = ::recv(fd_, data, static_cast<std::size_t>(chunk), 0);
    if (got > 0) return {IoStatus::progress, static_cast<std::size_t>(got)};
    if (got == 0) return {IoStatus::closed};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::want_read};
    if (errno == ECONNRESET) return {IoStatus::closed};
    return {IoStatus::failed, 0, errno_text(errno)};
  }
}

IoResult Connection::write_some(const void* data, std::size_t n) {
  int chunk = static_cast<int>(std::min<std::size_t>(n, INT_MAX));
  if (ssl_) {
    ERR_clear_error();
    errno = 0;
    int written = SSL_write(ssl_, data, chunk);
    if (written > 0) return {IoStatus::progress, static_cast<std::size_t>(written)};
    return tls_result(written, "send");
  }
  while (true) {
    long written = ::send(fd_, data, static_cast<std::size_t>(chunk), MSG_NOSIGNAL);
    if (written >= 0) return {IoStatus::progress, static_cast<std::size_t>(written)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::want_write};
    if (errno == ECONNRESET || errno == EPIPE) return {IoStatus::closed};
    return {IoStatus::failed, 0, errno_text(errno)};
  }
}

// Repeats step(bytes, n) until n bytes moved, waiting for the socket in
// between; `reading` selects the wording of the errors.
template <class Byte, class Step>
void Connection::transfer_all(Byte* bytes, std::size_t n, Clock::time_point deadline, Step step,
                              bool reading) {
  while (n > 0) {
    IoResult result = step(bytes, n);
    switch (result.status) {
      case IoStatus::progress:
        bytes += result.bytes;
        n -= result.bytes;
        break;
      case IoStatus::want_read:
      case IoStatus::want_write:
        if (wait(result.status, deadline)) break;
        if (reading) fail("no data from {} in time (timeout)", name_);
        fail("sending to {} timed out", name_);
      case IoStatus::closed:
        fail("{} disconnected", name_);
      case IoStatus::failed:
        if (reading) fail("{} disconnected or rejected us: {}", name_, result.error);
        fail("{} disconnected (send failed: {})", name_, result.error);
    }
  }
}

void Connection::write_all(const void* data, std::size_t n, Clock::time_point deadline) {
  transfer_all(
      static_cast<const char*>(data), n, deadline,
      [this](const char* bytes, std::size_t left) { return write_some(bytes, left); }, false);
}

void Connection::read_all(void* data, std::size_t n, Clock::time_point deadline) {
  transfer_all(
      static_cast<char*>(data), n, deadline,
      [this](char* bytes, std::size_t left) { return read_some(bytes, left); }, true);
}

void Connection::shutdown_write() {
  if (ssl_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // best effort: queues close_notify
  }
  ::shutdown(fd_, SHUT_WR);
}

void Connection::abort() {
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace sqt
