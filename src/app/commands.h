// commands.h — the `sqt` subcommands; each registers itself on the CLI app.
#pragma once

#include <CLI/CLI.hpp>

namespace sqt {

void add_bench_command(CLI::App& app);
void add_selftest_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_party_command(CLI::App& app);
void add_data_command(CLI::App& app);
void add_protocols_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_infer_command(CLI::App& app);
void add_holder_command(CLI::App& app);
// `sqt bench step` and its per-process worker (on the `bench` command).
void add_step_commands(CLI::App& bench);

}  // namespace sqt
