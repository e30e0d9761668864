// gf2_128.h — the binary field K = GF(2^128) = GF(2)[X] / (X^128 + X^7 +
// X^2 + X + 1), for checking binary ANDs with a distributed proof
// (proto/mal3/and_proof.h).
//
// An element is a polynomial of degree < 128 over GF(2), bit t of the 128
// being the coefficient of X^t (lo holds bits 0..63, hi 64..127). Addition
// is XOR (characteristic 2: a + a = 0 and subtraction is addition). A 64-bit
// word w is embedded as the polynomial sum w_t X^t (from_word): injective
// and GF(2)-linear, so a word of 64 bits is zero exactly when its element
// is, and the product of two embedded words (degree < 127) needs no
// reduction. The modulus is the one of AES-GCM (irreducible).
//
// These are the portable scalar operations: every one is exact on any CPU
// (the carry-less multiply is a 4-bit window). kernels/gf2_kernels.h has
// the array kernels the proof spends its time in, with a PCLMULQDQ build.
// Plain value type, no state.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace sqt {

struct Gf128 {
  std::uint64_t lo = 0, hi = 0;

  static constexpr Gf128 from_word(std::uint64_t w) { return {w, 0}; }
  // The element whose bits are the integer j (j < 2^64): the nodes
  // 0, 1, 2, ... of the proof's interpolations are distinct elements.
  static constexpr Gf128 node(std::uint64_t j) { return {j, 0}; }

  constexpr Gf128& operator+=(const Gf128& y) {
    lo ^= y.lo;
    hi ^= y.hi;
    return *this;
  }
  friend constexpr Gf128 operator+(Gf128 x, const Gf128& y) { return x += y; }
  friend constexpr bool operator==(const Gf128&, const Gf128&) = default;
  constexpr bool is_zero() const { return (lo | hi) == 0; }
};

static_assert(sizeof(Gf128) == 16 && alignof(Gf128) == 8, "Gf128 is two words, lo first");

// A product of degree < 255 before reduction: bits 0..255 in w[0..3].
struct Gf256Unreduced {
  std::array<std::uint64_t, 4> w{};
  constexpr Gf256Unreduced& operator+=(const Gf256Unreduced& y) {
    for (int i = 0; i < 4; ++i) w[i] ^= y.w[i];
    return *this;
  }
};

// The carry-less product of two 64-bit polynomials (degree < 127).
constexpr Gf128 clmul64_portable(std::uint64_t a, std::uint64_t b) {
  // table[k] = a * k for the 16 polynomials k of degree < 4 (a * k has
  // degree < 67: the bits above 63 go to the high word).
  std::uint64_t tlo[16]{}, thi[16]{};
  for (unsigned k = 1; k < 16; ++k)
    for (unsigned t = 0; t < 4; ++t)
      if ((k >> t) & 1) {
        tlo[k] ^= a << t;
        thi[k] ^= t == 0 ? 0 : a >> (64 - t);
      }
  std::uint64_t lo = 0, hi = 0;
  for (int shift = 60; shift >= 0; shift -= 4) {  // Horner over the nibbles of b
    hi = (hi << 4) | (lo >> 60);
    lo <<= 4;
    const unsigned k = (b >> shift) & 15;
    lo ^= tlo[k];
    hi ^= thi[k];
  }
  return {lo, hi};
}

// Bits 128..255 of p folded into bits 0..127 (X^128 = X^7 + X^2 + X + 1).
constexpr Gf128 gf128_reduce(const Gf256Unreduced& p) {
  const std::uint64_t h0 = p.w[2], h1 = p.w[3];
  // H (X^7 + X^2 + X + 1) for H = h1:h0, bits up to 134; the 7 bits above
  // 127 (from h1's top) fold once more into the low word.
  const std::uint64_t lo = h0 ^ (h0 << 1) ^ (h0 << 2) ^ (h0 << 7);
  const std::uint64_t hi =
      h1 ^ (h1 << 1) ^ (h1 << 2) ^ (h1 << 7) ^ (h0 >> 63) ^ (h0 >> 62) ^ (h0 >> 57);
  const std::uint64_t over = (h1 >> 63) ^ (h1 >> 62) ^ (h1 >> 57);
  return {p.w[0] ^ lo ^ over ^ (over << 1) ^ (over << 2) ^ (over << 7), p.w[1] ^ hi};
}

// low + middle X^64 + high X^128: the 256-bit product assembled from the
// three 128-bit products of 64-bit halves.
constexpr Gf256Unreduced gf256_from_parts(const Gf128& low, const Gf128& middle,
                                          const Gf128& high) {
  return {{low.lo, low.hi ^ middle.lo, high.lo ^ middle.hi, high.hi}};
}

// x y before reduction (four 64-bit carry-less products).
constexpr Gf256Unreduced gf128_mul_unreduced_portable(const Gf128& x, const Gf128& y) {
  const Gf128 ll = clmul64_portable(x.lo, y.lo), hh = clmul64_portable(x.hi, y.hi);
  const Gf128 m1 = clmul64_portable(x.lo, y.hi), m2 = clmul64_portable(x.hi, y.lo);
  return gf256_from_parts(ll, m1 + m2, hh);
}

constexpr Gf128 gf128_mul(const Gf128& x, const Gf128& y) {
  return gf128_reduce(gf128_mul_unreduced_portable(x, y));
}

constexpr Gf128 gf128_square(const Gf128& x) {
  return gf128_mul(x, x);
}

// x^(2^128 - 2): the inverse of a non-zero x (0 for x = 0).
constexpr Gf128 gf128_inverse(const Gf128& x) {
  // x^(2^128 - 2) = prod_{t=1..127} x^(2^t).
  Gf128 power = gf128_square(x), out{1, 0};
  for (int t = 1; t < 128; ++t) {
    out = gf128_mul(out, power);
    power = gf128_square(power);
  }
  return out;
}

}  // namespace sqt
