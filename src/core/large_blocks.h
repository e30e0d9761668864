// large_blocks.h — reuse of large memory blocks (tensors and frames of 1 MiB
// and more).
//
// glibc serves blocks above its mmap threshold (at most 32 MiB) from a fresh
// mapping and unmaps it on free, and in-process parties (threads) allocate
// from arenas that return freed memory to the kernel, so the large tensors
// of a training step (a convolution's im2col matrix, a batch of mal3's
// random bits) faulted their pages in again, zeroed by the kernel, in
// 4 KiB steps: a third of mal3's CPU time in a truncation.
// acquire() hands out a previously released block of the same mapped size
// when there is one, else (Linux) one of up to twice that size whole (not
// shrunk: the pages it would give back would fault in again for the next
// large request; it is kept at its whole size when released), else one of
// down to half that size grown by mremap (its pages are kept, so only the
// grown tail faults), else maps a new one (asking for transparent huge pages, 512
// times fewer faults); release() keeps up to cache_limit() bytes of
// released blocks for reuse (an eighth of the machine's memory or of its
// control group's limit, from 512 MiB to 4 GiB: a mal3 step of network C frees and reuses about 2
// GB per party) and unmaps the rest (oldest first). It is process-wide, like malloc's own arenas,
// and thread-safe (in-process parties are threads). Blocks are page-aligned. Used by
// DefaultInitAllocator (core/tensor.h) for every block for which is_large() holds.
#pragma once

#include <cstddef>
#include <string_view>

namespace sqt::large_blocks {

// Whether a block of this size goes through acquire / release (from 1 MiB).
bool is_large(std::size_t bytes);

// A block of at least `bytes` bytes (page-aligned); throws std::bad_alloc.
void* acquire(std::size_t bytes);
// Gives back a block from acquire(bytes) (the same `bytes`).
void release(void* block, std::size_t bytes) noexcept;
// Bytes of released blocks kept at most (an eighth of the memory the
// process may use: the machine's, or its control group's limit if lower;
// within [512 MiB, 4 GiB]).
std::size_t cache_limit();
// Bytes of released blocks kept now (tests).
std::size_t cached_bytes();
// Unmaps every kept block (tests start from an empty cache with it).
void trim();

namespace detail {
// A control group's memory limit file's text as bytes; 0 for "max" or
// anything but a number.
std::size_t parse_memory_limit(std::string_view text);
}  // namespace detail

}  // namespace sqt::large_blocks
