#include "app/recipes.h"

#include <fmt/core.h>

#include <charconv>

#include "core/error.h"

namespace sqt {

const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> all{
      {"lenet99",
       "network C (LeNet) on MNIST: SGD with momentum 0.9, lr 0.05, then 0.01 from epoch 6 and "
       "0.002 from epoch 9, 10 epochs of batch 128 (docs/training.md: the measured curve)",
       "C",
       "sgd",
       0.05,
       0.9,
       {{6, 0.01}, {9, 0.002}},
       10,
       128},
  };
  return all;
}

void apply_recipe(const std::string& name, const CLI::App& command, TrainJob& job) {
  const Recipe* recipe = nullptr;
  std::string known;
  for (const Recipe& r : recipes()) {
    if (r.name == name) recipe = &r;
    known += (known.empty() ? "" : ", ") + r.name;
  }
  SQT_CHECK(recipe != nullptr, "unknown recipe '{}' (known: {})", name, known);
  auto unset = [&](const char* flag) { return command.get_option(flag)->count() == 0; };
  if (unset("--model")) job.model = recipe->model;
  if (unset("--optimizer")) job.optimizer.kind = recipe->optimizer;
  if (unset("--lr")) job.optimizer.lr = recipe->lr;
  if (unset("--momentum")) job.optimizer.momentum = recipe->momentum;
  if (unset("--lr-schedule")) job.optimizer.schedule = recipe->schedule;
  if (unset("--epochs")) job.train.epochs = recipe->epochs;
  if (unset("--batch-size")) job.train.batch = recipe->batch;
}

bool parse_lr_schedule(const std::string& text, std::map<int, double>& out) {
  out.clear();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const std::size_t colon = item.find(':');
    if (colon == std::string::npos) return false;
    int epoch = 0;
    double lr = 0;
    auto [e1, err1] = std::from_chars(item.data(), item.data() + colon, epoch);
    auto [e2, err2] = std::from_chars(item.data() + colon + 1, item.data() + item.size(), lr);
    if (err1 != std::errc() || e1 != item.data() + colon || err2 != std::errc() ||
        e2 != item.data() + item.size() || epoch < 1 || !(lr > 0))
      return false;
    out[epoch] = lr;
    start = end + 1;
  }
  return !out.empty();
}

std::string lr_schedule_text(const std::map<int, double>& schedule) {
  std::string text;
  for (const auto& [epoch, lr] : schedule)
    text += fmt::format("{}{}:{}", text.empty() ? "" : ",", epoch, lr);
  return text;
}

}  // namespace sqt
