// main.cpp — the `sqt` command-line tool: parses the command and reports
// errors as one line ("sqt: error: ...") with a non-zero exit status.
#include <fmt/core.h>

#include <csignal>
#include <exception>
#include <string>
#include <vector>

#include "app/cluster_config.h"
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
  sqt::add_infer_command(app);
  sqt::add_holder_command(app);
  sqt::add_party_command(app);
  sqt::add_data_command(app);
  sqt::add_protocols_command(app);
  sqt::add_export_command(app);
  sqt::add_report_command(app);
  const std::vector<std::string> given(argv, argv + argc);
  bool from_config = false;
  try {
    // --config FILE of a party subcommand becomes the flags it stands for.
    std::vector<std::string> args = sqt::expand_cluster_config(given, app);
    from_config = args != given;
    std::vector<char*> pointers;
    for (std::string& arg : args) pointers.push_back(arg.data());
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::ParseError& e) {
    if (from_config && e.get_exit_code() != 0)
      fmt::print(stderr, "sqt: note: options came from the --config file and the command line\n");
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sqt: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
