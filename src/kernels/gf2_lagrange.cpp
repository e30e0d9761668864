// gf2_lagrange.cpp — see gf2_lagrange.h.
#include "kernels/gf2_lagrange.h"

#include <array>
#include <mutex>

#include "core/error.h"
#include "kernels/gf2_kernels.h"

namespace sqt {
namespace {

// 1 / prod_{j != i} (i - j) for the nodes 0..n-1.
std::vector<Gf128> compute_inverse_denominators(int n) {
  std::vector<Gf128> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Gf128 d{1, 0};
    for (int j = 0; j < n; ++j)
      if (j != i) d = kernels::mul(d, Gf128::node(static_cast<std::uint64_t>(i ^ j)));
    out[static_cast<std::size_t>(i)] = gf128_inverse(d);  // portable: once per n
  }
  return out;
}

const std::vector<Gf128>& inverse_denominators(int n) {
  static std::array<std::once_flag, kMaxLagrangeNodes + 1> once;
  static std::array<std::vector<Gf128>, kMaxLagrangeNodes + 1> table;
  const auto k = static_cast<std::size_t>(n);
  std::call_once(once[k], [&] { table[k] = compute_inverse_denominators(n); });
  return table[k];
}

}  // namespace

std::vector<Gf128> lagrange_weights(int n, const Gf128& x) {
  SQT_CHECK(n >= 1 && n <= kMaxLagrangeNodes, "Lagrange weights for {} nodes (1 to {})", n,
            kMaxLagrangeNodes);
  const auto count = static_cast<std::size_t>(n);
  // prefix[i] = prod_{j < i} (x - j), suffix[i] = prod_{j > i} (x - j).
  std::vector<Gf128> prefix(count), suffix(count);
  Gf128 run{1, 0};
  for (std::size_t i = 0; i < count; ++i) {
    prefix[i] = run;
    run = kernels::mul(run, x + Gf128::node(i));
  }
  run = {1, 0};
  for (std::size_t i = count; i-- > 0;) {
    suffix[i] = run;
    run = kernels::mul(run, x + Gf128::node(i));
  }
  const std::vector<Gf128>& inverse = inverse_denominators(n);
  std::vector<Gf128> out(count);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = kernels::mul(kernels::mul(prefix[i], suffix[i]), inverse[i]);
  return out;
}

const std::vector<std::vector<Gf128>>& extension_weights(int n) {
  constexpr int kMax = 64;
  SQT_CHECK(n >= 1 && n <= kMax, "extension weights for {} nodes (1 to {})", n, kMax);
  static std::array<std::once_flag, kMax + 1> once;
  static std::array<std::vector<std::vector<Gf128>>, kMax + 1> table;
  const auto k = static_cast<std::size_t>(n);
  std::call_once(once[k], [&] {
    for (std::size_t t = k; t + 1 < 2 * k; ++t)
      table[k].push_back(lagrange_weights(n, Gf128::node(t)));
  });
  return table[k];
}

Gf128 interpolate_at(std::span<const Gf128> values, const Gf128& x) {
  return gf128_dot(values, lagrange_weights(static_cast<int>(values.size()), x));
}

Gf128 gf128_dot(std::span<const Gf128> a, std::span<const Gf128> b) {
  SQT_CHECK(a.size() == b.size(), "GF(2^128) dot product of {} and {} elements", a.size(),
            b.size());
  Gf128 sum;
  for (std::size_t i = 0; i < a.size(); ++i) sum += kernels::mul(a[i], b[i]);
  return sum;
}

}  // namespace sqt
