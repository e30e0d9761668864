#include "bench/step_bench.h"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <type_traits>
#include <utility>

#include "nn/loss.h"
#include "nn/model.h"
#include "nn/optimizer.h"
#include "nn/secure_inference.h"
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

// Times parts of a step at one party: each part starts when all parties
// start it, and its row has the part's seconds, bytes, rounds and CPU time.
template <class P>
class PartTimer {
 public:
  explicit PartTimer(P& p) : p_(p) {}

  template <class F>
  auto operator()(const std::string& part, F&& fn) {
    if constexpr (P::kParties != 1) p_.session().net().synchronize();
    const CommStats before = p_.session().stats();
    const auto [offline_before, offline_seconds_before] = offline();
    const std::uint64_t checks_before = checks();
    const double cpu_before = process_cpu_seconds();
    const auto start = Clock::now();
    auto result = fn();
    const CommStats used = p_.session().stats() - before;
    StepBenchRow row{part, std::chrono::duration<double>(Clock::now() - start).count(),
                     used.bytes_sent, used.rounds, process_cpu_seconds() - cpu_before};
    if constexpr (requires { p_.offline_stats(); }) {
      const auto [offline_after, offline_seconds_after] = offline();
      const CommStats pre = offline_after - offline_before;
      row.has_offline = true;
      row.offline_bytes_per_party = pre.bytes_sent;
      row.offline_bytes_received = pre.bytes_received;
      row.offline_rounds = pre.rounds;
      row.offline_seconds = offline_seconds_after - offline_seconds_before;
    }
    if constexpr (requires { p_.statistical_checks(); }) {
      row.has_checks = true;
      row.checks = checks() - checks_before;
    }
    rows_.push_back(row);
    return result;
  }

  // Starts a new step: returns the rows timed since the last call.
  std::vector<StepBenchRow> take_rows() { return std::exchange(rows_, {}); }

 private:
  std::pair<CommStats, double> offline() const {
    if constexpr (requires { p_.offline_stats(); }) {
      return {p_.offline_stats(), p_.offline_seconds()};
    } else {
      return {};
    }
  }

  std::uint64_t checks() const {
    if constexpr (requires { p_.statistical_checks(); }) {
      return p_.statistical_checks();
    } else {
      return 0;
    }
  }

  P& p_;
  std::vector<StepBenchRow> rows_;
};

// Random pixels in [0, 1) of the model's input shape, a batch of them.
template <RingElement R>
Tensor<R> random_pixels(const StepBenchOptions& options, const ModelSpec& spec, int frac_bits) {
  Shape x_shape{options.batch};
  x_shape.insert(x_shape.end(), spec.input.begin(), spec.input.end());
  Prg data = Prg::from_seed(5);
  Tensor<R> pixels = data.random<R>(x_shape);
  for (R& v : pixels) v &= pow2<R>(frac_bits) - 1;
  return pixels;
}

// The model of `spec`, its initialisation timed as the part "initialize".
template <class P>
Sequential<P> initialized_model(P& p, PartTimer<P>& timed, const ModelSpec& spec) {
  Sequential<P> model = build_model<P>(spec);
  timed("initialize", [&] {
    model.initialize(p);
    return 0;
  });
  return model;
}

// Per part, the mean of the rows of several steps (each step's rows name the
// same parts in the same order); bytes, rounds and checks rounded.
std::vector<StepBenchRow> mean_rows(const std::vector<std::vector<StepBenchRow>>& steps) {
  std::vector<StepBenchRow> mean = steps.at(0);
  const double count = static_cast<double>(steps.size());
  auto average = [count](auto& field, auto sum) {
    using Field = std::remove_reference_t<decltype(field)>;
    if constexpr (std::is_floating_point_v<Field>) {
      field = sum / count;
    } else {
      field = static_cast<Field>(std::llround(static_cast<double>(sum) / count));
    }
  };
  for (std::size_t i = 0; i < mean.size(); ++i) {
    StepBenchRow sum{};
    for (const auto& step : steps) {
      SQT_CHECK(step.size() == mean.size() && step[i].part == mean[i].part,
                "benchmark steps time different parts");
      sum.seconds += step[i].seconds;
      sum.bytes_per_party += step[i].bytes_per_party;
      sum.rounds += step[i].rounds;
      sum.cpu_seconds += step[i].cpu_seconds;
      sum.offline_bytes_per_party += step[i].offline_bytes_per_party;
      sum.offline_bytes_received += step[i].offline_bytes_received;
      sum.offline_rounds += step[i].offline_rounds;
      sum.offline_seconds += step[i].offline_seconds;
      sum.checks += step[i].checks;
    }
    StepBenchRow& row = mean[i];
    average(row.seconds, sum.seconds);
    average(row.bytes_per_party, sum.bytes_per_party);
    average(row.rounds, sum.rounds);
    average(row.cpu_seconds, sum.cpu_seconds);
    average(row.offline_bytes_per_party, sum.offline_bytes_per_party);
    average(row.offline_bytes_received, sum.offline_bytes_received);
    average(row.offline_rounds, sum.offline_rounds);
    average(row.offline_seconds, sum.offline_seconds);
    average(row.checks, sum.checks);
  }
  return mean;
}

// Runs `warmup` steps, then `steps` measured ones; the rows of `timed`
// before the first step (initialisation) come first, then the measured
// steps' mean.
template <class P, class Step>
std::vector<StepBenchRow> repeated(const StepBenchOptions& options, PartTimer<P>& timed,
                                   Step&& one_step) {
  SQT_CHECK(options.warmup >= 0 && options.steps >= 1,
            "--warmup must be >= 0 and --steps >= 1 (got {} and {})", options.warmup,
            options.steps);
  std::vector<StepBenchRow> rows = timed.take_rows();
  std::vector<std::vector<StepBenchRow>> measured;
  for (int i = 0; i < options.warmup + options.steps; ++i) {
    one_step();
    std::vector<StepBenchRow> step = timed.take_rows();
    if (i >= options.warmup) measured.push_back(std::move(step));
  }
  for (StepBenchRow& row : mean_rows(measured)) rows.push_back(std::move(row));
  return rows;
}

template <class P>
std::vector<StepBenchRow> party_step(P& p, const StepBenchOptions& options, const ModelSpec& spec) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  PartTimer<P> timed(p);
  Sequential<P> model = initialized_model(p, timed, spec);
  Tensor<R> pixels = random_pixels<R>(options, spec, p.frac_bits());
  Tensor<R> onehot_values({options.batch, 10}, R{0});
  for (std::size_t i = 0; i < options.batch; ++i) onehot_values[i * 10 + i % 10] = 1;
  OptimizerOptions optimizer;
  optimizer.kind = options.optimizer;
  Optimizer<P> update(optimizer);
  auto& layers = model.layers();
  return repeated(options, timed, [&] {
    Share x = timed("input", [&] { return p.input(0, pixels, pixels.shape()); });
    Share onehot = p.input(0, onehot_values, onehot_values.shape());
    for (std::size_t i = 0; i < layers.size(); ++i)
      x = timed(fmt::format("forward {}", layers[i]->name()),
                [&] { return layers[i]->forward(p, x, true); });
    SoftmaxCrossEntropy<P> loss;
    Share grad = timed("softmax + gradient", [&] { return loss.gradient(p, x, onehot); });
    timed("loss (ln)", [&] { return loss.loss_sum(p, onehot); });
    for (std::size_t i = layers.size(); i-- > 0;)
      grad = timed(fmt::format("backward {}", layers[i]->name()),
                   [&] { return layers[i]->backward(p, grad); });
    timed(fmt::format("update ({})", options.optimizer), [&] {
      update.step(p, model.params(),
                  static_cast<int>(std::log2(static_cast<double>(options.batch))));
      return 0;
    });
  });
}

// What `sqt infer` does with one batch of a client's samples: every party
// inputs its summand of the samples and of the mask, the network runs
// forward, and the parties open class + mask.
template <class P>
std::vector<StepBenchRow> party_inference(P& p, const StepBenchOptions& options,
                                          const ModelSpec& spec) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  PartTimer<P> timed(p);
  Sequential<P> model = initialized_model(p, timed, spec);
  const Tensor<R> pixels = random_pixels<R>(options, spec, p.frac_bits());
  const Tensor<R> mask = Prg::from_seed(6).random<R>({options.batch});
  auto& layers = model.layers();
  RevealLog log;
  return repeated(options, timed, [&] {
    Share x = timed("input (the client's summands)",
                    [&] { return input_summands(p, pixels, pixels.shape()); });
    const Share masks = input_summands(p, mask, mask.shape());
    for (std::size_t i = 0; i < layers.size(); ++i)
      x = timed(fmt::format("forward {}", layers[i]->name()),
                [&] { return layers[i]->forward(p, x, false); });
    timed("argmax + open (class + mask)", [&] {
      const Share predicted = max_last_axis(p, x).argmax;
      return reveal(p, log, "predicted class plus the mask", RevealLog::kEveryone,
                    p.add(predicted, masks));
    });
  });
}

template <class P>
std::vector<StepBenchRow> party_bench(P& p, const StepBenchOptions& options,
                                      const ModelSpec& spec) {
  return options.inference ? party_inference(p, options, spec) : party_step(p, options, spec);
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
    rows = party_bench(p, options, spec);
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
  return run_local<P>(session, [&](P& p) { return party_bench(p, options, spec); });
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

std::vector<StepBenchRow> combine_step_rows(const std::vector<std::vector<StepBenchRow>>& parties,
                                            bool inference) {
  std::vector<StepBenchRow> rows;
  StepBenchRow total{inference ? kInferenceTotalPart : kStepTotalPart};
  for (std::size_t i = 0; i < parties[0].size(); ++i) {
    StepBenchRow row = parties[0][i];
    row.bytes_all_parties = 0;
    for (auto& party : parties) {
      SQT_CHECK(party.size() == parties[0].size() && party[i].part == row.part,
                "benchmark parties report different steps");
      row.bytes_all_parties += party[i].bytes_per_party;
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
      row.checks = std::max(row.checks, party[i].checks);
    }
    rows.push_back(row);
    if (row.part != "initialize" && row.part != "loss (ln)") {
      total.seconds += row.seconds;
      total.bytes_per_party += row.bytes_per_party;
      total.bytes_all_parties += row.bytes_all_parties;
      total.rounds += row.rounds;
      total.cpu_seconds += row.cpu_seconds;
      total.has_offline = row.has_offline;
      total.offline_bytes_per_party += row.offline_bytes_per_party;
      total.offline_bytes_received += row.offline_bytes_received;
      total.offline_rounds += row.offline_rounds;
      total.offline_seconds += row.offline_seconds;
      total.has_checks = row.has_checks;
      total.checks += row.checks;
    }
  }
  rows.push_back(total);
  return rows;
}

void run_step_bench(const StepBenchOptions& options,
                    const std::function<void(const StepBenchRow&)>& on_row) {
  auto per_party =
      options.ring == 64 ? bench_ring<std::uint64_t>(options) : bench_ring<u128>(options);
  for (const StepBenchRow& row : combine_step_rows(per_party, options.inference)) on_row(row);
}

}  // namespace sqt
