// field_kernels_ifma.cpp — the AVX-512 IFMA builds of the F_p kernels
// (field_kernels.h), compiled with -mavx512f -mavx512dq -mavx512ifma and
// called only on CPUs that have them.
//
// Eight elements per vector, as three limbs of 52 bits: x = x0 + x1 2^52 +
// x2 2^104 (x2 < 2^23). vpmadd52luq / vpmadd52huq add the low / high 52
// bits of a 52 x 52-bit limb product to a 64-bit lane, so a product is 17
// of them into five column sums t0..t4 of weight 2^(52 i) (a2 b2 < 2^46 has
// no high half). Each column gets at most five addends below 2^52 per
// product, so 512 products can be summed before a lane could wrap; matrix
// products reduce once per 512 multiply-adds.
//
// Reduction of sum t_i 2^(52 i) (every t_i < 2^63.4): carry the columns
// into 52-bit limbs, split the value (254 bits for one product, up to 263
// for 512) at bit 127 into L + 2^127 H
// and add L + H (2^127 = 1 mod p), split once more, and finally map the
// 128-bit value (below 2^127 + 2^104) to [0, p) as Fp127::reduce does.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/field_kernels_variants.h"

namespace sqt::kernels::ifma {
namespace {

using V = __m512i;
constexpr std::size_t kLanes = 8;
constexpr std::size_t kProductsPerReduction = 512;

V splat(std::uint64_t x) {
  return _mm512_set1_epi64(static_cast<long long>(x));
}
// Shifts of every lane. The maskz forms: GCC 12's plain forms start from
// an "undefined" vector and trip -Wuninitialized.
template <unsigned Bits>
V shr(V x) {
  return _mm512_maskz_srli_epi64(0xff, x, Bits);
}
template <unsigned Bits>
V shl(V x) {
  return _mm512_maskz_slli_epi64(0xff, x, Bits);
}
V limb_mask() {
  return splat((std::uint64_t{1} << 52) - 1);
}

// Elements as two vectors of their low and high 64-bit words.
struct Words {
  V lo, hi;
};
struct Limbs {
  V x0, x1, x2;
};
struct Columns {
  V t[5];
};

// The element array interleaves lo, hi; `count` <= 8 elements (a tail).
Words load(const Fp127* p, std::size_t count = kLanes) {
  const auto* words = reinterpret_cast<const long long*>(p);
  const auto first = static_cast<__mmask8>((1u << std::min<std::size_t>(2 * count, 8)) - 1);
  const auto second = static_cast<__mmask8>((1u << (count > 4 ? 2 * count - 8 : 0)) - 1);
  const V a = _mm512_maskz_loadu_epi64(first, words);
  const V b = _mm512_maskz_loadu_epi64(second, words + 8);
  const V even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
  const V odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
  return {_mm512_permutex2var_epi64(a, even, b), _mm512_permutex2var_epi64(a, odd, b)};
}
void store(Fp127* p, Words w, std::size_t count = kLanes) {
  auto* words = reinterpret_cast<long long*>(p);
  const auto first = static_cast<__mmask8>((1u << std::min<std::size_t>(2 * count, 8)) - 1);
  const auto second = static_cast<__mmask8>((1u << (count > 4 ? 2 * count - 8 : 0)) - 1);
  const V low_half = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
  const V high_half = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
  _mm512_mask_storeu_epi64(words, first, _mm512_permutex2var_epi64(w.lo, low_half, w.hi));
  _mm512_mask_storeu_epi64(words + 8, second, _mm512_permutex2var_epi64(w.lo, high_half, w.hi));
}

Limbs to_limbs(Words w) {
  const V m = limb_mask();
  return {_mm512_and_si512(w.lo, m),
          _mm512_and_si512(_mm512_or_si512(shr<52>(w.lo), shl<12>(w.hi)), m), shr<40>(w.hi)};
}
Limbs broadcast_limbs(Fp127 c) {
  const auto lo = static_cast<std::uint64_t>(c.v), hi = static_cast<std::uint64_t>(c.v >> 64);
  const std::uint64_t m = (std::uint64_t{1} << 52) - 1;
  return {splat(lo & m), splat(((lo >> 52) | (hi << 12)) & m), splat(hi >> 40)};
}

Columns zero_columns() {
  const V z = _mm512_setzero_si512();
  return {{z, z, z, z, z}};
}

// c += a b, column by column.
void multiply_add(Columns& c, const Limbs& a, const Limbs& b) {
  V* t = c.t;
  t[0] = _mm512_madd52lo_epu64(t[0], a.x0, b.x0);
  t[1] = _mm512_madd52lo_epu64(t[1], a.x0, b.x1);
  t[1] = _mm512_madd52lo_epu64(t[1], a.x1, b.x0);
  t[1] = _mm512_madd52hi_epu64(t[1], a.x0, b.x0);
  t[2] = _mm512_madd52lo_epu64(t[2], a.x0, b.x2);
  t[2] = _mm512_madd52lo_epu64(t[2], a.x1, b.x1);
  t[2] = _mm512_madd52lo_epu64(t[2], a.x2, b.x0);
  t[2] = _mm512_madd52hi_epu64(t[2], a.x0, b.x1);
  t[2] = _mm512_madd52hi_epu64(t[2], a.x1, b.x0);
  t[3] = _mm512_madd52lo_epu64(t[3], a.x1, b.x2);
  t[3] = _mm512_madd52lo_epu64(t[3], a.x2, b.x1);
  t[3] = _mm512_madd52hi_epu64(t[3], a.x0, b.x2);
  t[3] = _mm512_madd52hi_epu64(t[3], a.x1, b.x1);
  t[3] = _mm512_madd52hi_epu64(t[3], a.x2, b.x0);
  t[4] = _mm512_madd52lo_epu64(t[4], a.x2, b.x2);
  t[4] = _mm512_madd52hi_epu64(t[4], a.x1, b.x2);
  t[4] = _mm512_madd52hi_epu64(t[4], a.x2, b.x1);
}

// x[i] >> 52 added to x[i + 1], x[i] kept to 52 bits.
void carry(V& low, V& high) {
  high = _mm512_add_epi64(high, shr<52>(low));
  low = _mm512_and_si512(low, limb_mask());
}

// r mod p for 128-bit words r <= 2^128 - 3 (see Fp127::reduce): fold bit 127
// into bit 0, then map p to 0 (the fold is <= p).
Words canonical(Words r) {
  const V low63 = splat((std::uint64_t{1} << 63) - 1);
  const V top = shr<63>(r.hi);
  V hi = _mm512_and_si512(r.hi, low63);
  const V lo = _mm512_add_epi64(r.lo, top);
  hi = _mm512_mask_add_epi64(hi, _mm512_cmplt_epu64_mask(lo, top), hi, splat(1));
  const __mmask8 is_p =
      _mm512_cmpeq_epi64_mask(lo, splat(~std::uint64_t{0})) & _mm512_cmpeq_epi64_mask(hi, low63);
  return {_mm512_mask_mov_epi64(lo, is_p, _mm512_setzero_si512()),
          _mm512_mask_mov_epi64(hi, is_p, _mm512_setzero_si512())};
}

Words reduce(const Columns& c) {
  const V m23 = splat((std::uint64_t{1} << 23) - 1);
  V r0 = c.t[0], r1 = c.t[1], r2 = c.t[2], r3 = c.t[3], r4 = c.t[4];
  carry(r0, r1);
  carry(r1, r2);
  carry(r2, r3);
  carry(r3, r4);
  // H = value >> 127 in limbs: bit 127 is bit 23 of r2.
  const V m = limb_mask();
  const V h0 = _mm512_and_si512(_mm512_or_si512(shr<23>(r2), shl<29>(r3)), m);
  const V h1 = _mm512_and_si512(_mm512_or_si512(shr<23>(r3), shl<29>(r4)), m);
  const V h2 = shr<23>(r4);
  V s0 = _mm512_add_epi64(r0, h0), s1 = _mm512_add_epi64(r1, h1);
  V s2 = _mm512_add_epi64(_mm512_and_si512(r2, m23), h2);  // < 2^42
  carry(s0, s1);
  carry(s1, s2);
  s0 = _mm512_add_epi64(s0, shr<23>(s2));  // the second fold at bit 127
  s2 = _mm512_and_si512(s2, m23);
  carry(s0, s1);
  carry(s1, s2);  // s2 <= 2^23: the value is below 2^127 + 2^104
  return canonical({_mm512_or_si512(s0, shl<52>(s1)), _mm512_or_si512(shr<12>(s1), shl<40>(s2))});
}

Words product(const Limbs& a, const Limbs& b) {
  Columns c = zero_columns();
  multiply_add(c, a, b);
  return reduce(c);
}

// a + b for reduced a, b (the sum is <= 2p - 2 < 2^128 - 3).
Words sum(Words a, Words b) {
  const V lo = _mm512_add_epi64(a.lo, b.lo);
  V hi = _mm512_add_epi64(a.hi, b.hi);
  hi = _mm512_mask_add_epi64(hi, _mm512_cmplt_epu64_mask(lo, a.lo), hi, splat(1));
  return canonical({lo, hi});
}
// p - b for reduced b (no borrow: p's words are all ones below bit 127).
Words negated(Words b) {
  return {_mm512_sub_epi64(splat(~std::uint64_t{0}), b.lo),
          _mm512_sub_epi64(splat((std::uint64_t{1} << 63) - 1), b.hi)};
}

// body(i, count) over [0, n) in vectors of 8 and one shorter tail.
template <class Body>
void for_each_vector(std::size_t n, Body body) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) body(i, kLanes);
  if (i < n) body(i, n - i);
}

// The limbs of every element of a (m x k), row-major, three words each.
std::vector<std::uint64_t> pack_rows(const Fp127* a, std::size_t count) {
  std::vector<std::uint64_t> limbs(3 * count);
  const std::uint64_t m = (std::uint64_t{1} << 52) - 1;
  for (std::size_t i = 0; i < count; ++i) {
    const auto lo = static_cast<std::uint64_t>(a[i].v),
               hi = static_cast<std::uint64_t>(a[i].v >> 64);
    limbs[3 * i] = lo & m;
    limbs[3 * i + 1] = ((lo >> 52) | (hi << 12)) & m;
    limbs[3 * i + 2] = hi >> 40;
  }
  return limbs;
}

// B (k x n) in panels of 8 columns (the last zero-padded): panel j holds,
// for each row l, the three limb vectors of B[l, 8j .. 8j + 7].
std::vector<std::uint64_t> pack_panels(const Fp127* b, std::size_t k, std::size_t n) {
  const std::size_t panels = (n + kLanes - 1) / kLanes;
  std::vector<std::uint64_t> packed(panels * k * 3 * kLanes);
  for (std::size_t j = 0; j < panels; ++j) {
    const std::size_t count = std::min(kLanes, n - j * kLanes);
    for (std::size_t l = 0; l < k; ++l) {
      const Limbs limbs = to_limbs(load(b + l * n + j * kLanes, count));
      std::uint64_t* out = packed.data() + ((j * k + l) * 3) * kLanes;
      _mm512_storeu_si512(out, limbs.x0);
      _mm512_storeu_si512(out + kLanes, limbs.x1);
      _mm512_storeu_si512(out + 2 * kLanes, limbs.x2);
    }
  }
  return packed;
}

// Rows i0 .. i0 + R - 1 of C times one panel: R x 8 outputs, held as
// column sums in registers and reduced every 512 products.
template <int R>
void panel_rows(const std::uint64_t* a_rows, const std::uint64_t* panel, std::size_t k, Fp127* c,
                std::size_t n, std::size_t count) {
  Words total[R];
  for (Words& w : total) w = {_mm512_setzero_si512(), _mm512_setzero_si512()};
  for (std::size_t l0 = 0; l0 < k; l0 += kProductsPerReduction) {
    const std::size_t l1 = std::min(k, l0 + kProductsPerReduction);
    Columns columns[R];
    for (Columns& cs : columns) cs = zero_columns();
    for (std::size_t l = l0; l < l1; ++l) {
      const std::uint64_t* bl = panel + l * 3 * kLanes;
      const Limbs b{_mm512_loadu_si512(bl), _mm512_loadu_si512(bl + kLanes),
                    _mm512_loadu_si512(bl + 2 * kLanes)};
      for (int r = 0; r < R; ++r) {
        const std::uint64_t* al = a_rows + (r * k + l) * 3;
        multiply_add(columns[r], Limbs{splat(al[0]), splat(al[1]), splat(al[2])}, b);
      }
    }
    for (int r = 0; r < R; ++r) total[r] = sum(total[r], reduce(columns[r]));
  }
  for (int r = 0; r < R; ++r) store(c + r * n, total[r], count);
}

}  // namespace

void matmul(const Fp127* a, const Fp127* b, Fp127* c, std::size_t m, std::size_t k, std::size_t n) {
  const std::vector<std::uint64_t> a_limbs = pack_rows(a, m * k);
  const std::vector<std::uint64_t> panels = pack_panels(b, k, n);
  constexpr std::size_t kRows = 4;
  for (std::size_t j = 0; j * kLanes < n; ++j) {
    const std::uint64_t* panel = panels.data() + j * k * 3 * kLanes;
    const std::size_t count = std::min(kLanes, n - j * kLanes);
    Fp127* c_panel = c + j * kLanes;
    std::size_t i = 0;
    for (; i + kRows <= m; i += kRows)
      panel_rows<kRows>(a_limbs.data() + i * k * 3, panel, k, c_panel + i * n, n, count);
    for (; i < m; ++i)
      panel_rows<1>(a_limbs.data() + i * k * 3, panel, k, c_panel + i * n, n, count);
  }
}

void add(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(out + i, sum(load(a + i, count), load(b + i, count)), count);
  });
}
void sub(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(out + i, sum(load(a + i, count), negated(load(b + i, count))), count);
  });
}
void mul(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(out + i, product(to_limbs(load(a + i, count)), to_limbs(load(b + i, count))), count);
  });
}
void scale(const Fp127* x, Fp127 c, Fp127* out, std::size_t n) {
  const Limbs cl = broadcast_limbs(c);
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(out + i, product(cl, to_limbs(load(x + i, count))), count);
  });
}
void axpy(Fp127* y, Fp127 c, const Fp127* x, std::size_t n) {
  const Limbs cl = broadcast_limbs(c);
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(y + i, sum(load(y + i, count), product(cl, to_limbs(load(x + i, count)))), count);
  });
}
void add_scale(Fp127* acc, const Fp127* x, Fp127 c, std::size_t n) {
  const Limbs cl = broadcast_limbs(c);
  for_each_vector(n, [&](std::size_t i, std::size_t count) {
    store(acc + i, product(cl, to_limbs(sum(load(acc + i, count), load(x + i, count)))), count);
  });
}

}  // namespace sqt::kernels::ifma
