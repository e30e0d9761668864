#include "app/train_job.h"

#include <fmt/core.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/recipes.h"
#include "proto/registry.h"

namespace sqt {
namespace {

std::map<std::string, std::string> job_options(const TrainJob& job, int frac_bits) {
  return {{"protocol", job.protocol},
          {"parties", std::to_string(job.parties)},
          {"dealer", job.dealer ? "yes" : "no"},
          {"ring", std::to_string(job.ring)},
          {"model", job.model},
          {"dataset", job.dataset},
          {"epochs", std::to_string(job.train.epochs)},
          {"batch_size", std::to_string(job.train.batch)},
          {"optimizer", job.optimizer.kind},
          {"lr", fmt::format("{}", job.optimizer.lr)},
          {"momentum", fmt::format("{}", job.optimizer.momentum)},
          {"seed", std::to_string(job.train.seed)},
          {"train_limit", std::to_string(job.train_limit)},
          {"test_limit", std::to_string(job.test_limit)},
          {"loss", job.train.compute_loss ? "on" : "off"},
          {"reveal_to", std::to_string(job.reveal_to)},
          {"frac_bits", std::to_string(frac_bits)},
          {"rounding", job.nearest ? "nearest" : "probabilistic"}};
}

std::string reveal_to_name(const TrainJob& job) {
  return job.reveal_to_holder >= 0 ? fmt::format("holder{}", job.reveal_to_holder)
                                   : std::to_string(job.reveal_to);
}

}  // namespace

ModelSpec named_model_spec(const std::string& model, const std::string& dataset,
                           const Shape& sample_shape) {
  if (is_builtin_model(model)) return builtin_model(model, sample_shape);
  SQT_CHECK(
      std::filesystem::exists(model),
      "--model '{}' is neither a built-in model (A, B, C, D, alexnet) nor an existing model file",
      model);
  ModelSpec spec = parse_model_file(model);
  SQT_CHECK(spec.input == sample_shape, "model file '{}' expects input {} but {} samples are {}",
            model, shape_string(spec.input), dataset, shape_string(sample_shape));
  return spec;
}

ModelSpec job_model_spec(const TrainJob& job, const Shape& sample_shape) {
  return named_model_spec(job.model, job.dataset, sample_shape);
}

std::map<std::string, std::string> job_agreed_options(const TrainJob& job, int frac_bits) {
  auto options = job_options(job, frac_bits);
  if (!job.optimizer.schedule.empty())  // only then, so that earlier checkpoints still resume
    options["lr_schedule"] = lr_schedule_text(job.optimizer.schedule);
  if (job.holders > 0) {  // only then, so that earlier checkpoints still resume
    options["holders"] = std::to_string(job.holders);
    options["check_holder_inputs"] = job.check_holder_inputs ? "yes" : "no";
    options["reveal_to"] = reveal_to_name(job);
  }
  return options;
}

std::map<std::string, std::string> holder_agreed_options(const TrainJob& job) {
  return {{"command", "train"},
          {"protocol", job.protocol},
          {"parties", std::to_string(job.parties)},
          {"ring", std::to_string(job.ring)},
          {"dataset", job.dataset},
          {"holders", std::to_string(job.holders)}};
}

std::string checkpoint_config(const TrainJob& job, int frac_bits) {
  auto options = job_agreed_options(job, frac_bits);
  options.erase("epochs");
  options.erase("dealer");
  if (!find_protocol(job.protocol).variable()) options.erase("parties");
  // SGD's state is the update (lr v / B) since 2026-12-07, no longer the
  // velocity v: checkpoints from before are for another configuration.
  if (job.optimizer.kind == "sgd") options["sgd_state"] = "update";
  return nlohmann::json(options).dump();
}

TrainReporter::TrainReporter(const TrainJob& job) : job_(job) {
  if (!job.metrics_out.empty()) {
    metrics_.open(job.metrics_out, job.resume ? std::ios::app : std::ios::trunc);
    SQT_CHECK(metrics_.good(), "cannot write metrics file '{}'", job.metrics_out);
  }
}

void TrainReporter::progress(const BatchProgress& b) {
  const double rate = b.seconds > 0 ? b.batch * b.batch_size / b.seconds : 0;
  const double eta = b.batch ? b.seconds / b.batch * (b.batches - b.batch) : 0;
  if (job_.progress_bar) {
    const int width = 30, done = static_cast<int>(width * b.batch / b.batches);
    fmt::print("\repoch {} [{}{}] {}/{} batches  {:.0f} samples/s  ETA {:.0f} s  {:.1f} MB sent ",
               b.epoch, std::string(done, '#'), std::string(width - done, '.'), b.batch, b.batches,
               rate, eta, b.bytes_sent / 1e6);
    if (b.batch == b.batches) fmt::print("\n");
  } else if (b.batch == b.batches || b.batch % ((b.batches + 9) / 10) == 0) {
    fmt::print("epoch {} batch {}/{}: {:.0f} samples/s, ETA {:.0f} s, {:.1f} MB sent\n", b.epoch,
               b.batch, b.batches, rate, eta, b.bytes_sent / 1e6);
  }
  std::fflush(stdout);
}

void TrainReporter::epoch(const EpochMetrics& m) {
  fmt::print(
      "epoch {}: train_loss {}  test_accuracy {:.4f} ({}/{})  {:.1f} s  {:.1f} MB per "
      "party  {} rounds\n",
      m.epoch, m.loss_computed ? fmt::format("{:.4f}", m.train_loss) : "n/a", m.test_accuracy,
      m.correct, m.tested, m.seconds, m.bytes_per_party / 1e6, m.rounds);
  std::fflush(stdout);
  if (metrics_.is_open()) {
    nlohmann::ordered_json j;
    j["epoch"] = m.epoch;
    j["train_loss"] = m.loss_computed ? nlohmann::ordered_json(m.train_loss) : nullptr;
    j["test_accuracy"] = m.test_accuracy;
    j["test_correct"] = m.correct;
    j["test_count"] = m.tested;
    j["seconds"] = m.seconds;
    j["bytes_per_party"] = m.bytes_per_party;
    j["rounds"] = m.rounds;
    j["batches"] = m.batches;
    j["train_seconds"] = m.train_seconds;
    j["train_bytes_per_party"] = m.train_bytes_per_party;
    j["train_rounds"] = m.train_rounds;
    metrics_ << j.dump() << "\n";
    metrics_.flush();
  }
}

void TrainReporter::reveals(const RevealLog& log) {
  fmt::print("revealed (by design; nothing else leaves MPC):\n{}", log.summary());
  std::fflush(stdout);
  if (job_.metrics_out.empty()) return;
  std::string path = job_.metrics_out + ".reveals.json";
  std::ofstream out(path);
  SQT_CHECK(out.good(), "cannot write '{}'", path);
  out << log.to_json().dump(1) << "\n";
}

}  // namespace sqt
