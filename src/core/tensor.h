// tensor.h — dense row-major tensors with a shape.
//
// Tensor<T> owns its elements (a std::vector) and its shape. It is a plain
// value type: copies are deep, moves are cheap. Elementwise arithmetic on
// ring tensors lives in tensor_ops.h. Tensor(shape) is all zeros;
// Tensor(shape, kUninitialized) leaves the elements unset, for outputs that
// are written whole (gathers, transposes, received messages, PRG output):
// zeroing them first cost several percent of a training step.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/large_blocks.h"

namespace sqt {

using Shape = std::vector<std::size_t>;

// Number of elements of a tensor with this shape (1 for a scalar shape {}).
inline std::size_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1},
                         [](std::size_t a, std::size_t b) { return a * b; });
}

// "[128, 800]" — for error messages.
std::string shape_string(const Shape& shape);

// A std::allocator whose value-less construction default-initialises: a
// vector of trivial elements sized with it is left unset, not zeroed.
// Large blocks (1 MiB and more) are reused through core/large_blocks.h
// instead of being mapped and faulted in afresh each time.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (large_blocks::is_large(n * sizeof(T)))
      return static_cast<T*>(large_blocks::acquire(n * sizeof(T)));
    return std::allocator<T>::allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (large_blocks::is_large(n * sizeof(T))) {
      large_blocks::release(p, n * sizeof(T));
      return;
    }
    std::allocator<T>::deallocate(p, n);
  }
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Storage whose elements may be left unset when it is sized.
template <class T>
using UninitVector = std::vector<T, DefaultInitAllocator<T>>;

struct Uninitialized {};
inline constexpr Uninitialized kUninitialized{};

template <class T>
class Tensor {
 public:
  using Storage = UninitVector<T>;

  Tensor() = default;
  explicit Tensor(Shape shape) : shape_(std::move(shape)), data_(shape_size(shape_), T{}) {}
  Tensor(Shape shape, Uninitialized) : shape_(std::move(shape)), data_(shape_size(shape_)) {}
  Tensor(Shape shape, T fill) : shape_(std::move(shape)), data_(shape_size(shape_), fill) {}
  Tensor(Shape shape, const std::vector<T>& data)
      : shape_(std::move(shape)), data_(data.begin(), data.end()) {
    check_size();
  }
  Tensor(Shape shape, Storage&& data) : shape_(std::move(shape)), data_(std::move(data)) {
    check_size();
  }

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return data_.size(); }
  std::size_t dim(std::size_t axis) const { return shape_.at(axis); }
  std::size_t rank() const { return shape_.size(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::span<T> span() { return data_; }
  std::span<const T> span() const { return data_; }
  // A copy of the elements as a std::vector.
  std::vector<T> to_vector() const { return std::vector<T>(data_.begin(), data_.end()); }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

  auto begin() { return data_.begin(); }
  auto end() { return data_.end(); }
  auto begin() const { return data_.begin(); }
  auto end() const { return data_.end(); }

  // Same elements, new shape with the same number of elements.
  Tensor reshaped(Shape shape) const& {
    check_reshape(shape);
    return Tensor(std::move(shape), Storage(data_));
  }
  Tensor reshaped(Shape shape) && {
    check_reshape(shape);
    return Tensor(std::move(shape), std::move(data_));
  }

  bool operator==(const Tensor& other) const = default;

 private:
  void check_size() const {
    SQT_CHECK(data_.size() == shape_size(shape_),
              "tensor data has {} elements but shape {} needs {}", data_.size(),
              shape_string(shape_), shape_size(shape_));
  }
  void check_reshape(const Shape& shape) const {
    SQT_CHECK(shape_size(shape) == data_.size(), "cannot reshape {} to {}: element counts differ",
              shape_string(shape_), shape_string(shape));
  }

  Shape shape_;
  Storage data_;
};

// Throws unless a and b have the same shape; `what` names the operation.
void check_same_shape(const Shape& a, const Shape& b, const char* what);

}  // namespace sqt
