// tls_context.h — the TLS 1.3 configuration of a party.
//
// TlsContext holds the party's certificate, key and the CA all parties trust
// (TLS 1.3 only, peer certificates required in both directions). Every
// connection of the party (net/connection.h) is made from it.
#pragma once

#include <string>

struct ssl_ctx_st;

namespace sqt {

struct TlsFiles {
  std::string ca_cert;  // PEM: the CA that signed every party's certificate
  std::string cert;     // PEM: this party's certificate (CN = sqt-party-<id>)
  std::string key;      // PEM: this party's private key
};

// The certificate common name expected of party `id`.
std::string party_common_name(int id);

class TlsContext {
 public:
  explicit TlsContext(const TlsFiles& files);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ssl_ctx_st* get() const { return ctx_; }

 private:
  ssl_ctx_st* ctx_;
};

// The text of OpenSSL's most recent errors (clears its error queue).
std::string openssl_error_text();

}  // namespace sqt
