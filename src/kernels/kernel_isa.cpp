#include "kernels/kernel_isa.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/error.h"

namespace sqt {
namespace {

bool cpu_supports(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::portable:
      return true;
#if defined(SQT_KERNELS_X86)
    case KernelIsa::avx2:
      return __builtin_cpu_supports("avx2");
    case KernelIsa::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
    default:
      return false;
  }
}

KernelIsa widest_supported() {
  auto isas = supported_kernel_isas();
  return isas.back();
}

KernelIsa parse_isa(std::string_view text) {
  for (KernelIsa isa : {KernelIsa::portable, KernelIsa::avx2, KernelIsa::avx512})
    if (kernel_isa_name(isa) == text) return isa;
  fail("SQT_KERNEL='{}' is not a kernel variant: expected portable, avx2 or avx512", text);
}

KernelIsa initial_isa() {
  const char* pinned = std::getenv("SQT_KERNEL");
  if (pinned == nullptr || *pinned == '\0') return widest_supported();
  KernelIsa isa = parse_isa(pinned);
  SQT_CHECK(cpu_supports(isa), "SQT_KERNEL={}: this CPU or build does not support it", pinned);
  return isa;
}

std::atomic<KernelIsa>& selected() {
  static std::atomic<KernelIsa> isa{initial_isa()};
  return isa;
}

}  // namespace

std::string_view kernel_isa_name(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::portable:
      return "portable";
    case KernelIsa::avx2:
      return "avx2";
    case KernelIsa::avx512:
      return "avx512";
  }
  return "unknown";
}

std::vector<KernelIsa> supported_kernel_isas() {
  std::vector<KernelIsa> isas;
  for (KernelIsa isa : {KernelIsa::portable, KernelIsa::avx2, KernelIsa::avx512})
    if (cpu_supports(isa)) isas.push_back(isa);
  return isas;
}

KernelIsa active_kernel_isa() {
  return selected().load(std::memory_order_relaxed);
}

void force_kernel_isa(KernelIsa isa) {
  SQT_CHECK(cpu_supports(isa), "kernel variant {} is not supported by this CPU or build",
            kernel_isa_name(isa));
  selected().store(isa, std::memory_order_relaxed);
}

bool ifma_kernels_active() {
#if defined(SQT_KERNELS_X86)
  static const bool cpu_has_ifma = __builtin_cpu_supports("avx512ifma");
  return cpu_has_ifma && active_kernel_isa() == KernelIsa::avx512;
#else
  return false;
#endif
}

}  // namespace sqt
