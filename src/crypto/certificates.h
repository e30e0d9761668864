// certificates.h — a local certificate authority for tests, demos and the
// multi-process benchmarks.
//
// make_party_certificates(dir, n) writes DIR/ca.pem and DIR/ca.key (a CA,
// keep its key offline) and, for every party i < n, DIR/party<i>.pem and
// DIR/party<i>.key: an EC P-256 key and a certificate with CN sqt-party-<i>,
// CA:FALSE, digitalSignature key usage and both TLS client and server
// purposes, signed by the CA. Keys come from the OS CSPRNG (OpenSSL) and are
// written with mode 0600. For a real deployment each party makes its own
// key and the agreed CA signs its request (README, "Running parties on
// separate hosts").
#pragma once

#include <string>

namespace sqt {

void make_party_certificates(const std::string& dir, int parties);

}  // namespace sqt
