// gf2_kernels_impl.h — the kernels of gf2_kernels.h written once over a
// carry-less multiply policy C; included only by gf2_kernels_portable.cpp
// and gf2_kernels_pclmul.cpp, each with its own policy and instruction set
// (everything here has internal linkage, so the two builds never mix).
//
// A policy provides the accumulator types and multiply-accumulates:
//   Acc, zero(), mac(Acc&, u64 rho, u64 w) (acc += rho w), get(Acc) -> Gf128
//   Acc256, zero256(), mac256(Acc256&, Gf128 x, Gf128 y) (unreduced),
//   get256(Acc256) -> Gf256Unreduced
//   mul_word(u64 w, Gf128 x) -> Gf256Unreduced (w x: two 64-bit products)
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/gf2_128.h"

namespace sqt::kernels {
namespace {

// The 8x8 bit matrix with row r in byte r (column s at bit s) transposed.
inline std::uint64_t transpose8(std::uint64_t x) {
  std::uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;
  x ^= t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL;
  x ^= t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL;
  x ^= t ^ (t << 28);
  return x;
}

// Row i of group 0 in the two arrays of a bit-row layout (rows 0..15 from
// the first, 16..31 from the second; word 16 m of the row's array is row i
// of group m).
inline const std::uint64_t* bit_row(const std::uint64_t* first, const std::uint64_t* second,
                                    int i) {
  return (i < 16 ? first : second) + (i & 15);
}

template <class C>
Gf128 mul_impl(const Gf128& x, const Gf128& y) {
  typename C::Acc256 acc = C::zero256();
  C::mac256(acc, x, y);
  return gf128_reduce(C::get256(acc));
}

template <class C>
void bit_gram_impl(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* b,
                   const std::uint64_t* d, const std::uint64_t* rho, std::size_t groups,
                   Gf128* gram) {
  using Acc = typename C::Acc;
  constexpr std::size_t kChunk = 256;  // groups per pass: 32 KB of each side, in L2
  Acc acc[32][32];
  for (auto& row : acc)
    for (Acc& x : row) x = C::zero();
  for (std::size_t m0 = 0; m0 < groups; m0 += kChunk) {
    const std::size_t m1 = m0 + kChunk < groups ? m0 + kChunk : groups;
    for (int i0 = 0; i0 < 32; i0 += 4) {
      const std::uint64_t* left = bit_row(a, c, i0);
      for (int j0 = 0; j0 < 32; j0 += 2) {
        const std::uint64_t* right = bit_row(b, d, j0);
        Acc s00 = acc[i0][j0], s01 = acc[i0][j0 + 1], s10 = acc[i0 + 1][j0],
            s11 = acc[i0 + 1][j0 + 1], s20 = acc[i0 + 2][j0], s21 = acc[i0 + 2][j0 + 1],
            s30 = acc[i0 + 3][j0], s31 = acc[i0 + 3][j0 + 1];
        for (std::size_t m = m0; m < m1; ++m) {
          const auto r = C::load_rho(rho[m]);
          const std::uint64_t* l = left + 16 * m;
          const std::uint64_t r0 = right[16 * m], r1 = right[16 * m + 1];
          C::mac(s00, r, l[0] & r0);
          C::mac(s01, r, l[0] & r1);
          C::mac(s10, r, l[1] & r0);
          C::mac(s11, r, l[1] & r1);
          C::mac(s20, r, l[2] & r0);
          C::mac(s21, r, l[2] & r1);
          C::mac(s30, r, l[3] & r0);
          C::mac(s31, r, l[3] & r1);
        }
        acc[i0][j0] = s00, acc[i0][j0 + 1] = s01, acc[i0 + 1][j0] = s10;
        acc[i0 + 1][j0 + 1] = s11, acc[i0 + 2][j0] = s20, acc[i0 + 2][j0 + 1] = s21;
        acc[i0 + 3][j0] = s30, acc[i0 + 3][j0 + 1] = s31;
      }
    }
  }
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 32; ++j) gram[32 * i + j] = C::get(acc[i][j]);
}

template <class C>
void bit_weighted_sums_impl(const std::uint64_t* e, const std::uint64_t* rho, std::size_t groups,
                            Gf128* sums) {
  using Acc = typename C::Acc;
  Acc acc[16];
  for (Acc& x : acc) x = C::zero();
  for (std::size_t m = 0; m < groups; ++m) {
    const auto r = C::load_rho(rho[m]);
    for (int i = 0; i < 16; ++i) C::mac(acc[i], r, e[16 * m + i]);
  }
  for (int i = 0; i < 16; ++i) sums[i] = C::get(acc[i]);
}

// table[q][byte] = sum of weight[8 q + s] over the bits s set in byte.
inline void byte_tables(const Gf128* weight, Gf128 (*table)[256]) {
  for (int q = 0; q < 4; ++q) {
    table[q][0] = Gf128{};
    for (int byte = 1; byte < 256; ++byte) {
      const int low = byte & -byte;  // the lowest set bit
      table[q][byte] = table[q][byte ^ low] + weight[8 * q + __builtin_ctz(low)];
    }
  }
}

// The 8x8 byte matrix with row r in word r (column k in byte k) transposed
// in place: afterwards word k holds byte k of every former row r in byte r.
// Three rounds of swapping blocks (32-, 16-, then 8-bit) between rows.
inline void transpose_bytes(std::uint64_t* w) {
  constexpr std::uint64_t kLow[3] = {0x00000000FFFFFFFFULL, 0x0000FFFF0000FFFFULL,
                                     0x00FF00FF00FF00FFULL};
  for (int round = 0, step = 4; round < 3; ++round, step /= 2) {
    const std::uint64_t low = kLow[round];
    const int bits = 8 * step;
    for (int r = 0; r < 8; ++r) {
      if (r & step) continue;
      const std::uint64_t a = w[r], b = w[r + step];
      w[r] = (a & low) | ((b & low) << bits);
      w[r + step] = ((a >> bits) & low) | (b & ~low);
    }
  }
}

// sums[t] = sum of weight[i] over the rows i of group m with bit t set, for
// the 64 bit positions t, from the byte tables.
inline void column_sums(const std::uint64_t* first, const std::uint64_t* second, std::size_t m,
                        const Gf128 (*table)[256], Gf128* sums) {
  // blocks[q][k], byte s: bit 8k + s of the rows 8q..8q+7.
  std::uint64_t blocks[4][8];
  for (int q = 0; q < 4; ++q) {
    const std::uint64_t* rows = bit_row(first, second, 8 * q) + 16 * m;  // 8 consecutive rows
    for (int r = 0; r < 8; ++r) blocks[q][r] = rows[r];
    transpose_bytes(blocks[q]);  // word k, byte r: bits 8k..8k+7 of row r
    for (int k = 0; k < 8; ++k) blocks[q][k] = transpose8(blocks[q][k]);
  }
  // Each sum from its four lookups, in registers.
  for (int k = 0; k < 8; ++k)
    for (int s = 0; s < 8; ++s) {
      const int shift = 8 * s;
      sums[8 * k + s] =
          table[0][(blocks[0][k] >> shift) & 0xFF] + table[1][(blocks[1][k] >> shift) & 0xFF] +
          table[2][(blocks[2][k] >> shift) & 0xFF] + table[3][(blocks[3][k] >> shift) & 0xFF];
    }
}

// X^t p for a product p of degree < 192 (w[3] = 0) and t < 64: a shift of
// the three words into four.
inline Gf256Unreduced shifted_left(const Gf256Unreduced& p, int t) {
  if (t == 0) return p;
  const int back = 64 - t;
  return {{p.w[0] << t, (p.w[1] << t) | (p.w[0] >> back), (p.w[2] << t) | (p.w[1] >> back),
           p.w[2] >> back}};
}

template <class C>
void bit_fold_left_impl(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* rho,
                        std::size_t groups, const Gf128* weight, Gf128* out) {
  Gf128 table[4][256];
  byte_tables(weight, table);
  Gf128 sums[64];
  for (std::size_t m = 0; m < groups; ++m) {
    column_sums(a, c, m, table, sums);
    // (rho X^t) s = X^t (rho s): two 64-bit products and a shift, not four.
    for (int t = 0; t < 64; ++t)
      out[64 * m + static_cast<std::size_t>(t)] =
          gf128_reduce(shifted_left(C::mul_word(rho[m], sums[t]), t));
  }
}

template <class C>
void bit_fold_right_impl(const std::uint64_t* b, const std::uint64_t* d, std::size_t groups,
                         const Gf128* weight, Gf128* out) {
  Gf128 table[4][256];
  byte_tables(weight, table);
  for (std::size_t m = 0; m < groups; ++m) column_sums(b, d, m, table, out + 64 * m);
}

// The Gram matrix of an odd number of rows (one accumulator at a time).
template <class C>
void gram_any_rows(const Gf128* u, const Gf128* v, std::size_t n, std::size_t k,
                   typename C::Acc256* acc) {
  for (std::size_t col = 0; col < n; col += k)
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) C::mac256(acc[k * i + j], u[col + i], v[col + j]);
}

// An even number of rows: 2 x 2 blocks of the matrix accumulate in
// registers over a chunk of columns (in cache) before the next block.
template <class C>
void gram_even_rows(const Gf128* u, const Gf128* v, std::size_t n, std::size_t k,
                    typename C::Acc256* acc) {
  using Acc256 = typename C::Acc256;
  const std::size_t chunk = (std::size_t{8192} / k) * k;  // 128 KB of each side
  for (std::size_t c0 = 0; c0 < n; c0 += chunk) {
    const std::size_t c1 = c0 + chunk < n ? c0 + chunk : n;
    for (std::size_t i = 0; i < k; i += 2)
      for (std::size_t j = 0; j < k; j += 2) {
        Acc256 s00 = acc[k * i + j], s01 = acc[k * i + j + 1], s10 = acc[k * (i + 1) + j],
               s11 = acc[k * (i + 1) + j + 1];
        for (std::size_t col = c0; col < c1; col += k) {
          const Gf128 x0 = u[col + i], x1 = u[col + i + 1], y0 = v[col + j], y1 = v[col + j + 1];
          C::mac256(s00, x0, y0);
          C::mac256(s01, x0, y1);
          C::mac256(s10, x1, y0);
          C::mac256(s11, x1, y1);
        }
        acc[k * i + j] = s00, acc[k * i + j + 1] = s01, acc[k * (i + 1) + j] = s10;
        acc[k * (i + 1) + j + 1] = s11;
      }
  }
}

template <class C>
void gram_impl(const Gf128* u, const Gf128* v, std::size_t n, int rows, Gf128* gram) {
  using Acc256 = typename C::Acc256;
  const auto k = static_cast<std::size_t>(rows);
  Acc256 acc[32 * 32];  // rows <= 32
  for (std::size_t i = 0; i < k * k; ++i) acc[i] = C::zero256();
  if (k % 2 == 0)
    gram_even_rows<C>(u, v, n, k, acc);
  else
    gram_any_rows<C>(u, v, n, k, acc);
  for (std::size_t i = 0; i < k * k; ++i) gram[i] = gf128_reduce(C::get256(acc[i]));
}

template <class C>
void fold_impl(const Gf128* x, std::size_t n, int rows, const Gf128* weight, Gf128* out) {
  const auto k = static_cast<std::size_t>(rows);
  for (std::size_t col = 0; col < n / k; ++col) {
    typename C::Acc256 acc = C::zero256();
    for (std::size_t i = 0; i < k; ++i) C::mac256(acc, weight[i], x[k * col + i]);
    out[col] = gf128_reduce(C::get256(acc));
  }
}

}  // namespace
}  // namespace sqt::kernels
