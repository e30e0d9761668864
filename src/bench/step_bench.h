// step_bench.h — `sqt bench step`: the cost of one training step, per layer.
//
// Runs all parties in this process on random data of the model's input
// shape: forward and backward through every layer, the softmax
// cross-entropy gradient and the optimiser update, reporting for each part
// wall seconds, bytes sent by the busiest party and rounds.
#pragma once

#include <functional>
#include <string>

namespace sqt {

struct StepBenchOptions {
  std::string protocol = "rep3";
  int ring = 64;
  std::string model = "C";
  std::size_t batch = 128;
  std::string optimizer = "sgd";
  int threads = 1;
};

struct StepBenchRow {
  std::string part;
  double seconds = 0;
  std::uint64_t bytes_per_party = 0;
  std::uint64_t rounds = 0;
};

void run_step_bench(const StepBenchOptions& options,
                    const std::function<void(const StepBenchRow&)>& on_row);

}  // namespace sqt
