#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

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
  if (SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION) != 1) {
    SSL_CTX_free(ctx_);
    fail("OpenSSL: cannot require TLS 1.3: {}", openssl_error_text());
  }
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
  // Channels drive their connections non-blocking from one I/O thread
  // (net/socket_channel.h): SSL_write may return after some records and is
  // retried from the same buffer.
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // AES-128-GCM first (128-bit security, as the rest of sqt; with AES-NI
  // cheaper than AES-256 for the hundreds of MB a training step sends), and
  // read whole socket buffers rather than one 16 KB record per system call.
  load(SSL_CTX_set_ciphersuites(
           ctx_, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"),
       "the TLS 1.3 cipher suites", "built-in list");
  SSL_CTX_set_read_ahead(ctx_, 1);
  SSL_CTX_set_default_read_buffer_len(ctx_, 1 << 18);
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace sqt
