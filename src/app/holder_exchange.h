// holder_exchange.h — the computing parties' side of `sqt holder`: data
// holders are client nodes (after the computing parties in --peers) that
// secret-share their samples, and one of them may receive the model.
//
// Messages, per holder (docs/holders.md has what each reveals):
//   holder -> every party   announcement {train, test, sample values,
//                           classes, wants model}; the parties compare it.
//   holder -> party i       summand i of the fixed-point pixels and of the
//                           one-hot labels, in chunks of kHolderChunk samples.
//   (training)
//   party 0 -> holder       the architecture (JSON), if it wants the model;
//   holder -> party i       summand i of a uniform mask, one per parameter;
//   party i -> holder       every parameter plus the mask, opened in MPC.
// The parties own the shares (SharedTrainTest); a holder keeps nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/client_messages.h"
#include "core/fixed_point.h"
#include "nn/model.h"
#include "nn/model_spec_json.h"
#include "nn/sample_checks.h"
#include "nn/secure_inference.h"

namespace sqt {

inline constexpr std::size_t kHolderChunk = 4096;  // samples per message

struct HolderAnnouncement {
  std::uint64_t train = 0, test = 0, sample_values = 0, classes = 0, wants_model = 0;
};

// What holder node `node` announces, compared between the computing parties.
inline HolderAnnouncement receive_announcement(Network& net, int node) {
  const auto w = agree_on_words<5>(net, node, fmt::format("holder {}", node - net.parties()));
  return {w[0], w[1], w[2], w[3], w[4]};
}

// `count` samples of holder node `node`: N summand inputs per chunk.
template <BinaryProtocol P>
SharedSamples<P> input_holder_samples(P& p, int node, std::size_t count, const Shape& sample_shape,
                                      std::size_t classes) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  Network& net = p.session().net();
  const std::size_t size = shape_size(sample_shape);
  std::vector<Share> xs, onehots;
  for (std::size_t first = 0; first < count; first += kHolderChunk) {
    const std::size_t c = std::min(kHolderChunk, count - first);
    Tensor<R> x(Shape{c * size}), onehot(Shape{c * classes});
    net.recv_values<R>(node, x.span());
    net.recv_values<R>(node, onehot.span());
    xs.push_back(input_summands(p, x, {c * size}));
    onehots.push_back(input_summands(p, onehot, {c * classes}));
  }
  Shape x_shape{count};
  x_shape.insert(x_shape.end(), sample_shape.begin(), sample_shape.end());
  Share onehot = P::reshaped(P::join(std::span<const Share>(onehots)), {count, classes});
  return {P::reshaped(P::join(std::span<const Share>(xs)), x_shape), onehot,
          labels_from_onehot(p, onehot), count};
}

// The union of several holders' samples, in holder order.
template <BinaryProtocol P>
SharedSamples<P> join_samples(P& p, const std::vector<SharedSamples<P>>& parts) {
  using Share = typename P::Share;
  std::vector<Share> xs, onehots;
  std::size_t count = 0;
  Shape x_shape;
  for (const SharedSamples<P>& s : parts) {
    if (s.count == 0) continue;
    x_shape = P::shape(s.x);
    xs.push_back(P::reshaped(s.x, {shape_size(x_shape)}));
    onehots.push_back(P::reshaped(s.onehot, {shape_size(P::shape(s.onehot))}));
    count += s.count;
  }
  if (count == 0) return {};
  x_shape[0] = count;
  const std::size_t classes = shape_size(P::shape(parts.front().onehot)) / parts.front().count;
  Share onehot = P::reshaped(P::join(std::span<const Share>(onehots)), {count, classes});
  return {P::reshaped(P::join(std::span<const Share>(xs)), x_shape), onehot,
          labels_from_onehot(p, onehot), count};
}

// Every holder's training and test samples as shares; with `check`, each
// holder's values are verified in MPC (nn/sample_checks.h) and a malformed
// input stops the run naming the holder.
template <BinaryProtocol P>
SharedTrainTest<P> input_holders(P& p, const std::vector<HolderAnnouncement>& holders,
                                 const Shape& sample_shape, bool check, RevealLog& log) {
  std::vector<SharedSamples<P>> train, test;
  for (std::size_t h = 0; h < holders.size(); ++h) {
    const int node = p.parties() + static_cast<int>(h);
    const std::size_t classes = holders[h].classes;
    train.push_back(input_holder_samples(p, node, holders[h].train, sample_shape, classes));
    if (holders[h].test) {
      test.push_back(input_holder_samples(p, node, holders[h].test, sample_shape, classes));
    }
    if (!check) continue;
    const std::string what = fmt::format("count of out-of-range values from holder {}", h);
    std::uint64_t bad = count_malformed(p, train.back(), log, what);
    if (holders[h].test) bad += count_malformed(p, test.back(), log, what);
    SQT_CHECK(bad == 0,
              "holder {} sent {} out-of-range values (pixels outside [0, 1], labels not one-hot): "
              "its data are refused",
              h, bad);
  }
  return {join_samples(p, train), join_samples(p, test)};
}

// Every parameter plus a mask known only to holder node `node`, opened to
// all parties (uniform to them); party 0 first sends the holder the
// architecture. The caller sends the result to the holder after the
// protocol's final checks.
template <BinaryProtocol P>
Tensor<typename P::Ring> masked_model_for_holder(P& p, Sequential<P>& model, const ModelSpec& spec,
                                                 int node, RevealLog& log) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  Network& net = p.session().net();
  if (p.party() == 0) {
    const std::string text = model_spec_to_json(spec).dump();
    net.send(node, std::as_bytes(std::span(text)));
  }
  std::vector<Share> values;
  std::size_t total = 0;
  for (auto& layer : model.layers())
    for (Param<P>* param : layer->params()) {
      values.push_back(P::reshaped(param->value, {shape_size(param->shape)}));
      total += shape_size(param->shape);
    }
  Tensor<R> mine(Shape{total});
  net.recv_values<R>(node, mine.span());
  const Share mask = input_summands(p, mine, {total});
  const Share all = P::join(std::span<const Share>(values));
  return reveal(p, log,
                fmt::format("model parameters plus holder {}'s mask (uniform)", node - p.parties()),
                RevealLog::kEveryone, p.add(all, mask));
}

}  // namespace sqt
