// gf2_kernels.h — array kernels over K = GF(2^128) (core/gf2_128.h) for the
// distributed proof that checks mal3's binary ANDs (proto/mal3/and_proof.h).
// The proof spends its time here: one carry-less product per AND gate in
// the first level, about 0.7 K products per gate after it.
//
// Three builds, with the same results: portable (a 4-bit window carry-less
// multiply, any CPU), PCLMULQDQ (x86-64, its own translation unit) and
// AVX-512 (VPCLMULQDQ, four products per instruction, and GFNI for the
// first level's column sums) for every kernel but mul and
// bit_weighted_sums. The AVX-512 build runs when the CPU has AVX-512 F, BW,
// DQ, VL and VBMI, VPCLMULQDQ and GFNI and the ring kernels' variant
// (kernel_isa.h: SQT_KERNEL, force_kernel_isa) is avx512; PCLMULQDQ when
// the CPU has it and the variant is not portable. All pointers are owned by the caller;
// outputs never alias inputs.
//
// "Bit rows" (the first level): the records of W = 16 * groups words hold
// four arrays a, c (the left factors) and b, d (the right factors) of 64
// AND gates per word. Group m has 32 rows: row i < 16 is word 16m + i of a
// (left) and of b (right), row 16 + i word 16m + i of c and of d. P(w) is
// the word w as an element of K (Gf128::from_word).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/gf2_128.h"

namespace sqt::kernels {

// "vpclmul", "pclmul" or "portable": the build the calls below use now.
std::string_view gf2_kernel_name();

// x y (one product; the portable gf128_mul of core/gf2_128.h without the
// carry-less multiply in software where the CPU has one).
Gf128 mul(const Gf128& x, const Gf128& y);

// gram[32 i + j] = sum_m rho[m] P(L(i, m) & R(j, m)) over the groups, where
// L(i, m) is row i's left word and R(j, m) row j's right word (exact: the
// products have degree < 127).
void bit_gram(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* b,
              const std::uint64_t* d, const std::uint64_t* rho, std::size_t groups, Gf128* gram);

// sums[i] = sum_m rho[m] P(e[16 m + i]) for i < 16.
void bit_weighted_sums(const std::uint64_t* e, const std::uint64_t* rho, std::size_t groups,
                       Gf128* sums);

// out[64 m + t] = (rho[m] X^t) * sum of weight[i] over the rows i of group m
// whose left word has bit t set (32 weights; 64 outputs per group).
void bit_fold_left(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* rho,
                   std::size_t groups, const Gf128* weight, Gf128* out);

// out[64 m + t] = sum of weight[j] over the rows j of group m whose right
// word has bit t set.
void bit_fold_right(const std::uint64_t* b, const std::uint64_t* d, std::size_t groups,
                    const Gf128* weight, Gf128* out);

// gram[rows i + j] = sum_c u[rows c + i] v[rows c + j] over the n / rows
// columns (n a multiple of rows, rows <= 32).
void gram(const Gf128* u, const Gf128* v, std::size_t n, int rows, Gf128* gram);

// out[c] = sum_i weight[i] x[rows c + i] for the n / rows columns.
void fold(const Gf128* x, std::size_t n, int rows, const Gf128* weight, Gf128* out);

}  // namespace sqt::kernels
