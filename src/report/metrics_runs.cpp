#include "report/metrics_runs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace sqt {
namespace {

EpochPoint parse_epoch_line(const std::string& text, const std::string& where) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  SQT_CHECK(!j.is_discarded() && j.is_object(),
            "{}: not a JSON object (expected one line per epoch from sqt train --metrics-out)",
            where);
  EpochPoint point;
  SQT_CHECK(j.contains("epoch") && j["epoch"].is_number_integer() && j["epoch"].get<int>() >= 1,
            "{}: field 'epoch' must be an integer >= 1", where);
  point.epoch = j["epoch"].get<int>();
  SQT_CHECK(j.contains("test_accuracy") && j["test_accuracy"].is_number(),
            "{}: field 'test_accuracy' must be a number", where);
  point.test_accuracy = j["test_accuracy"].get<double>();
  SQT_CHECK(point.test_accuracy >= 0 && point.test_accuracy <= 1,
            "{}: field 'test_accuracy' is {}, expected a fraction in [0, 1]", where,
            point.test_accuracy);
  if (j.contains("train_loss") && !j["train_loss"].is_null()) {
    SQT_CHECK(j["train_loss"].is_number(), "{}: field 'train_loss' must be a number or null",
              where);
    point.train_loss = j["train_loss"].get<double>();
  }
  return point;
}

}  // namespace

MetricsRun read_metrics_run(const std::string& path, const std::string& label) {
  std::ifstream file(path);
  SQT_CHECK(file.good(), "cannot read metrics file '{}'", path);
  std::map<int, EpochPoint> by_epoch;
  std::string text;
  for (int line = 1; std::getline(file, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    EpochPoint point = parse_epoch_line(text, fmt::format("{}:{}", path, line));
    by_epoch[point.epoch] = point;
  }
  SQT_CHECK(!by_epoch.empty(),
            "{}: no epochs (expected JSON lines written by sqt train --metrics-out)", path);
  MetricsRun run{label, {}};
  for (auto& [epoch, point] : by_epoch) run.epochs.push_back(point);
  return run;
}

std::string default_run_label(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

}  // namespace sqt
