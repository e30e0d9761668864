// shamir_poly.h — Shamir's secret sharing over F_p (p = 2^127 - 1): the
// polynomial arithmetic that the shamir protocol is built on.
//
// Party i (0-based) holds the evaluation at the public point alpha_i = i + 1
// of a random polynomial f of degree at most t with f(0) = secret. Any t+1
// evaluations determine f(0) by Lagrange interpolation; any t of them are
// uniform and independent of the secret (for every choice of secret, the t
// evaluations of the random coefficients form a bijection). The product of
// two degree-t sharings is a degree-2t sharing, which needs 2t + 1 < N + 1
// points, hence the honest majority t < N/2. Pure functions, no state.
#pragma once

#include <cstddef>
#include <vector>

#include "core/error.h"
#include "core/prime_field.h"
#include "crypto/prg.h"

namespace sqt::shamir {

// The public evaluation point of party i.
constexpr Fp127 point_of(int party) {
  return Fp127::from_reduced(static_cast<u128>(party) + 1);
}

// Lagrange coefficients l_j with f(0) = sum_j l_j f(alpha_{parties[j]}) for
// every polynomial of degree < parties.size(); the parties are distinct.
inline std::vector<Fp127> lagrange_at_zero(const std::vector<int>& parties) {
  std::vector<Fp127> coefficients;
  for (std::size_t j = 0; j < parties.size(); ++j) {
    Fp127 numerator = Fp127::one(), denominator = Fp127::one();
    for (std::size_t m = 0; m < parties.size(); ++m) {
      if (m == j) continue;
      SQT_CHECK(parties[m] != parties[j], "Lagrange interpolation: party {} is listed twice",
                parties[j]);
      numerator *= point_of(parties[m]);
      denominator *= point_of(parties[m]) - point_of(parties[j]);
    }
    coefficients.push_back(numerator * denominator.inverse());
  }
  return coefficients;
}

// The value at alpha_party of the polynomial with these coefficients
// (coefficients[0] is f(0)), by Horner's rule.
inline Fp127 evaluate(const std::vector<Fp127>& coefficients, int party) {
  Fp127 value;
  for (std::size_t j = coefficients.size(); j-- > 0;)
    value = value * point_of(party) + coefficients[j];
  return value;
}

// A uniformly random polynomial of degree at most `degree` with f(0) = secret.
inline std::vector<Fp127> random_polynomial(Fp127 secret, int degree, Prg& prg) {
  std::vector<Fp127> coefficients{secret};
  for (int j = 0; j < degree; ++j) {
    u128 bits = 0;
    prg.fill_bytes(&bits, sizeof bits);
    coefficients.push_back(fp_from_random_bits(bits));
  }
  return coefficients;
}

// Every party's share of `secret` under a fresh polynomial of degree `degree`.
inline std::vector<Fp127> share_secret(Fp127 secret, int degree, int parties, Prg& prg) {
  const std::vector<Fp127> f = random_polynomial(secret, degree, prg);
  std::vector<Fp127> shares;
  for (int i = 0; i < parties; ++i) shares.push_back(evaluate(f, i));
  return shares;
}

// f(0) from the shares of `parties` (share j belongs to parties[j]).
inline Fp127 reconstruct(const std::vector<Fp127>& shares, const std::vector<int>& parties) {
  SQT_CHECK(shares.size() == parties.size(), "reconstruct: {} shares for {} parties", shares.size(),
            parties.size());
  const std::vector<Fp127> l = lagrange_at_zero(parties);
  Fp127 secret;
  for (std::size_t j = 0; j < shares.size(); ++j) secret += l[j] * shares[j];
  return secret;
}

}  // namespace sqt::shamir
