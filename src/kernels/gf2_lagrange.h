// gf2_lagrange.h — Lagrange interpolation over K = GF(2^128) on the nodes
// 0, 1, ..., n-1 (Gf128::node), for the distributed proof of
// proto/mal3/and_proof.h: a polynomial of degree < n is given by its values
// at those nodes, and these functions evaluate it elsewhere.
//
// lambda_i(x) = prod_{j != i} (x - j) / (i - j). The denominators depend
// only on n and are inverted once per process (a table filled on first
// use, thread-safe); a call then costs about 3n products (kernels::mul).
// Pure functions.
#pragma once

#include <span>
#include <vector>

#include "core/gf2_128.h"

namespace sqt {

// The largest node count supported.
inline constexpr int kMaxLagrangeNodes = 128;

// lambda_0(x), ..., lambda_(n-1)(x) for the nodes 0..n-1 (1 <= n <= 128).
// At a node x = j the result is the unit vector e_j.
std::vector<Gf128> lagrange_weights(int n, const Gf128& x);

// lagrange_weights(n, t) for the points t = n, ..., 2n-2 (row t - n), for
// evaluating a product of two such polynomials (degree 2n-2) at its other
// nodes; computed once per n (n <= 64).
const std::vector<std::vector<Gf128>>& extension_weights(int n);

// sum_i values[i] lambda_i(x): the polynomial of degree < n with these
// values at the nodes 0..n-1, evaluated at x.
Gf128 interpolate_at(std::span<const Gf128> values, const Gf128& x);

// sum_i a[i] b[i] (reduced once).
Gf128 gf128_dot(std::span<const Gf128> a, std::span<const Gf128> b);

}  // namespace sqt
