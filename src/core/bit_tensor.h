// bit_tensor.h — tensors of bits packed 64 per 64-bit word.
//
// The cleartext carrier of binary (XOR) sharings: bit i lives in word i / 64
// at position i % 64. Bits past size() in the last word are kept zero so that
// whole-word operations (XOR, AND, popcount) need no masking by callers.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace sqt {

class BitTensor {
 public:
  BitTensor() = default;
  explicit BitTensor(Shape shape)
      : shape_(std::move(shape)), words_((shape_size(shape_) + 63) / 64, 0) {}

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return shape_size(shape_); }
  std::size_t word_count() const { return words_.size(); }
  std::uint64_t* words() { return words_.data(); }
  const std::uint64_t* words() const { return words_.data(); }

  bool get(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  void set(std::size_t i, bool value) {
    std::uint64_t mask = std::uint64_t{1} << (i % 64);
    words_[i / 64] = value ? (words_[i / 64] | mask) : (words_[i / 64] & ~mask);
  }

  // Clears the padding bits of the last word (call after filling whole words).
  void clear_padding() {
    std::size_t tail = size() % 64;
    if (tail != 0) words_.back() &= (std::uint64_t{1} << tail) - 1;
  }

  BitTensor& operator^=(const BitTensor& other) {
    check_same_shape(shape_, other.shape_, "xor");
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] ^= other.words_[w];
    return *this;
  }
  BitTensor& operator&=(const BitTensor& other) {
    check_same_shape(shape_, other.shape_, "and");
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] &= other.words_[w];
    return *this;
  }
  friend BitTensor operator^(BitTensor a, const BitTensor& b) { return a ^= b; }
  friend BitTensor operator&(BitTensor a, const BitTensor& b) { return a &= b; }

  std::size_t popcount() const {
    std::size_t count = 0;
    for (std::uint64_t w : words_) count += static_cast<std::size_t>(std::popcount(w));
    return count;
  }

  bool operator==(const BitTensor& other) const = default;

 private:
  Shape shape_;
  std::vector<std::uint64_t> words_;
};

}  // namespace sqt
