// matmul_portable.cpp — the portable build of the u64 matrix kernel (2 lanes).
#include "kernels/matmul_tile.h"

namespace sqt::kernels {

void matmul_rows_portable(const PackedTerms& job, std::uint64_t* c, std::size_t row_begin,
                          std::size_t row_end) {
  matmul_rows<2>(job, c, row_begin, row_end);
}

}  // namespace sqt::kernels
