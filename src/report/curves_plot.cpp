#include "report/curves_plot.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.h"

namespace sqt {
namespace {

// A gnuplot single-quoted string: quotes are doubled, nothing else is special.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string terminal_for(const PlotOptions& options) {
  const std::string ext = std::filesystem::path(options.output).extension().string();
  if (ext == ".svg")
    return fmt::format("set terminal svg size {},{} dynamic font 'sans,12' background '#ffffff'",
                       options.width, options.height);
  if (ext == ".png")
    return fmt::format("set terminal pngcairo size {},{} font 'sans,10'", options.width,
                       options.height);
  fail("sqt report: output '{}' must end in .svg or .png", options.output);
}

// One datablock per run: epoch, accuracy in percent, loss (NaN if absent).
std::string datablocks(const std::vector<MetricsRun>& runs) {
  std::string out;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    out += fmt::format("$run{} << EOD\n", r);
    for (const EpochPoint& p : runs[r].epochs)
      out += fmt::format("{} {:.6f} {}\n", p.epoch, 100 * p.test_accuracy,
                         p.train_loss ? fmt::format("{:.6f}", *p.train_loss) : "NaN");
    out += "EOD\n";
  }
  return out;
}

bool has_loss(const MetricsRun& run) {
  return std::any_of(run.epochs.begin(), run.epochs.end(),
                     [](const EpochPoint& p) { return p.train_loss.has_value(); });
}

std::string plot_command(const std::vector<MetricsRun>& runs, int column, bool need_loss) {
  std::string out = "plot";
  const char* separator = " ";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (need_loss && !has_loss(runs[r])) continue;
    out += fmt::format("{}$run{} using 1:{} with linespoints linestyle {} title {}", separator, r,
                       column, r + 1, quoted(runs[r].label));
    separator = ", ";
  }
  return out + "\n";
}

int last_epoch(const std::vector<MetricsRun>& runs) {
  int last = 1;
  for (const MetricsRun& run : runs) last = std::max(last, run.epochs.back().epoch);
  return last;
}

}  // namespace

std::string curves_script(const std::vector<MetricsRun>& runs, const PlotOptions& options) {
  SQT_CHECK(!runs.empty(), "sqt report: no metrics file given");
  const bool any_loss = std::any_of(runs.begin(), runs.end(), has_loss);
  std::string s = terminal_for(options) + "\n";
  s += fmt::format("set output {}\n", quoted(options.output));
  s += "set encoding utf8\nset termoption noenhanced\nset grid\nset key bottom right\n";
  s += "set style data linespoints\nset xlabel 'epoch'\n";
  s += fmt::format("set xrange [{}:{}]\n", 0.8, last_epoch(runs) + 0.2);
  if (last_epoch(runs) <= 12) s += "set xtics 1\n";
  s += datablocks(runs);
  s += fmt::format("set multiplot layout 1,{} title {}\n", any_loss ? 2 : 1, quoted(options.title));
  s += "set ylabel 'test accuracy (%)'\nset title 'test accuracy'\n";
  s += plot_command(runs, 2, false);
  if (any_loss) {
    s += "set ylabel 'training loss'\nset title 'training loss (mean per sample)'\n";
    s += "set key top right\n";
    s += plot_command(runs, 3, true);
  }
  s += "unset multiplot\nset output\n";
  return s;
}

void plot_curves(const std::vector<MetricsRun>& runs, const PlotOptions& options) {
  const std::string script = curves_script(runs, options);
  std::error_code ignored;
  std::filesystem::remove(options.output, ignored);
  std::FILE* gnuplot = ::popen("gnuplot 2>&1", "w");
  SQT_CHECK(gnuplot != nullptr, "sqt report: cannot start gnuplot");
  const bool written = std::fwrite(script.data(), 1, script.size(), gnuplot) == script.size();
  const int status = ::pclose(gnuplot);
  SQT_CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 127),
            "sqt report needs gnuplot, which is not installed (Debian: apt-get install "
            "gnuplot-nox)");
  SQT_CHECK(written && WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "sqt report: gnuplot failed (exit status {}) drawing '{}'",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, options.output);
  SQT_CHECK(
      std::filesystem::exists(options.output) && std::filesystem::file_size(options.output) > 0,
      "sqt report: gnuplot wrote no picture to '{}'", options.output);
}

}  // namespace sqt
