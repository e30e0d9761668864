// accuracy_bench.h — `sqt bench accuracy`: measured error of every
// fixed-point function against double precision.
//
// Each function is evaluated on random inputs spread over its documented
// range (inputs rounded to the fixed-point grid first, so the reference sees
// what the protocol sees). Reports max and mean absolute error and max and
// mean relative error (relative over results with |y| >= 2^(-f/2), where
// fixed point has at least f/2 significant bits).
#pragma once

#include <functional>
#include <string>

namespace sqt {

struct AccuracyOptions {
  std::string protocol = "plain";
  int ring = 64;
  std::size_t n = 10'000;
};

struct AccuracyRow {
  std::string function, protocol, domain;
  int ring = 0, frac_bits = 0;
  std::size_t n = 0;
  double max_abs = 0, mean_abs = 0, max_rel = 0, mean_rel = 0;
};

void run_accuracy_bench(const AccuracyOptions& options,
                        const std::function<void(const AccuracyRow&)>& on_row);

}  // namespace sqt
