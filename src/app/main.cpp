// main.cpp — the `sqt` command-line tool: parses the command and reports
// errors as one line ("sqt: error: ...") with a non-zero exit status.
#include <fmt/core.h>

#include <csignal>
#include <exception>

#include "app/commands.h"
#include "core/error.h"
#include "core/memory_tuning.h"

int main(int argc, char** argv) {
  sqt::keep_freed_memory();
  std::signal(SIGPIPE, SIG_IGN);  // a vanished peer is reported as an error, not a signal
  CLI::App app{"sqt: secure quantized training with multi-party computation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sqt 0.1.0");
  sqt::add_bench_command(app);
  sqt::add_selftest_command(app);
  sqt::add_train_command(app);
  sqt::add_eval_command(app);
  sqt::add_party_command(app);
  sqt::add_data_command(app);
  sqt::add_protocols_command(app);
  sqt::add_export_command(app);
  sqt::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sqt: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
