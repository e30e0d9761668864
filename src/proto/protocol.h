// protocol.h — the contract every secret-sharing protocol fulfils.
//
// A protocol P is a class with a ring type P::Ring, a share type P::Share
// (a secret-shared tensor) and the operations below, each on whole tensors.
// Layers above (mpc, nn) are written once against this concept; a protocol
// that lacks an operation fails to compile there, never at run time.
//
// Semantics shared by all protocols (the emulator included):
//   input(p, v, shape)  party p's tensor v becomes shared (others pass {}).
//   open(x)             every party learns x.
//   open_to(p, x)       party p learns x; others get an empty tensor.
//   add/sub/neg/add_public/mul_public/scale   local, no communication.
//   mul(x, y)           elementwise product.
//   matmul(x, y)        (m x k) * (k x n) product.
//   dot_rows(x, y)      row-wise dot products of two (n x k) tensors -> (n).
//   trunc_pr(x, m)      floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m) for x
//                       in the protocol's documented range (trunc_range_bits:
//                       |x| < 2^trunc_range_bits).
//   random(shape)       uniformly random ring elements nobody knows.
//   constant(v)         a sharing of a public tensor (local).
//   reshaped/part/join/gather/scatter_add   local rearrangements of elements.
//   matmul_scatter(x, y, t, s)  x y summed into positions t of shape s before
//                       the reshare: communication is the size of s.
//   local_tensors(x) / from_local_tensors(ts)  what this party holds of x, as
//                       plain ring tensors, and back (checkpoints).
//
// Binary sharings (P::BShare, bit-sliced: one plane per bit position):
//   binput, bxor, bnot (local), band (one round), bopen, bslice/bgather/bconcat.
// Comparison primitives, exact, on ring integers:
//   msb(x, l)           [x >= 0] for |x| < 2^(l-1); outside that range unspecified
//                       (rep3 and the emulator give bit l-1 of x + 2^(l-1) mod 2^l,
//                       mal3 may compare on more bits: Mal3::compare_width).
//   eqz_bits(x, l)      [x = 0 mod 2^l].
//   bit_decompose(x, l) the bits of x mod 2^l.
//   mod2m(x, m)         x mod 2^m (arithmetic).
//   b2a(b)              arithmetic 0/1 per plane and element ([planes * n]).
//
// A protocol over a prime field (shamir) carries Z_2^k values as integers
// and declares kExactProductBits: products are exact modulo 2^k while every
// integer stays below 2^kExactProductBits in magnitude.
//
// Optional building blocks: a protocol may offer faster versions of generic
// compositions; the mpc layer uses them where present (`if constexpr`) and a
// generic fallback otherwise (mpc/building_blocks.h):
//   trunc_pr_wide(x, m) trunc_pr valid for |x| < 2^(k-2).
//   bit_decompose_summands(x)  all k bits of x by adding the summands' bits.
#pragma once

#include <concepts>
#include <span>
#include <string_view>
#include <vector>

#include "core/bit_planes.h"
#include "core/ring.h"
#include "core/tensor.h"

namespace sqt {

template <class P>
concept Protocol = requires(P& p, const typename P::Share& x, const Tensor<typename P::Ring>& v,
                            typename P::Ring c, int party, const Shape& shape, int bits) {
  requires RingElement<typename P::Ring>;
  { P::kName } -> std::convertible_to<std::string_view>;
  { p.parties() } -> std::same_as<int>;
  { p.party() } -> std::same_as<int>;
  { p.frac_bits() } -> std::same_as<int>;
  { p.trunc_range_bits() } -> std::same_as<int>;
  { p.nearest_rounding() } -> std::same_as<bool>;
  { P::shape(x) } -> std::convertible_to<const Shape&>;
  { p.input(party, v, shape) } -> std::same_as<typename P::Share>;
  { p.open(x) } -> std::same_as<Tensor<typename P::Ring>>;
  { p.open_to(party, x) } -> std::same_as<Tensor<typename P::Ring>>;
  { p.add(x, x) } -> std::same_as<typename P::Share>;
  { p.sub(x, x) } -> std::same_as<typename P::Share>;
  { p.neg(x) } -> std::same_as<typename P::Share>;
  { p.add_public(x, v) } -> std::same_as<typename P::Share>;
  { p.mul_public(x, v) } -> std::same_as<typename P::Share>;
  { p.scale(x, c) } -> std::same_as<typename P::Share>;
  { p.mul(x, x) } -> std::same_as<typename P::Share>;
  { p.matmul(x, x) } -> std::same_as<typename P::Share>;
  { p.dot_rows(x, x) } -> std::same_as<typename P::Share>;
  { p.trunc_pr(x, bits) } -> std::same_as<typename P::Share>;
  { p.random(shape) } -> std::same_as<typename P::Share>;
  { p.constant(v) } -> std::same_as<typename P::Share>;
  { P::reshaped(x, shape) } -> std::same_as<typename P::Share>;
  { P::part(x, std::size_t{}, shape) } -> std::same_as<typename P::Share>;
  { P::join(std::span<const typename P::Share>{}) } -> std::same_as<typename P::Share>;
  { P::gather(x, std::vector<std::size_t>{}, shape) } -> std::same_as<typename P::Share>;
  { P::scatter_add(x, std::vector<std::size_t>{}, shape) } -> std::same_as<typename P::Share>;
  { P::transposed(x) } -> std::same_as<typename P::Share>;
  { p.matmul_scatter(x, x, std::vector<std::size_t>{}, shape) } -> std::same_as<typename P::Share>;
  { P::local_tensors(x) } -> std::same_as<std::vector<Tensor<typename P::Ring>>>;
  {
    P::from_local_tensors(std::vector<Tensor<typename P::Ring>>{})
    } -> std::same_as<typename P::Share>;
};

template <class P>
concept BinaryProtocol = Protocol<P> &&
    requires(P& p, const typename P::Share& x, const typename P::BShare& b, const BitPlanes& bits,
             int party, int l) {
  { P::planes(b) } -> std::same_as<int>;
  { p.binput(party, bits, std::size_t{}, l) } -> std::same_as<typename P::BShare>;
  { p.bxor(b, b) } -> std::same_as<typename P::BShare>;
  { p.bnot(b) } -> std::same_as<typename P::BShare>;
  { p.band(b, b) } -> std::same_as<typename P::BShare>;
  { p.bopen(b) } -> std::same_as<BitPlanes>;
  { p.bslice(b, l, l) } -> std::same_as<typename P::BShare>;
  { p.bgather(b, l, l, l) } -> std::same_as<typename P::BShare>;
  { p.bconcat(b, b) } -> std::same_as<typename P::BShare>;
  { p.msb(x, l) } -> std::same_as<typename P::BShare>;
  { p.eqz_bits(x, l) } -> std::same_as<typename P::BShare>;
  { p.bit_decompose(x, l) } -> std::same_as<typename P::BShare>;
  { p.mod2m(x, l) } -> std::same_as<typename P::Share>;
  { p.b2a(b) } -> std::same_as<typename P::Share>;
};

}  // namespace sqt
