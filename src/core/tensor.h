// tensor.h — dense row-major tensors with a shape.
//
// Tensor<T> owns its elements (a std::vector) and its shape. It is a plain
// value type: copies are deep, moves are cheap. Elementwise arithmetic on
// ring tensors lives in tensor_ops.h.
#pragma once

#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace sqt {

using Shape = std::vector<std::size_t>;

// Number of elements of a tensor with this shape (1 for a scalar shape {}).
inline std::size_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1},
                         [](std::size_t a, std::size_t b) { return a * b; });
}

// "[128, 800]" — for error messages.
std::string shape_string(const Shape& shape);

template <class T>
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape) : shape_(std::move(shape)), data_(shape_size(shape_)) {}
  Tensor(Shape shape, T fill) : shape_(std::move(shape)), data_(shape_size(shape_), fill) {}
  Tensor(Shape shape, std::vector<T> data) : shape_(std::move(shape)), data_(std::move(data)) {
    SQT_CHECK(data_.size() == shape_size(shape_),
              "tensor data has {} elements but shape {} needs {}", data_.size(),
              shape_string(shape_), shape_size(shape_));
  }

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return data_.size(); }
  std::size_t dim(std::size_t axis) const { return shape_.at(axis); }
  std::size_t rank() const { return shape_.size(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::span<T> span() { return data_; }
  std::span<const T> span() const { return data_; }
  std::vector<T>& vector() { return data_; }
  const std::vector<T>& vector() const { return data_; }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

  auto begin() { return data_.begin(); }
  auto end() { return data_.end(); }
  auto begin() const { return data_.begin(); }
  auto end() const { return data_.end(); }

  // Same elements, new shape with the same number of elements.
  Tensor reshaped(Shape shape) const& {
    check_reshape(shape);
    return Tensor(std::move(shape), data_);
  }
  Tensor reshaped(Shape shape) && {
    check_reshape(shape);
    return Tensor(std::move(shape), std::move(data_));
  }

  bool operator==(const Tensor& other) const = default;

 private:
  void check_reshape(const Shape& shape) const {
    SQT_CHECK(shape_size(shape) == data_.size(), "cannot reshape {} to {}: element counts differ",
              shape_string(shape_), shape_string(shape));
  }

  Shape shape_;
  std::vector<T> data_;
};

// Throws unless a and b have the same shape; `what` names the operation.
void check_same_shape(const Shape& a, const Shape& b, const char* what);

}  // namespace sqt
