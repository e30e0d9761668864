// tensor_ops.h — local elementwise arithmetic on ring tensors.
//
// These are the cleartext building blocks that every protocol uses for its
// local work (adding summands, cross terms). All functions check shapes and
// return new tensors; the *_inplace variants write into their first argument.
#pragma once

#include "core/ring.h"
#include "core/tensor.h"

namespace sqt {

template <RingElement R>
void add_inplace(Tensor<R>& a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "add");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] += y[i];
}

template <RingElement R>
void sub_inplace(Tensor<R>& a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "sub");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] -= y[i];
}

template <RingElement R>
Tensor<R> add(Tensor<R> a, const Tensor<R>& b) {
  add_inplace(a, b);
  return a;
}

template <RingElement R>
Tensor<R> sub(Tensor<R> a, const Tensor<R>& b) {
  sub_inplace(a, b);
  return a;
}

template <RingElement R>
Tensor<R> neg(Tensor<R> a) {
  for (R& x : a) x = R{0} - x;
  return a;
}

// Elementwise product.
template <RingElement R>
Tensor<R> mul(Tensor<R> a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "mul");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] *= y[i];
  return a;
}

template <RingElement R>
Tensor<R> scale(Tensor<R> a, R factor) {
  for (R& x : a) x *= factor;
  return a;
}

// Arithmetic right shift of every element (floor division by 2^m).
template <RingElement R>
Tensor<R> shift_right_signed(Tensor<R> a, int m) {
  for (R& x : a) x = arith_shift_right(x, m);
  return a;
}

}  // namespace sqt
