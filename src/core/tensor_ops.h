// tensor_ops.h — local elementwise arithmetic on ring tensors.
//
// These are the cleartext building blocks that every protocol uses for its
// local work (adding summands, cross terms). All functions check shapes and
// return new tensors; the *_inplace variants write into their first argument.
#pragma once

#include <algorithm>

#include "core/ring.h"
#include "core/tensor.h"

namespace sqt {

template <RingWord R>
void add_inplace(Tensor<R>& a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "add");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] += y[i];
}

template <RingWord R>
void sub_inplace(Tensor<R>& a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "sub");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] -= y[i];
}

template <RingWord R>
Tensor<R> add(Tensor<R> a, const Tensor<R>& b) {
  add_inplace(a, b);
  return a;
}

template <RingWord R>
Tensor<R> sub(Tensor<R> a, const Tensor<R>& b) {
  sub_inplace(a, b);
  return a;
}

template <RingWord R>
Tensor<R> neg(Tensor<R> a) {
  for (R& x : a) x = R{0} - x;
  return a;
}

// Elementwise product.
template <RingWord R>
Tensor<R> mul(Tensor<R> a, const Tensor<R>& b) {
  check_same_shape(a.shape(), b.shape(), "mul");
  R* x = a.data();
  const R* y = b.data();
  for (std::size_t i = 0, n = a.size(); i < n; ++i) x[i] *= y[i];
  return a;
}

template <RingWord R>
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

// Elements [offset, offset + size(shape)) of t, with the given shape.
template <class T>
Tensor<T> tensor_part(const Tensor<T>& t, std::size_t offset, const Shape& shape) {
  std::size_t n = shape_size(shape);
  SQT_CHECK(offset + n <= t.size(), "part [{}, {}) of a tensor of {} elements", offset, offset + n,
            t.size());
  return Tensor<T>(
      shape, typename Tensor<T>::Storage(t.begin() + static_cast<std::ptrdiff_t>(offset),
                                         t.begin() + static_cast<std::ptrdiff_t>(offset + n)));
}

// out[i] = t[indices[i]], with the given shape.
template <class T>
Tensor<T> tensor_gather(const Tensor<T>& t, const std::vector<std::size_t>& indices,
                        const Shape& shape) {
  SQT_CHECK(indices.size() == shape_size(shape), "gather: {} indices for shape {}", indices.size(),
            shape_string(shape));
  Tensor<T> out(shape, kUninitialized);
  for (std::size_t i = 0; i < indices.size(); ++i) out[i] = t[indices[i]];
  return out;
}

// What a scatter does with a target one past the end of its output.
enum class PastEnd {
  kReject,  // every target must lie inside the output
  kDrop,    // the entry is dropped (the padding positions of a convolution's col2im)
};

// out[targets[i]] += t[i] for every i; out has the given shape (zeros first).
// A target outside out is an error, except one exactly past the end with
// PastEnd::kDrop (checked in the same pass: one predictable branch per entry).
template <class T>
Tensor<T> tensor_scatter_add(const Tensor<T>& t, const std::vector<std::size_t>& targets,
                             const Shape& shape, PastEnd past_end = PastEnd::kReject) {
  SQT_CHECK(targets.size() == t.size(), "scatter: {} targets for {} elements", targets.size(),
            t.size());
  Tensor<T> out(shape, T{0});
  const std::size_t end = out.size();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::size_t target = targets[i];
    if (target < end) {
      out[target] += t[i];
      continue;
    }
    SQT_CHECK(target == end && past_end == PastEnd::kDrop, "scatter: target {} beyond {} elements",
              target, end);
  }
  return out;
}

// dst = the transpose of the row-major rows x cols matrix src (dst is
// cols x rows), in 32 x 32 blocks. dst must not alias src. The inner loop
// writes a run of dst and reads src down a column: for the tall, narrow
// matrices of convolutions (73,728 x 25, 8,192 x 500 u64) this is 4-6x
// faster than the other order, whose every store starts another line.
template <class T>
void transpose_into(const T* src, T* dst, std::size_t rows, std::size_t cols) {
  constexpr std::size_t kBlock = 32;
  for (std::size_t r0 = 0; r0 < rows; r0 += kBlock) {
    const std::size_t r1 = std::min(rows, r0 + kBlock);
    for (std::size_t c0 = 0; c0 < cols; c0 += kBlock) {
      const std::size_t c1 = std::min(cols, c0 + kBlock);
      for (std::size_t c = c0; c < c1; ++c) {
        T* run = dst + c * rows;
        const T* column = src + c;
        for (std::size_t r = r0; r < r1; ++r) run[r] = column[r * cols];
      }
    }
  }
}

// [rows, cols] -> [cols, rows], cache-blocked.
template <class T>
Tensor<T> tensor_transpose(const Tensor<T>& t) {
  SQT_CHECK(t.rank() == 2, "transpose needs a matrix, got {}", shape_string(t.shape()));
  const std::size_t rows = t.dim(0), cols = t.dim(1);
  Tensor<T> out(Shape{cols, rows}, kUninitialized);
  transpose_into(t.data(), out.data(), rows, cols);
  return out;
}

// The elements of all tensors, one after another, as a flat tensor.
template <class T>
Tensor<T> tensor_join(const std::vector<const Tensor<T>*>& parts) {
  std::size_t n = 0;
  for (const Tensor<T>* t : parts) n += t->size();
  typename Tensor<T>::Storage data;
  data.reserve(n);
  for (const Tensor<T>* t : parts) data.insert(data.end(), t->begin(), t->end());
  return Tensor<T>(Shape{n}, std::move(data));
}

}  // namespace sqt
