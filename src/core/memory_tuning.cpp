#include "core/memory_tuning.h"

// A C++ library header first: it defines __GLIBC__ on glibc, which the test
// below needs (without it the tuning was silently compiled out).
#include <cstddef>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sqt {

bool keep_freed_memory() {
#if defined(__GLIBC__)
  // One arena for all threads: the arenas of other threads (parties run as
  // threads in process) return freed pages to the kernel, and faulting them
  // in again cost more than sharing one arena's lock (mal3 truncation in
  // process: 1.86 s with per-thread arenas, 1.08 s with one).
  bool applied = mallopt(M_ARENA_MAX, 1) == 1;
  // Blocks up to 32 MB (glibc's largest allowed threshold) from the heap, not
  // from mmap; keep up to 1 GB of free heap top instead of trimming it, and
  // grow the heap in steps of 64 MB.
  applied = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && applied;
  applied = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 && applied;
  applied = mallopt(M_TOP_PAD, 64 << 20) == 1 && applied;
  return applied;
#else
  return false;
#endif
}

}  // namespace sqt
