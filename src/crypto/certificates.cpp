#include "crypto/certificates.h"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "core/error.h"

namespace sqt {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  SQT_CHECK(key != nullptr, "OpenSSL: cannot generate an EC P-256 key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  SQT_CHECK(extension != nullptr && X509_add_ext(cert, extension, -1) == 1,
            "OpenSSL: cannot add certificate extension {}", value);
  X509_EXTENSION_free(extension);
}

// A certificate for `key` named `common_name`, signed by the issuer (or
// self-signed when issuer is null).
CertPtr new_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                        EVP_PKEY* issuer_key, long serial, bool is_ca) {
  CertPtr cert(X509_new());
  SQT_CHECK(cert != nullptr, "OpenSSL: cannot allocate a certificate");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509* signer = issuer ? issuer : cert.get();
  bool ok = X509_set_version(cert.get(), 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * (is_ca ? 3650 : 825)) !=
                nullptr &&
            X509_set_pubkey(cert.get(), key) == 1 &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                       -1, -1, 0) == 1 &&
            X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1;
  SQT_CHECK(ok, "OpenSSL: cannot fill in the certificate of {}", common_name);
  if (is_ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, ("DNS:" + common_name).c_str());
  }
  SQT_CHECK(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0,
            "OpenSSL: cannot sign the certificate of {}", common_name);
  return cert;
}

void write_pem(const std::string& path, bool secret, const std::function<int(FILE*)>& write) {
  FILE* file = std::fopen(path.c_str(), "w");
  SQT_CHECK(file != nullptr, "cannot write '{}'", path);
  if (secret) ::chmod(path.c_str(), 0600);
  int ok = write(file);
  std::fclose(file);
  SQT_CHECK(ok == 1, "OpenSSL: cannot write '{}'", path);
}

void write_pair(const std::string& dir, const std::string& stem, EVP_PKEY* key, X509* cert) {
  write_pem(dir + "/" + stem + ".key", true, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(dir + "/" + stem + ".pem", false, [&](FILE* f) { return PEM_write_X509(f, cert); });
}

}  // namespace

void make_party_certificates(const std::string& dir, int parties) {
  SQT_CHECK(parties >= 1 && parties <= 64, "cannot make certificates for {} parties", parties);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  SQT_CHECK(!error, "cannot create '{}': {}", dir, error.message());
  KeyPtr ca_key = new_key();
  CertPtr ca = new_certificate(ca_key.get(), "sqt local CA", nullptr, nullptr, 1, true);
  write_pair(dir, "ca", ca_key.get(), ca.get());
  for (int i = 0; i < parties; ++i) {
    KeyPtr key = new_key();
    CertPtr cert = new_certificate(key.get(), fmt::format("sqt-party-{}", i), ca.get(),
                                   ca_key.get(), 2 + i, false);
    write_pair(dir, fmt::format("party{}", i), key.get(), cert.get());
  }
}

}  // namespace sqt
