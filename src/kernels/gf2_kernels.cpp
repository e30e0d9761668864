// gf2_kernels.cpp — see gf2_kernels.h: picks the build per call.
#include "kernels/gf2_kernels.h"

#include "core/error.h"
#include "kernels/gf2_kernels_variants.h"
#include "kernels/kernel_isa.h"

namespace sqt::kernels {
namespace {

const Gf2KernelTable& active() {
#ifdef SQT_KERNELS_X86
  static const Gf2KernelTable* const pclmul = gf2_kernels_pclmul();
  static const Gf2KernelTable* const wide = vpclmul::kernel_table();
  const KernelIsa isa = active_kernel_isa();
  if (wide != nullptr && isa == KernelIsa::avx512) return *wide;
  if (pclmul != nullptr && isa != KernelIsa::portable) return *pclmul;
#endif
  return gf2_kernels_portable();
}

}  // namespace

#ifndef SQT_KERNELS_X86
const Gf2KernelTable* gf2_kernels_pclmul() {
  return nullptr;
}
namespace vpclmul {
const Gf2KernelTable* kernel_table() {
  return nullptr;
}
}  // namespace vpclmul
#endif

std::string_view gf2_kernel_name() {
  return active().name;
}

Gf128 mul(const Gf128& x, const Gf128& y) {
  return active().mul(x, y);
}

void bit_gram(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* b,
              const std::uint64_t* d, const std::uint64_t* rho, std::size_t groups, Gf128* gram) {
  active().bit_gram(a, c, b, d, rho, groups, gram);
}

void bit_weighted_sums(const std::uint64_t* e, const std::uint64_t* rho, std::size_t groups,
                       Gf128* sums) {
  active().bit_weighted_sums(e, rho, groups, sums);
}

void bit_fold_left(const std::uint64_t* a, const std::uint64_t* c, const std::uint64_t* rho,
                   std::size_t groups, const Gf128* weight, Gf128* out) {
  active().bit_fold_left(a, c, rho, groups, weight, out);
}

void bit_fold_right(const std::uint64_t* b, const std::uint64_t* d, std::size_t groups,
                    const Gf128* weight, Gf128* out) {
  active().bit_fold_right(b, d, groups, weight, out);
}

void gram(const Gf128* u, const Gf128* v, std::size_t n, int rows, Gf128* out) {
  SQT_CHECK(rows >= 1 && rows <= 32 && n % static_cast<std::size_t>(rows) == 0,
            "GF(2^128) Gram matrix of {} entries in {} rows (1 to 32 rows, dividing the entries)",
            n, rows);
  active().gram(u, v, n, rows, out);
}

void fold(const Gf128* x, std::size_t n, int rows, const Gf128* weight, Gf128* out) {
  SQT_CHECK(rows >= 1 && n % static_cast<std::size_t>(rows) == 0,
            "GF(2^128) fold of {} entries in {} rows (the rows must divide the entries)", n, rows);
  active().fold(x, n, rows, weight, out);
}

}  // namespace sqt::kernels
