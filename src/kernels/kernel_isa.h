// kernel_isa.h — which vector instruction set the local ring kernels use.
//
// The u64 matrix kernel exists in several builds of the same source
// (matmul_tile.h): portable (16-byte vectors, any CPU), AVX2 and AVX-512
// (x86-64 only, each compiled in its own translation unit with its own
// flags). The variant is chosen at run time from what the CPU supports, so
// one binary runs on any x86-64 machine and still uses the widest vectors it
// has. SQT_KERNEL=portable|avx2|avx512 in the environment, or
// force_kernel_isa() in tests, pins a variant (it must be supported).
//
// The choice is process-wide state by nature (it describes the CPU, not a
// session); it is read once and only changed by tests.
#pragma once

#include <string_view>
#include <vector>

namespace sqt {

enum class KernelIsa { portable, avx2, avx512 };

std::string_view kernel_isa_name(KernelIsa isa);

// Every variant this CPU can run, portable first.
std::vector<KernelIsa> supported_kernel_isas();

// The variant in use: SQT_KERNEL if set, else the widest supported one.
KernelIsa active_kernel_isa();

// Pins the variant (tests run every supported one in turn). Throws if the
// CPU or the build lacks it.
void force_kernel_isa(KernelIsa isa);

// Whether the AVX-512 IFMA builds run (the field kernels, the widening
// matrix kernel): the variant in use is avx512 and the CPU has avx512ifma.
bool ifma_kernels_active();

}  // namespace sqt
