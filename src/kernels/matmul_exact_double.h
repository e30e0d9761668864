// matmul_exact_double.h — ring matrix products of small values through a
// float64 GEMM (OpenBLAS), exact or not at all.
//
// The emulator's values are cleartext fixed-point numbers, mostly far below
// 2^53 in magnitude: activations and weights of a network at f = 16 are
// about 2^20, their products 2^40. When every product's magnitude summed
// over the inner dimension stays below 2^53 (max|A| * max|B| * k < 2^53),
// every partial sum of a float64 GEMM is an integer that float64 holds
// exactly, whatever the order of summation, so the GEMM's result read back
// as a signed integer IS the ring product (the ring product modulo 2^k of
// the two's-complement values equals the integer product modulo 2^k).
// OpenBLAS's float64 GEMM runs 20-25 G multiply-adds per second per core
// on AVX2 and AVX-512 CPUs (its kernel is chosen at run time), several
// times our integer kernels (docs/performance.md).
//
// matmul_add_exact_double() checks the bound (one pass over A and B that
// also converts them) and returns false, leaving C untouched, when it does
// not hold; the caller then runs the ring kernel. Secret shares are uniform
// ring elements and never pass the bound: only the emulator uses this.
// OpenBLAS runs on `threads` threads (its thread count is process-wide, so
// calls are serialised by a lock; the emulator runs one party).
#pragma once

#include <cstddef>

#include "core/ring.h"
#include "kernels/matmul.h"

namespace sqt {

// C += A * B (A m x k in `layout`, B k x n, C m x n, row-major) when the
// bound above holds; returns whether it did (and so whether C changed).
template <RingElement R>
bool matmul_add_exact_double(const R* a, const R* b, R* c, std::size_t m, std::size_t k,
                             std::size_t n, int threads, LeftLayout layout = LeftLayout::kRowMajor);

}  // namespace sqt
