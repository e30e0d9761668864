// matmul.h — local matrix products over Z_{2^64} and Z_{2^128}.
//
// matmul_add computes C += A * B for row-major A (m x k), B (k x n) and
// C (m x n), wrapping modulo 2^k. This is the local work of every secure
// matrix product, dot product and convolution, so it is our own tuned code:
// B is packed into 16-column panels and a register tile of C (4 x 16; AVX2:
// 2 x 8, kernels/matmul_avx2.cpp) is accumulated over a cache-sized block of
// the inner dimension, for blocks of 64 rows of A at a time, with the widest
// vectors the CPU has (portable, AVX2 or AVX-512, chosen at run time:
// kernels/kernel_isa.h). Rows of C are split across the threads of `pool`.
// Z_{2^128} products are composed from the u64 kernel (the cross terms
// modulo 2^64) and a scalar widening kernel for the low words
// (kernels/matmul_wide.cpp).
#pragma once

#include <cstddef>
#include <span>

#include "core/ring.h"
#include "core/thread_pool.h"

namespace sqt {

template <RingElement R>
void matmul_add(const R* a, const R* b, R* c, std::size_t m, std::size_t k, std::size_t n,
                ThreadPool& pool);

// One term A * (B + B2) of a sum of matrix products; b2 may be null.
template <RingWord R>
struct MatmulTerm {
  const R* a;   // m x k
  const R* b;   // k x n
  const R* b2;  // k x n or nullptr
};

// How the left factors A are stored: row-major m x k, or as their
// transposes (row-major k x m), so that a caller of A^T B makes no
// transposed tensor (the kernel copies A blockwise into row-major order,
// which is faster than reading it transposed).
enum class LeftLayout { kRowMajor, kTransposed };

// C += sum over terms of A * (B + B2), packing all terms once. This is the
// whole local work of a replicated-sharing matrix product.
template <RingWord R>
void matmul_add_terms(std::span<const MatmulTerm<R>> terms, R* c, std::size_t m, std::size_t k,
                      std::size_t n, ThreadPool& pool, LeftLayout layout = LeftLayout::kRowMajor);

// Rows of C per slice of a product with inner dimension k and n columns:
// enough that a slice is worth handing to another thread (2^18 multiply-adds).
inline std::size_t matmul_row_grain(std::size_t k, std::size_t n) {
  const std::size_t per_row = k * n > 0 ? k * n : 1;
  return per_row >= (std::size_t{1} << 18) ? 1 : (std::size_t{1} << 18) / per_row;
}

}  // namespace sqt
