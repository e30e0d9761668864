// field_tensor.h — tensors of F_p elements (p = 2^127 - 1) and the map
// between them and Z_2^64, for the shamir protocol.
//
// The embedding: a ring value v in Z_2^64 enters the field as its signed
// representative (lift: v >= 2^63 becomes v - 2^64), and a field element
// leaves as its symmetric representative reduced mod 2^64 (lower). Because
// reduction mod 2^64 is a ring homomorphism from the integers, lower of a
// field computation equals the same computation in Z_2^64 as long as no
// intermediate integer leaves (-p/2, p/2), i.e. stays below 2^126 in
// magnitude; docs/protocols/shamir.md explains why the protocol's values do.
// Plain functions on whole tensors; the caller owns every tensor.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/prime_field.h"
#include "core/tensor.h"
#include "core/tensor_ops.h"
#include "crypto/prg.h"
#include "kernels/field_kernels.h"

namespace sqt::shamir {

using FieldTensor = Tensor<Fp127>;

inline Fp127 lift(std::uint64_t v) {
  return Fp127::from_signed(static_cast<std::int64_t>(v));
}
inline std::uint64_t lower(Fp127 x) {
  return static_cast<std::uint64_t>(x.to_signed());
}

inline FieldTensor lift(const Tensor<std::uint64_t>& v) {
  FieldTensor out(v.shape(), kUninitialized);
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = lift(v[i]);
  return out;
}

inline Tensor<std::uint64_t> lower(const FieldTensor& x) {
  Tensor<std::uint64_t> out(x.shape(), kUninitialized);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = lower(x[i]);
  return out;
}

// Uniform field elements (see fp_from_random_bits).
inline FieldTensor random_field(Prg& prg, const Shape& shape) {
  Tensor<u128> bits = prg.random<u128>(shape);
  FieldTensor out(shape, kUninitialized);
  for (std::size_t i = 0; i < bits.size(); ++i) out[i] = fp_from_random_bits(bits[i]);
  return out;
}

// Elementwise sums, differences and products (equal shapes, checked), on
// the vector kernels of kernels/field_kernels.h.
using FieldKernel = void (*)(const Fp127*, const Fp127*, Fp127*, std::size_t);
inline FieldTensor elementwise(const FieldTensor& a, const FieldTensor& b, FieldKernel kernel,
                               const char* what) {
  check_same_shape(a.shape(), b.shape(), what);
  FieldTensor out(a.shape(), kUninitialized);
  kernel(a.data(), b.data(), out.data(), a.size());
  return out;
}
inline FieldTensor field_add(const FieldTensor& a, const FieldTensor& b) {
  return elementwise(a, b, kernels::fp_add, "field add");
}
inline FieldTensor field_sub(const FieldTensor& a, const FieldTensor& b) {
  return elementwise(a, b, kernels::fp_sub, "field sub");
}
inline FieldTensor field_mul(const FieldTensor& a, const FieldTensor& b) {
  return elementwise(a, b, kernels::fp_mul, "field mul");
}
inline void field_axpy(FieldTensor& y, Fp127 c, const FieldTensor& x) {  // y += c x
  check_same_shape(y.shape(), x.shape(), "field axpy");
  kernels::fp_axpy(y.data(), c, x.data(), y.size());
}
inline FieldTensor field_scale(const FieldTensor& a, Fp127 c) {
  FieldTensor out(a.shape(), kUninitialized);
  kernels::fp_scale(a.data(), c, out.data(), a.size());
  return out;
}

// (m x k) (k x n) -> (m x n), reduced once per output element (per 512
// products on the IFMA kernel).
inline FieldTensor field_matmul(const FieldTensor& a, const FieldTensor& b) {
  SQT_CHECK(a.rank() == 2 && b.rank() == 2 && a.dim(1) == b.dim(0),
            "matmul: cannot multiply {} by {}", shape_string(a.shape()), shape_string(b.shape()));
  FieldTensor c(Shape{a.dim(0), b.dim(1)}, kUninitialized);
  kernels::fp_matmul(a.data(), b.data(), c.data(), a.dim(0), a.dim(1), b.dim(1));
  return c;
}

// Row-wise dot products of two (n x k) tensors -> (n).
inline FieldTensor field_dot_rows(const FieldTensor& a, const FieldTensor& b) {
  check_same_shape(a.shape(), b.shape(), "field dot_rows");
  SQT_CHECK(a.rank() == 2, "dot_rows needs matrices, got {}", shape_string(a.shape()));
  const std::size_t rows = a.dim(0), k = a.dim(1);
  FieldTensor out(Shape{rows}, kUninitialized);
  for (std::size_t r = 0; r < rows; ++r)
    out[r] = kernels::fp_dot(a.data() + r * k, b.data() + r * k, k);
  return out;
}

}  // namespace sqt::shamir
