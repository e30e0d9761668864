// bit_planes.h — many k-bit values stored bit-sliced: one packed plane per bit.
//
// BitPlanes holds `planes` bits of each of `n` elements. Plane j is a packed
// bit vector (64 elements per word) holding bit j of every element, so a
// bitwise operation on one bit position of all elements is a loop over
// words, and a secure AND costs exactly one bit per element per plane.
// This is the carrier of binary (XOR) sharings; padding bits past n in the
// last word of each plane are kept zero.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/ring.h"
#include "core/tensor.h"

namespace sqt {

class BitPlanes {
 public:
  BitPlanes() = default;
  BitPlanes(std::size_t n, int planes)
      : n_(n), planes_(planes), words_(static_cast<std::size_t>(planes) * words_for(n), 0) {}
  // Words left unset: for planes that are written whole.
  BitPlanes(std::size_t n, int planes, Uninitialized)
      : n_(n), planes_(planes), words_(static_cast<std::size_t>(planes) * words_for(n)) {}

  static std::size_t words_for(std::size_t n) { return (n + 63) / 64; }

  std::size_t n() const { return n_; }
  int planes() const { return planes_; }
  std::size_t words_per_plane() const { return words_for(n_); }
  UninitVector<std::uint64_t>& words() { return words_; }
  const UninitVector<std::uint64_t>& words() const { return words_; }
  std::uint64_t* plane(int j) {
    return words_.data() + static_cast<std::size_t>(j) * words_per_plane();
  }
  const std::uint64_t* plane(int j) const {
    return words_.data() + static_cast<std::size_t>(j) * words_per_plane();
  }

  bool get(int j, std::size_t i) const { return (plane(j)[i / 64] >> (i % 64)) & 1; }
  void set(int j, std::size_t i, bool v) {
    std::uint64_t mask = std::uint64_t{1} << (i % 64);
    std::uint64_t& w = plane(j)[i / 64];
    w = v ? (w | mask) : (w & ~mask);
  }

  // Mask of the valid bits of word w of a plane.
  std::uint64_t valid_mask(std::size_t w) const {
    std::size_t tail = n_ % 64;
    return (w + 1 == words_per_plane() && tail != 0) ? (std::uint64_t{1} << tail) - 1
                                                     : ~std::uint64_t{0};
  }
  void clear_padding() {
    if (n_ % 64 == 0) return;
    for (int j = 0; j < planes_; ++j)
      plane(j)[words_per_plane() - 1] &= valid_mask(words_per_plane() - 1);
  }

  BitPlanes& operator^=(const BitPlanes& o) {
    check_compatible(o, "xor");
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] ^= o.words_[w];
    return *this;
  }
  friend BitPlanes operator^(BitPlanes a, const BitPlanes& b) { return a ^= b; }
  BitPlanes& operator&=(const BitPlanes& o) {
    check_compatible(o, "and");
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] &= o.words_[w];
    return *this;
  }
  friend BitPlanes operator&(BitPlanes a, const BitPlanes& b) { return a &= b; }
  // Complements every valid bit.
  BitPlanes operator~() const {
    BitPlanes out = *this;
    for (auto& w : out.words_) w = ~w;
    out.clear_padding();
    return out;
  }

  // Planes [from, from + count) as a new BitPlanes.
  BitPlanes slice(int from, int count) const {
    SQT_CHECK(from >= 0 && count >= 0 && from + count <= planes_,
              "bit planes: slice [{}, {}) of {}", from, from + count, planes_);
    BitPlanes out(n_, count, kUninitialized);
    std::copy(plane(from), plane(from) + static_cast<std::size_t>(count) * words_per_plane(),
              out.words_.begin());
    return out;
  }
  // Planes start, start + step, ... (count of them).
  BitPlanes gather(int start, int step, int count) const {
    SQT_CHECK(count >= 0 && start >= 0 && (count == 0 || start + (count - 1) * step < planes_),
              "bit planes: gather {} from {} step {} of {}", count, start, step, planes_);
    BitPlanes out(n_, count, kUninitialized);
    for (int j = 0; j < count; ++j)
      std::copy(plane(start + j * step), plane(start + j * step) + words_per_plane(), out.plane(j));
    return out;
  }
  // This then `other`'s planes (same n).
  BitPlanes concat(const BitPlanes& other) const {
    if (planes_ == 0) return other;
    if (other.planes_ == 0) return *this;
    SQT_CHECK(other.n_ == n_, "bit planes: cannot join {} and {} elements", n_, other.n_);
    BitPlanes out(n_, planes_ + other.planes_, kUninitialized);
    std::copy(words_.begin(), words_.end(), out.words_.begin());
    std::copy(other.words_.begin(), other.words_.end(), out.words_.begin() + words_.size());
    return out;
  }

  bool operator==(const BitPlanes& o) const = default;

 private:
  void check_compatible(const BitPlanes& o, const char* what) const {
    SQT_CHECK(o.n_ == n_ && o.planes_ == planes_, "bit planes {}: {}x{} vs {}x{}", what, planes_,
              n_, o.planes_, o.n_);
  }

  std::size_t n_ = 0;
  int planes_ = 0;
  UninitVector<std::uint64_t> words_;
};

// Transposes a 64x64 bit matrix in place: bit j of word i <-> bit i of word j.
inline void transpose64(std::uint64_t a[64]) {
  std::uint64_t mask = 0x00000000FFFFFFFFull;
  for (int width = 32; width != 0; width >>= 1, mask ^= mask << width) {
    for (int i = 0; i < 64; i = (i + width + 1) & ~width) {
      std::uint64_t t = ((a[i] >> width) ^ a[i + width]) & mask;
      a[i] ^= t << width;
      a[i + width] ^= t;
    }
  }
}

// Bit-by-bit version of to_planes (any ring).
template <RingElement R>
BitPlanes to_planes_generic(const Tensor<R>& t, int from, int count) {
  BitPlanes out(t.size(), count);
  const std::size_t wpp = out.words_per_plane();
  for (std::size_t w = 0; w < wpp; ++w) {
    std::size_t begin = w * 64, end = std::min(t.size(), begin + 64);
    for (int j = 0; j < count; ++j) {
      std::uint64_t word = 0;
      for (std::size_t i = begin; i < end; ++i)
        word |= static_cast<std::uint64_t>((t[i] >> (from + j)) & 1) << (i - begin);
      out.plane(j)[w] = word;
    }
  }
  return out;
}

// Bits [from, from + count) of every element of t, bit-sliced.
template <RingElement R>
BitPlanes to_planes(const Tensor<R>& t, int from, int count) {
  if constexpr (std::is_same_v<R, std::uint64_t>) {
    if (count < 8) return to_planes_generic(t, from, count);  // a transpose does not pay off
    BitPlanes out(t.size(), count);
    std::uint64_t block[64];
    for (std::size_t w = 0; w < out.words_per_plane(); ++w) {
      std::size_t begin = w * 64, end = std::min(t.size(), begin + 64);
      for (std::size_t i = 0; i < 64; ++i) block[i] = begin + i < end ? t[begin + i] >> from : 0;
      transpose64(block);
      for (int j = 0; j < count; ++j) out.plane(j)[w] = block[j];
    }
    return out;
  } else {
    return to_planes_generic(t, from, count);
  }
}

// The planes as integers: element i = sum_j bit(j, i) 2^j.
template <RingElement R>
Tensor<R> from_planes(const BitPlanes& b) {
  Tensor<R> out(Shape{b.n()}, R{0});
  for (int j = 0; j < b.planes(); ++j)
    for (std::size_t i = 0; i < b.n(); ++i)
      if (b.get(j, i)) out[i] |= R{1} << j;
  return out;
}

}  // namespace sqt
