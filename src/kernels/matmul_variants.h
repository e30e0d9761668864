// matmul_variants.h — the per-instruction-set entry points of the u64 kernel.
//
// matmul.cpp packs B once (PackedTerms) and calls the variant that
// active_kernel_isa() names on each thread's rows. The AVX2 and AVX-512
// variants exist only in x86-64 builds (SQT_KERNELS_X86).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sqt::kernels {

inline constexpr std::size_t kPanelWidth = 16;   // columns of B per packed panel
inline constexpr std::size_t kDepthBlock = 256;  // inner-dimension block (fits in L1)

// The left factors of a sum of products and the right factors packed into
// ceil(n / 16) panels (panel j holds, for each term t, the k x 16 slice of
// that term's B, zero-padded).
// Plain pointers only: the variant translation units are compiled with
// different instruction sets and must not instantiate shared (COMDAT)
// library templates that the linker could pick for the other variants.
struct PackedTerms {
  const std::uint64_t* const* a;  // `terms` left factors, m x k each
  std::size_t terms;
  const std::uint64_t* packed;
  std::size_t k, n;
  // A[i][p] is a[i * a_row_stride + p * a_depth_stride]: (k, 1) row-major,
  // (1, m) for a transposed left factor.
  std::size_t a_row_stride, a_depth_stride;
};

void matmul_rows_portable(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                          std::size_t row_end);
// C += sum over terms of A * B with exact 128-bit sums of the u64 products
// (kernels/matmul_wide.cpp; scalar, the same code on every CPU). The left
// factors must be row-major (a_depth_stride 1).
void matmul_rows_widening(const PackedTerms& job, unsigned __int128* c, std::size_t row_begin,
                          std::size_t row_end);
#ifdef SQT_KERNELS_X86
void matmul_rows_avx2(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                      std::size_t row_end);
void matmul_rows_avx512(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                        std::size_t row_end);
namespace ifma {
// matmul_rows_widening on AVX-512 IFMA (kernels/matmul_wide_ifma.cpp): the
// same results; only where the CPU has avx512ifma.
void matmul_rows_widening(const PackedTerms& job, unsigned __int128* c, std::size_t row_begin,
                          std::size_t row_end);
}  // namespace ifma
#endif

}  // namespace sqt::kernels
