// memory_tuning.h — keeps freed memory in the process instead of returning
// it to the OS after every tensor.
//
// The protocols allocate and free tensors of tens of MB per operation. With
// glibc's defaults every such block comes from a fresh mmap and goes back
// with munmap, so each use pays a page fault per 4 KB and the kernel zeroes
// the pages again: on network C that was a third of a party's CPU time
// (docs/performance.md). Called once at the start of main(); a no-op on
// other C libraries.
#pragma once

namespace sqt {

// True if the C library was tuned (glibc, every setting accepted).
bool keep_freed_memory();

}  // namespace sqt
