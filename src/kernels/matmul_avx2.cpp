// matmul_avx2.cpp — the avx2 build of the u64 matrix kernel (4 lanes).
#include "kernels/matmul_tile.h"

namespace sqt::kernels {

void matmul_rows_avx2(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                      std::size_t row_end) {
  matmul_rows<4>(job, c, row_begin, row_end);
}

}  // namespace sqt::kernels
