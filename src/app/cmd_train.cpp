// cmd_train.cpp — `sqt train` (all parties in this process) and `sqt eval`.
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/party_flags.h"
#include "app/recipes.h"
#include "app/train_job.h"
#include "data/fetch.h"
#include "kernels/kernel_isa.h"
#include "net/tcp_connect.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {
namespace {

struct Loaded {
  TrainTest data;
  DataInfo info;
  ModelSpec spec;
};

Loaded load_for(const TrainJob& job) {
  checked_log2_batch(job.train.batch);
  Loaded loaded;
  loaded.data = load_dataset(job.dataset, resolve_data_dir(job.data_dir));
  loaded.data.train.truncate(job.train_limit);
  loaded.data.test.truncate(job.test_limit);
  loaded.info = {loaded.data.train.sample_shape, loaded.data.train.classes,
                 loaded.data.train.count(), loaded.data.test.count()};
  loaded.spec = job_model_spec(job, loaded.info.sample_shape);
  Shape output;
  build_model<Plain<std::uint64_t>>(loaded.spec, &output);  // validates every shape now
  SQT_CHECK(output == Shape{static_cast<std::size_t>(loaded.info.classes)},
            "model '{}' outputs {} per sample but {} has {} classes", loaded.spec.name,
            shape_string(output), job.dataset, loaded.info.classes);
  return loaded;
}

// What the preprocessing of a run cost (protocols that account for it):
// the busiest computing party's offline traffic and seconds.
struct OfflineCost {
  CommStats comm;
  double seconds = 0;
};

// "preprocessing (dealer) of WHO: ..." (seconds: spent waiting for or making
// correlated randomness).
void print_offline_cost(const std::string& who, const OfflineCost& cost, bool dealer) {
  fmt::print("preprocessing ({}) of {}: {:.1f} MB sent, {:.1f} MB received, {} rounds, {:.1f} s\n",
             dealer ? "dealer" : "oblivious transfer", who, cost.comm.bytes_sent / 1e6,
             cost.comm.bytes_received / 1e6, cost.comm.rounds, cost.seconds);
}

// The busiest party's cost, field by field.
OfflineCost most_offline_cost(const std::vector<OfflineCost>& parties) {
  OfflineCost most;
  for (const OfflineCost& c : parties) {
    most.comm.bytes_sent = std::max(most.comm.bytes_sent, c.comm.bytes_sent);
    most.comm.bytes_received = std::max(most.comm.bytes_received, c.comm.bytes_received);
    most.comm.rounds = std::max(most.comm.rounds, c.comm.rounds);
    most.seconds = std::max(most.seconds, c.seconds);
  }
  return most;
}

template <class P>
void run_local_training(const TrainJob& job, const Loaded& loaded, int frac_bits) {
  SessionOptions options;
  options.frac_bits = frac_bits;
  options.threads = job.threads;
  options.nearest_rounding = job.nearest;
  options.emulator_seed = job.train.seed;
  options.agreed = {{"protocol", std::string(P::kName)}, {"model", loaded.spec.name}};
  options.local_parties = job.parties;
  options.local_dealer = job.dealer;
  options.check_range = job.check_range;
  RangeStats range;
  std::vector<OfflineCost> offline(std::max(job.parties, 1));
  auto results = run_local<P>(options, [&](P& p) {
    EpochMetrics last =
        train_party(p, job, loaded.spec, loaded.info, p.party() == 0 ? &loaded.data : nullptr);
    if (p.party() == 0) range = p.session().range_stats();
    if constexpr (requires { p.offline_stats(); })
      offline[p.party()] = {p.offline_stats(), p.offline_seconds()};
    return last;
  });
  fmt::print("final test accuracy: {:.4f} ({}/{})\n", results[0].test_accuracy, results[0].correct,
             results[0].tested);
  if constexpr (requires(P & p) { p.offline_stats(); })
    print_offline_cost("the busiest party", most_offline_cost(offline), job.dealer);
  if (job.check_range) {
    fmt::print(
        "range check: {} of {} truncated values outside |x| < 2^{} (where the secure "
        "truncation would fail); {} of {} compared values outside their comparison's range\n",
        range.truncated_outside, range.truncated, trunc_range_bits(kRingBits<typename P::Ring>),
        range.compared_outside, range.compared);
  }
}

// " (5 parties, dealer)" for protocols whose party count varies or that have
// a dealer; nothing otherwise.
std::string party_count_note(const ProtocolInfo& info, int parties, bool dealer) {
  if (!info.variable() && !dealer) return "";
  return fmt::format(" ({} parties{})", parties, dealer ? ", dealer" : "");
}

template <RingElement R>
void run_ring(const TrainJob& job) {
  const int f = job.frac_bits < 0 ? kDefaultFracBits<R> : job.frac_bits;
  check_precision(kRingBits<R>, f);
  Loaded loaded = load_for(job);
  const ProtocolInfo& info = find_protocol(job.protocol);
  fmt::print(
      "{} on {} ({} training, {} test samples), protocol {}{}{}, k = {}, f = {}, batch {}, {} "
      "lr {}{}\n",
      loaded.spec.name, job.dataset, loaded.info.train_count, loaded.info.test_count, job.protocol,
      party_count_note(info, job.parties, job.dealer), info.secure ? "" : " (INSECURE emulator)",
      kRingBits<R>, f, job.train.batch, job.optimizer.kind, job.optimizer.lr,
      job.optimizer.schedule.empty()
          ? ""
          : fmt::format(", from epoch E lr X: {}", lr_schedule_text(job.optimizer.schedule)));
  with_protocol<R>(job.protocol,
                   [&]<class P>(std::type_identity<P>) { run_local_training<P>(job, loaded, f); });
}

// "-1", a party index, or "holderK".
bool parse_reveal_to(const std::string& text, TrainJob& job) {
  const bool holder = text.starts_with("holder");
  const std::string number = holder ? text.substr(6) : text;
  int value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || end != number.data() + number.size() || number.empty()) return false;
  if (holder && value < 0) return false;
  job.reveal_to = holder ? -1 : value;
  job.reveal_to_holder = holder ? value : -1;
  return true;
}

void add_train_flags(CLI::App& command, TrainJob& job) {
  command.add_option("--model", job.model, "Built-in model (A) or a JSON model file")
      ->capture_default_str();
  command.add_option("--dataset", job.dataset, "mnist, fashion-mnist or cifar10")
      ->capture_default_str();
  command.add_option("--data-dir", job.data_dir, "Data root (default: $SQT_DATA_DIR)");
  add_protocol_flags(command, job.protocol, job.ring,
                     "Protocol (sqt protocols lists them; plain is the INSECURE emulator)");
  add_party_count_flags(command, job.parties, job.dealer);
  command.add_option("--frac-bits", job.frac_bits,
                     "Fractional bits (default 16 on k=64, 32 on k=128)");
  command
      .add_option(
          "--rounding",
          [&job](const CLI::results_t& r) {
            job.nearest = r[0] == "nearest";
            return true;
          },
          "Fixed-point rounding: prob (default) or nearest")
      ->check(CLI::IsMember({"prob", "nearest"}));
  command.add_option("--epochs", job.train.epochs, "Epochs")->capture_default_str();
  command.add_option("--batch-size", job.train.batch, "Batch size (a power of two)")
      ->capture_default_str();
  command.add_option("--optimizer", job.optimizer.kind, "sgd, adam or amsgrad")
      ->check(CLI::IsMember({"sgd", "adam", "amsgrad"}))
      ->capture_default_str();
  command.add_option("--lr", job.optimizer.lr, "Learning rate")->capture_default_str();
  command.add_option("--momentum", job.optimizer.momentum, "SGD momentum")->capture_default_str();
  command.add_option(
      "--lr-schedule",
      [&job](const CLI::results_t& r) { return parse_lr_schedule(r[0], job.optimizer.schedule); },
      "Learning rate from given epochs on: EPOCH:LR,... (e.g. 6:0.01,9:0.002; before the first, "
      "--lr)");
  command.add_option("--recipe", job.recipe,
                     "A measured recipe (model, optimiser, schedule, epochs): lenet99; options "
                     "given here win");
  command
      .add_option("--threads", job.threads,
                  "Threads per party (its thread pool: matrix products, PRG keystreams, large "
                  "elementwise products)")
      ->capture_default_str();
  command.add_option("--seed", job.train.seed, "Seed of the public shuffle (and of the emulator)")
      ->capture_default_str();
  command.add_option("--train-limit", job.train_limit, "Use the first N training samples (0: all)");
  command.add_option("--test-limit", job.test_limit, "Use the first N test samples (0: all)");
  command.add_option("--metrics-out", job.metrics_out, "Write one JSON object per epoch to FILE");
  command.add_option("--save-model", job.save_model,
                     "Reveal the trained model and save it to FILE");
  command
      .add_option(
          "--reveal-to", [&job](const CLI::results_t& r) { return parse_reveal_to(r[0], job); },
          "Party that receives the model (-1: nobody; holderK: data holder K, with --holders)")
      ->default_str("0");
  command.add_flag("--check-range", job.check_range,
                   "Emulator only: count values outside the range in which the secure "
                   "truncation and comparisons are correct");
  command.add_option("--checkpoint-dir", job.checkpoint_dir,
                     "Save this party's shares of the model and optimiser state here after every "
                     "epoch");
  command.add_flag("--resume", job.resume,
                   "Continue from the latest checkpoint in --checkpoint-dir that every party has");
  command.add_flag(
      "--no-loss", [&job](std::int64_t) { job.train.compute_loss = false; },
      "Skip the (MPC) computation of the training loss");
}

// The others check what the holder announces against what they already know
// (the dataset's sample shape and classes, the agreed limits): the holder
// tells them the sample counts and nothing else, and dictates nothing.
void check_data_info(const DataInfo& info, const TrainJob& job) {
  SQT_CHECK(info.sample_shape == dataset_sample_shape(job.dataset) && info.classes == 10,
            "party 0 announced samples of shape {} in {} classes; {} has {} in 10 classes",
            shape_string(info.sample_shape), info.classes, job.dataset,
            shape_string(dataset_sample_shape(job.dataset)));
  SQT_CHECK(info.train_count >= 1 && info.train_count <= 1'000'000 &&
                (job.train_limit == 0 || info.train_count <= job.train_limit) &&
                (job.test_limit == 0 || info.test_count <= job.test_limit) &&
                info.test_count <= 1'000'000,
            "party 0 announced {} training and {} test samples, outside --train-limit {} and "
            "--test-limit {}",
            info.train_count, info.test_count, job.train_limit, job.test_limit);
}

// The holder tells the others what they may know about the data.
DataInfo share_data_info(Network& net, const Loaded* loaded, const TrainJob& job) {
  if (net.id() == 0) {
    nlohmann::json j{{"sample_shape", loaded->info.sample_shape},
                     {"classes", loaded->info.classes},
                     {"train_count", loaded->info.train_count},
                     {"test_count", loaded->info.test_count}};
    std::string text = j.dump();
    for (int peer = 1; peer < net.parties(); ++peer) net.send(peer, std::as_bytes(std::span(text)));
    return loaded->info;
  }
  std::vector<std::byte> bytes = net.recv_any(0, 64 * 1024);
  nlohmann::json j = nlohmann::json::parse(
      std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), nullptr, false);
  try {
    DataInfo info{j.at("sample_shape").get<Shape>(), j.at("classes").get<int>(),
                  j.at("train_count").get<std::size_t>(), j.at("test_count").get<std::size_t>()};
    check_data_info(info, job);
    return info;
  } catch (const nlohmann::json::exception&) {
    fail("party 0 sent a malformed description of the data");
  }
}

// The sample counts of every holder, checked against what the parties know.
std::pair<DataInfo, std::vector<HolderAnnouncement>> receive_holders(Network& net,
                                                                     const TrainJob& job) {
  DataInfo info{dataset_sample_shape(job.dataset), 10, 0, 0};
  std::vector<HolderAnnouncement> holders;
  for (int h = 0; h < job.holders; ++h) {
    HolderAnnouncement a = receive_announcement(net, net.parties() + h);
    SQT_CHECK(a.sample_values == shape_size(info.sample_shape) && a.classes == 10,
              "holder {} announced samples of {} values in {} classes; {} has {} ({}) in 10", h,
              a.sample_values, a.classes, job.dataset, shape_size(info.sample_shape),
              shape_string(info.sample_shape));
    SQT_CHECK(a.train <= 1'000'000 && a.test <= 1'000'000,
              "holder {} announced {} training and {} test samples (at most 1,000,000 each)", h,
              a.train, a.test);
    SQT_CHECK((a.wants_model != 0) == (h == job.reveal_to_holder),
              "holder {} {} the model but the parties were started with --reveal-to {}", h,
              a.wants_model ? "asks for" : "does not ask for (--save-model)",
              job.reveal_to_holder >= 0 ? fmt::format("holder{}", job.reveal_to_holder)
                                        : std::to_string(job.reveal_to));
    info.train_count += a.train;
    info.test_count += a.test;
    holders.push_back(a);
  }
  SQT_CHECK(info.train_count >= 1, "the holders announced no training samples");
  return {info, holders};
}

// The peers of a party when data holders follow the computing parties.
std::vector<PeerAddress> resolve_peers_with_holders(const PartyFlags& flags, const TrainJob& job) {
  SQT_CHECK(!job.dealer, "--holders with --dealer is not supported: run without a dealer");
  std::vector<PeerAddress> peers = parse_peers_with_holders(flags, job.parties, job.holders);
  SQT_CHECK(flags.party >= 0 && flags.party < job.parties,
            "--party {} is not a computing party (0 to {}); holders run sqt holder", flags.party,
            job.parties - 1);
  return peers;
}

template <BinaryProtocol P>
EpochMetrics train_on_holders_data(P& p, const TrainJob& job, const ModelSpec& spec) {
  Network& net = p.session().net();
  check_parties_agree(net, job_agreed_options(job, p.frac_bits()), "the training options");
  auto [info, holders] = receive_holders(net, job);
  RevealLog log;
  SharedTrainTest<P> shared =
      input_holders(p, holders, info.sample_shape, job.check_holder_inputs, log);
  const std::uint64_t accepted = 1;
  for (int h = 0; h < job.holders; ++h)
    net.send_values<std::uint64_t>(p.parties() + h, std::span(&accepted, 1));
  if (p.party() == 0)
    fmt::print("{} holders shared {} training and {} test samples{}\n", job.holders,
               info.train_count, info.test_count,
               job.check_holder_inputs ? " (range-checked in MPC)" : "");
  return train_party(p, job, spec, info, nullptr, &shared, log);
}

template <RingElement R>
void run_party(const TrainJob& job, const PartyFlags& flags) {
  const int f = job.frac_bits < 0 ? kDefaultFracBits<R> : job.frac_bits;
  check_precision(kRingBits<R>, f);  // before loading data or connecting
  const int me = flags.party;
  auto peers = job.holders ? resolve_peers_with_holders(flags, job)
                           : resolve_peers(flags, job.protocol, job.parties, job.dealer);
  const bool is_dealer = me == job.parties;  // the node after the computing parties
  std::unique_ptr<Loaded> loaded;
  if (me == 0 && !job.holders) loaded = std::make_unique<Loaded>(load_for(job));  // the data holder
  auto network = std::make_unique<Network>(
      me, connect_parties(me, peers, resolve_connect_options(flags)), job.parties);
  SessionOptions options;
  options.frac_bits = f;
  options.threads = job.threads;
  options.nearest_rounding = job.nearest;
  options.clients = job.holders;
  options.agreed = job.holders ? holder_agreed_options(job) : job_agreed_options(job, f);
  add_config_agreed(options.agreed, flags);
  Session session(std::move(network), options);
  if (is_dealer) return serve_as_dealer(session, job.protocol, job.ring);
  run_or_abort(session, [&] {
    const Shape sample_shape =
        loaded ? loaded->info.sample_shape : dataset_sample_shape(job.dataset);
    ModelSpec spec = job_model_spec(job, sample_shape);
    with_protocol<R>(job.protocol, [&]<class P>(std::type_identity<P>) {
      P p(session);
      EpochMetrics last;
      if (job.holders) {
        last = train_on_holders_data(p, job, spec);
      } else {
        DataInfo data = share_data_info(session.net(), loaded.get(), job);
        last = train_party(p, job, spec, data, loaded ? &loaded->data : nullptr);
      }
      if (me == 0)
        fmt::print("final test accuracy: {:.4f} ({}/{})\n", last.test_accuracy, last.correct,
                   last.tested);
      if constexpr (requires { p.offline_stats(); })
        print_offline_cost(fmt::format("party {}", me), {p.offline_stats(), p.offline_seconds()},
                           job.dealer);
    });
  });
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("party {}: peak RSS {:.0f} MB, matrix kernel {}\n", me, usage.ru_maxrss / 1024.0,
             kernel_isa_name(active_kernel_isa()));
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Datasets");
  data->require_subcommand(1);
  auto* fetch = data->add_subcommand("fetch", "Download and verify a dataset into the data root");
  auto options = std::make_shared<FetchOptions>();
  auto dir = std::make_shared<std::string>();
  fetch->add_option("dataset", options->dataset, "mnist, fashion-mnist or cifar10")
      ->required()
      ->check(CLI::IsMember({"mnist", "fashion-mnist", "cifar10"}));
  fetch->add_option("--data-dir", *dir, "Data root (default: $SQT_DATA_DIR)");
  fetch->add_option("--from", options->source, "Base URL of a mirror (http, https or file://)");
  fetch->callback([options, dir] {
    options->data_dir = resolve_data_dir(*dir);
    fmt::print("{}\n", fetch_dataset(*options));
  });
}

void add_party_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "party",
      "Run one party of a training over TCP/TLS (start one per party of the protocol, and the "
      "dealer with --dealer; party 0 holds the data)");
  auto job = std::make_shared<TrainJob>();
  auto flags = std::make_shared<PartyFlags>();
  add_party_flags(*command, *flags);
  add_train_flags(*command, *job);
  command
      ->add_option("--holders", job->holders,
                   "Data holders (sqt holder), listed after the parties in --peers, share the "
                   "data; no party needs a dataset")
      ->check(CLI::Range(0, 64));
  auto check_inputs = std::make_shared<std::string>("auto");
  command
      ->add_option("--check-holder-inputs", *check_inputs,
                   "Verify in MPC that holders' pixels are in [0, 1] and labels one-hot: on, off "
                   "or auto (on for malicious protocols)")
      ->check(CLI::IsMember({"on", "off", "auto"}))
      ->capture_default_str();
  command->callback([job, flags, check_inputs, command] {
    if (!job->recipe.empty()) apply_recipe(job->recipe, *command, *job);
    const ProtocolInfo& info = find_protocol(job->protocol);
    SQT_CHECK(info.parties > 1,
              "the emulator (plain) runs in one process: use sqt train --protocol plain");
    job->check_holder_inputs = *check_inputs == "on" ||
                               (*check_inputs == "auto" && info.security.starts_with("malicious"));
    SQT_CHECK(job->reveal_to_holder < job->holders,
              "--reveal-to holder{} needs at least {} holders (--holders {})",
              job->reveal_to_holder, job->reveal_to_holder + 1, job->holders);
    job->parties = checked_party_count(find_protocol(job->protocol), job->parties, job->dealer);
    SQT_CHECK(!job->resume || !job->checkpoint_dir.empty(), "--resume needs --checkpoint-dir DIR");
    SQT_CHECK(!job->check_range,
              "--check-range works in the emulator (sqt train --protocol plain)");
    job->progress_bar = ::isatty(STDOUT_FILENO) && flags->party == 0;
    if (job->ring == 64) {
      run_party<std::uint64_t>(*job, *flags);
    } else {
      run_party<u128>(*job, *flags);
    }
  });
}

void add_train_command(CLI::App& app) {
  auto* command = app.add_subcommand("train", "Train a model in MPC (all parties in this process)");
  auto job = std::make_shared<TrainJob>();
  add_train_flags(*command, *job);
  command->callback([job, command] {
    if (!job->recipe.empty()) apply_recipe(job->recipe, *command, *job);
    job->parties = checked_party_count(find_protocol(job->protocol), job->parties, job->dealer);
    SQT_CHECK(job->reveal_to_holder < 0,
              "--reveal-to holder{}: data holders take part in sqt party --holders only",
              job->reveal_to_holder);
    job->progress_bar = ::isatty(STDOUT_FILENO);
    SQT_CHECK(job->train.epochs >= 1, "--epochs must be at least 1, got {}", job->train.epochs);
    SQT_CHECK(!job->resume || !job->checkpoint_dir.empty(), "--resume needs --checkpoint-dir DIR");
    SQT_CHECK(!job->check_range || job->protocol == "plain",
              "--check-range works in the emulator (--protocol plain) only");
    if (job->ring == 64) {
      run_ring<std::uint64_t>(*job);
    } else {
      run_ring<u128>(*job);
    }
  });
}

void add_eval_command(CLI::App& app) {
  auto* command = app.add_subcommand("eval", "Evaluate a saved (revealed) model in plaintext");
  auto model_file = std::make_shared<std::string>();
  auto job = std::make_shared<TrainJob>();
  command->add_option("--model-file", *model_file, "Model saved by sqt train --save-model")
      ->required();
  command->add_option("--dataset", job->dataset, "mnist, fashion-mnist or cifar10")
      ->capture_default_str();
  command->add_option("--data-dir", job->data_dir, "Data root (default: $SQT_DATA_DIR)");
  command->add_option("--test-limit", job->test_limit, "Use the first N test samples (0: all)");
  auto predictions_out = std::make_shared<std::string>();
  command->add_option("--predictions-out", *predictions_out,
                      "Write the predicted class of each test sample, one per line");
  command->callback([model_file, job, predictions_out] {
    reference::Model model = load_model_file(*model_file);
    TrainTest data = load_dataset(job->dataset, resolve_data_dir(job->data_dir));
    data.test.truncate(job->test_limit);
    const Dataset& test = data.test;
    SQT_CHECK(model.spec.input == test.sample_shape, "model expects input {} but {} samples are {}",
              shape_string(model.spec.input), job->dataset, shape_string(test.sample_shape));
    std::ofstream predictions;
    if (!predictions_out->empty()) {
      predictions.open(*predictions_out, std::ios::trunc);
      SQT_CHECK(predictions.good(), "cannot write predictions file '{}'", *predictions_out);
    }
    std::size_t correct = 0;
    const std::size_t batch = 500, size = test.sample_size();
    for (std::size_t first = 0; first < test.count(); first += batch) {
      std::size_t count = std::min(batch, test.count() - first);
      Shape shape{count};
      shape.insert(shape.end(), test.sample_shape.begin(), test.sample_shape.end());
      Tensor<double> x(shape);
      for (std::size_t i = 0; i < count * size; ++i) x[i] = test.pixels[first * size + i] / 255.0;
      Tensor<double> logits = model.forward(x);
      const std::size_t classes = logits.size() / count;
      for (std::size_t i = 0; i < count; ++i) {
        std::size_t best = 0;
        for (std::size_t c = 1; c < classes; ++c)
          if (logits[i * classes + c] > logits[i * classes + best]) best = c;
        correct += best == test.labels[first + i];
        if (predictions.is_open()) predictions << best << "\n";
      }
    }
    SQT_CHECK(!predictions.is_open() || predictions.flush().good(),
              "cannot write predictions file '{}' (disk full?)", *predictions_out);
    fmt::print("test accuracy (plaintext evaluation of {}): {:.4f} ({}/{})\n", *model_file,
               static_cast<double>(correct) / test.count(), correct, test.count());
  });
}

}  // namespace sqt
