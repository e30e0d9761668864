// cmd_report.cpp — `sqt report`: training curves of one or more runs as a picture.
#include <fmt/core.h>

#include <memory>

#include "app/commands.h"
#include "core/error.h"
#include "report/curves_plot.h"

namespace sqt {

void add_report_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "report", "Draw test accuracy and training loss per epoch of --metrics-out files (gnuplot)");
  auto files = std::make_shared<std::vector<std::string>>();
  auto labels = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<PlotOptions>();
  command->add_option("metrics", *files, "Metrics files written by sqt train --metrics-out")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("-o,--output", options->output, "Picture to write: .svg or .png")->required();
  command->add_option("--label", *labels,
                      "Legend label of each run, in file order (default: the file name)");
  command->add_option("--title", options->title, "Title above the plots");
  command->add_option("--width", options->width, "Width in pixels")
      ->capture_default_str()
      ->check(CLI::Range(200, 4000));
  command->add_option("--height", options->height, "Height in pixels")
      ->capture_default_str()
      ->check(CLI::Range(150, 4000));
  command->callback([files, labels, options] {
    SQT_CHECK(labels->empty() || labels->size() == files->size(),
              "sqt report: {} --label given for {} metrics files; give one per file or none",
              labels->size(), files->size());
    std::vector<MetricsRun> runs;
    for (std::size_t i = 0; i < files->size(); ++i)
      runs.push_back(read_metrics_run(
          (*files)[i], labels->empty() ? default_run_label((*files)[i]) : (*labels)[i]));
    plot_curves(runs, *options);
    fmt::print("wrote {} ({} run{})\n", options->output, runs.size(), runs.size() == 1 ? "" : "s");
  });
}

}  // namespace sqt
