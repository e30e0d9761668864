#include "core/large_blocks.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace sqt::large_blocks {
namespace {

// Mappings are whole huge pages, so a block can reuse any mapping of its
// rounded size.
constexpr std::size_t kGranule = std::size_t{2} << 20;
// Blocks from this size on are large.
constexpr std::size_t kThresholdBytes = std::size_t{1} << 20;
// Released blocks kept for reuse, at most: an eighth of the machine's
// memory, within these bounds.
constexpr std::size_t kMinCacheBytes = std::size_t{512} << 20;
constexpr std::size_t kMaxCacheBytes = std::size_t{4} << 30;
// Released blocks kept at most.
constexpr std::size_t kMaxBlocks = 512;

// Whether a mapping can be resized with its pages kept (mremap).
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
constexpr bool kCanResize = true;
#else
constexpr bool kCanResize = false;
#endif

std::size_t physical_memory() {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page);
#endif
  return 0;
}

// The memory limit of this process's control group (cgroup v2's
// memory.max, or v1's memory.limit_in_bytes), if it has one: 0 if not.
std::size_t control_group_limit() {
  for (const char* file :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(file);
    std::string text;
    if (in >> text) {
      const std::size_t limit = detail::parse_memory_limit(text);
      if (limit != 0) return limit;
    }
  }
  return 0;
}

std::size_t mapped_size(std::size_t bytes) {
  return (bytes + kGranule - 1) / kGranule * kGranule;
}

struct FreeBlock {
  void* block;
  std::size_t size;
};

struct Cache {
  Cache() { blocks.reserve(kMaxBlocks); }
  std::mutex mutex;
  std::vector<FreeBlock> blocks;  // oldest first
  std::size_t bytes = 0;
  // Blocks lent out whole though larger than asked for: their mapped size.
  std::unordered_map<void*, std::size_t> lent_larger;
};

Cache& cache() {
  static Cache* instance = new Cache();  // never destroyed: blocks may outlive static destructors
  return *instance;
}

void* map_block(std::size_t size) {
#if defined(__linux__)
  void* block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
  madvise(block, size, MADV_HUGEPAGE);  // advice only: fine if refused
#endif
  return block;
#else
  return ::operator new (size, std::align_val_t{4096});
#endif
}

void unmap_block(void* block, std::size_t size) noexcept {
#if defined(__linux__)
  munmap(block, size);
#else
  ::operator delete (block, size, std::align_val_t{4096});
#endif
}

// The cached block to reuse for a request of `size` mapped bytes: one of
// that size, else the smallest larger one up to twice the size (lent whole),
// else the largest smaller one from half the size (grown: only the new tail
// faults). Blocks further off in size are left for requests of their own
// size, and so is every other size where a mapping cannot be resized.
// Returns blocks.size() if none fits.
std::size_t best_fit(const std::vector<FreeBlock>& blocks, std::size_t size) {
  std::size_t best = blocks.size();
  for (std::size_t i = blocks.size(); i-- > 0;) {  // the most recent first
    const std::size_t candidate = blocks[i].size;
    if (candidate == size) return i;
    if (!kCanResize || candidate > 2 * size || 2 * candidate < size) continue;
    if (best == blocks.size()) {
      best = i;
      continue;
    }
    const std::size_t current = blocks[best].size;
    const bool better = candidate > size ? (current < size || candidate < current)
                                         : (current < size && candidate > current);
    if (better) best = i;
  }
  return best;
}

// The block resized from `from` to `to` bytes (its pages kept up to the
// smaller size), or nullptr if the system cannot.
// (The huge-page advice of the mapping moves with it.)
void* resize_block(void* block, std::size_t from, std::size_t to) noexcept {
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
  void* moved = mremap(block, from, to, MREMAP_MAYMOVE);
  return moved == MAP_FAILED ? nullptr : moved;
#else
  (void)block, (void)from, (void)to;
  return nullptr;
#endif
}

}  // namespace

namespace detail {

std::size_t parse_memory_limit(std::string_view text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return 0;  // "max", garbage
  return value;
}

}  // namespace detail

std::size_t cache_limit() {
  static const std::size_t limit = [] {
    std::size_t memory = physical_memory();
    const std::size_t group = control_group_limit();
    if (group != 0 && (memory == 0 || group < memory)) memory = group;
    return std::clamp(memory / 8, kMinCacheBytes, kMaxCacheBytes);
  }();
  return limit;
}

bool is_large(std::size_t bytes) {
  return bytes >= kThresholdBytes;
}

void* acquire(std::size_t bytes) {
  const std::size_t size = mapped_size(bytes);
  Cache& c = cache();
  FreeBlock reuse{nullptr, 0};
  {
    std::lock_guard lock(c.mutex);
    const std::size_t i = best_fit(c.blocks, size);
    if (i < c.blocks.size()) {
      reuse = c.blocks[i];
      // A larger block is lent whole: shrinking would give back pages that
      // fault in again. (If the note cannot be made, it stays cached.)
      if (reuse.size > size) c.lent_larger.emplace(reuse.block, reuse.size);
      c.blocks.erase(c.blocks.begin() + static_cast<std::ptrdiff_t>(i));
      c.bytes -= reuse.size;
    }
  }
  if (!reuse.block) return map_block(size);    // outside the lock: mmap may take a while
  if (reuse.size >= size) return reuse.block;  // its size, or lent whole
  if (void* resized = resize_block(reuse.block, reuse.size, size)) return resized;
  unmap_block(reuse.block, reuse.size);
  return map_block(size);
}

void release(void* block, std::size_t bytes) noexcept {
  std::size_t size = mapped_size(bytes);
  const std::size_t limit = cache_limit();
  Cache& c = cache();
  std::unique_lock lock(c.mutex);
  if (const auto lent = c.lent_larger.find(block); lent != c.lent_larger.end()) {
    size = lent->second;
    c.lent_larger.erase(lent);
  }
  if (size > limit) {
    lock.unlock();  // unmapping a large block may take a while
    unmap_block(block, size);
    return;
  }
  // Make room (oldest first), then keep: push_back stays within the
  // capacity reserved at construction, so nothing allocates here.
  std::size_t oldest = 0;
  while (c.bytes + size > limit || c.blocks.size() - oldest == kMaxBlocks) {
    unmap_block(c.blocks[oldest].block, c.blocks[oldest].size);
    c.bytes -= c.blocks[oldest].size;
    ++oldest;
  }
  c.blocks.erase(c.blocks.begin(), c.blocks.begin() + static_cast<std::ptrdiff_t>(oldest));
  c.blocks.push_back({block, size});
  c.bytes += size;
}

std::size_t cached_bytes() {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  return c.bytes;
}

void trim() {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  for (const FreeBlock& b : c.blocks) unmap_block(b.block, b.size);
  c.blocks.clear();
  c.bytes = 0;
}

}  // namespace sqt::large_blocks
