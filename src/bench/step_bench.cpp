#include "bench/step_bench.h"

#include <chrono>
#include <cmath>

#include "nn/loss.h"
#include "nn/model.h"
#include "nn/optimizer.h"
#include "proto/local_run.h"
#include "proto/plain/plain.h"
#include "proto/rep3/rep3.h"

namespace sqt {
namespace {

using Clock = std::chrono::steady_clock;

template <class P>
std::vector<StepBenchRow> party_step(P& p, const StepBenchOptions& options, const ModelSpec& spec) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  std::vector<StepBenchRow> rows;
  auto timed = [&](const std::string& part, auto&& fn) {
    if (P::kParties > 1) p.session().net().synchronize();
    CommStats before = p.session().stats();
    auto start = Clock::now();
    auto result = fn();
    CommStats used = p.session().stats() - before;
    rows.push_back({part, std::chrono::duration<double>(Clock::now() - start).count(),
                    used.bytes_sent, used.rounds});
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

template <class P>
void bench(const StepBenchOptions& options,
           const std::function<void(const StepBenchRow&)>& on_row) {
  SessionOptions session;
  session.frac_bits = kDefaultFracBits<typename P::Ring>;
  session.threads = options.threads;
  ModelSpec spec = builtin_model(options.model,
                                 options.model == "alexnet" ? Shape{3, 32, 32} : Shape{1, 28, 28});
  auto per_party = run_local<P>(session, [&](P& p) { return party_step(p, options, spec); });
  StepBenchRow total{"training step (input to update)"};
  for (std::size_t i = 0; i < per_party[0].size(); ++i) {
    StepBenchRow row = per_party[0][i];
    for (auto& party : per_party) {
      row.seconds = std::max(row.seconds, party[i].seconds);
      row.bytes_per_party = std::max(row.bytes_per_party, party[i].bytes_per_party);
      row.rounds = std::max(row.rounds, party[i].rounds);
    }
    on_row(row);
    if (row.part != "initialize" && row.part != "loss (ln)") {
      total.seconds += row.seconds;
      total.bytes_per_party += row.bytes_per_party;
      total.rounds += row.rounds;
    }
  }
  on_row(total);
}

template <RingElement R>
void bench_ring(const StepBenchOptions& options,
                const std::function<void(const StepBenchRow&)>& on_row) {
  if (options.protocol == "rep3") {
    bench<Rep3<R>>(options, on_row);
  } else {
    bench<Plain<R>>(options, on_row);
  }
}

}  // namespace

void run_step_bench(const StepBenchOptions& options,
                    const std::function<void(const StepBenchRow&)>& on_row) {
  if (options.ring == 64) {
    bench_ring<std::uint64_t>(options, on_row);
  } else {
    bench_ring<u128>(options, on_row);
  }
}

}  // namespace sqt
