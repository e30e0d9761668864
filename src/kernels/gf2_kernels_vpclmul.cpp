// gf2_kernels_vpclmul.cpp — the AVX-512 build of five kernels of
// gf2_kernels.h (x86-64, compiled with -mavx512f -mavx512bw -mavx512dq
// -mavx512vl -mavx512vbmi -mvpclmulqdq -mgfni -mpclmul; called only on CPUs
// that have them all, when the ring kernels' variant is avx512): bit_gram,
// bit_fold_left, bit_fold_right, gram and fold. VPCLMULQDQ multiplies in
// four 128-bit lanes at once; the first level's column sums are GF(2)
// matrix products with GF2P8AFFINEQB. mul and bit_weighted_sums are the
// PCLMULQDQ build's (gf2_kernels_pclmul.cpp). Nothing here uses the inline
// operators of core/gf2_128.h (a copy compiled with these flags must not
// be the one the linker keeps for other callers).
//
// Layout: a Gf128 {lo, hi} is one 128-bit lane (little-endian), so four
// consecutive elements are one 512-bit load. Products in K use Karatsuba
// (low, high and middle sums kept apart, combined once, as in the
// PCLMULQDQ build) and are reduced in the lanes by three more products
// with the modulus' low part 0x87.
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics pass a deliberately undefined register
// (`__m512i __Y = __Y;`) as the unused merge source, which its flow
// analysis reports when inlined here; no value of ours is uninitialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "kernels/gf2_kernels_variants.h"

namespace sqt::kernels::vpclmul {
namespace {

using V = __m512i;

V zero() {
  return _mm512_setzero_si512();
}
V add(V a, V b) {
  return _mm512_xor_si512(a, b);
}
// Each lane's high 64 bits added to its low 64 bits (Karatsuba's middle factor).
V halves_added(V a) {
  return add(a, _mm512_bsrli_epi128(a, 8));
}
V load4(const Gf128* x) {
  return _mm512_loadu_si512(x);
}
void store4(Gf128* out, V x) {
  _mm512_storeu_si512(out, x);
}
V broadcast(const Gf128& x) {
  const V lane = _mm512_zextsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&x)));
  return _mm512_shuffle_i64x2(lane, lane, 0x00);  // lane 0 to all four
}

// Unreduced sums of products in four lanes.
struct Acc {
  V low = zero(), middle = zero(), high = zero();
  // += x y for x, y with their halves_added xf, yf.
  void mac(V x, V xf, V y, V yf) {
    low = add(low, _mm512_clmulepi64_epi128(x, y, 0x00));
    high = add(high, _mm512_clmulepi64_epi128(x, y, 0x11));
    middle = add(middle, _mm512_clmulepi64_epi128(xf, yf, 0x00));
  }
};

// The sums reduced modulo X^128 + X^7 + X^2 + X + 1, lane by lane.
V reduce(const Acc& acc) {
  const V mid = add(acc.middle, add(acc.low, acc.high));  // Karatsuba's middle term
  // The product is t0 + t1 X^64 + t2 X^128 + t3 X^192 (64-bit t's):
  // low128 = t0 + t1 X^64, high128 = t2 + t3 X^64.
  const V low128 = add(acc.low, _mm512_bslli_epi128(mid, 8));
  const V high128 = add(acc.high, _mm512_bsrli_epi128(mid, 8));
  // high128 X^128 = high128 (X^7 + X^2 + X + 1): t2 * 0x87 (128 bits) plus
  // (t3 * 0x87) X^64, whose top bits (above X^128, at most 7) fold once more.
  const V poly = _mm512_set1_epi64(0x87);
  const V t2 = _mm512_clmulepi64_epi128(high128, poly, 0x00);
  const V t3 = _mm512_clmulepi64_epi128(high128, poly, 0x01);
  const V over = _mm512_clmulepi64_epi128(_mm512_bsrli_epi128(t3, 8), poly, 0x00);
  return add(add(low128, t2), add(_mm512_bslli_epi128(t3, 8), over));
}

// Four 64-bit words, one in the low half of each lane (the high halves are
// ignored by the products below).
V words_in_lanes(const std::uint64_t* w) {
  const V four = _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)));
  return _mm512_permutexvar_epi64(_mm512_set_epi64(3, 3, 2, 2, 1, 1, 0, 0), four);
}

// Row i (0 to 31) of the bits of group 0: rows 0 to 15 are the words of
// `first`, rows 16 to 31 those of `second` (16 words per group in each).
const std::uint64_t* bit_row(const std::uint64_t* first, const std::uint64_t* second, int i) {
  return (i < 16 ? first : second) + (i & 15);
}

// See gf2_kernels.h; rows in blocks of 4 (left) by 8 (right), groups in
// chunks that stay in cache.
void bit_gram(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* b,
              const std::uint64_t* d, const std::uint64_t* rho, std::size_t groups, Gf128* gram) {
  constexpr std::size_t kChunk = 256;
  V acc[32][8];  // row i, right rows 4q .. 4q + 3
  for (auto& row : acc)
    for (V& x : row) x = zero();
  for (std::size_t m0 = 0; m0 < groups; m0 += kChunk) {
    const std::size_t m1 = m0 + kChunk < groups ? m0 + kChunk : groups;
    for (int i0 = 0; i0 < 32; i0 += 4)
      for (int q0 = 0; q0 < 8; q0 += 2) {
        V s[4][2];
        for (int i = 0; i < 4; ++i)
          for (int q = 0; q < 2; ++q) s[i][q] = acc[i0 + i][q0 + q];
        const std::uint64_t* right0 = bit_row(b, d, 4 * q0);
        const std::uint64_t* right1 = bit_row(b, d, 4 * q0 + 4);
        for (std::size_t m = m0; m < m1; ++m) {
          const V r = _mm512_set1_epi64(static_cast<long long>(rho[m]));
          const V y0 = words_in_lanes(right0 + 16 * m), y1 = words_in_lanes(right1 + 16 * m);
          for (int i = 0; i < 4; ++i) {
            const V x = _mm512_set1_epi64(static_cast<long long>(bit_row(a, c, i0 + i)[16 * m]));
            s[i][0] = add(s[i][0], _mm512_clmulepi64_epi128(r, _mm512_and_si512(x, y0), 0x00));
            s[i][1] = add(s[i][1], _mm512_clmulepi64_epi128(r, _mm512_and_si512(x, y1), 0x00));
          }
        }
        for (int i = 0; i < 4; ++i)
          for (int q = 0; q < 2; ++q) acc[i0 + i][q0 + q] = s[i][q];
      }
  }
  for (int i = 0; i < 32; ++i)
    for (int q = 0; q < 8; ++q) store4(gram + 32 * i + 4 * q, acc[i][q]);
}

// gram for rows = 2: lanes (column, right row) over two columns at once.
void gram_two_rows(const Gf128* u, const Gf128* v, std::size_t n, Acc& left0, Acc& left1) {
  for (std::size_t at = 0; at + 4 <= n; at += 4) {  // columns at/2 and at/2 + 1
    const V us = load4(u + at), vs = load4(v + at);
    const V vf = halves_added(vs);
    const V x0 = _mm512_shuffle_i64x2(us, us, 0xA0);  // lanes 0, 0, 2, 2: row 0
    const V x1 = _mm512_shuffle_i64x2(us, us, 0xF5);  // lanes 1, 1, 3, 3: row 1
    left0.mac(x0, halves_added(x0), vs, vf);
    left1.mac(x1, halves_added(x1), vs, vf);
  }
}

// gram for rows a multiple of 4: lanes = 4 right rows, blocks of 2 left
// rows by 8 right rows over a chunk of columns in cache.
void gram_rows_by_four(const Gf128* u, const Gf128* v, std::size_t n, std::size_t k, Acc* acc) {
  const std::size_t chunk = (std::size_t{8192} / k) * k;
  const std::size_t quads = k / 4;  // accumulators per left row
  for (std::size_t c0 = 0; c0 < n; c0 += chunk) {
    const std::size_t c1 = c0 + chunk < n ? c0 + chunk : n;
    for (std::size_t i = 0; i < k; i += 2)
      for (std::size_t q = 0; q < quads; q += 2) {
        const bool pair = q + 1 < quads;
        Acc s00 = acc[quads * i + q], s10 = acc[quads * (i + 1) + q], s01, s11;
        if (pair) s01 = acc[quads * i + q + 1], s11 = acc[quads * (i + 1) + q + 1];
        for (std::size_t col = c0; col < c1; col += k) {
          const V x0 = broadcast(u[col + i]), x1 = broadcast(u[col + i + 1]);
          const V x0f = halves_added(x0), x1f = halves_added(x1);
          const V y0 = load4(v + col + 4 * q), y0f = halves_added(y0);
          s00.mac(x0, x0f, y0, y0f);
          s10.mac(x1, x1f, y0, y0f);
          if (pair) {
            const V y1 = load4(v + col + 4 * q + 4), y1f = halves_added(y1);
            s01.mac(x0, x0f, y1, y1f);
            s11.mac(x1, x1f, y1, y1f);
          }
        }
        acc[quads * i + q] = s00, acc[quads * (i + 1) + q] = s10;
        if (pair) acc[quads * i + q + 1] = s01, acc[quads * (i + 1) + q + 1] = s11;
      }
  }
}

void gram(const Gf128* u, const Gf128* v, std::size_t n, int rows, Gf128* out) {
  const auto k = static_cast<std::size_t>(rows);
  if (k == 2) {
    Acc left0, left1;
    gram_two_rows(u, v, n, left0, left1);
    if (n % 4 != 0) {  // an odd number of columns: the last one in lanes 0 and 1
      const V y =
          _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + n - 2)));
      const V yf = halves_added(y), x0 = broadcast(u[n - 2]), x1 = broadcast(u[n - 1]);
      left0.mac(x0, halves_added(x0), y, yf);
      left1.mac(x1, halves_added(x1), y, yf);
    }
    // Lanes 0 and 2 hold (i, 0) of two columns, lanes 1 and 3 (i, 1): the
    // halves swapped and added leave (i, 0), (i, 1) in lanes 0 and 1.
    for (int i = 0; i < 2; ++i) {
      const V r = reduce(i == 0 ? left0 : left1);
      const V sums = add(r, _mm512_shuffle_i64x2(r, r, 0x4E));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i), _mm512_castsi512_si256(sums));
    }
    return;
  }
  if (k % 4 != 0) {  // 1 row, or an odd number (not used by the proof)
    gf2_kernels_pclmul()->gram(u, v, n, rows, out);
    return;
  }
  Acc acc[32 * 8];  // rows <= 32: k x k/4
  const std::size_t quads = k / 4;
  gram_rows_by_four(u, v, n, k, acc);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t q = 0; q < quads; ++q) store4(out + k * i + 4 * q, reduce(acc[quads * i + q]));
}

// fold: lanes = four columns; row i's entries of them gathered by 128-bit
// inserts, the weight broadcast.
void fold(const Gf128* x, std::size_t n, int rows, const Gf128* weight, Gf128* out) {
  const auto k = static_cast<std::size_t>(rows);
  if (k == 0 || k > 64) {
    gf2_kernels_pclmul()->fold(x, n, rows, weight, out);
    return;
  }
  V w[64], wf[64];
  for (std::size_t i = 0; i < k; ++i) w[i] = broadcast(weight[i]), wf[i] = halves_added(w[i]);
  const std::size_t columns = n / k;
  std::size_t col = 0;
  for (; col + 4 <= columns; col += 4) {
    Acc acc;
    const Gf128* base = x + k * col;
    for (std::size_t i = 0; i < k; ++i) {
      const auto entry = [&](std::size_t l) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + k * l + i));
      };
      const __m256i low = _mm256_inserti128_si256(_mm256_castsi128_si256(entry(0)), entry(1), 1);
      const __m256i high = _mm256_inserti128_si256(_mm256_castsi128_si256(entry(2)), entry(3), 1);
      const V e = _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
      acc.mac(w[i], wf[i], e, halves_added(e));
    }
    store4(out + col, reduce(acc));
  }
  for (; col < columns; ++col) {  // the last columns one at a time (lane 0)
    Acc acc;
    for (std::size_t i = 0; i < k; ++i) {
      const V e = broadcast(x[k * col + i]);
      acc.mac(w[i], wf[i], e, halves_added(e));
    }
    Gf128 lanes[4];
    store4(lanes, reduce(acc));
    out[col] = lanes[0];
  }
}

// Column sums (bit_fold_right) as GF(2) matrix products with GFNI. For the
// 8 rows 8q..8q+7 of a group and bit position t, x = the byte of their bits
// at t; byte b of sums[t] is the 8 x 8 bit matrix M(q, b) (bit u of the
// output from bits 8b + u of the rows' weights) times x, summed over q.
// GF2P8AFFINEQB multiplies each byte of a qword by the matrix in the same
// qword of its second operand: out.bit[u] = parity(A.byte[7 - u] & x).

// The 8 x 8 byte matrix of 8 rows (row r = word r) transposed, so that
// qword k holds byte k of every row (byte r from row r).
V byte_transpose_index() {
  alignas(64) std::uint8_t index[64];
  for (int k = 0; k < 8; ++k)
    for (int r = 0; r < 8; ++r) index[8 * k + r] = static_cast<std::uint8_t>(8 * r + k);
  return _mm512_load_si512(index);
}

// Affine operand that transposes the bits of each qword with the rows
// reversed: applied to P (qword k, byte r = bits 8k..8k+7 of row r), byte s
// of qword k of the result has bit 7 - r = bit 8k + s of row r.
V bit_transpose_operand() {
  return _mm512_set1_epi64(static_cast<long long>(0x8040201008040201ULL));
}

struct ColumnMatrices {
  V m[4][2];  // rows 8q.., output bytes 8h..8h+7: qword l is M(q, 8h + l)
};

// M(q, b): A.byte[7 - u].bit[7 - r] = bit 8b + u of weight[8q + r] (the
// reversed row order of bit_transpose_operand).
ColumnMatrices column_matrices(const Gf128* weight) {
  ColumnMatrices out;
  for (int q = 0; q < 4; ++q)
    for (int h = 0; h < 2; ++h) {
      alignas(64) std::uint64_t lanes[8];
      for (int l = 0; l < 8; ++l) {
        const int b = 8 * h + l;
        std::uint64_t a = 0;
        for (int r = 0; r < 8; ++r) {
          const Gf128& w = weight[8 * q + r];
          const std::uint64_t byte = ((b < 8 ? w.lo : w.hi) >> (8 * (b % 8))) & 0xFF;
          for (int u = 0; u < 8; ++u)
            if ((byte >> u) & 1) a |= std::uint64_t{1} << (8 * (7 - u) + (7 - r));
        }
        lanes[l] = a;
      }
      out.m[q][h] = _mm512_load_si512(lanes);
    }
  return out;
}

// The indices that turn R0, R1 (qword l of Rh: byte 8h + l of sums[8k + s]
// in byte s) into sums 8k + 4 half .. + 4 (16 bytes each).
V sums_index(int half) {
  alignas(64) std::uint8_t index[64];
  for (int s = 0; s < 4; ++s)
    for (int b = 0; b < 16; ++b)
      index[16 * s + b] = static_cast<std::uint8_t>((b / 8) * 64 + 8 * (b % 8) + 4 * half + s);
  return _mm512_load_si512(index);
}

// The constants of column_sums for one set of weights.
struct ColumnSumsPlan {
  ColumnMatrices mats;
  V transpose_bytes, transpose_bits, low_sums, high_sums;
  explicit ColumnSumsPlan(const Gf128* weight)
      : mats(column_matrices(weight)),
        transpose_bytes(byte_transpose_index()),
        transpose_bits(bit_transpose_operand()),
        low_sums(sums_index(0)),
        high_sums(sums_index(1)) {}
};

void column_sums(const ColumnSumsPlan& plan, const std::uint64_t* first,
                 const std::uint64_t* second, std::size_t groups, Gf128* out) {
  const ColumnMatrices& mats = plan.mats;
  const V transpose_bytes = plan.transpose_bytes, transpose_bits = plan.transpose_bits;
  const V low_sums = plan.low_sums, high_sums = plan.high_sums;
  for (std::size_t m = 0; m < groups; ++m) {
    V bits[4];  // qword k, byte s: the bits of rows 8q.. at position 8k + s
    for (int q = 0; q < 4; ++q) {
      const std::uint64_t* rows = bit_row(first, second, 8 * q) + 16 * m;
      const V p = _mm512_permutexvar_epi8(transpose_bytes, _mm512_loadu_si512(rows));
      bits[q] = _mm512_gf2p8affine_epi64_epi8(transpose_bits, p, 0);
    }
    for (int k = 0; k < 8; ++k) {
      const V pick = _mm512_set1_epi64(k);
      V r0 = zero(), r1 = zero();
      for (int q = 0; q < 4; ++q) {
        const V x = _mm512_permutexvar_epi64(pick, bits[q]);
        r0 = add(r0, _mm512_gf2p8affine_epi64_epi8(x, mats.m[q][0], 0));
        r1 = add(r1, _mm512_gf2p8affine_epi64_epi8(x, mats.m[q][1], 0));
      }
      Gf128* at = out + 64 * m + 8 * k;
      store4(at, _mm512_permutex2var_epi8(r0, low_sums, r1));
      store4(at + 4, _mm512_permutex2var_epi8(r0, high_sums, r1));
    }
  }
}

void bit_fold_right(const std::uint64_t* b, const std::uint64_t* d, std::size_t groups,
                    const Gf128* weight, Gf128* out) {
  column_sums(ColumnSumsPlan(weight), b, d, groups, out);
}

// bit_fold_left = bit_fold_right's column sums, each then multiplied by
// rho_m X^t: lanes = four bit positions t, rho_m X^t built by variable
// shifts ({rho << t, rho >> (64 - t)}; a shift by 64 gives 0). Groups in
// chunks whose sums stay in cache between the two passes.
void bit_fold_left(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* rho,
                   std::size_t groups, const Gf128* weight, Gf128* out) {
  constexpr std::size_t kChunk = 64;  // groups: 64 KB of sums
  V shifts[16];                       // qwords (t, 64 - t) for t = 4 q + lane
  for (int q = 0; q < 16; ++q) {
    const long long t = 4 * q;
    shifts[q] = _mm512_set_epi64(61 - t, t + 3, 62 - t, t + 2, 63 - t, t + 1, 64 - t, t);
  }
  const ColumnSumsPlan plan(weight);
  for (std::size_t m0 = 0; m0 < groups; m0 += kChunk) {
    const std::size_t count = groups - m0 < kChunk ? groups - m0 : kChunk;
    column_sums(plan, a + 16 * m0, c + 16 * m0, count, out + 64 * m0);
    for (std::size_t m = m0; m < m0 + count; ++m) {
      const V r = _mm512_set1_epi64(static_cast<long long>(rho[m]));
      for (int q = 0; q < 16; ++q) {
        Gf128* at = out + 64 * m + 4 * q;
        const V rx = _mm512_mask_blend_epi64(0xAA, _mm512_sllv_epi64(r, shifts[q]),
                                             _mm512_srlv_epi64(r, shifts[q]));
        const V sums = load4(at);
        Acc acc;
        acc.mac(rx, halves_added(rx), sums, halves_added(sums));
        store4(at, reduce(acc));
      }
    }
  }
}

}  // namespace

const Gf2KernelTable* kernel_table() {
  const Gf2KernelTable* pclmul = gf2_kernels_pclmul();
  if (pclmul == nullptr || !__builtin_cpu_supports("avx512f") ||
      !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512vl") || !__builtin_cpu_supports("avx512vbmi") ||
      !__builtin_cpu_supports("vpclmulqdq") || !__builtin_cpu_supports("gfni"))
    return nullptr;
  static const Gf2KernelTable table{"vpclmul",
                                    pclmul->mul,
                                    vpclmul::bit_gram,
                                    pclmul->bit_weighted_sums,
                                    vpclmul::bit_fold_left,
                                    vpclmul::bit_fold_right,
                                    vpclmul::gram,
                                    vpclmul::fold};
  return &table;
}

}  // namespace sqt::kernels::vpclmul
