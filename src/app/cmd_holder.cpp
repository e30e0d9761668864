// cmd_holder.cpp — `sqt holder`: a data holder that is not a computing
// party. It connects to the computing parties (`sqt party --holders H`),
// secret-shares a horizontal slice of its dataset as additive summands, waits
// until every party has accepted the data, and leaves; the holder named by
// the parties' --reveal-to holderK stays and receives the trained model.
// The parties' side is app/holder_exchange.h; docs/holders.md the messages.
#include <fmt/core.h>

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/party_flags.h"
#include "app/train_job.h"
#include "core/precision.h"
#include "nn/model_file.h"
#include "nn/pixel_encoding.h"
#include "proto/plain/plain.h"
#include "proto/registry.h"
#include "proto/session.h"

namespace sqt {
namespace {

struct SampleRange {
  std::size_t first = 0, count = 0;
};

struct HolderOptions {
  TrainJob job;  // protocol, parties, ring, dataset, holders: compared with the parties
  std::string train_samples = "all", test_samples = "none";
  std::string save_model;
  std::string test_malformed;  // tests only: "pixel" or "label" sends one bad value
};

// "all", "none" or "FIRST:COUNT" of a set of `available` samples.
SampleRange parse_range(const std::string& text, std::size_t available, const std::string& flag) {
  if (text == "all") return {0, available};
  if (text == "none") return {0, 0};
  const auto colon = text.find(':');
  std::size_t first = 0, count = 0;
  auto number = [](std::string_view s, std::size_t& out) {
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
    return error == std::errc() && end == s.data() + s.size() && !s.empty();
  };
  SQT_CHECK(colon != std::string::npos && number(std::string_view(text).substr(0, colon), first) &&
                number(std::string_view(text).substr(colon + 1), count),
            "{} '{}': expected all, none or FIRST:COUNT (e.g. 0:30000)", flag, text);
  SQT_CHECK(first + count <= available, "{} {}: samples {} to {} requested but the dataset has {}",
            flag, text, first, first + count, available);
  return {first, count};
}

// Sends samples [range) of `set` as summands: pixels, then one-hot labels,
// in chunks of kHolderChunk samples (the parties' input_holder_samples).
template <RingElement R>
void send_samples(Network& net, Prg& prg, const Dataset& set, SampleRange range, int f,
                  const std::string& malformed = "") {
  const std::size_t size = set.sample_size(), classes = static_cast<std::size_t>(set.classes);
  for (std::size_t first = 0; first < range.count; first += kHolderChunk) {
    const std::size_t c = std::min(kHolderChunk, range.count - first);
    const std::size_t start = range.first + first;
    Tensor<R> x = encode_pixels<R>(std::span(set.pixels).subspan(start * size, c * size), f);
    Tensor<R> onehot(Shape{c * classes}, R{0});
    for (std::size_t i = 0; i < c; ++i) onehot[i * classes + set.labels[start + i]] = 1;
    if (first == 0 && malformed == "pixel") x[0] = R{2} << f;           // a pixel of 2.0
    if (first == 0 && malformed == "label") onehot[0] = onehot[1] = 1;  // two classes
    send_summands(net, prg, x);
    send_summands(net, prg, onehot);
  }
}

// The model as trained: the architecture from party 0, the parameters
// opened by every party plus this holder's mask.
template <RingElement R>
void receive_model(Session& session, Prg& prg, const std::string& path) {
  Network& net = session.net();
  std::vector<std::byte> bytes = net.recv_any(0, 1 << 20);
  ModelSpec spec = model_spec_from_json(
      nlohmann::json::parse(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                            nullptr, false),
      "the architecture from party 0");
  Sequential<Plain<R>> shapes = build_model<Plain<R>>(spec);
  std::size_t total = 0;
  for (auto& layer : shapes.layers())
    for (Param<Plain<R>>* param : layer->params()) total += shape_size(param->shape);
  Tensor<R> mask = prg.random<R>({total});
  send_summands(net, prg, mask);
  const Tensor<R> opened = receive_agreed<R>(net, total, "models");
  reference::Model model{spec, std::vector<reference::Params>(spec.layers.size())};
  std::size_t offset = 0;
  for (std::size_t i = 0; i < shapes.layers().size(); ++i)
    for (Param<Plain<R>>* param : shapes.layers()[i]->params()) {
      Tensor<R> values(param->shape);
      for (std::size_t k = 0; k < values.size(); ++k)
        values[k] = opened[offset + k] - mask[offset + k];
      offset += values.size();
      model.params[i].emplace(param->name, decode_fixed(values, session.frac_bits()));
    }
  save_model_file(path, model, kRingBits<R>, session.frac_bits());
  fmt::print("holder: model received and saved to {}\n", path);
}

template <RingElement R>
void run_holder(const HolderOptions& o, const PartyFlags& flags) {
  const TrainJob& job = o.job;
  const int f = job.frac_bits < 0 ? kDefaultFracBits<R> : job.frac_bits;
  check_precision(kRingBits<R>, f);
  std::vector<PeerAddress> peers = parse_peers_with_holders(flags, job.parties, job.holders);
  const int me = flags.party;
  SQT_CHECK(me >= job.parties && me < job.parties + job.holders,
            "--id {} is not a holder: the holders are nodes {} to {} of --peers", me, job.parties,
            job.parties + job.holders - 1);
  TrainTest data = load_dataset(job.dataset, resolve_data_dir(job.data_dir));
  const SampleRange train = parse_range(o.train_samples, data.train.count(), "--train-samples");
  const SampleRange test = parse_range(o.test_samples, data.test.count(), "--test-samples");
  auto network = std::make_unique<Network>(
      me, connect_parties(me, peers, resolve_connect_options(flags)), job.parties);
  SessionOptions options;
  options.frac_bits = f;
  options.nearest_rounding = job.nearest;
  options.clients = job.holders;
  options.agreed = holder_agreed_options(job);
  add_config_agreed(options.agreed, flags);
  Session session(std::move(network), options);
  run_or_abort(session, [&] {
    Network& net = session.net();
    const std::array<std::uint64_t, 5> announcement{
        train.count, test.count, data.train.sample_size(),
        static_cast<std::uint64_t>(data.train.classes), o.save_model.empty() ? 0u : 1u};
    for (int i = 0; i < net.parties(); ++i) net.send_values<std::uint64_t>(i, announcement);
    Prg prg = Prg::from_os();
    send_samples<R>(net, prg, data.train, train, f, o.test_malformed);
    send_samples<R>(net, prg, data.test, test, f);
    for (int i = 0; i < net.parties(); ++i) {
      std::uint64_t accepted = 0;
      net.recv_values<std::uint64_t>(i, std::span(&accepted, 1));
    }
    fmt::print(
        "holder {}: {} training and {} test samples accepted by the {} parties ({:.1f} MB "
        "sent)\n",
        me - job.parties, train.count, test.count, net.parties(), net.stats().bytes_sent / 1e6);
    std::fflush(stdout);
    if (!o.save_model.empty()) receive_model<R>(session, prg, o.save_model);
  });
}

}  // namespace

void add_holder_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "holder",
      "Secret-share a slice of a dataset to the computing parties (sqt party --holders H) as a "
      "data holder, not a computing party; with --save-model, receive the trained model");
  auto o = std::make_shared<HolderOptions>();
  auto flags = std::make_shared<PartyFlags>();
  add_party_flags(*command, *flags);
  TrainJob& job = o->job;
  add_protocol_flags(*command, job.protocol, job.ring, "Protocol of the parties (sqt protocols)");
  add_party_count_flags(*command, job.parties, job.dealer);
  command->add_option("--frac-bits", job.frac_bits,
                      "Fractional bits (default 16 on k=64, 32 on k=128)");
  command
      ->add_option(
          "--rounding",
          [&job](const CLI::results_t& r) {
            job.nearest = r[0] == "nearest";
            return true;
          },
          "Fixed-point rounding of the parties: prob (default) or nearest")
      ->check(CLI::IsMember({"prob", "nearest"}));
  command->add_option("--holders", job.holders, "How many holders take part")
      ->required()
      ->check(CLI::Range(1, 64));
  command->add_option("--dataset", job.dataset, "mnist, fashion-mnist or cifar10")
      ->capture_default_str();
  command->add_option("--data-dir", job.data_dir, "Data root (default: $SQT_DATA_DIR)");
  command
      ->add_option("--train-samples", o->train_samples,
                   "Training samples this holder shares: all, none or FIRST:COUNT")
      ->capture_default_str();
  command
      ->add_option("--test-samples", o->test_samples,
                   "Test samples this holder shares: all, none or FIRST:COUNT")
      ->capture_default_str();
  command->add_option("--save-model", o->save_model,
                      "Receive the trained model (the parties run --reveal-to holderK) and save "
                      "it to FILE");
  command
      ->add_option("--insecure-test-malformed", o->test_malformed,
                   "Tests only: send one out-of-range pixel or a two-class label")
      ->check(CLI::IsMember({"pixel", "label"}))
      ->group("");
  command->callback([o, flags, command] {
    const ProtocolInfo& info = find_protocol(o->job.protocol);
    SQT_CHECK(info.parties > 1, "data holders share data with a multi-party protocol");
    o->job.parties = checked_party_count(info, o->job.parties, o->job.dealer);
    SQT_CHECK(!o->job.dealer, "--holders with --dealer is not supported: run without a dealer");
    // The model comes after the whole training: wait for it as long as it takes.
    if (!o->save_model.empty() && command->get_option("--recv-timeout")->count() == 0)
      flags->recv_timeout_s = 30 * 24 * 3600.0;
    if (o->job.ring == 64) {
      run_holder<std::uint64_t>(*o, *flags);
    } else {
      run_holder<u128>(*o, *flags);
    }
  });
}

}  // namespace sqt
