// cmd_infer.cpp — `sqt infer`: the computing parties evaluate a secret-shared
// model on a client's samples; only the client learns the predicted classes.
//
// Nodes: the N computing parties (ids 0 .. N-1) and the client (id N, last
// in --peers), which holds the samples. The model comes either from party 0,
// which owns it and inputs it from --model-file, or from the parties' own
// training checkpoints (--checkpoint-dir at every party), so that a model
// trained in MPC serves predictions without ever being opened. The client
// learns the predicted classes or, with --output scores, the output scores.
// The secure part is nn/secure_inference.h and nn/checkpoint_model.h; this
// file moves the client's summands and results and reports.
#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/client_messages.h"
#include "app/commands.h"
#include "app/party_flags.h"
#include "app/train_job.h"
#include "core/fixed_point.h"
#include "core/precision.h"
#include "crypto/prg.h"
#include "data/dataset.h"
#include "nn/checkpoint_model.h"
#include "nn/model_file.h"
#include "nn/model_spec_json.h"
#include "nn/pixel_encoding.h"
#include "nn/secure_inference.h"
#include "proto/registry.h"
#include "proto/session.h"

namespace sqt {
namespace {

constexpr std::size_t kChunk = 128;             // samples per forward pass
constexpr std::size_t kMaxSamples = 1'000'000;  // what a party accepts from a client

struct InferOptions {
  std::string protocol = "rep3";
  int parties = 0;
  int ring = 64;
  int frac_bits = -1;              // default per ring
  std::string model_file;          // party 0: a revealed model
  std::string checkpoint_dir;      // every party: its shares, from training checkpoints
  int checkpoint_epoch = 0;        // 0: the latest that every party has
  std::string model = "A";         // with checkpoint_dir: the architecture (as in training)
  std::string output = "classes";  // or "scores": what the client learns
  bool scores() const { return output == "scores"; }
  std::string dataset = "mnist", data_dir;
  std::size_t test_limit = 100;
  std::string predictions_out;  // the client
};

// The architecture is public among the computing parties: party 0 sends it.
ModelSpec share_model_spec(Network& net, const reference::Model* owned) {
  if (net.id() == 0) {
    const std::string text = model_spec_to_json(owned->spec).dump();
    for (int peer = 1; peer < net.parties(); ++peer) net.send(peer, std::as_bytes(std::span(text)));
    return owned->spec;
  }
  std::vector<std::byte> bytes = net.recv_any(0, 1 << 20);
  return model_spec_from_json(
      nlohmann::json::parse(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                            nullptr, false),
      "the model from party 0");
}

// The client's announcement {count, values per sample, outputs per sample},
// checked against the model and compared between the computing parties.
std::array<std::uint64_t, 3> receive_request(Network& net, const ModelSpec& spec,
                                             std::size_t outputs) {
  const auto request = agree_on_words<3>(net, net.parties(), "the client's request");
  SQT_CHECK(request[0] >= 1 && request[0] <= kMaxSamples,
            "the client asked for {} predictions (1 to {} accepted)", request[0], kMaxSamples);
  SQT_CHECK(request[1] == shape_size(spec.input),
            "the client's samples have {} values but model '{}' takes {} ({})", request[1],
            spec.name, shape_size(spec.input), shape_string(spec.input));
  SQT_CHECK(request[2] == outputs, "the client expects {} classes but model '{}' has {} outputs",
            request[2], spec.name, outputs);
  return request;
}

// The model the parties serve, as shares, with its description.
template <BinaryProtocol P>
struct ServedModel {
  ModelSpec spec;
  Sequential<P> layers;
  std::size_t outputs = 0;  // scores per sample
};

template <BinaryProtocol P>
ServedModel<P> build_served(const ModelSpec& spec, P& p) {
  Shape output;
  Sequential<P> layers = build_model<P>(spec, &output);
  layers.initialize(p);  // every share gets its shape; the values are replaced
  return {spec, std::move(layers), shape_size(output)};
}

// Party 0 inputs its revealed model, or every party loads its shares from
// its checkpoints; the parties first check that they all do the same.
template <BinaryProtocol P>
ServedModel<P> serve_model(P& p, const InferOptions& o, const reference::Model* owned) {
  Network& net = p.session().net();
  const bool from_checkpoint = !o.checkpoint_dir.empty();
  std::map<std::string, std::string> source{{"model_source", "party 0's model file"}};
  if (from_checkpoint)
    source = {{"model_source", "checkpoints"},
              {"model", o.model},
              {"checkpoint_epoch", std::to_string(o.checkpoint_epoch)}};
  check_parties_agree(net, source, "the model options (--checkpoint-dir, --model)");
  if (!from_checkpoint) {
    ServedModel<P> served = build_served(share_model_spec(net, owned), p);
    input_owned_params(p, served.layers, owned, 0);
    return served;
  }
  ServedModel<P> served =
      build_served(named_model_spec(o.model, o.dataset, dataset_sample_shape(o.dataset)), p);
  std::optional<int> epoch;
  if (o.checkpoint_epoch > 0) epoch = o.checkpoint_epoch;
  const int loaded = load_model_from_checkpoint(p, o.checkpoint_dir, served.layers, epoch);
  fmt::print("party {}: model {} from its checkpoint of epoch {} in {}\n", p.party(),
             served.spec.name, loaded, o.checkpoint_dir);
  return served;
}

template <BinaryProtocol P>
void infer_as_party(P& p, const InferOptions& o, const reference::Model* owned) {
  using R = typename P::Ring;
  Network& net = p.session().net();
  const int client = p.parties();
  ServedModel<P> model = serve_model(p, o, owned);
  const auto [count, size, outputs] = receive_request(net, model.spec, model.outputs);
  RevealLog log;
  std::vector<R> opened;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t c = std::min<std::size_t>(kChunk, count - first);
    Shape x_shape{c};
    x_shape.insert(x_shape.end(), model.spec.input.begin(), model.spec.input.end());
    const Shape mask_shape = o.scores() ? Shape{c, outputs} : Shape{c};
    Tensor<R> x_summand(x_shape), m_summand(mask_shape);
    net.recv_values<R>(client, x_summand.span());
    net.recv_values<R>(client, m_summand.span());
    auto x = input_summands(p, x_summand, x_shape);
    auto mask = input_summands(p, m_summand, mask_shape);
    Tensor<R> z = o.scores() ? masked_scores(p, model.layers, x, mask, log)
                             : masked_classes(p, model.layers, x, mask, log);
    opened.insert(opened.end(), z.begin(), z.end());
  }
  finish_protocol(p);  // every check passes before the client gets anything
  net.send_values<R>(client, std::span<const R>(opened));
  fmt::print("party {}: served {} {} to the client ({:.1f} MB sent, {} rounds)\n", p.party(), count,
             o.scores() ? "score vectors" : "predictions", net.stats().bytes_sent / 1e6,
             net.stats().rounds);
}

template <RingElement R>
Tensor<R> chunk_pixels(const Dataset& test, std::size_t first, std::size_t count, int f) {
  const std::size_t size = test.sample_size();
  return encode_pixels<R>(std::span(test.pixels).subspan(first * size, count * size), f);
}

// What the client makes of the parties' opening: per sample the predicted
// class, and with --output scores the scores it came from.
struct ClientResults {
  std::vector<std::size_t> classes;
  std::vector<std::vector<double>> scores;  // empty unless --output scores
};

template <RingElement R>
ClientResults unmask(const Tensor<R>& opened, const Tensor<R>& mask, std::size_t count, bool scores,
                     int frac_bits) {
  ClientResults results;
  if (!scores) {
    for (std::size_t i = 0; i < count; ++i) {
      const R predicted = opened[i] - mask[i];
      SQT_CHECK(predicted < R{1} << 20, "sample {}: the parties returned a malformed class", i);
      results.classes.push_back(static_cast<std::size_t>(predicted));
    }
    return results;
  }
  const std::size_t outputs = opened.size() / count;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<double> row;
    for (std::size_t k = 0; k < outputs; ++k)
      row.push_back(decode_fixed<R>(opened[i * outputs + k] - mask[i * outputs + k], frac_bits));
    results.classes.push_back(
        static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin()));
    results.scores.push_back(std::move(row));
  }
  return results;
}

// One line per sample: the class, or the scores separated by spaces.
void write_predictions(const std::string& path, const ClientResults& results) {
  std::ofstream out(path, std::ios::trunc);
  SQT_CHECK(out.good(), "cannot write predictions file '{}'", path);
  for (std::size_t i = 0; i < results.classes.size(); ++i) {
    if (results.scores.empty()) {
      out << results.classes[i] << "\n";
      continue;
    }
    for (std::size_t k = 0; k < results.scores[i].size(); ++k)
      out << (k ? " " : "") << fmt::format("{:.6f}", results.scores[i][k]);
    out << "\n";
  }
  SQT_CHECK(out.flush().good(), "cannot write predictions file '{}'", path);
}

template <RingElement R>
void infer_as_client(Session& session, const Dataset& test, const InferOptions& o) {
  Network& net = session.net();
  const std::size_t count = test.count(), size = test.sample_size();
  const std::size_t classes = static_cast<std::size_t>(test.classes);
  const std::size_t per_sample = o.scores() ? classes : 1;  // mask words
  const auto start = std::chrono::steady_clock::now();
  const std::array<std::uint64_t, 3> request{count, size, classes};
  for (int i = 0; i < net.parties(); ++i) net.send_values<std::uint64_t>(i, request);
  Prg prg = Prg::from_os();
  Tensor<R> mask = prg.random<R>({count * per_sample});
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t c = std::min(kChunk, count - first);
    send_summands(net, prg, chunk_pixels<R>(test, first, c, session.frac_bits()));
    Tensor<R> m(Shape{c * per_sample});
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = mask[first * per_sample + i];
    send_summands(net, prg, m);
  }
  const Tensor<R> opened = receive_agreed<R>(net, count * per_sample, "results");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const ClientResults results = unmask(opened, mask, count, o.scores(), session.frac_bits());
  if (!o.predictions_out.empty()) write_predictions(o.predictions_out, results);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < count; ++i) correct += results.classes[i] == test.labels[i];
  fmt::print(
      "client: {} {} in {:.2f} s ({:.1f} ms per sample); accuracy on the client's labels "
      "{:.4f} ({}/{}); sent {:.1f} MB\n",
      count, o.scores() ? "score vectors" : "predictions", seconds, 1e3 * seconds / count,
      static_cast<double>(correct) / count, correct, count, net.stats().bytes_sent / 1e6);
}

// The revealed model of party 0, when the model does not come from the
// parties' checkpoints; loaded before connecting, so that a bad file fails
// early.
std::unique_ptr<reference::Model> owned_model(const InferOptions& o, int me, int parties) {
  if (me == parties || !o.checkpoint_dir.empty()) return nullptr;
  SQT_CHECK(o.model_file.empty() || me == 0,
            "--model-file is party 0's (the model owner); party {} takes none", me);
  if (me != 0) return nullptr;
  SQT_CHECK(!o.model_file.empty(),
            "party 0 owns the model: pass --model-file FILE (or --checkpoint-dir DIR at every "
            "party, to serve a model trained in MPC)");
  return std::make_unique<reference::Model>(load_model_file(o.model_file));
}

template <RingElement R>
void run_infer(InferOptions o, const PartyFlags& flags, int parties) {
  if (o.frac_bits < 0) o.frac_bits = kDefaultFracBits<R>;
  check_precision(kRingBits<R>, o.frac_bits);
  const int me = flags.party;
  std::vector<PeerAddress> peers = parse_peers(flags.peers);
  SQT_CHECK(static_cast<int>(peers.size()) == parties + 1,
            "sqt infer with {} parties: --peers needs {} addresses (the computing parties, then "
            "the client), got {}",
            parties, parties + 1, peers.size());
  SQT_CHECK(me >= 0 && me <= parties, "--id must be 0 to {} ({} is the client), got {}", parties,
            parties, me);
  SQT_CHECK(o.checkpoint_dir.empty() || o.model_file.empty(),
            "--model-file and --checkpoint-dir are two sources of the model: pass one");
  std::unique_ptr<reference::Model> owned = owned_model(o, me, parties);
  std::optional<Dataset> test;
  if (me == parties) {  // the client loads its samples before connecting
    TrainTest data = load_dataset(o.dataset, resolve_data_dir(o.data_dir));
    data.test.truncate(o.test_limit);
    test = std::move(data.test);
  }
  auto network = std::make_unique<Network>(
      me, connect_parties(me, peers, resolve_connect_options(flags)), parties);
  SessionOptions options;
  options.frac_bits = o.frac_bits;
  options.clients = 1;  // the last node is the client, not a dealer
  options.agreed = {{"command", "infer"},
                    {"protocol", o.protocol},
                    {"ring", std::to_string(o.ring)},
                    {"output", o.output}};
  add_party_count_agreed(options.agreed, parties, false);
  add_config_agreed(options.agreed, flags);
  Session session(std::move(network), options);
  run_or_abort(session, [&] {
    if (me == parties) return infer_as_client<R>(session, *test, o);
    with_protocol<R>(o.protocol, [&]<class P>(std::type_identity<P>) {
      if constexpr (P::kParties != 1) {
        P p(session);
        infer_as_party(p, o, owned.get());
      }
    });
  });
}

}  // namespace

void add_infer_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "infer",
      "Predict in MPC for a client: the parties hold the model as shares (input by party 0 "
      "from a saved model, or from their training checkpoints), the client (last in --peers) "
      "inputs its samples; only the client learns the classes (or scores)");
  auto o = std::make_shared<InferOptions>();
  auto flags = std::make_shared<PartyFlags>();
  add_party_flags(*command, *flags);
  add_protocol_flags(*command, o->protocol, o->ring, "Protocol (sqt protocols)");
  command->add_option("--parties", o->parties, "Computing parties (protocols whose count varies)")
      ->check(CLI::Range(1, 64));
  command->add_option("--frac-bits", o->frac_bits,
                      "Fractional bits (default 16 on k=64, 32 on k=128; as in training)");
  command->add_option("--model-file", o->model_file,
                      "Party 0 (the model owner): model saved by sqt train --save-model");
  command->add_option("--checkpoint-dir", o->checkpoint_dir,
                      "Every party: serve its shares of a model trained in MPC, from the "
                      "checkpoints sqt party --checkpoint-dir wrote (never opened)");
  command
      ->add_option(
          "--checkpoint-epoch", o->checkpoint_epoch,
          "With --checkpoint-dir: the epoch to serve (default: the latest every party has)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--model", o->model,
                   "With --checkpoint-dir: the trained architecture, built-in (A, B, C, D) or "
                   "a JSON model file, as given to training")
      ->capture_default_str();
  command->add_option("--output", o->output, "What the client learns: classes or scores")
      ->check(CLI::IsMember({"classes", "scores"}))
      ->capture_default_str();
  command->add_option("--dataset", o->dataset, "The client: mnist, fashion-mnist or cifar10")
      ->capture_default_str();
  command->add_option("--data-dir", o->data_dir, "The client: data root (default: $SQT_DATA_DIR)");
  command->add_option("--test-limit", o->test_limit, "The client: first N test samples (0: all)")
      ->capture_default_str();
  command->add_option("--predictions-out", o->predictions_out,
                      "The client: write the predicted class (or, with --output scores, the "
                      "scores) of each sample, one line per sample");
  command->callback([o, flags] {
    const ProtocolInfo& info = find_protocol(o->protocol);
    SQT_CHECK(info.parties > 1, "sqt infer needs a multi-party protocol (not the emulator)");
    const int parties = checked_party_count(info, o->parties, false);
    if (o->ring == 64) {
      run_infer<std::uint64_t>(*o, *flags, parties);
    } else {
      run_infer<u128>(*o, *flags, parties);
    }
  });
}

}  // namespace sqt
