// cmd_bench_step.cpp — `sqt bench step`: one training step, per layer.
//
// Without --processes, all parties run in this process over in-memory
// channels. With --processes 3 (the deployment), this process makes a
// temporary CA and certificates, starts three copies of itself as parties
// (`sqt bench step-party`, hidden) that connect over TCP with TLS on
// loopback, optionally with link emulation, and combines their reports:
// seconds, bytes and rounds per part, and each party's peak resident memory.
// --processes counts the computing parties (--parties); with --dealer one
// more process serves as the dealer.
#include <fcntl.h>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.h"
#include "app/party_flags.h"
#include "bench/step_bench.h"
#include "core/error.h"
#include "crypto/certificates.h"
#include "kernels/kernel_isa.h"
#include "proto/registry.h"
#include "proto/session.h"

extern char** environ;

namespace sqt {
namespace {

struct StepCommand {
  StepBenchOptions bench;
  int processes = 0;
  bool json = false;
  double emulate_rtt_ms = 0, emulate_gbit = 0;
};

nlohmann::ordered_json row_json(const StepBenchRow& row) {
  nlohmann::ordered_json j;
  j["part"] = row.part;
  j["seconds"] = row.seconds;
  j["bytes_per_party"] = row.bytes_per_party;
  if (row.bytes_all_parties != 0) j["bytes_all_parties"] = row.bytes_all_parties;
  j["rounds"] = row.rounds;
  j["cpu_seconds"] = row.cpu_seconds;
  if (row.has_offline) {
    j["offline_bytes_per_party"] = row.offline_bytes_per_party;
    j["offline_bytes_received"] = row.offline_bytes_received;
    j["offline_rounds"] = row.offline_rounds;
    j["offline_seconds"] = row.offline_seconds;
  }
  if (row.has_checks) j["checks"] = row.checks;
  return j;
}

StepBenchRow row_from_json(const nlohmann::json& j) {
  StepBenchRow row{j.at("part").get<std::string>(), j.at("seconds").get<double>(),
                   j.at("bytes_per_party").get<std::uint64_t>(),
                   j.at("rounds").get<std::uint64_t>(), j.at("cpu_seconds").get<double>()};
  if (j.contains("offline_rounds")) {
    row.has_offline = true;
    row.offline_bytes_per_party = j.at("offline_bytes_per_party").get<std::uint64_t>();
    row.offline_bytes_received = j.at("offline_bytes_received").get<std::uint64_t>();
    row.offline_rounds = j.at("offline_rounds").get<std::uint64_t>();
    row.offline_seconds = j.at("offline_seconds").get<double>();
  }
  if (j.contains("checks")) {
    row.has_checks = true;
    row.checks = j.at("checks").get<std::uint64_t>();
  }
  return row;
}

void print_rows(const std::vector<StepBenchRow>& rows, bool json) {
  const bool offline = !rows.empty() && rows.back().has_offline;
  if (!json) {
    fmt::print("{:<42} {:>10} {:>14} {:>8}", "part", "seconds", "bytes/party", "rounds");
    if (offline)
      fmt::print(" {:>14} {:>14} {:>8} {:>10}", "offline sent", "offline recv", "rounds",
                 "seconds");
    fmt::print("\n");
  }
  for (const StepBenchRow& r : rows) {
    if (json) {
      fmt::print("{}\n", row_json(r).dump());
    } else {
      fmt::print("{:<42} {:>10.4f} {:>14} {:>8}", r.part, r.seconds, r.bytes_per_party, r.rounds);
      if (offline)
        fmt::print(" {:>14} {:>14} {:>8} {:>10.4f}", r.offline_bytes_per_party,
                   r.offline_bytes_received, r.offline_rounds, r.offline_seconds);
      fmt::print("\n");
    }
  }
}

void add_step_options(CLI::App& command, StepBenchOptions& options) {
  add_protocol_flags(command, options.protocol, options.ring,
                     "Protocol (sqt protocols; plain: INSECURE emulator)");
  add_party_count_flags(command, options.parties, options.dealer);
  command.add_option("--model", options.model, "A, B, C or D")
      ->check(CLI::IsMember({"A", "B", "C", "D"}))
      ->capture_default_str();
  command.add_option("--batch-size", options.batch, "Batch size (power of two)")
      ->capture_default_str();
  command.add_option("--optimizer", options.optimizer, "sgd, adam or amsgrad")
      ->check(CLI::IsMember({"sgd", "adam", "amsgrad"}))
      ->capture_default_str();
  command.add_option("--threads", options.threads, "Threads per party")->capture_default_str();
  command
      .add_option("--warmup", options.warmup,
                  "Steps run first and not measured (the first touches fresh memory and "
                  "fills preprocessing pools)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      .add_option("--steps", options.steps,
                  "Steps measured after the warm-up; every row is their mean")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_flag("--inference", options.inference,
                   "Measure secure inference of a batch (what sqt infer does) instead of a "
                   "training step; --batch-size 1 gives single-sample latency");
}

// --- the parties (child processes) ------------------------------------

struct PartyCommand {
  PartyFlags party;
  StepBenchOptions bench;
  std::string report;
};

void run_step_party(PartyCommand command) {
  StepBenchOptions& bench = command.bench;
  bench.parties = checked_party_count(find_protocol(bench.protocol), bench.parties, bench.dealer);
  const int me = command.party.party;
  auto peers = resolve_peers(command.party, bench.protocol, bench.parties, bench.dealer);
  auto network = std::make_unique<Network>(
      me, connect_parties(me, peers, resolve_connect_options(command.party)), bench.parties);
  SessionOptions options;
  options.frac_bits = command.bench.ring == 64 ? 16 : 32;
  options.threads = command.bench.threads;
  options.agreed = {{"command", "bench step"},
                    {"protocol", command.bench.protocol},
                    {"model", command.bench.model},
                    {"ring", std::to_string(command.bench.ring)},
                    {"batch", std::to_string(command.bench.batch)},
                    {"optimizer", command.bench.optimizer},
                    {"inference", command.bench.inference ? "yes" : "no"},
                    {"warmup", std::to_string(command.bench.warmup)},
                    {"steps", std::to_string(command.bench.steps)}};
  add_party_count_agreed(options.agreed, bench.parties, bench.dealer);
  Session session(std::move(network), options);
  std::vector<StepBenchRow> rows;
  const bool dealer = me == bench.parties;
  if (dealer) {
    serve_as_dealer(session, bench.protocol, bench.ring);
  } else {
    run_or_abort(session, [&] { rows = step_bench_party(session, bench); });
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  nlohmann::ordered_json report;
  report["party"] = me;
  report["peak_rss_kb"] = usage.ru_maxrss;
  if (dealer) {
    report["dealer"] = true;
    report["bytes_sent"] =
        session.net().stats().bytes_sent + session.net().offline_stats().bytes_sent;
  }

  report["rows"] = nlohmann::json::array();
  for (const auto& row : rows) report["rows"].push_back(row_json(row));
  std::ofstream(command.report) << report.dump() << "\n";
}

// --- the launcher -----------------------------------------------------

std::vector<int> free_ports(int count) {
  std::vector<int> fds, ports;
  for (int i = 0; i < count; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    SQT_CHECK(fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0,
              "cannot find a free TCP port: {}", errno_text(errno));
    fds.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int error = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  SQT_CHECK(error == 0, "cannot start a benchmark party: {}", errno_text(error));
  return pid;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sqt-bench-XXXXXX").string();
    SQT_CHECK(::mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory: {}",
              errno_text(errno));
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

std::vector<std::string> party_args(const StepCommand& command, const std::string& dir, int party,
                                    const std::string& peers) {
  const StepBenchOptions& b = command.bench;
  std::vector<std::string> args{"sqt",
                                "bench",
                                "step-party",
                                "--party",
                                std::to_string(party),
                                "--peers",
                                peers,
                                "--certs",
                                dir,
                                "--connect-timeout",
                                "60",
                                "--report",
                                fmt::format("{}/report{}.json", dir, party),
                                "--protocol",
                                b.protocol,
                                "--ring",
                                std::to_string(b.ring),
                                "--model",
                                b.model,
                                "--batch-size",
                                std::to_string(b.batch),
                                "--optimizer",
                                b.optimizer,
                                "--parties",
                                std::to_string(b.parties),
                                "--threads",
                                std::to_string(b.threads),
                                "--warmup",
                                std::to_string(b.warmup),
                                "--steps",
                                std::to_string(b.steps),
                                "--emulate-rtt-ms",
                                fmt::format("{}", command.emulate_rtt_ms),
                                "--emulate-gbit",
                                fmt::format("{}", command.emulate_gbit)};
  if (b.dealer) args.push_back("--dealer");
  if (b.inference) args.push_back("--inference");
  return args;
}

void run_processes(const StepCommand& command) {
  const ProtocolInfo& info = find_protocol(command.bench.protocol);
  SQT_CHECK(info.parties > 1,
            "--processes needs a multi-party protocol; the emulator has one party");
  const int parties = command.bench.parties;
  SQT_CHECK(command.processes == parties, "--processes must be {} for {}{} (got {}){}", parties,
            info.name, info.variable() ? fmt::format(" with --parties {}", parties) : "",
            command.processes, command.bench.dealer ? "; the dealer runs as one more process" : "");
  const int nodes = parties + (command.bench.dealer ? 1 : 0);
  TempDir dir;
  make_party_certificates(dir.path, nodes);
  std::vector<int> ports = free_ports(nodes);
  std::string peers;
  for (int port : ports) peers += fmt::format("{}127.0.0.1:{}", peers.empty() ? "" : ",", port);
  std::vector<pid_t> pids;
  for (int i = 0; i < nodes; ++i)
    pids.push_back(
        spawn(party_args(command, dir.path, i, peers), fmt::format("{}/log{}.txt", dir.path, i)));
  std::string failures;
  for (int i = 0; i < nodes; ++i) {
    int status = 0;
    ::waitpid(pids[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      failures += fmt::format("\n  {} {}: {}", i < parties ? "party" : "dealer", i,
                              read_text(fmt::format("{}/log{}.txt", dir.path, i)));
  }
  SQT_CHECK(failures.empty(), "a benchmark party failed:{}", failures);
  std::vector<std::vector<StepBenchRow>> per_party;
  std::vector<double> rss_mb;
  for (int i = 0; i < parties; ++i) {
    auto report = nlohmann::json::parse(read_text(fmt::format("{}/report{}.json", dir.path, i)));
    rss_mb.push_back(report.at("peak_rss_kb").get<double>() / 1024.0);
    std::vector<StepBenchRow> rows;
    for (const auto& row : report.at("rows")) rows.push_back(row_from_json(row));
    per_party.push_back(rows);
  }
  double dealer_rss_mb = 0;
  std::uint64_t dealer_bytes = 0;
  if (command.bench.dealer) {
    auto report =
        nlohmann::json::parse(read_text(fmt::format("{}/report{}.json", dir.path, parties)));
    dealer_rss_mb = report.at("peak_rss_kb").get<double>() / 1024.0;
    dealer_bytes = report.at("bytes_sent").get<std::uint64_t>();
  }
  std::vector<StepBenchRow> rows = combine_step_rows(per_party, command.bench.inference);
  print_rows(rows, command.json);
  const StepBenchRow& total = rows.back();
  nlohmann::ordered_json summary;
  summary["model"] = command.bench.model;
  summary["protocol"] = command.bench.protocol;
  summary["ring"] = command.bench.ring;
  summary["batch"] = command.bench.batch;
  summary["inference"] = command.bench.inference;
  summary["processes"] = command.processes;
  summary["warmup"] = command.bench.warmup;
  summary["steps"] = command.bench.steps;
  summary["parties"] = parties;
  summary["dealer"] = command.bench.dealer;
  summary["tls"] = true;
  summary["emulate_rtt_ms"] = command.emulate_rtt_ms;
  summary["emulate_gbit"] = command.emulate_gbit;
  summary["kernel"] = std::string(kernel_isa_name(active_kernel_isa()));
  summary["seconds"] = total.seconds;
  summary["bytes_per_party"] = total.bytes_per_party;  // sum over parts of the busiest party
  summary["bytes_mean_party"] = total.bytes_all_parties / static_cast<std::uint64_t>(parties);
  summary["rounds"] = total.rounds;
  summary["peak_rss_mb"] = rss_mb;
  summary["cpu_seconds"] = total.cpu_seconds;  // of the busiest party, per part
  if (total.has_checks) summary["checks"] = total.checks;
  if (total.has_offline) {
    summary["offline_bytes_per_party"] = total.offline_bytes_per_party;
    summary["offline_bytes_received"] = total.offline_bytes_received;
    summary["offline_rounds"] = total.offline_rounds;
    summary["offline_seconds"] = total.offline_seconds;
  }
  if (command.bench.dealer) {
    // The whole run: initialisation, warm-up and measured steps.
    summary["dealer_bytes_sent"] = dealer_bytes;
    summary["dealer_peak_rss_mb"] = dealer_rss_mb;
  }
  if (command.json) {
    fmt::print("{}\n", summary.dump());
  } else {
    fmt::print(
        "\none {} of {} over {} processes with TLS (kernel {}): {:.4f} s, {:.1f} MB per party, "
        "{} rounds, {:.2f} CPU s (busiest party); peak RSS per party {:.0f} MB\n",
        command.bench.inference ? fmt::format("inference batch of {}", command.bench.batch)
                                : "step",
        command.bench.model, command.processes, summary["kernel"].get<std::string>(), total.seconds,
        total.bytes_per_party / 1e6, total.rounds, total.cpu_seconds, fmt::join(rss_mb, " / "));
    if (total.has_offline)
      fmt::print(
          "preprocessing ({}): {:.1f} MB sent and {:.1f} MB received by the busiest party, "
          "{} rounds, {:.4f} s\n",
          command.bench.dealer ? "dealer" : "oblivious transfer",
          total.offline_bytes_per_party / 1e6, total.offline_bytes_received / 1e6,
          total.offline_rounds, total.offline_seconds);
    if (command.bench.dealer)
      fmt::print(
          "dealer: {:.1f} MB sent in the whole run (initialisation and all steps), peak RSS {:.0f} "
          "MB\n",
          dealer_bytes / 1e6, dealer_rss_mb);
  }
}

}  // namespace

void add_step_commands(CLI::App& bench) {
  auto* step = bench.add_subcommand(
      "step", "Cost of one training step, per layer (the mean of --steps after --warmup)");
  auto command = std::make_shared<StepCommand>();
  add_step_options(*step, command->bench);
  step->add_option("--processes", command->processes,
                   "Run the parties as processes over TLS on loopback (as many as the protocol "
                   "has computing parties, --parties; with --dealer, one more runs the dealer; "
                   "default: all in this process)");
  add_link_emulation_flags(*step, command->emulate_rtt_ms, command->emulate_gbit);
  step->add_flag("--json", command->json, "One JSON object per line; the last sums up the step");
  step->callback([command] {
    StepBenchOptions& bench = command->bench;
    bench.parties = checked_party_count(find_protocol(bench.protocol), bench.parties, bench.dealer);
    if (command->processes > 0) return run_processes(*command);
    SQT_CHECK(command->emulate_rtt_ms == 0 && command->emulate_gbit == 0,
              "link emulation needs --processes 3 (in-process parties have no network)");
    std::vector<StepBenchRow> rows;
    run_step_bench(command->bench, [&](const StepBenchRow& r) { rows.push_back(r); });
    print_rows(rows, command->json);
  });

  auto* worker = bench.add_subcommand("step-party", "One party of `sqt bench step --processes`");
  worker->group("");  // internal: started by `sqt bench step`
  auto party = std::make_shared<PartyCommand>();
  add_party_flags(*worker, party->party);
  add_step_options(*worker, party->bench);
  worker->add_option("--report", party->report, "Where to write this party's rows (JSON)")
      ->required();
  worker->callback([party] { run_step_party(*party); });
}

}  // namespace sqt
