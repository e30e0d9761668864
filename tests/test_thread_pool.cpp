// Tests of the persistent thread pool (core/thread_pool.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"

namespace sqt {
namespace {

struct Slice {
  std::size_t begin, end;
};

// Runs one for_ranges and returns its slices, sorted by begin.
std::vector<Slice> slices_of(ThreadPool& pool, std::size_t count, std::size_t grain) {
  std::mutex mutex;
  std::vector<Slice> slices;
  pool.for_ranges(count, grain, [&](std::size_t begin, std::size_t end) {
    std::lock_guard lock(mutex);
    slices.push_back({begin, end});
  });
  std::sort(slices.begin(), slices.end(),
            [](const Slice& a, const Slice& b) { return a.begin < b.begin; });
  return slices;
}

TEST(ThreadPool, SlicesCoverTheRangeOnceAndRespectTheGrain) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    for (std::size_t count : {0, 1, 2, 5, 17, 1000}) {
      for (std::size_t grain : {1, 3, 100, 5000}) {
        std::vector<Slice> slices = slices_of(pool, count, grain);
        std::size_t next = 0;
        for (const Slice& s : slices) {
          EXPECT_EQ(s.begin, next);
          EXPECT_LT(s.begin, s.end);
          if (count >= grain) {
            EXPECT_GE(s.end - s.begin, grain);
          }
          next = s.end;
        }
        EXPECT_EQ(next, count) << threads << " threads, " << count << " items, grain " << grain;
        EXPECT_LE(slices.size(), static_cast<std::size_t>(threads));
        if (count >= grain * threads) {
          EXPECT_EQ(slices.size(), static_cast<std::size_t>(threads));
        }
      }
    }
  }
}

// Slice 0 waits until slice 1 has started: returns only if both ran at once.
TEST(ThreadPool, SlicesRunAtTheSameTimeOnSeveralThreads) {
  ThreadPool pool(2);
  for (int repeat = 0; repeat < 20; ++repeat) {
    std::mutex mutex;
    std::condition_variable started;
    bool second_started = false, timed_out = false;
    std::vector<std::thread::id> ids(2);
    pool.for_ranges(2, 1, [&](std::size_t begin, std::size_t) {
      std::unique_lock lock(mutex);
      ids[begin] = std::this_thread::get_id();
      if (begin == 1) {
        second_started = true;
        started.notify_all();
      } else if (!started.wait_for(lock, std::chrono::seconds(30),
                                   [&] { return second_started; })) {
        timed_out = true;
      }
    });
    ASSERT_FALSE(timed_out) << "the two slices never ran at the same time";
    EXPECT_NE(ids[0], ids[1]);
  }
}

TEST(ThreadPool, SizeOneRunsOnTheCaller) {
  ThreadPool pool(1);
  EXPECT_EQ(pool.size(), 1);
  std::vector<std::thread::id> ids;
  pool.for_ranges(100, 1,
                  [&](std::size_t, std::size_t) { ids.push_back(std::this_thread::get_id()); });
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], std::this_thread::get_id());
}

TEST(ThreadPool, AnExceptionReachesTheCallerAndThePoolStaysUsable) {
  ThreadPool pool(3);
  std::atomic<int> finished{0};
  EXPECT_THROW(pool.for_ranges(3, 1,
                               [&](std::size_t begin, std::size_t) {
                                 if (begin == 1) throw std::runtime_error("slice 1 failed");
                                 ++finished;
                               }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 2);  // the other slices still ran to their end
  std::atomic<std::size_t> sum{0};
  pool.for_ranges(1000, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) sum += i;
  });
  EXPECT_EQ(sum.load(), 999u * 1000u / 2);
}

TEST(ThreadPool, NestedCallsRunInline) {
  ThreadPool pool(2);
  std::atomic<std::size_t> covered{0};
  pool.for_ranges(4, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      pool.for_ranges(10, 1, [&](std::size_t b, std::size_t e) { covered += e - b; });
  });
  EXPECT_EQ(covered.load(), 40u);
}

TEST(ThreadPool, ManyShortJobsInARow) {
  ThreadPool pool(3);
  for (int job = 0; job < 2000; ++job) {
    std::atomic<std::size_t> covered{0};
    pool.for_ranges(7, 1, [&](std::size_t begin, std::size_t end) { covered += end - begin; });
    ASSERT_EQ(covered.load(), 7u) << "job " << job;
  }
}

TEST(ThreadPool, RejectsZeroThreads) {
  EXPECT_THROW(ThreadPool(0), Error);
}

}  // namespace
}  // namespace sqt
