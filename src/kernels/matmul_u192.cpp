// matmul_u192.cpp — local matrix products over Z_{2^192}: the local work of
// mal3's products over Z_{2^128}, whose values and MACs live modulo 2^192.
//
// A scalar kernel (a u192 multiply-add is three widening and three low
// 64-bit products): each term's B + B2 is summed once, then rows of C are
// updated from cache-sized blocks of B (kBlockDepth rows of kBlockCols
// columns), rows of C split across threads.
#include <algorithm>
#include <vector>

#include "core/tensor.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"

namespace sqt {

namespace {

constexpr std::size_t kBlockCols = 256;  // 6 KiB of a row of C
constexpr std::size_t kBlockDepth = 32;  // 192 KiB of B per block

// One term with its right factor summed (B + B2) and its left factor
// row-major; owns the copies it had to make.
struct PreparedTerm {
  const u192* a = nullptr;
  const u192* b = nullptr;
  UninitVector<u192> a_copy, b_copy;  // written whole before use
};

PreparedTerm prepare(const MatmulTerm<u192>& term, std::size_t m, std::size_t k, std::size_t n,
                     LeftLayout layout) {
  PreparedTerm out;
  out.a = term.a;
  out.b = term.b;
  if (term.b2 != nullptr) {
    out.b_copy.resize(k * n);
    for (std::size_t i = 0; i < k * n; ++i) out.b_copy[i] = term.b[i] + term.b2[i];
    out.b = out.b_copy.data();
  }
  if (layout == LeftLayout::kTransposed) {
    out.a_copy.resize(m * k);
    transpose_into(term.a, out.a_copy.data(), k, m);  // term.a is k x m
    out.a = out.a_copy.data();
  }
  return out;
}

void rows_u192(const std::vector<PreparedTerm>& terms, u192* c, std::size_t begin, std::size_t end,
               std::size_t k, std::size_t n) {
  for (std::size_t j0 = 0; j0 < n; j0 += kBlockCols) {
    const std::size_t cols = std::min(kBlockCols, n - j0);
    for (std::size_t p0 = 0; p0 < k; p0 += kBlockDepth) {
      const std::size_t p1 = std::min(k, p0 + kBlockDepth);
      for (std::size_t i = begin; i < end; ++i) {
        u192* row = c + i * n + j0;
        for (const PreparedTerm& term : terms)
          for (std::size_t p = p0; p < p1; ++p) {
            const u192 a = term.a[i * k + p];
            const u192* b = term.b + p * n + j0;
            for (std::size_t j = 0; j < cols; ++j) row[j] += a * b[j];
          }
      }
    }
  }
}

}  // namespace

template <>
void matmul_add_terms<u192>(std::span<const MatmulTerm<u192>> terms, u192* c, std::size_t m,
                            std::size_t k, std::size_t n, ThreadPool& pool, LeftLayout layout) {
  if (m == 0 || n == 0 || k == 0 || terms.empty()) return;
  std::vector<PreparedTerm> prepared;
  for (const auto& term : terms) prepared.push_back(prepare(term, m, k, n, layout));
  pool.for_ranges(m, matmul_row_grain(k, n), [&](std::size_t begin, std::size_t end) {
    rows_u192(prepared, c, begin, end, k, n);
  });
}

}  // namespace sqt
