// field_kernels_variants.h — the per-instruction-set builds behind
// field_kernels.h (internal to src/kernels): the dispatcher in
// field_kernels.cpp calls one of these. Same contracts as field_kernels.h.
#pragma once

#include <cstddef>

#include "core/prime_field.h"

namespace sqt::kernels::ifma {

void add(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
void sub(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
void mul(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n);
void scale(const Fp127* x, Fp127 c, Fp127* out, std::size_t n);
void axpy(Fp127* y, Fp127 c, const Fp127* x, std::size_t n);
void add_scale(Fp127* acc, const Fp127* x, Fp127 c, std::size_t n);
void matmul(const Fp127* a, const Fp127* b, Fp127* c, std::size_t m, std::size_t k, std::size_t n);

}  // namespace sqt::kernels::ifma
