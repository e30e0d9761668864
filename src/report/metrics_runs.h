// metrics_runs.h — training runs read back from `sqt train --metrics-out` files.
//
// A metrics file holds one JSON object per line and epoch (train_job.cpp
// writes it); a resumed run appends to it. read_metrics_run() keeps the
// fields the report draws and names the file, line and field of anything
// malformed. The caller owns the returned Run.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sqt {

struct EpochPoint {
  int epoch = 0;
  std::optional<double> train_loss;  // absent when the run used --no-loss
  double test_accuracy = 0;          // fraction in [0, 1]
};

struct MetricsRun {
  std::string label;
  std::vector<EpochPoint> epochs;  // sorted by epoch, one point per epoch
};

// Reads `path`; a later line for the same epoch (a resumed run) replaces an
// earlier one. Throws sqt::Error naming path:line and the field on bad input,
// or if the file holds no epoch.
MetricsRun read_metrics_run(const std::string& path, const std::string& label);

// The label a run gets by default: the file name without directory and extension.
std::string default_run_label(const std::string& path);

}  // namespace sqt
