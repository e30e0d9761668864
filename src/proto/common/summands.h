// summands.h — a party's share as a fixed number of local summands, and the
// share plumbing that every such protocol gets for free.
//
// Most of sqt's protocols (the emulator, rep3, rep4) hold a secret x as N
// local tensors of one shape: the emulator the value itself (N = 1), rep3 the
// two summands x_i, x_{i+1} (N = 2), rep4 three of the four summands (N = 3).
// Every rearrangement of elements (reshape, part, join, gather, scatter-add,
// transpose) and every linear map with public coefficients (add, sub, neg,
// multiplication by a public tensor or scalar) acts on each summand alone, so
// it is written here once. SummandPlumbing<T, N> is what a protocol class
// derives from to get these as members; what it must still write itself is
// everything that depends on which summand is which (constants, add_public,
// input, open, multiplication, ...).
//
// Binary sharings use the same type with BitPlanes summands (XOR for +);
// BinarySummandPlumbing gives them slice/gather/concat/xor.
#pragma once

#include <array>
#include <span>
#include <utility>
#include <vector>

#include "core/bit_planes.h"
#include "core/error.h"
#include "core/tensor.h"
#include "core/tensor_ops.h"

namespace sqt {

template <class T, int N>
struct Summands {
  static constexpr int kCount = N;
  std::array<T, N> s;
};

// Applies fn to each summand of the arguments: out.s[j] = fn(a.s[j], ...).
template <class T, int N, class Fn, class... More>
Summands<T, N> each_summand(Fn&& fn, const Summands<T, N>& a, const More&... more) {
  Summands<T, N> out;
  for (int j = 0; j < N; ++j) out.s[j] = fn(a.s[j], more.s[j]...);
  return out;
}

template <RingWord R, int N>
struct SummandPlumbing {
  using Share = Summands<Tensor<R>, N>;

  static const Shape& shape(const Share& x) { return x.s[0].shape(); }
  static Share reshaped(Share x, const Shape& shape) {
    for (auto& t : x.s) t = std::move(t).reshaped(shape);
    return x;
  }
  // Elements [offset, offset + size(shape)) of x (flattened) with a new shape.
  static Share part(const Share& x, std::size_t offset, const Shape& shape) {
    return each_summand([&](const Tensor<R>& t) { return tensor_part(t, offset, shape); }, x);
  }
  // out[i] = x[indices[i]].
  static Share gather(const Share& x, const std::vector<std::size_t>& indices, const Shape& shape) {
    return each_summand([&](const Tensor<R>& t) { return tensor_gather(t, indices, shape); }, x);
  }
  // out[targets[i]] += x[i] (a linear map applied to each summand).
  static Share scatter_add(const Share& x, const std::vector<std::size_t>& targets,
                           const Shape& shape) {
    return each_summand([&](const Tensor<R>& t) { return tensor_scatter_add(t, targets, shape); },
                        x);
  }
  // [rows, cols] -> [cols, rows].
  static Share transposed(const Share& x) {
    return each_summand([](const Tensor<R>& t) { return tensor_transpose(t); }, x);
  }
  // All elements of the shares, one after another, as a flat share.
  static Share join(std::span<const Share> xs) {
    Share out;
    for (int j = 0; j < N; ++j) {
      std::vector<const Tensor<R>*> parts;
      for (const Share& x : xs) parts.push_back(&x.s[j]);
      out.s[j] = tensor_join(parts);
    }
    return out;
  }
  // What this party holds of x, and a share made from it (checkpoints).
  static std::vector<Tensor<R>> local_tensors(const Share& x) {
    return std::vector<Tensor<R>>(x.s.begin(), x.s.end());
  }
  static Share from_local_tensors(std::vector<Tensor<R>> tensors) {
    SQT_CHECK(tensors.size() == static_cast<std::size_t>(N),
              "a share of this protocol has {} local tensors, got {}", N, tensors.size());
    for (int j = 1; j < N; ++j)
      SQT_CHECK(tensors[j].shape() == tensors[0].shape(),
                "the local tensors of a share differ in shape: {} and {}",
                shape_string(tensors[0].shape()), shape_string(tensors[j].shape()));
    Share out;
    for (int j = 0; j < N; ++j) out.s[j] = std::move(tensors[j]);
    return out;
  }

  // Linear maps with public coefficients: local, no communication.
  static Share add(const Share& x, const Share& y) {
    return each_summand([](const Tensor<R>& a, const Tensor<R>& b) { return sqt::add(a, b); }, x,
                        y);
  }
  static Share sub(const Share& x, const Share& y) {
    return each_summand([](const Tensor<R>& a, const Tensor<R>& b) { return sqt::sub(a, b); }, x,
                        y);
  }
  static Share neg(const Share& x) {
    return each_summand([](const Tensor<R>& a) { return sqt::neg(a); }, x);
  }
  static Share mul_public(const Share& x, const Tensor<R>& c) {
    return each_summand([&](const Tensor<R>& a) { return sqt::mul(a, c); }, x);
  }
  static Share scale(const Share& x, R c) {
    return each_summand([&](const Tensor<R>& a) { return sqt::scale(a, c); }, x);
  }
  // A share whose every summand is zero (a sharing of zero).
  static Share zeros(const Shape& shape) {
    Share out;
    for (auto& t : out.s) t = Tensor<R>(shape, R{0});
    return out;
  }
};

template <int N>
struct BinarySummandPlumbing {
  using BShare = Summands<BitPlanes, N>;

  static int planes(const BShare& b) { return b.s[0].planes(); }
  static BShare bxor(const BShare& a, const BShare& b) {
    return each_summand([](const BitPlanes& u, const BitPlanes& v) { return u ^ v; }, a, b);
  }
  static BShare bslice(const BShare& a, int from, int count) {
    return each_summand([&](const BitPlanes& u) { return u.slice(from, count); }, a);
  }
  static BShare bgather(const BShare& a, int start, int step, int count) {
    return each_summand([&](const BitPlanes& u) { return u.gather(start, step, count); }, a);
  }
  static BShare bconcat(const BShare& a, const BShare& b) {
    return each_summand([](const BitPlanes& u, const BitPlanes& v) { return u.concat(v); }, a, b);
  }
  static BShare bzeros(std::size_t n, int planes) {
    BShare out;
    for (auto& u : out.s) u = BitPlanes(n, planes);
    return out;
  }
};

}  // namespace sqt
