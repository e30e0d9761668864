// field_kernels.h — array kernels over F_p, p = 2^127 - 1: the local work of
// the shamir protocol (elementwise sums and products, scaled sums for the
// Lagrange combinations of a degree reduction, Horner steps for sharing,
// and matrix products).
//
// Two builds of each kernel: scalar (core/prime_field.h, branch-free, any
// CPU) and AVX-512 IFMA (kernels/field_kernels_ifma.cpp, 8 elements per
// instruction as three 52-bit limbs). IFMA runs when the ring kernels'
// variant is avx512 (kernel_isa.h: SQT_KERNEL or force_kernel_isa pin it)
// and the CPU has the avx512ifma extension; otherwise the scalar build.
// Both give the same, reduced results. Inputs and outputs are arrays of n
// reduced elements owned by the caller; the output of an elementwise
// kernel may alias an input, the output of fp_matmul may not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/prime_field.h"

namespace sqt::kernels {

// "ifma" or "scalar": the build the calls below use now.
std::string_view field_kernel_name();

void fp_add(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
void fp_sub(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
void fp_mul(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
// out[i] = c x[i].
void fp_scale(const Fp127* x, Fp127 c, Fp127* out, std::size_t n);
// y[i] += c x[i].
void fp_axpy(Fp127* y, Fp127 c, const Fp127* x, std::size_t n);
// acc[i] = (acc[i] + x[i]) c: one step of Horner's rule.
void fp_add_scale(Fp127* acc, const Fp127* x, Fp127 c, std::size_t n);
// sum_l x[l] y[l] over k elements, reduced once (scalar in every build).
Fp127 fp_dot(const Fp127* x, const Fp127* y, std::size_t k);
// C = A B for row-major A (m x k), B (k x n), C (m x n); one reduction per
// output element (per 512 products in the IFMA build).
void fp_matmul(const Fp127* a, const Fp127* b, Fp127* c, std::size_t m, std::size_t k,
               std::size_t n);

}  // namespace sqt::kernels
