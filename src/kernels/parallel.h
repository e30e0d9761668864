// parallel.h — minimal fork-join over index ranges.
//
// parallel_ranges(count, threads, body) calls body(begin, end) on `threads`
// contiguous slices of [0, count), the first on the calling thread. Used by
// kernels whose slices are large (milliseconds), so threads are spawned per
// call rather than pooled.
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

namespace sqt {

template <class Body>
void parallel_ranges(std::size_t count, int threads, Body&& body) {
  std::size_t parts = std::min<std::size_t>(std::max(threads, 1), std::max<std::size_t>(count, 1));
  if (parts <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::vector<std::jthread> workers;
  std::size_t step = (count + parts - 1) / parts;
  for (std::size_t part = 1; part < parts; ++part) {
    std::size_t begin = std::min(count, part * step), end = std::min(count, begin + step);
    if (begin < end) workers.emplace_back([&body, begin, end] { body(begin, end); });
  }
  body(std::size_t{0}, std::min(count, step));
}

}  // namespace sqt
