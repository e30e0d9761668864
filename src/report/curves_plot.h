// curves_plot.h — draws training curves (test accuracy and training loss per
// epoch, several runs overlaid) with gnuplot, Debian's plotting tool.
//
// curves_script() is the pure part: the gnuplot program, data inline, for
// an SVG or PNG picture chosen by the output's extension. plot_curves()
// pipes it into `gnuplot` and checks that the picture was written.
#pragma once

#include <string>
#include <vector>

#include "report/metrics_runs.h"

namespace sqt {

struct PlotOptions {
  std::string output;  // ends in .svg or .png
  std::string title;   // empty: no title
  int width = 960, height = 400;
};

// Throws sqt::Error if the output's extension is neither .svg nor .png or
// there is no run.
std::string curves_script(const std::vector<MetricsRun>& runs, const PlotOptions& options);

// Runs gnuplot on curves_script(); throws sqt::Error if gnuplot is missing
// or fails, or the picture is not there afterwards.
void plot_curves(const std::vector<MetricsRun>& runs, const PlotOptions& options);

}  // namespace sqt
