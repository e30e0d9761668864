// trainer.h — training and evaluation loops in MPC.
//
// The data come from one of two places. Either party 0 holds them and inputs
// each batch (pixels scaled to [0, 1] as fixed point, one-hot labels; the
// other parties only learn the batch shape), or the parties already hold
// every sample as shares (SharedTrainTest, input by `sqt holder` data holders)
// and take each batch's rows locally. Either way the order of the samples is
// the public per-epoch shuffle (seeded). Per
// epoch only two values are opened: the summed training loss and the number
// of correctly classified test samples.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

#include "data/dataset.h"
#include "mpc/compare.h"
#include "nn/loss.h"
#include "nn/model.h"
#include "nn/optimizer.h"
#include "nn/pixel_encoding.h"
#include "nn/reveal_log.h"
#include "nn/shared_samples.h"
#include "proto/session.h"

namespace sqt {

// What every party knows about the data (the holder announces nothing else).
struct DataInfo {
  Shape sample_shape;
  int classes = 10;
  std::size_t train_count = 0, test_count = 0;
};

struct TrainOptions {
  int epochs = 1;
  std::size_t batch = 128;
  std::size_t eval_batch = 256;
  std::uint64_t seed = 1;
  bool compute_loss = true;
};

struct EpochMetrics {
  int epoch = 0;
  bool loss_computed = false;  // false with --no-loss: train_loss means nothing
  double train_loss = 0;
  std::size_t correct = 0, tested = 0;
  double test_accuracy = 0;
  double seconds = 0;
  std::uint64_t bytes_per_party = 0;  // most bytes sent by one party in this epoch
  std::uint64_t rounds = 0;
  // The training batches alone (no loss reveal, no test evaluation).
  std::size_t batches = 0;
  double train_seconds = 0;
  std::uint64_t train_bytes_per_party = 0, train_rounds = 0;
};

struct BatchProgress {
  int epoch = 0;
  std::size_t batch = 0, batches = 0, batch_size = 0;
  double seconds = 0;
  std::uint64_t bytes_sent = 0;
};

// log2 of a power of two, or an error naming the value.
inline int checked_log2_batch(std::size_t batch) {
  SQT_CHECK(
      batch >= 1 && (batch & (batch - 1)) == 0,
      "batch size {} is not a power of two (the 1/batch factor is applied as a shift); try "
      "{} or {}",
      batch,
      std::size_t{1} << static_cast<int>(std::floor(std::log2(std::max<std::size_t>(batch, 1)))),
      std::size_t{1} << static_cast<int>(std::ceil(std::log2(std::max<std::size_t>(batch, 1)))));
  return static_cast<int>(std::log2(static_cast<double>(batch)));
}

template <BinaryProtocol P>
class Trainer {
 public:
  using Share = typename P::Share;
  using R = typename P::Ring;
  static constexpr int kHolder = 0;

  Trainer(P& p, Sequential<P>& model, OptimizerOptions optimizer, TrainOptions options,
          DataInfo info, const TrainTest* data, const SharedTrainTest<P>* shared = nullptr)
      : p_(p),
        model_(model),
        optimizer_(std::move(optimizer)),
        options_(options),
        info_(std::move(info)),
        data_(data),
        shared_(shared),
        log2_batch_(checked_log2_batch(options.batch)) {
    SQT_CHECK(shared != nullptr || p.party() != kHolder || data != nullptr,
              "the data holder has no data");
    SQT_CHECK(info_.train_count >= options_.batch,
              "{} training samples are fewer than one batch of {}", info_.train_count,
              options_.batch);
    if (optimizer_.kind() == "sgd")  // checks that the batch leaves room for the update
      Optimizer<P>::sgd_fuses(p.frac_bits(), log2_batch_);
  }

  EpochMetrics run_epoch(int epoch, const std::function<void(const BatchProgress&)>& progress) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const CommStats before = stats();
    const std::size_t batches = info_.train_count / options_.batch;
    optimizer_.begin_epoch(epoch);
    std::vector<std::size_t> order = shuffled_order(epoch);
    SoftmaxCrossEntropy<P> loss;
    Share loss_total = zeros(p_, {1});
    for (std::size_t b = 0; b < batches; ++b) {
      auto [x, onehot, labels] = batch_of(true, order, b * options_.batch, options_.batch);
      Share logits = model_.forward(p_, x, true);
      Share grad = loss.gradient(p_, logits, onehot);
      if (options_.compute_loss) loss_total = p_.add(loss_total, loss.loss_sum(p_, onehot));
      model_.backward(p_, grad);
      optimizer_.step(p_, model_.params(), log2_batch_);
      if (progress) {
        progress({epoch, b + 1, batches, options_.batch,
                  std::chrono::duration<double>(Clock::now() - start).count(),
                  (stats() - before).bytes_sent});
      }
    }
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.batches = batches;
    metrics.train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const CommStats trained = stats() - before;
    metrics.train_rounds = trained.rounds;
    if (options_.compute_loss) {
      metrics.loss_computed = true;
      metrics.train_loss = decode_fixed(reveal(p_, reveals_, "summed training loss",
                                               RevealLog::kEveryone, loss_total)[0],
                                        p_.frac_bits()) /
                           static_cast<double>(batches * options_.batch);
    }
    metrics.correct = evaluate();
    metrics.tested = info_.test_count;
    metrics.test_accuracy =
        info_.test_count ? static_cast<double>(metrics.correct) / info_.test_count : 0;
    metrics.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    CommStats used = stats() - before;
    metrics.bytes_per_party = max_over_parties(used.bytes_sent);
    metrics.rounds = used.rounds;
    metrics.train_bytes_per_party = max_over_parties(trained.bytes_sent);
    return metrics;
  }

  Optimizer<P>& optimizer() { return optimizer_; }
  // Everything this run has opened on purpose.
  RevealLog& reveals() { return reveals_; }

  // Number of correctly classified test samples (the only value opened).
  std::size_t evaluate() {
    if (info_.test_count == 0) return 0;
    std::vector<std::size_t> order(info_.test_count);
    std::iota(order.begin(), order.end(), 0);
    Share correct = zeros(p_, {1});
    for (std::size_t first = 0; first < info_.test_count; first += options_.eval_batch) {
      std::size_t count = std::min(options_.eval_batch, info_.test_count - first);
      auto [x, onehot, labels] = batch_of(false, order, first, count);
      Share logits = model_.forward(p_, x, false);
      Share predicted = max_last_axis(p_, logits).argmax;
      Share hits = equal(p_, predicted, labels);
      correct = p_.add(correct, P::reshaped(sum_rows(p_, P::reshaped(hits, {count, 1})), {1}));
    }
    return static_cast<std::size_t>(reveal(p_, reveals_, "count of correct test predictions",
                                           RevealLog::kEveryone, correct)[0]);
  }

 private:
  struct Batch {
    Share x, onehot, labels;
  };

  // Samples order[first .. first + count) of the training or test set.
  Batch batch_of(bool train, const std::vector<std::size_t>& order, std::size_t first,
                 std::size_t count) {
    if (shared_) {
      SharedSamples<P> rows =
          take_rows(train ? shared_->train : shared_->test, order, first, count);
      return {rows.x, rows.onehot, rows.labels};
    }
    const TrainTest* d = data_;
    return input_batch(d ? (train ? &d->train : &d->test) : nullptr, order, first, count);
  }

  // The holder encodes samples order[first .. first + count) and inputs them.
  Batch input_batch(const Dataset* set, const std::vector<std::size_t>& order, std::size_t first,
                    std::size_t count) {
    Shape x_shape{count};
    x_shape.insert(x_shape.end(), info_.sample_shape.begin(), info_.sample_shape.end());
    const std::size_t classes = static_cast<std::size_t>(info_.classes);
    Tensor<R> x, onehot, labels;
    if (p_.party() == kHolder || P::kParties == 1) {
      const std::size_t size = shape_size(info_.sample_shape);
      x = Tensor<R>(x_shape);
      onehot = Tensor<R>({count, classes}, R{0});
      labels = Tensor<R>({count});
      const int f = p_.frac_bits();
      for (std::size_t i = 0; i < count; ++i) {
        std::size_t sample = order[first + i];
        const std::uint8_t* pixels = set->pixels.data() + sample * size;
        for (std::size_t j = 0; j < size; ++j) x[i * size + j] = encode_pixel<R>(pixels[j], f);
        onehot[i * classes + set->labels[sample]] = 1;
        labels[i] = set->labels[sample];
      }
    }
    return {p_.input(kHolder, x, x_shape), p_.input(kHolder, onehot, {count, classes}),
            p_.input(kHolder, labels, {count})};
  }

  std::vector<std::size_t> shuffled_order(int epoch) const {
    std::vector<std::size_t> order(info_.train_count);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options_.seed * 1000003 + static_cast<std::uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), rng);
    return order;
  }

  CommStats stats() { return p_.session().stats(); }

  // Every party sends its count to the holder, who keeps the maximum.
  std::uint64_t max_over_parties(std::uint64_t mine) {
    if constexpr (P::kParties == 1) {
      return mine;
    } else {
      Network& net = p_.session().net();
      if (p_.party() != kHolder) {
        net.send_values<std::uint64_t>(kHolder, std::span(&mine, 1));
        return mine;
      }
      std::uint64_t most = mine;
      for (int peer = 0; peer < p_.parties(); ++peer) {
        if (peer == kHolder) continue;
        std::uint64_t theirs = 0;
        net.recv_values<std::uint64_t>(peer, std::span(&theirs, 1));
        most = std::max(most, theirs);
      }
      return most;
    }
  }

  P& p_;
  Sequential<P>& model_;
  Optimizer<P> optimizer_;
  TrainOptions options_;
  DataInfo info_;
  const TrainTest* data_;
  const SharedTrainTest<P>* shared_;
  int log2_batch_;
  RevealLog reveals_;
};

}  // namespace sqt
