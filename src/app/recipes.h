// recipes.h — named training recipes (`sqt train --recipe NAME`): a model,
// optimiser, learning-rate schedule and epoch count that were measured to
// reach a stated accuracy. Options given on the command line win over the
// recipe's.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "app/train_job.h"

namespace sqt {

struct Recipe {
  std::string name, summary;
  std::string model, optimizer;
  double lr = 0, momentum = 0;
  std::map<int, double> schedule;
  int epochs = 1;
  std::size_t batch = 128;
};

const std::vector<Recipe>& recipes();

// Sets every option of `job` that the recipe defines and the user did not
// give on `command`; an unknown name is an error listing the known ones.
void apply_recipe(const std::string& name, const CLI::App& command, TrainJob& job);

// "6:0.01,9:0.002" -> {6: 0.01, 9: 0.002}; false if malformed.
bool parse_lr_schedule(const std::string& text, std::map<int, double>& out);
std::string lr_schedule_text(const std::map<int, double>& schedule);

}  // namespace sqt
