// u192.h — the ring Z_{2^192} as a value type of three 64-bit limbs.
//
// mal3 over Z_{2^128} keeps its values and their MACs modulo 2^(128 + 64)
// (proto/mal3/mal3.h). u192 is a plain value (trivially copyable, stored
// little-endian as lo, mid, hi, so its bytes on the wire are those of the
// 192-bit integer) whose +, -, * and shifts wrap modulo 2^192 like the
// built-in unsigned types do modulo their width. Conversions from integers
// are implicit (a negative integer becomes its residue modulo 2^192);
// conversions to narrower types are explicit and keep the low bits.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

namespace sqt {

class u192 {
 public:
  using u64 = std::uint64_t;
  using u128 = unsigned __int128;

  // Left unset like a built-in integer (so that tensors of them can be
  // allocated without zeroing); u192{} is zero.
  u192() = default;
  template <std::integral T>
  constexpr u192(T x)  // NOLINT(google-explicit-constructor): an integer is a ring element
      : lo_(static_cast<u64>(x)), mid_(sign_limb(x)), hi_(sign_limb(x)) {}
  constexpr u192(u128 x)  // NOLINT(google-explicit-constructor)
      : lo_(static_cast<u64>(x)), mid_(static_cast<u64>(x >> 64)), hi_(0) {}
  constexpr u192(__int128 x)  // NOLINT(google-explicit-constructor)
      : lo_(static_cast<u64>(x)), mid_(static_cast<u64>(x >> 64)), hi_(x < 0 ? ~u64{0} : 0) {}
  static constexpr u192 from_limbs(u64 lo, u64 mid, u64 hi) {
    u192 out{};
    out.lo_ = lo;
    out.mid_ = mid;
    out.hi_ = hi;
    return out;
  }

  constexpr u64 limb(int i) const { return i == 0 ? lo_ : i == 1 ? mid_ : hi_; }
  explicit constexpr operator u64() const { return lo_; }
  explicit constexpr operator u128() const { return (static_cast<u128>(mid_) << 64) | lo_; }
  explicit constexpr operator bool() const { return (lo_ | mid_ | hi_) != 0; }

  friend constexpr bool operator==(const u192& a, const u192& b) {
    return a.lo_ == b.lo_ && a.mid_ == b.mid_ && a.hi_ == b.hi_;
  }

  friend constexpr u192 operator+(const u192& a, const u192& b) {
    const u128 low = static_cast<u128>(a.lo_) + b.lo_;
    const u128 mid = (low >> 64) + a.mid_ + b.mid_;
    return from_limbs(static_cast<u64>(low), static_cast<u64>(mid),
                      static_cast<u64>(mid >> 64) + a.hi_ + b.hi_);
  }
  friend constexpr u192 operator-(const u192& a, const u192& b) {
    const u64 borrow_low = a.lo_ < b.lo_ ? 1 : 0;
    const u128 mid = static_cast<u128>(a.mid_) - b.mid_ - borrow_low;
    const u64 borrow_mid = static_cast<u64>(mid >> 127);
    return from_limbs(a.lo_ - b.lo_, static_cast<u64>(mid), a.hi_ - b.hi_ - borrow_mid);
  }
  friend constexpr u192 operator-(const u192& a) { return u192{} - a; }
  // The low 192 bits of the product: three widening and three low products.
  friend constexpr u192 operator*(const u192& a, const u192& b) {
    const u128 p00 = static_cast<u128>(a.lo_) * b.lo_;
    const u128 p01 = static_cast<u128>(a.lo_) * b.mid_;
    const u128 p10 = static_cast<u128>(a.mid_) * b.lo_;
    const u128 mid = (p00 >> 64) + static_cast<u64>(p01) + static_cast<u64>(p10);
    const u64 hi = static_cast<u64>(mid >> 64) + static_cast<u64>(p01 >> 64) +
                   static_cast<u64>(p10 >> 64) + a.lo_ * b.hi_ + a.mid_ * b.mid_ + a.hi_ * b.lo_;
    return from_limbs(static_cast<u64>(p00), static_cast<u64>(mid), hi);
  }

  friend constexpr u192 operator&(const u192& a, const u192& b) {
    return from_limbs(a.lo_ & b.lo_, a.mid_ & b.mid_, a.hi_ & b.hi_);
  }
  friend constexpr u192 operator|(const u192& a, const u192& b) {
    return from_limbs(a.lo_ | b.lo_, a.mid_ | b.mid_, a.hi_ | b.hi_);
  }
  friend constexpr u192 operator^(const u192& a, const u192& b) {
    return from_limbs(a.lo_ ^ b.lo_, a.mid_ ^ b.mid_, a.hi_ ^ b.hi_);
  }
  friend constexpr u192 operator~(const u192& a) { return from_limbs(~a.lo_, ~a.mid_, ~a.hi_); }

  // Shifts by 0 <= m < 192 bits (logical).
  friend constexpr u192 operator<<(const u192& a, int m) {
    u64 limbs[3] = {a.lo_, a.mid_, a.hi_}, out[3] = {0, 0, 0};
    const int words = m / 64, bits = m % 64;
    for (int i = 2; i >= words; --i) {
      out[i] = limbs[i - words] << bits;
      if (bits != 0 && i - words - 1 >= 0) out[i] |= limbs[i - words - 1] >> (64 - bits);
    }
    return from_limbs(out[0], out[1], out[2]);
  }
  friend constexpr u192 operator>>(const u192& a, int m) {
    u64 limbs[3] = {a.lo_, a.mid_, a.hi_}, out[3] = {0, 0, 0};
    const int words = m / 64, bits = m % 64;
    for (int i = 0; i + words <= 2; ++i) {
      out[i] = limbs[i + words] >> bits;
      if (bits != 0 && i + words + 1 <= 2) out[i] |= limbs[i + words + 1] << (64 - bits);
    }
    return from_limbs(out[0], out[1], out[2]);
  }

  constexpr u192& operator+=(const u192& b) { return *this = *this + b; }
  constexpr u192& operator-=(const u192& b) { return *this = *this - b; }
  constexpr u192& operator*=(const u192& b) { return *this = *this * b; }
  constexpr u192& operator&=(const u192& b) { return *this = *this & b; }
  constexpr u192& operator|=(const u192& b) { return *this = *this | b; }
  constexpr u192& operator^=(const u192& b) { return *this = *this ^ b; }
  constexpr u192& operator<<=(int m) { return *this = *this << m; }
  constexpr u192& operator>>=(int m) { return *this = *this >> m; }

 private:
  template <std::integral T>
  static constexpr u64 sign_limb(T x) {
    if constexpr (std::is_signed_v<T>)
      return x < 0 ? ~u64{0} : 0;
    else
      return 0;
  }

  u64 lo_, mid_, hi_;  // value = hi 2^128 + mid 2^64 + lo
};

static_assert(sizeof(u192) == 24 && std::is_trivially_copyable_v<u192> &&
              std::is_trivially_default_constructible_v<u192>);

}  // namespace sqt
