// building_blocks.h — operations that some protocols provide natively and
// every protocol gets from a generic composition otherwise.
//
// A protocol that has a cheaper way to do one of these (rep3: a wide
// truncation, bit decomposition from its summands) exposes it as a member;
// the functions here use it when it exists (`if constexpr`) and fall back to
// the concept's primitives when it does not, so a new protocol gets every
// fixed-point function without writing these.
#pragma once

#include "core/im2col.h"
#include "core/precision.h"
#include "mpc/basic.h"

namespace sqt {

// x^T y for x (k x m) and y (k x n): the protocol's product with a
// transposed left factor where it has one (rep3: the kernel reads x
// transposed), else the product with a transposed copy of x. Weight
// gradients (inputs^T times output gradients) are such products.
template <Protocol P>
typename P::Share matmul_left_transposed(P& p, const typename P::Share& x,
                                         const typename P::Share& y) {
  if constexpr (requires { p.matmul_left_transposed(x, y); }) {
    return p.matmul_left_transposed(x, y);
  } else {
    return p.matmul(P::transposed(x), y);
  }
}

// Products with the im2col matrix of a convolution's padded input
// (core/im2col.h). A protocol with native im2col products (semi2k: it opens
// the masked input before expanding it) takes the padded input itself; any
// other gets the gathered matrix. im2col_operand() gives what the products
// below take, so a layer keeps it for its backward pass.
template <class P>
concept HasIm2colProducts = requires(P& p, const typename P::Share& x, const Im2col& im2col) {
  { p.matmul_im2col(x, im2col, x) } -> std::same_as<typename P::Share>;
  { p.matmul_im2col_left_transposed(x, im2col, x) } -> std::same_as<typename P::Share>;
};

template <Protocol P>
typename P::Share im2col_operand(const typename P::Share& padded, const Im2col& im2col) {
  SQT_CHECK(P::shape(padded) == Shape{im2col.padded_size()},
            "im2col: a padded input of shape {} given, [{}] expected",
            shape_string(P::shape(padded)), im2col.padded_size());
  if constexpr (HasIm2colProducts<P>) {
    return padded;
  } else {
    return P::gather(padded, im2col.index(), im2col.shape());
  }
}

// im2col(x) w for w (patch x n): [rows, n].
template <Protocol P>
typename P::Share im2col_matmul(P& p, const typename P::Share& operand, const Im2col& im2col,
                                const typename P::Share& w) {
  if constexpr (HasIm2colProducts<P>) {
    return p.matmul_im2col(operand, im2col, w);
  } else {
    return p.matmul(operand, w);
  }
}

// im2col(x)^T dy for dy (rows x n): [patch, n] (a convolution's weight gradient).
template <Protocol P>
typename P::Share im2col_left_transposed_matmul(P& p, const typename P::Share& operand,
                                                const Im2col& im2col, const typename P::Share& dy) {
  if constexpr (HasIm2colProducts<P>) {
    return p.matmul_im2col_left_transposed(operand, im2col, dy);
  } else {
    return matmul_left_transposed(p, operand, dy);
  }
}

// floor(x / 2^m) exactly, for any x (two's complement): the bits m..k-1 of x
// from a full bit decomposition, recombined with the sign bit weighted
// -2^(k-1-m). Costs one k-bit decomposition and one b2a of k - m planes.
template <BinaryProtocol P>
typename P::Share trunc_floor_by_bits(P& p, const typename P::Share& x, int m) {
  using R = typename P::Ring;
  constexpr int k = kRingBits<R>;
  const Shape& shape = P::shape(x);
  const std::size_t n = shape_size(shape);
  typename P::Share bits = p.b2a(p.bslice(p.bit_decompose(x, k), m, k - m));  // [planes * n]
  Tensor<R> weights(Shape{n * static_cast<std::size_t>(k - m)});
  for (int j = 0; j < k - m; ++j) {
    R w = j == k - m - 1 ? R{0} - pow2<R>(j) : pow2<R>(j);
    for (std::size_t e = 0; e < n; ++e) weights[j * n + e] = w;
  }
  typename P::Share weighted = p.mul_public(bits, weights);
  std::vector<std::size_t> targets(weights.size());
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % n;
  return P::scatter_add(weighted, targets, shape);
}

// Probabilistic truncation valid for |x| < 2^(k-2) whatever the protocol's
// default truncation range: the protocol's own wide variant, else its
// trunc_pr when that is already wide enough, else exact floor by bits
// (rounds down instead of stochastically: a bias of at most 2^-m).
template <BinaryProtocol P>
typename P::Share trunc_wide(P& p, const typename P::Share& x, int m) {
  if constexpr (requires { p.trunc_pr_wide(x, m); }) {
    return p.trunc_pr_wide(x, m);
  } else {
    if (p.trunc_range_bits() >= kRingBits<typename P::Ring> - 2) return p.trunc_pr(x, m);
    return trunc_floor_by_bits(p, x, m);
  }
}

// matmul_scatter(x, y, targets, out_shape) with the targets one past the
// end of out_shape dropped.
template <Protocol P>
typename P::Share matmul_scatter_within(P& p, const typename P::Share& x,
                                        const typename P::Share& y,
                                        const std::vector<std::size_t>& targets,
                                        const Shape& out_shape) {
  const std::size_t n = shape_size(out_shape);
  return P::reshaped(P::part(p.matmul_scatter(x, y, targets, {n + 1}), 0, {n}), out_shape);
}

// trunc_pr(x y, m) and trunc_pr(matmul(x, y), m): in one step where the
// protocol feeds a product's summands straight into its truncation (rep3:
// one round and two elements per value fewer than the product, then the
// truncation), else the product followed by the truncation.
template <Protocol P>
typename P::Share mul_trunc_pr(P& p, const typename P::Share& x, const typename P::Share& y,
                               int m) {
  if constexpr (requires { p.mul_trunc_pr(x, y, m); }) {
    return p.mul_trunc_pr(x, y, m);
  } else {
    return p.trunc_pr(p.mul(x, y), m);
  }
}

template <Protocol P>
typename P::Share matmul_trunc_pr(P& p, const typename P::Share& x, const typename P::Share& y,
                                  int m) {
  if constexpr (requires { p.matmul_trunc_pr(x, y, m); }) {
    return p.matmul_trunc_pr(x, y, m);
  } else {
    return p.trunc_pr(p.matmul(x, y), m);
  }
}

// trunc_pr of matmul_scatter(x, y, targets, out_shape), where targets one
// past the end of out_shape (a convolution's padding) are dropped: fused the
// same way where the protocol can.
template <Protocol P>
typename P::Share matmul_scatter_trunc_pr(P& p, const typename P::Share& x,
                                          const typename P::Share& y,
                                          const std::vector<std::size_t>& targets,
                                          const Shape& out_shape, int m) {
  if constexpr (requires { p.matmul_scatter_trunc_pr(x, y, targets, out_shape, m); }) {
    return p.matmul_scatter_trunc_pr(x, y, targets, out_shape, m);
  } else {
    return p.trunc_pr(matmul_scatter_within(p, x, y, targets, out_shape), m);
  }
}

// trunc_wide(x y, m), fused the same way where the protocol can.
template <BinaryProtocol P>
typename P::Share mul_trunc_wide(P& p, const typename P::Share& x, const typename P::Share& y,
                                 int m) {
  if constexpr (requires { p.mul_trunc_pr_wide(x, y, m); }) {
    return p.mul_trunc_pr_wide(x, y, m);
  } else {
    return trunc_wide(p, p.mul(x, y), m);
  }
}

// All k bits of x: from the summands where the protocol can (rep3), else by
// the masked bit decomposition.
template <BinaryProtocol P>
typename P::BShare bit_decompose_full(P& p, const typename P::Share& x) {
  if constexpr (requires { p.bit_decompose_summands(x); }) {
    return p.bit_decompose_summands(x);
  } else {
    return p.bit_decompose(x, kRingBits<typename P::Ring>);
  }
}

// Ends a computation: a protocol that checks messages after the fact (rep4)
// verifies everything since its last check; others have nothing to do.
template <Protocol P>
void finish_protocol(P& p) {
  if constexpr (requires { p.finish(); }) p.finish();
}

}  // namespace sqt
