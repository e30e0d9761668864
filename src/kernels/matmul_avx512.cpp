// matmul_avx512.cpp — the avx512 build of the u64 matrix kernel (8 lanes).
#include "kernels/matmul_tile.h"

namespace sqt::kernels {

void matmul_rows_avx512(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                        std::size_t row_end) {
  matmul_rows<8>(job, c, row_begin, row_end);
}

}  // namespace sqt::kernels
