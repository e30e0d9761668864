// ring.h — the rings Z_{2^64} and Z_{2^128}.
//
// A ring element is an unsigned integer type whose native wrap-around
// arithmetic is exactly arithmetic modulo 2^k. Signed (two's complement)
// views are used for fixed-point decoding and arithmetic shifts.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>

#include "core/u192.h"

namespace sqt {

using u128 = unsigned __int128;
using i128 = __int128;

template <class R>
concept RingElement = std::same_as<R, std::uint64_t> || std::same_as<R, u128>;

// A machine word of a ring Z_{2^k} that protocols compute in: the two
// rings above, and Z_{2^192} (mal3's MACs over Z_{2^128}). Local tensor
// arithmetic, PRG output, messages and matrix products take any of them.
template <class W>
concept RingWord = RingElement<W> || std::same_as<W, u192>;

// Bit width k of the ring Z_{2^k}.
template <RingElement R>
inline constexpr int kRingBits = static_cast<int>(sizeof(R) * 8);

// The signed integer type with the same width as R.
template <RingElement R>
using SignedOf = std::conditional_t<std::is_same_v<R, std::uint64_t>, std::int64_t, i128>;

// Interprets a ring element as a signed (two's complement) integer.
template <RingElement R>
constexpr SignedOf<R> to_signed(R x) {
  return static_cast<SignedOf<R>>(x);
}

// Arithmetic (sign-extending) right shift of the two's complement value of x.
template <RingElement R>
constexpr R arith_shift_right(R x, int m) {
  return static_cast<R>(to_signed(x) >> m);
}

// 2^e as a ring element (e < k).
template <RingElement R>
constexpr R pow2(int e) {
  return static_cast<R>(R{1} << e);
}

// Bit i of x (0 or 1).
template <RingElement R>
constexpr R bit(R x, int i) {
  return (x >> i) & R{1};
}

// Decimal text of a 128-bit or 64-bit signed value.
std::string to_string_signed(i128 value);

}  // namespace sqt
