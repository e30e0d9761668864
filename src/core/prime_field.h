// prime_field.h — the prime field F_p with p = 2^127 - 1, for protocols that
// share values over a field instead of the ring Z_2^k (Shamir secret
// sharing needs a field: interpolation divides by differences of points).
//
// Why this prime:
// - Size. Fixed point with k = 64 value bits is embedded as signed integers
//   in (-p/2, p/2). Masked openings of comparisons and truncations add a
//   random mask of k + s bits (s = 40 statistical bits) to a value below
//   2^k, and the sum must not wrap: p > 2^(k+s+1) = 2^105 holds with room.
// - Speed. p is a Mersenne prime: 2^127 = 1 (mod p), so reducing a 128-bit
//   integer is one shift, one mask and one add, and a 254-bit product is
//   folded with the same identity (2^128 = 2).
// - Square roots. p = 3 (mod 4), so sqrt(a) = a^((p+1)/4): a random shared
//   bit comes from one opened square (the standard trick of Damgard et al.).
//
// Fp127 holds its value reduced, in [0, p), in an unsigned 128-bit integer;
// every operation returns a reduced value. Conversions to and from signed
// integers use the symmetric representative. Plain value type, no state.
#pragma once

#include <cstdint>
#include <string>

#include "core/ring.h"

namespace sqt {

struct Fp127 {
  static constexpr u128 kP = (u128{1} << 127) - 1;
  u128 v = 0;  // in [0, p); Fp127{} is 0 (an aggregate, so Fp127{0} is too)

  // The residue of x (any 128-bit value; x = p and x = 2p + 1 reduce too).
  // Branch-free: on random data a data-dependent branch mispredicts half
  // the time, which cost more than the arithmetic (9.0 -> 6.1 ns per
  // product over 2^20 random pairs on an AMD EPYC).
  static constexpr Fp127 reduce(u128 x) {
    return canonical((x & kP) + (x >> 127));  // the sum is <= 2^127
  }
  // r mod p for r < 2^128 - 2: r + 1 reaches bit 127 exactly when r >= p,
  // and then (r + 1) mod 2^127 = r - p.
  static constexpr Fp127 canonical(u128 r) { return from_reduced((r + ((r + 1) >> 127)) & kP); }
  // The element of a signed integer, e.g. a fixed-point value.
  static constexpr Fp127 from_signed(i128 x) {
    if (x >= 0) return reduce(static_cast<u128>(x));
    return Fp127{} - reduce(static_cast<u128>(-(x + 1)) + 1);
  }
  // Symmetric representative in (-p/2, p/2).
  constexpr i128 to_signed() const {
    return v <= kP / 2 ? static_cast<i128>(v) : -static_cast<i128>(kP - v);
  }

  friend constexpr bool operator==(Fp127, Fp127) = default;

  friend constexpr Fp127 operator+(Fp127 a, Fp127 b) {
    return canonical(a.v + b.v);  // < 2^128 - 2
  }
  friend constexpr Fp127 operator-(Fp127 a, Fp127 b) {
    return canonical(a.v + (kP - b.v));  // <= 2p - 1 = 2^128 - 3
  }
  constexpr Fp127 operator-() const { return Fp127{} - *this; }

  // Three words below 2^128 whose sum is congruent to a b (mod p), from
  // four 64 x 64 -> 128 products: operator* reduces each word, and
  // Fp127Accumulator adds them to a running sum unreduced.
  struct ProductWords {
    u128 low, middle, high;
  };
  static constexpr ProductWords product_words(Fp127 a, Fp127 b) {
    // a = a1 2^64 + a0 and b likewise, with a1, b1 < 2^63.
    const std::uint64_t a0 = static_cast<std::uint64_t>(a.v),
                        a1 = static_cast<std::uint64_t>(a.v >> 64);
    const std::uint64_t b0 = static_cast<std::uint64_t>(b.v),
                        b1 = static_cast<std::uint64_t>(b.v >> 64);
    const u128 low = u128{a0} * b0;                  // < 2^128
    const u128 mid = u128{a0} * b1 + u128{a1} * b0;  // < 2^128 (each < 2^127)
    const u128 high = u128{a1} * b1;                 // < 2^126
    // a b = high 2^128 + mid 2^64 + low, and 2^128 = 2 (mod p):
    // a b = 2 (high + mid_hi) + mid_lo 2^64 + low.
    return {low, mid << 64, 2 * (high + (mid >> 64))};
  }
  friend constexpr Fp127 operator*(Fp127 a, Fp127 b) {
    const ProductWords w = product_words(a, b);
    return fold3(w.low, w.middle, w.high);
  }

  // a^2 with three word products instead of four.
  constexpr Fp127 squared() const {
    const std::uint64_t a0 = static_cast<std::uint64_t>(v),
                        a1 = static_cast<std::uint64_t>(v >> 64);
    const u128 low = u128{a0} * a0;        // < 2^128
    const u128 mid = 2 * (u128{a0} * a1);  // < 2^128 (a0 a1 < 2^127)
    const u128 high = u128{a1} * a1;       // < 2^126
    const u128 mid_hi = mid >> 64, mid_lo_shifted = mid << 64;
    return fold3(low, mid_lo_shifted, 2 * (high + mid_hi));
  }
  // (x + y + z) mod p for any three 128-bit words: a word folded is
  // <= 2^127 and a reduced one < p, so no sum below wraps 2^128.
  static constexpr Fp127 fold3(u128 x, u128 y, u128 z) {
    const u128 pair = fold(x) + reduce(y).v;
    return reduce(reduce(pair).v + fold(z));
  }
  static constexpr u128 fold(u128 x) { return (x & kP) + (x >> 127); }
  // a c for a small c < 2^32 (the evaluation points of shares): two
  // 64 x 64 products and one reduction instead of four and
  // three. a c = hi 2^64 + lo with hi = a1 c < 2^95, lo = a0 c < 2^96, and
  // hi 2^64 = (hi mod 2^63) 2^64 + floor(hi / 2^63) (mod p).
  constexpr Fp127 times_small(std::uint32_t c) const {
    const u128 hi = u128{static_cast<std::uint64_t>(v >> 64)} * c;
    const u128 lo = u128{static_cast<std::uint64_t>(v)} * c;
    const u128 folded = ((hi & ((u128{1} << 63) - 1)) << 64) + lo + (hi >> 63);  // < 2^128
    return reduce(folded);
  }
  // a^(2^k) by k squarings.
  constexpr Fp127 squared_times(int k) const {
    Fp127 x = *this;
    for (int i = 0; i < k; ++i) x = x.squared();
    return x;
  }
  // a^(2^k - 1) for 1 <= k <= 127 by an addition chain on the exponent
  // (2^(a+b) - 1 = (2^a - 1) 2^b + 2^b - 1): k - 1 squarings and about
  // 2 log2(k) products, against k - 1 products by square-and-multiply.
  constexpr Fp127 pow_all_ones(int k) const {
    Fp127 power[8]{*this};  // power[j] = a^(2^(2^j) - 1)
    int j = 0;
    for (; (2 << j) <= k; ++j) power[j + 1] = power[j].squared_times(1 << j) * power[j];
    Fp127 result = power[j];
    int have = 1 << j;
    for (int i = j - 1; i >= 0; --i)
      if (have + (1 << i) <= k) {
        result = result.squared_times(1 << i) * power[i];
        have += 1 << i;
      }
    return result;
  }

  Fp127& operator+=(Fp127 b) { return *this = *this + b; }
  Fp127& operator-=(Fp127 b) { return *this = *this - b; }
  Fp127& operator*=(Fp127 b) { return *this = *this * b; }

  // a^e by square-and-multiply.
  constexpr Fp127 pow(u128 e) const {
    Fp127 result = one(), base = *this;
    for (; e; e >>= 1) {
      if (e & 1) result *= base;
      base *= base;
    }
    return result;
  }
  // The inverse (Fermat: a^(p-2)); the inverse of 0 is 0, callers check.
  constexpr Fp127 inverse() const { return pow(kP - 2); }
  // A square root of a square (p = 3 mod 4): a^((p+1)/4); the other is its
  // negation. For a non-square the result squares to -a.
  constexpr Fp127 sqrt() const { return pow((kP + 1) / 4); }

  static constexpr Fp127 one() { return from_reduced(1); }
  static constexpr Fp127 from_reduced(u128 r) { return Fp127{r}; }
};

// The element 2^e (0 <= e < 127).
constexpr Fp127 fp_pow2(int e) {
  return Fp127::from_reduced(u128{1} << e);
}

// A uniform element from 16 random bytes: the low 127 bits, with p itself
// mapped to 0 (a bias of 2^-127, far below every statistical parameter).
constexpr Fp127 fp_from_random_bits(u128 bits) {
  return Fp127::reduce(bits & Fp127::kP);
}

// Decimal text of the symmetric representative (tests and errors).
inline std::string to_string(Fp127 x) {
  return to_string_signed(x.to_signed());
}

}  // namespace sqt
