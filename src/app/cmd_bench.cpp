// cmd_bench.cpp — `sqt bench ops` (per-operation time, bytes and rounds) and
// `sqt bench accuracy`; `sqt bench step` is in cmd_bench_step.cpp.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/party_flags.h"
#include "bench/accuracy_bench.h"
#include "bench/ops_bench.h"
#include "proto/registry.h"

namespace sqt {
namespace {

void print_json(const OpsBenchRow& row) {
  nlohmann::ordered_json j;
  j["op"] = row.op;
  j["protocol"] = row.protocol;
  j["ring"] = row.ring;
  j["frac_bits"] = row.frac_bits;
  j["n"] = row.n;
  j["seconds"] = row.seconds;
  j["bytes_per_party"] = row.bytes_per_party;
  j["bytes_total"] = row.bytes_total;
  j["rounds"] = row.rounds;
  j["parties"] = row.parties;
  j["dealer"] = row.dealer;
  if (row.has_offline) {
    j["offline_bytes_per_party"] = row.offline_bytes_per_party;
    j["offline_bytes_received"] = row.offline_bytes_received;
    j["offline_rounds"] = row.offline_rounds;
    j["offline_seconds"] = row.offline_seconds;
  }
  if (!row.note.empty()) j["note"] = row.note;
  fmt::print("{}\n", j.dump());
  std::fflush(stdout);
}

void print_table_row(const OpsBenchRow& row) {
  double bits_per_element = row.n ? 8.0 * static_cast<double>(row.bytes_total) / row.n : 0;
  std::string note = row.note;
  if (row.has_offline && row.op != "matmul_local" && row.op != "matmul_cleartext")
    note += fmt::format("{}offline: {} B sent, {} B received, {} rounds, {:.5f} s",
                        note.empty() ? "" : "; ", row.offline_bytes_per_party,
                        row.offline_bytes_received, row.offline_rounds, row.offline_seconds);
  fmt::print("{:<18} {:>9} {:>11.5f} {:>14} {:>12.1f} {:>7}  {}\n", row.op, row.n, row.seconds,
             row.bytes_per_party, bits_per_element, row.rounds, note);
  std::fflush(stdout);
}

}  // namespace

void add_accuracy_command(CLI::App& bench) {
  auto* accuracy = bench.add_subcommand(
      "accuracy", "Measure the error of every fixed-point function against double precision");
  auto options = std::make_shared<AccuracyOptions>();
  add_protocol_flags(*accuracy, options->protocol, options->ring,
                     "Protocol (sqt protocols; plain: INSECURE emulator)");
  accuracy->add_option("--n", options->n, "Samples per function")->capture_default_str();
  accuracy->callback([options] {
    fmt::print("{:<11} {:>8} {:>11} {:>11} {:>11} {:>11}  {}\n", "function", "n", "max_abs",
               "mean_abs", "max_rel", "mean_rel", "domain");
    run_accuracy_bench(*options, [](const AccuracyRow& r) {
      fmt::print("{:<11} {:>8} {:>11.3g} {:>11.3g} {:>11.3g} {:>11.3g}  {}\n", r.function, r.n,
                 r.max_abs, r.mean_abs, r.max_rel, r.mean_rel, r.domain);
      std::fflush(stdout);
    });
  });
}

void add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  add_accuracy_command(*bench);
  add_step_commands(*bench);
  auto* ops = bench->add_subcommand(
      "ops", "Time protocol operations with all parties in this process (in-memory channels)");
  auto options = std::make_shared<OpsBenchOptions>();
  auto json = std::make_shared<bool>(false);
  add_protocol_flags(*ops, options->protocol, options->ring,
                     "Protocol (sqt protocols; plain: INSECURE emulator)");
  add_party_count_flags(*ops, options->parties, options->dealer);
  ops->add_option("--frac-bits", options->frac_bits, "Fractional bits f (default 16 / 32)");
  ops->add_option("--n", options->n, "Elements per elementwise operation")->capture_default_str();
  ops->add_option("--function-n", options->function_n,
                  "Elements for comparisons and functions (max, softmax: groups of 10)")
      ->capture_default_str();
  ops->add_option("--threads", options->threads,
                  "Threads per party (its thread pool: matrix products, PRG keystreams, large "
                  "elementwise products)")
      ->capture_default_str();
  ops->add_option("--reps", options->reps, "Repetitions (the best time is reported)")
      ->capture_default_str();
  ops->add_option("--ops", options->only, "Only these operations")->delimiter(',');
  ops->add_option("--matmul", options->matmul_dims, "Matrix product dimensions M,K,N")
      ->delimiter(',')
      ->expected(3);
  ops->add_flag("--json", *json, "One JSON object per line");
  ops->callback([options, json] {
    options->parties =
        checked_party_count(find_protocol(options->protocol), options->parties, options->dealer);
    if (!options->matmul_dims.empty()) {
      SQT_CHECK(options->matmul_dims.size() == 3 && options->matmul_dims[0] > 0 &&
                    options->matmul_dims[1] > 0 && options->matmul_dims[2] > 0,
                "--matmul needs three positive dimensions M,K,N");
      options->matmul_m = options->matmul_dims[0];
      options->matmul_k = options->matmul_dims[1];
      options->matmul_n = options->matmul_dims[2];
    }
    if (options->protocol == "plain" && !*json)
      fmt::print("NOTE: protocol 'plain' is the INSECURE emulator (cleartext, no parties).\n");
    if (!*json)
      fmt::print("{:<18} {:>9} {:>11} {:>14} {:>12} {:>7}\n", "op", "n", "seconds", "bytes/party",
                 "bits/elem", "rounds");
    double local = 0, cleartext = 0;
    run_ops_bench(*options, [&](const OpsBenchRow& row) {
      if (row.op == "matmul_local") local = row.seconds;
      if (row.op == "matmul_cleartext") cleartext = row.seconds;
      *json ? print_json(row) : print_table_row(row);
    });
    if (!*json && local > 0 && cleartext > 0) {
      double macs = static_cast<double>(options->matmul_m) * options->matmul_k * options->matmul_n;
      fmt::print(
          "\nmatmul {}x{} by {}x{}: rep3 local work {:.2f}x one cleartext ring product "
          "({:.2f} vs {:.2f} G multiply-adds/s)\n",
          options->matmul_m, options->matmul_k, options->matmul_k, options->matmul_n,
          local / cleartext, macs / local / 1e9, macs / cleartext / 1e9);
    }
  });
}

}  // namespace sqt
