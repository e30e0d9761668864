// correlations.h — the correlated randomness that semi2k consumes, and the
// interface of the sources that produce it (a dealer, or OT between the
// parties).
//
// Every item is additively shared among the N computing parties: this party
// holds one summand of each ring value (mod 2^k) and one XOR summand of each
// bit. A Correlations object is owned by the protocol object of one party;
// all parties ask for the same items in the same order, which is what lets a
// source run its own protocol (the dealer's messages, OT) inside each call.
// Traffic of a source counts as offline (Network::OfflineScope).
#pragma once

#include <cstddef>
#include <string_view>

#include "core/bit_planes.h"
#include "core/im2col.h"
#include "core/tensor.h"

namespace sqt::semi2k {

// Elementwise Beaver triples: c = a * b (all of one shape).
template <RingElement R>
struct Triples {
  Tensor<R> a, b, c;
};

// A matrix triple: c = a b, a (m x k), b (k x n).
template <RingElement R>
struct MatrixTriple {
  Tensor<R> a, b, c;
};

// A matrix triple for a convolution (core/im2col.h): a is a random padded
// input (padded_size() elements), G(a) its im2col matrix (rows x patch), and
// c = G(a) b with b (patch x n), or c = G(a)^T b with b (rows x n) when
// left_transposed. Opening x - a costs the un-expanded input only; G is
// linear, so G(x - a) = G(x) - G(a) is expanded after opening.
template <RingElement R>
struct Im2colTriple {
  Tensor<R> a, b, c;
};

// Bit triples on bit-sliced planes: c = a & b.
struct BitTriples {
  BitPlanes a, b, c;
};

// Random bits shared twice: `ring` holds them as ring elements 0/1 (shape
// [planes * n], plane-major), `bits` as XOR summands (n elements, planes).
template <RingElement R>
struct DaBits {
  Tensor<R> ring;
  BitPlanes bits;
};

// For probabilistic truncation by m bits: r uniform mod 2^k, msb = bit k-1
// of r, mid = (r mod 2^(k-1)) >> m (all of shape [n]).
template <RingElement R>
struct TruncPairs {
  Tensor<R> r, msb, mid;
};

template <RingElement R>
class Correlations {
 public:
  virtual ~Correlations() = default;
  virtual std::string_view name() const = 0;

  virtual Triples<R> triples(const Shape& shape) = 0;
  virtual MatrixTriple<R> matrix_triple(std::size_t m, std::size_t k, std::size_t n) = 0;
  virtual Im2colTriple<R> im2col_triple(const Im2col& im2col, std::size_t n,
                                        bool left_transposed) = 0;
  virtual BitTriples bit_triples(std::size_t n, int planes) = 0;
  virtual DaBits<R> dabits(std::size_t n, int planes) = 0;
  // Default: from k daBits per value (r = sum_j 2^j b_j); a dealer sends
  // them directly.
  virtual TruncPairs<R> trunc_pairs(std::size_t n, int m);
  // Tells the source that no more items will be asked for.
  virtual void finish() {}
};

template <RingElement R>
TruncPairs<R> Correlations<R>::trunc_pairs(std::size_t n, int m) {
  constexpr int k = kRingBits<R>;
  DaBits<R> bits = dabits(n, k);
  TruncPairs<R> out{Tensor<R>(Shape{n}, R{0}), Tensor<R>(Shape{n}, R{0}),
                    Tensor<R>(Shape{n}, R{0})};
  for (int j = 0; j < k; ++j) {
    const R* b = bits.ring.data() + static_cast<std::size_t>(j) * n;
    for (std::size_t i = 0; i < n; ++i) {
      out.r[i] += b[i] << j;
      if (j == k - 1) out.msb[i] = b[i];
      if (j >= m && j < k - 1) out.mid[i] += b[i] << (j - m);
    }
  }
  return out;
}

}  // namespace sqt::semi2k
