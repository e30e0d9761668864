// train_job.h — one training run as configured on the command line, and the
// per-party procedure that executes it (shared by `sqt train`, which runs all
// parties in this process, and `sqt party`, which runs one).
#pragma once

#include <cstdio>
#include <fstream>
#include <string>

#include "app/holder_exchange.h"
#include "data/dataset.h"
#include "mpc/building_blocks.h"
#include "nn/checkpoint.h"
#include "nn/model_file.h"
#include "nn/trainer.h"

namespace sqt {

struct TrainJob {
  std::string protocol = "rep3";
  int parties = 0;      // computing parties (--parties; 0 until checked_party_count)
  bool dealer = false;  // a dealer node serves the preprocessing (--dealer)
  int ring = 64;
  int frac_bits = -1;  // default per ring
  bool nearest = false;
  int threads = 1;
  std::string model = "A";
  std::string recipe;  // --recipe NAME (app/recipes.h), applied before the checks
  std::string dataset = "mnist";
  std::string data_dir;
  TrainOptions train;
  OptimizerOptions optimizer;
  std::size_t train_limit = 0, test_limit = 0;
  std::string metrics_out, save_model;
  int reveal_to = 0;  // party that receives the trained model (-1: nobody)
  int holders =
      0;  // data holders (sqt holder) after the parties in --peers; 0: party 0 has the data
  int reveal_to_holder = -1;         // holder that receives the model (--reveal-to holderK)
  bool check_holder_inputs = false;  // verify holders' values in MPC (default: malicious protocols)
  bool progress_bar = false;
  std::string checkpoint_dir;  // save every epoch here (empty: no checkpoints)
  bool resume = false;         // continue from the latest common checkpoint
  bool check_range = false;    // emulator: count values outside the proven range
};

// --model: a built-in model for the dataset's sample shape, or a JSON model
// file whose input must be that shape.
ModelSpec named_model_spec(const std::string& model, const std::string& dataset,
                           const Shape& sample_shape);
ModelSpec job_model_spec(const TrainJob& job, const Shape& sample_shape);

// Options every party must share, compared at session start.
std::map<std::string, std::string> job_agreed_options(const TrainJob& job, int frac_bits);

// What the computing parties and the data holders (sqt holder) compare at
// session start; the parties then compare job_agreed_options among
// themselves (a holder does not know the training options).
std::map<std::string, std::string> holder_agreed_options(const TrainJob& job);

// The configuration a checkpoint belongs to: the agreed options except
// --epochs (a run may be resumed with more epochs) and --dealer (shares do not
// depend on where the preprocessing came from), and --parties only for
// protocols whose party count varies (so older checkpoints of rep3 and rep4
// still resume).
std::string checkpoint_config(const TrainJob& job, int frac_bits);

// Prints progress and epoch lines and writes the metrics file (holder only).
class TrainReporter {
 public:
  // Appends to the metrics file when the job resumes, else starts it afresh.
  explicit TrainReporter(const TrainJob& job);
  void progress(const BatchProgress& b);
  void epoch(const EpochMetrics& m);
  // Prints what the run revealed and writes it beside the metrics
  // (METRICS.reveals.json).
  void reveals(const RevealLog& log);

 private:
  const TrainJob& job_;
  std::ofstream metrics_;
};

// Whether the model is revealed: the receiving party asks for it (it alone
// knows whether it saves the model) and tells the others.
template <BinaryProtocol P>
bool wants_model(P& p, const TrainJob& job) {
  if (job.reveal_to < 0 || job.reveal_to >= p.parties()) return false;
  std::uint8_t want = !job.save_model.empty();
  if constexpr (P::kParties != 1) {
    Network& net = p.session().net();
    if (p.party() == job.reveal_to) {
      for (int peer = 0; peer < p.parties(); ++peer)
        if (peer != p.party()) net.send_values<std::uint8_t>(peer, std::span(&want, 1));
    } else {
      net.recv_values<std::uint8_t>(job.reveal_to, std::span(&want, 1));
    }
  }
  return want != 0;
}

// Runs the job at one party; `data` is non-null at the data holder only, or
// the parties hold every sample as shares (`shared`, input by sqt holder;
// `input_reveals` records what that input opened).
template <BinaryProtocol P>
EpochMetrics train_party(P& p, const TrainJob& job, const ModelSpec& spec, const DataInfo& info,
                         const TrainTest* data, const SharedTrainTest<P>* shared = nullptr,
                         const RevealLog& input_reveals = {}) {
  Sequential<P> model = build_model<P>(spec);
  model.initialize(p);
  Trainer<P> trainer(p, model, job.optimizer, job.train, info, data, shared);
  trainer.reveals() = input_reveals;
  std::unique_ptr<TrainReporter> reporter;
  if (p.party() == 0) reporter = std::make_unique<TrainReporter>(job);
  std::optional<EpochCheckpoints<P>> checkpoints;
  int first_epoch = 1;
  if (!job.checkpoint_dir.empty()) {
    checkpoints.emplace(p, job.checkpoint_dir, checkpoint_config(job, p.frac_bits()),
                        training_state(p, model, trainer.optimizer()), trainer.optimizer().steps());
    first_epoch = checkpoints->start(job.resume) + 1;
  }
  EpochMetrics last;
  for (int epoch = first_epoch; epoch <= job.train.epochs; ++epoch) {
    last = trainer.run_epoch(epoch, [&](const BatchProgress& b) {
      if (reporter) reporter->progress(b);
    });
    if (reporter) reporter->epoch(last);
    if (checkpoints) checkpoints->save(epoch);
  }
  if (first_epoch > job.train.epochs) {  // resumed a run that had already finished
    last.epoch = first_epoch - 1;
    last.correct = trainer.evaluate();
    last.tested = info.test_count;
    last.test_accuracy = info.test_count ? static_cast<double>(last.correct) / info.test_count : 0;
  }
  if (wants_model(p, job)) {
    reference::Model revealed{spec, std::vector<reference::Params>(spec.layers.size())};
    for (std::size_t i = 0; i < model.layers().size(); ++i) {
      for (Param<P>* param : model.layers()[i]->params()) {
        Tensor<typename P::Ring> values =
            reveal(p, trainer.reveals(), "model parameters", job.reveal_to, param->value);
        if (p.party() == job.reveal_to || P::kParties == 1)
          revealed.params[i].emplace(param->name,
                                     decode_fixed(values, p.frac_bits()).reshaped(param->shape));
      }
    }
    if (p.party() == job.reveal_to || P::kParties == 1) {
      save_model_file(job.save_model, revealed, kRingBits<typename P::Ring>, p.frac_bits());
      std::printf("model revealed to party %d and saved to %s\n", job.reveal_to,
                  job.save_model.c_str());
    }
  }
  Tensor<typename P::Ring> for_holder;
  const int holder_node = p.parties() + job.reveal_to_holder;
  if (job.reveal_to_holder >= 0)
    for_holder = masked_model_for_holder(p, model, spec, holder_node, trainer.reveals());
  finish_protocol(p);  // a deviation after the last open is caught too
  if (job.reveal_to_holder >= 0) {
    Network& net = p.session().net();
    net.send_values<typename P::Ring>(holder_node, for_holder.span());
    if (p.party() == 0) fmt::print("model sent to holder {} (masked)\n", job.reveal_to_holder);
  }
  if (reporter) reporter->reveals(trainer.reveals());
  return last;
}

}  // namespace sqt
