#include "core/thread_pool.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "core/error.h"

namespace sqt {

ThreadPool::ThreadPool(int threads) {
  SQT_CHECK(threads >= 1, "threads must be at least 1, got {}", threads);
  workers_.reserve(static_cast<std::size_t>(threads - 1));
  try {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (const std::system_error& e) {
    stop_workers();
    throw Error(fmt::format("cannot start {} threads: {}", threads, e.what()));
  }
}

ThreadPool::~ThreadPool() {
  stop_workers();
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

std::size_t ThreadPool::parts_for(std::size_t count, std::size_t grain) const {
  const std::size_t by_grain = count / std::max<std::size_t>(grain, 1);
  return std::min<std::size_t>(static_cast<std::size_t>(size()),
                               std::max<std::size_t>(by_grain, 1));
}

void ThreadPool::run(std::size_t parts, SliceFn fn, void* context) {
  if (busy_.exchange(true)) {  // nested or concurrent use: run here
    for (std::size_t part = 0; part < parts; ++part) fn(context, part);
    return;
  }
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    job_ = {fn, context, parts};
    next_part_ = 0;
    unfinished_ = parts;
    error_ = nullptr;
    generation = ++generation_;
  }
  work_ready_.notify_all();
  work_on(generation);
  std::exception_ptr error;
  {
    std::unique_lock lock(mutex_);
    work_done_.wait(lock, [&] { return unfinished_ == 0; });
    error = std::exchange(error_, nullptr);
    job_ = {};
  }
  busy_.store(false);
  if (error) std::rethrow_exception(error);
}

void ThreadPool::work_on(std::uint64_t generation) {
  while (true) {
    Job job;
    std::size_t part;
    {
      std::lock_guard lock(mutex_);
      if (generation_ != generation || next_part_ >= job_.parts) return;
      job = job_;
      part = next_part_++;
    }
    std::exception_ptr error;
    try {
      job.fn(job.context, part);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    if (error && !error_) error_ = error;
    if (--unfinished_ == 0) work_done_.notify_all();
  }
}

void ThreadPool::worker_loop() {
  std::uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    work_on(seen);
  }
}

}  // namespace sqt
