// block.h — a 128-bit value, the unit of oblivious-transfer keys and messages.
//
// A Block is a plain value (two 64-bit words, lo then hi; bit j is bit j % 64
// of word j / 64). It owns nothing; vectors of Blocks are owned by whoever
// holds them.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "crypto/os_random.h"

namespace sqt {

struct Block {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;

  Block& operator^=(const Block& other) {
    lo ^= other.lo;
    hi ^= other.hi;
    return *this;
  }
  friend Block operator^(Block a, const Block& b) { return a ^= b; }
  friend Block operator&(const Block& a, const Block& b) { return {a.lo & b.lo, a.hi & b.hi}; }
  friend bool operator==(const Block&, const Block&) = default;

  bool bit(int j) const { return (((j < 64) ? lo : hi) >> (j % 64)) & 1; }
  // An AES-128 key with the Block's 16 bytes (in memory order).
  Key128 to_key() const {
    Key128 key;
    std::memcpy(key.data(), this, sizeof key);
    return key;
  }
};
static_assert(sizeof(Block) == 16);

}  // namespace sqt
