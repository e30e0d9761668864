// field_kernels.cpp — the scalar builds of the F_p kernels and the choice
// between them and the IFMA builds (field_kernels.h).
#include "kernels/field_kernels.h"

#include <algorithm>
#include <vector>

#include "core/fp127_accumulator.h"
#include "kernels/field_kernels_variants.h"
#include "kernels/kernel_isa.h"

namespace sqt::kernels {
namespace {

bool use_ifma() {
  return ifma_kernels_active();
}

template <class Op>
void elementwise(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n, Op op) {
  for (std::size_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
}

// C = A B with B transposed once: dot products of rows, reduced once each;
// columns in blocks that stay in the L2 cache while every row of A passes.
void scalar_matmul(const Fp127* a, const Fp127* b, Fp127* c, std::size_t m, std::size_t k,
                   std::size_t n) {
  std::vector<Fp127> bt(k * n);
  for (std::size_t l = 0; l < k; ++l)
    for (std::size_t j = 0; j < n; ++j) bt[j * k + l] = b[l * n + j];
  constexpr std::size_t kBlockBytes = 256 * 1024;
  const std::size_t block =
      std::max<std::size_t>(1, kBlockBytes / (sizeof(Fp127) * std::max<std::size_t>(k, 1)));
  for (std::size_t j0 = 0; j0 < n; j0 += block) {
    const std::size_t j1 = std::min(n, j0 + block);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = j0; j < j1; ++j) {
        c[i * n + j] = fp_dot(a + i * k, bt.data() + j * k, k);
      }
  }
}

}  // namespace

Fp127 fp_dot(const Fp127* x, const Fp127* y, std::size_t k) {
  Fp127Accumulator sum;
  for (std::size_t l = 0; l < k; ++l) sum.add_product(x[l], y[l]);
  return sum.value();
}

std::string_view field_kernel_name() {
  return use_ifma() ? "ifma" : "scalar";
}

#if defined(SQT_KERNELS_X86)
#define SQT_FIELD_DISPATCH(call) \
  if (use_ifma()) return ifma::call
#else
#define SQT_FIELD_DISPATCH(call)
#endif

void fp_add(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  SQT_FIELD_DISPATCH(add(a, b, out, n));
  elementwise(a, b, out, n, [](Fp127 x, Fp127 y) { return x + y; });
}
void fp_sub(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  SQT_FIELD_DISPATCH(sub(a, b, out, n));
  elementwise(a, b, out, n, [](Fp127 x, Fp127 y) { return x - y; });
}
void fp_mul(const Fp127* a, const Fp127* b, Fp127* out, std::size_t n) {
  SQT_FIELD_DISPATCH(mul(a, b, out, n));
  elementwise(a, b, out, n, [](Fp127 x, Fp127 y) { return x * y; });
}
void fp_scale(const Fp127* x, Fp127 c, Fp127* out, std::size_t n) {
  SQT_FIELD_DISPATCH(scale(x, c, out, n));
  for (std::size_t i = 0; i < n; ++i) out[i] = c * x[i];
}
void fp_axpy(Fp127* y, Fp127 c, const Fp127* x, std::size_t n) {
  SQT_FIELD_DISPATCH(axpy(y, c, x, n));
  for (std::size_t i = 0; i < n; ++i) y[i] += c * x[i];
}
void fp_add_scale(Fp127* acc, const Fp127* x, Fp127 c, std::size_t n) {
  SQT_FIELD_DISPATCH(add_scale(acc, x, c, n));
  if (c.v >> 32 == 0) {  // a party's point: two word products instead of four
    const auto small = static_cast<std::uint32_t>(c.v);
    for (std::size_t i = 0; i < n; ++i) acc[i] = (acc[i] + x[i]).times_small(small);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) acc[i] = (acc[i] + x[i]) * c;
}
void fp_matmul(const Fp127* a, const Fp127* b, Fp127* c, std::size_t m, std::size_t k,
               std::size_t n) {
  SQT_FIELD_DISPATCH(matmul(a, b, c, m, k, n));
  scalar_matmul(a, b, c, m, k, n);
}

}  // namespace sqt::kernels
