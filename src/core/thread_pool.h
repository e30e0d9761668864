// thread_pool.h — a fixed set of worker threads for one party's local work.
//
// A ThreadPool of size t owns t - 1 worker threads, started once and kept
// until it is destroyed; the thread that calls for_ranges() is the t-th. A
// Session owns one (proto/session.h) and every heavy local operation of its
// protocols runs on it: matrix products and convolutions (kernels/matmul.h),
// PRG keystreams (crypto/prg.h), large elementwise products. A pool of size 1
// has no workers and runs everything on the caller.
//
// for_ranges(count, grain, body) calls body(begin, end) on disjoint
// contiguous slices that cover [0, count), each of at least `grain` items
// (except when count < grain), on up to size() threads, and returns when all
// have finished. If a body throws, the first exception is rethrown on the
// caller after every slice has finished. A call made while the pool is
// already running one (from inside a body, or from another thread) runs its
// slices on the calling thread alone, so nesting cannot deadlock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace sqt {

// Elementwise loops hand out slices of at least this many elements (a few
// hundred microseconds of work: less is not worth a thread's wake-up).
inline constexpr std::size_t kElementwiseGrain = std::size_t{1} << 16;

class ThreadPool {
 public:
  // threads >= 1 (checked): the caller plus threads - 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  template <class Body>
  void for_ranges(std::size_t count, std::size_t grain, Body&& body) {
    const std::size_t parts = parts_for(count, grain);
    if (parts <= 1) {
      if (count > 0) body(std::size_t{0}, count);
      return;
    }
    // Slices differ in length by at most one item, so none is below the grain.
    auto slice = [&](std::size_t part) {
      const std::size_t begin = split_point(count, parts, part);
      const std::size_t end = split_point(count, parts, part + 1);
      if (begin < end) body(begin, end);
    };
    run(parts, &call_slice<decltype(slice)>, &slice);
  }

 private:
  using SliceFn = void (*)(void* context, std::size_t part);
  struct Job {
    SliceFn fn = nullptr;
    void* context = nullptr;
    std::size_t parts = 0;
  };

  template <class Slice>
  static void call_slice(void* context, std::size_t part) {
    (*static_cast<Slice*>(context))(part);
  }

  std::size_t parts_for(std::size_t count, std::size_t grain) const;
  // Where slice `part` of `parts` even slices of [0, count) begins.
  static std::size_t split_point(std::size_t count, std::size_t parts, std::size_t part) {
    return static_cast<std::size_t>(static_cast<unsigned __int128>(count) * part / parts);
  }
  void run(std::size_t parts, SliceFn fn, void* context);
  // Takes and runs slices of job `generation` until none is left.
  void work_on(std::uint64_t generation);
  void worker_loop();
  void stop_workers();

  std::vector<std::thread> workers_;
  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable work_ready_, work_done_;
  Job job_;                       // guarded by mutex_
  std::uint64_t generation_ = 0;  // guarded by mutex_; one per job
  std::size_t next_part_ = 0;     // guarded by mutex_
  std::size_t unfinished_ = 0;    // guarded by mutex_
  std::exception_ptr error_;      // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
};

}  // namespace sqt
