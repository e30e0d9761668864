// gf2_kernels_variants.h — the builds of the GF(2^128) kernels
// (gf2_kernels.h): a table of entry points per build. gf2_kernels.cpp picks
// one per call; the tests run each against plain references.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/gf2_128.h"

namespace sqt::kernels {

struct Gf2KernelTable {
  const char* name;
  Gf128 (*mul)(const Gf128&, const Gf128&);
  void (*bit_gram)(const std::uint64_t*, const std::uint64_t*, const std::uint64_t*,
                   const std::uint64_t*, const std::uint64_t*, std::size_t, Gf128*);
  void (*bit_weighted_sums)(const std::uint64_t*, const std::uint64_t*, std::size_t, Gf128*);
  void (*bit_fold_left)(const std::uint64_t*, const std::uint64_t*, const std::uint64_t*,
                        std::size_t, const Gf128*, Gf128*);
  void (*bit_fold_right)(const std::uint64_t*, const std::uint64_t*, std::size_t, const Gf128*,
                         Gf128*);
  void (*gram)(const Gf128*, const Gf128*, std::size_t, int, Gf128*);
  void (*fold)(const Gf128*, std::size_t, int, const Gf128*, Gf128*);
};

const Gf2KernelTable& gf2_kernels_portable();
// The PCLMULQDQ build, or nullptr if this build or CPU lacks it.
const Gf2KernelTable* gf2_kernels_pclmul();
// The AVX-512 build (VPCLMULQDQ and GFNI; the PCLMULQDQ one where it has
// no kernel of its own), or nullptr if this build or CPU lacks it.
namespace vpclmul {
const Gf2KernelTable* kernel_table();
}

}  // namespace sqt::kernels
