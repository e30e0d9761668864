#include "bench/step_bench.h"

#include <sys/resource.h>

#include <chrono>
#include <cmath>

#include "nn/loss.h"
#include "nn/model.h"
#include "nn/optimizer.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {
namespace {

using Clock = std::chrono::steady_clock;

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

template <class P>
std::vector<StepBenchRow> party_step(P& p, const StepBenchOptions& options, const ModelSpec& spec) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  std::vector<StepBenchRow> rows;
  auto offline = [&]() -> std::pair<CommStats, double> {
    if constexpr (requires { p.offline_stats(); }) {
      return {p.offline_stats(), p.offline_seconds()};
    } else {
      return {};
    }
  };
  auto timed = [&](const std::string& part, auto&& fn) {
    if (P::kParties != 1) p.session().net().synchronize();
    CommStats before = p.session().stats();
    auto [offline_before, offline_seconds_before] = offline();
    const double cpu_before = process_cpu_seconds();
    auto start = Clock::now();
    auto result = fn();
    CommStats used = p.session().stats() - before;
    StepBenchRow row{part, std::chrono::duration<double>(Clock::now() - start).count(),
                     used.bytes_sent, used.rounds, process_cpu_seconds() - cpu_before};
    if constexpr (requires { p.offline_stats(); }) {
      auto [offline_after, offline_seconds_after] = offline();
      const CommStats pre = offline_after - offline_before;
      row.has_offline = true;
      row.offline_bytes_per_party = pre.bytes_sent;
      row.offline_bytes_received = pre.bytes_received;
      row.offline_rounds = pre.rounds;
      row.offline_seconds = offline_seconds_after - offline_seconds_before;
    }
    rows.push_back(row);
    return result;
  };
  Sequential<P> model = build_model<P>(spec);
  timed("initialize", [&] {
    model.initialize(p);
    return 0;
  });
  Shape x_shape{options.batch};
  x_shape.insert(x_shape.end(), spec.input.begin(), spec.input.end());
  Prg data = Prg::from_seed(5);
  Tensor<R> pixels = data.random<R>(x_shape), onehot_values({options.batch, 10}, R{0});
  for (R& v : pixels) v &= pow2<R>(p.frac_bits()) - 1;  // [0, 1)
  for (std::size_t i = 0; i < options.batch; ++i) onehot_values[i * 10 + i % 10] = 1;
  Share x = timed("input", [&] { return p.input(0, pixels, x_shape); });
  Share onehot = p.input(0, onehot_values, onehot_values.shape());
  auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i)
    x = timed(fmt::format("forward {}", layers[i]->name()),
              [&] { return layers[i]->forward(p, x, true); });
  SoftmaxCrossEntropy<P> loss;
  Share grad = timed("softmax + gradient", [&] { return loss.gradient(p, x, onehot); });
  timed("loss (ln)", [&] { return loss.loss_sum(p, onehot); });
  for (std::size_t i = layers.size(); i-- > 0;)
    grad = timed(fmt::format("backward {}", layers[i]->name()),
                 [&] { return layers[i]->backward(p, grad); });
  OptimizerOptions optimizer;
  optimizer.kind = options.optimizer;
  Optimizer<P> step(optimizer);
  timed(fmt::format("update ({})", options.optimizer), [&] {
    step.step(p, model.params(), static_cast<int>(std::log2(static_cast<double>(options.batch))));
    return 0;
  });
  return rows;
}

ModelSpec step_model(const StepBenchOptions& options) {
  return builtin_model(options.model,
                       options.model == "alexnet" ? Shape{3, 32, 32} : Shape{1, 28, 28});
}

template <RingElement R>
std::vector<StepBenchRow> party_step_ring(Session& session, const StepBenchOptions& options) {
  ModelSpec spec = step_model(options);
  std::vector<StepBenchRow> rows;
  with_protocol<R>(options.protocol, [&]<class P>(std::type_identity<P>) {
    P p(session);
    rows = party_step(p, options, spec);
  });
  return rows;
}

template <class P>
std::vector<std::vector<StepBenchRow>> bench_in_process(const StepBenchOptions& options) {
  SessionOptions session;
  session.frac_bits = kDefaultFracBits<typename P::Ring>;
  session.threads = options.threads;
  session.local_parties = options.parties;
  session.local_dealer = options.dealer;
  ModelSpec spec = step_model(options);
  return run_local<P>(session, [&](P& p) { return party_step(p, options, spec); });
}

template <RingElement R>
std::vector<std::vector<StepBenchRow>> bench_ring(const StepBenchOptions& options) {
  std::vector<std::vector<StepBenchRow>> rows;
  with_protocol<R>(options.protocol,
                   [&]<class P>(std::type_identity<P>) { rows = bench_in_process<P>(options); });
  return rows;
}

}  // namespace

std::vector<StepBenchRow> step_bench_party(Session& session, const StepBenchOptions& options) {
  if (options.ring == 64) return party_step_ring<std::uint64_t>(session, options);
  return party_step_ring<u128>(session, options);
}

std::vector<StepBenchRow> combine_step_rows(const std::vector<std::vector<StepBenchRow>>& parties) {
  std::vector<StepBenchRow> rows;
  StepBenchRow total{kStepTotalPart};
  for (std::size_t i = 0; i < parties[0].size(); ++i) {
    StepBenchRow row = parties[0][i];
    for (auto& party : parties) {
      SQT_CHECK(party.size() == parties[0].size() && party[i].part == row.part,
                "benchmark parties report different steps");
      row.seconds = std::max(row.seconds, party[i].seconds);
      row.bytes_per_party = std::max(row.bytes_per_party, party[i].bytes_per_party);
      row.rounds = std::max(row.rounds, party[i].rounds);
      row.cpu_seconds = std::max(row.cpu_seconds, party[i].cpu_seconds);
      row.offline_bytes_per_party =
          std::max(row.offline_bytes_per_party, party[i].offline_bytes_per_party);
      row.offline_bytes_received =
          std::max(row.offline_bytes_received, party[i].offline_bytes_received);
      row.offline_rounds = std::max(row.offline_rounds, party[i].offline_rounds);
      row.offline_seconds = std::max(row.offline_seconds, party[i].offline_seconds);
    }
    rows.push_back(row);
    if (row.part != "initialize" && row.part != "loss (ln)") {
      total.seconds += row.seconds;
      total.bytes_per_party += row.bytes_per_party;
      total.rounds += row.rounds;
      total.cpu_seconds += row.cpu_seconds;
      total.has_offline = row.has_offline;
      total.offline_bytes_per_party += row.offline_bytes_per_party;
      total.offline_bytes_received += row.offline_bytes_received;
      total.offline_rounds += row.offline_rounds;
      total.offline_seconds += row.offline_seconds;
    }
  }
  rows.push_back(total);
  return rows;
}

void run_step_bench(const StepBenchOptions& options,
                    const std::function<void(const StepBenchRow&)>& on_row) {
  auto per_party =
      options.ring == 64 ? bench_ring<std::uint64_t>(options) : bench_ring<u128>(options);
  for (const StepBenchRow& row : combine_step_rows(per_party)) on_row(row);
}

}  // namespace sqt
