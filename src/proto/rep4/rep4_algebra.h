// rep4_algebra.h — the two kinds of summand rep4 computes with, behind one
// interface: ring tensors (+, *) and bit-sliced planes (XOR, AND), so that
// input, open, joint sharing and multiplication are written once for the
// arithmetic and the binary sharing.
#pragma once

#include <span>

#include "core/bit_planes.h"
#include "core/tensor.h"
#include "core/tensor_ops.h"
#include "crypto/prg.h"

namespace sqt {

template <class T>
struct Algebra;

template <RingElement R>
struct Algebra<Tensor<R>> {
  static Tensor<R> zero_like(const Tensor<R>& like) { return Tensor<R>(like.shape(), R{0}); }
  static Tensor<R> random_like(Prg& prg, const Tensor<R>& like) {
    return prg.random<R>(like.shape());
  }
  static void add_to(Tensor<R>& a, const Tensor<R>& b) { add_inplace(a, b); }
  static Tensor<R> minus(const Tensor<R>& a, const Tensor<R>& b) { return sqt::sub(a, b); }
  static Tensor<R> plus(const Tensor<R>& a, const Tensor<R>& b) { return sqt::add(a, b); }
  static std::span<const std::byte> bytes(const Tensor<R>& t) { return std::as_bytes(t.span()); }
  static std::span<std::byte> writable_bytes(Tensor<R>& t) {
    return std::as_writable_bytes(t.span());
  }
};

template <>
struct Algebra<BitPlanes> {
  static BitPlanes zero_like(const BitPlanes& like) { return BitPlanes(like.n(), like.planes()); }
  static BitPlanes random_like(Prg& prg, const BitPlanes& like) {
    BitPlanes out(like.n(), like.planes());
    prg.fill<std::uint64_t>(out.words());
    out.clear_padding();
    return out;
  }
  static void add_to(BitPlanes& a, const BitPlanes& b) { a ^= b; }
  static BitPlanes minus(const BitPlanes& a, const BitPlanes& b) { return a ^ b; }
  static BitPlanes plus(const BitPlanes& a, const BitPlanes& b) { return a ^ b; }
  static std::span<const std::byte> bytes(const BitPlanes& t) {
    return std::as_bytes(std::span(t.words()));
  }
  static std::span<std::byte> writable_bytes(BitPlanes& t) {
    return std::as_writable_bytes(std::span(t.words()));
  }
};

}  // namespace sqt
