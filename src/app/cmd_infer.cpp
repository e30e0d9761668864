// cmd_infer.cpp — `sqt infer`: the computing parties evaluate a secret-shared
// model on a client's samples; only the client learns the predicted classes.
//
// Nodes: the N computing parties (ids 0 .. N-1; party 0 owns the model and
// inputs it from --model-file) and the client (id N, last in --peers), which
// holds the samples. The secure part is nn/secure_inference.h; this file
// moves the client's summands and results and reports.
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
#include "core/precision.h"
#include "crypto/prg.h"
#include "data/dataset.h"
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
  int frac_bits = 16;
  std::string model_file;  // party 0
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

// The client's announcement {count, sample size}, checked against the
// model and compared between the computing parties.
std::array<std::uint64_t, 2> receive_request(Network& net, const ModelSpec& spec) {
  const auto request = agree_on_words<2>(net, net.parties(), "the client's request");
  SQT_CHECK(request[0] >= 1 && request[0] <= kMaxSamples,
            "the client asked for {} predictions (1 to {} accepted)", request[0], kMaxSamples);
  SQT_CHECK(request[1] == shape_size(spec.input),
            "the client's samples have {} values but model '{}' takes {} ({})", request[1],
            spec.name, shape_size(spec.input), shape_string(spec.input));
  return request;
}

template <BinaryProtocol P>
void infer_as_party(P& p, const reference::Model* owned) {
  using R = typename P::Ring;
  Network& net = p.session().net();
  const int client = p.parties();
  ModelSpec spec = share_model_spec(net, owned);
  Sequential<P> model = build_model<P>(spec);
  model.initialize(p);
  input_owned_params(p, model, owned, 0);
  const auto [count, size] = receive_request(net, spec);
  RevealLog log;
  std::vector<R> opened;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t c = std::min<std::size_t>(kChunk, count - first);
    Shape x_shape{c};
    x_shape.insert(x_shape.end(), spec.input.begin(), spec.input.end());
    Tensor<R> x_summand(x_shape), m_summand(Shape{c});
    net.recv_values<R>(client, x_summand.span());
    net.recv_values<R>(client, m_summand.span());
    auto x = input_summands(p, x_summand, x_shape);
    auto mask = input_summands(p, m_summand, {c});
    Tensor<R> z = masked_classes(p, model, x, mask, log);
    opened.insert(opened.end(), z.begin(), z.end());
  }
  finish_protocol(p);  // every check passes before the client gets anything
  net.send_values<R>(client, std::span<const R>(opened));
  fmt::print("party {}: served {} predictions to the client ({:.1f} MB sent, {} rounds)\n",
             p.party(), count, net.stats().bytes_sent / 1e6, net.stats().rounds);
}

template <RingElement R>
Tensor<R> chunk_pixels(const Dataset& test, std::size_t first, std::size_t count, int f) {
  const std::size_t size = test.sample_size();
  return encode_pixels<R>(std::span(test.pixels).subspan(first * size, count * size), f);
}

template <RingElement R>
void infer_as_client(Session& session, const Dataset& test, const InferOptions& o) {
  Network& net = session.net();
  const std::size_t count = test.count(), size = test.sample_size();
  const auto start = std::chrono::steady_clock::now();
  const std::array<std::uint64_t, 2> request{count, size};
  for (int i = 0; i < net.parties(); ++i) net.send_values<std::uint64_t>(i, request);
  Prg prg = Prg::from_os();
  Tensor<R> mask = prg.random<R>({count});
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t c = std::min(kChunk, count - first);
    send_summands(net, prg, chunk_pixels<R>(test, first, c, session.frac_bits()));
    Tensor<R> m(Shape{c});
    for (std::size_t i = 0; i < c; ++i) m[i] = mask[first + i];
    send_summands(net, prg, m);
  }
  const Tensor<R> opened = receive_agreed<R>(net, count, "results");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream out;
  if (!o.predictions_out.empty()) {
    out.open(o.predictions_out, std::ios::trunc);
    SQT_CHECK(out.good(), "cannot write predictions file '{}'", o.predictions_out);
  }
  std::size_t correct = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const R predicted = opened[i] - mask[i];
    SQT_CHECK(predicted < R{1} << 20, "sample {}: the parties returned a malformed class", i);
    correct += static_cast<std::size_t>(predicted) == test.labels[i];
    if (out.is_open()) out << static_cast<std::uint64_t>(predicted) << "\n";
  }
  SQT_CHECK(!out.is_open() || out.flush().good(), "cannot write predictions file '{}'",
            o.predictions_out);
  fmt::print(
      "client: {} predictions in {:.2f} s ({:.1f} ms per sample); accuracy on the client's "
      "labels {:.4f} ({}/{}); sent {:.1f} MB\n",
      count, seconds, 1e3 * seconds / count, static_cast<double>(correct) / count, correct, count,
      net.stats().bytes_sent / 1e6);
}

template <RingElement R>
void run_infer(const InferOptions& o, const PartyFlags& flags, int parties) {
  check_precision(kRingBits<R>, o.frac_bits);
  const int me = flags.party;
  std::vector<PeerAddress> peers = parse_peers(flags.peers);
  SQT_CHECK(static_cast<int>(peers.size()) == parties + 1,
            "sqt infer with {} parties: --peers needs {} addresses (the computing parties, then "
            "the client), got {}",
            parties, parties + 1, peers.size());
  SQT_CHECK(me >= 0 && me <= parties, "--id must be 0 to {} ({} is the client), got {}", parties,
            parties, me);
  std::unique_ptr<reference::Model> owned;
  if (me == 0) {
    SQT_CHECK(!o.model_file.empty(), "party 0 owns the model: pass --model-file FILE");
    owned = std::make_unique<reference::Model>(load_model_file(o.model_file));
  }
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
  options.agreed = {
      {"command", "infer"}, {"protocol", o.protocol}, {"ring", std::to_string(o.ring)}};
  add_party_count_agreed(options.agreed, parties, false);
  add_config_agreed(options.agreed, flags);
  Session session(std::move(network), options);
  run_or_abort(session, [&] {
    if (me == parties) return infer_as_client<R>(session, *test, o);
    with_protocol<R>(o.protocol, [&]<class P>(std::type_identity<P>) {
      if constexpr (P::kParties != 1) {
        P p(session);
        infer_as_party(p, owned.get());
      }
    });
  });
}

}  // namespace

void add_infer_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "infer",
      "Predict in MPC for a client: party 0 inputs a saved model, the client (last in --peers) "
      "its samples; only the client learns the classes");
  auto o = std::make_shared<InferOptions>();
  auto flags = std::make_shared<PartyFlags>();
  add_party_flags(*command, *flags);
  command->add_option("--protocol", o->protocol, "Protocol (sqt protocols)")
      ->check(CLI::IsMember(protocol_names()))
      ->capture_default_str();
  command->add_option("--parties", o->parties, "Computing parties (protocols whose count varies)")
      ->check(CLI::Range(1, 64));
  command->add_option("--ring", o->ring, "Ring bit width: 64 or 128")
      ->check(CLI::IsMember({64, 128}))
      ->capture_default_str();
  command->add_option("--frac-bits", o->frac_bits, "Fractional bits")->capture_default_str();
  command->add_option("--model-file", o->model_file,
                      "Party 0 (the model owner): model saved by sqt train --save-model");
  command->add_option("--dataset", o->dataset, "The client: mnist, fashion-mnist or cifar10")
      ->capture_default_str();
  command->add_option("--data-dir", o->data_dir, "The client: data root (default: $SQT_DATA_DIR)");
  command->add_option("--test-limit", o->test_limit, "The client: first N test samples (0: all)")
      ->capture_default_str();
  command->add_option("--predictions-out", o->predictions_out,
                      "The client: write the predicted class of each sample, one per line");
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
