// checkpoint.h — saving a training run at the end of every epoch and
// resuming it, agreed by all parties.
//
// What a party saves: its shares of every parameter, of the layer buffers
// (batch normalisation statistics) and of the optimiser state, plus the
// optimiser's step count (CheckpointStore holds the file format).
//
// Agreement: at the start of a run party 0 draws a run id from the OS CSPRNG
// and sends it to the others. A checkpoint's digest is SHA-256(run id, epoch,
// configuration without --epochs); it reveals nothing about any share. After
// writing epoch e every party tells every other that it has e; only then are
// older checkpoints removed, so a crash while writing still leaves a common
// epoch. To resume, the parties exchange the (epoch, digest) lists of their
// valid checkpoints and take the latest epoch that all have with equal
// digests. Pairwise keys are fresh in every session (proto/session.h), so a
// resumed run never reuses PRG streams.
#pragma once

#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/os_random.h"
#include "crypto/sha256.h"
#include "nn/checkpoint_store.h"
#include "nn/model.h"
#include "nn/optimizer.h"
#include "proto/session.h"

namespace sqt {

inline std::string checkpoint_digest(const std::string& run_id, int epoch,
                                     const std::string& config) {
  std::string text = fmt::format("sqt-checkpoint\n{}\n{}\n{}", run_id, epoch, config);
  return sha256_hex(std::as_bytes(std::span(text)));
}

// The shares a trained model consists of: parameters, then layer buffers.
template <BinaryProtocol P>
std::vector<typename P::Share*> model_state(Sequential<P>& model) {
  std::vector<typename P::Share*> state;
  for (Param<P>* param : model.params()) state.push_back(&param->value);
  for (auto& layer : model.layers())
    for (auto* buffer : layer->buffers()) state.push_back(buffer);
  return state;
}

// Every share that a checkpoint saves, in a fixed order: the model's, then
// the optimiser's.
template <BinaryProtocol P>
std::vector<typename P::Share*> training_state(P& p, Sequential<P>& model,
                                               Optimizer<P>& optimizer) {
  std::vector<typename P::Share*> state = model_state(model);
  optimizer.prepare_state(p, model.params());
  for (auto& share : optimizer.state()) state.push_back(&share);
  return state;
}

// Sends `text` to every other party and returns every party's text (ours at
// our index).
template <BinaryProtocol P>
std::vector<std::string> exchange_text(P& p, const std::string& text) {
  if constexpr (P::kParties != 1) {
    return p.session().net().exchange_text(text, 1 << 20);
  } else {
    return {text};
  }
}

// Party 0's fresh random run id, known to all parties.
template <BinaryProtocol P>
std::string agree_run_id(P& p) {
  Key128 bytes = os_random_key();
  std::string mine;
  for (auto b : bytes) mine += fmt::format("{:02x}", b);
  return exchange_text(p, mine)[0];
}

template <BinaryProtocol P>
void save_checkpoint(P& p, const CheckpointStore& store, int epoch, const std::string& run_id,
                     const std::string& config, const std::vector<typename P::Share*>& state,
                     long steps) {
  using R = typename P::Ring;
  Checkpoint checkpoint;
  checkpoint.header = {p.party(), epoch,
                       run_id,    checkpoint_digest(run_id, epoch, config),
                       steps,     static_cast<int>(sizeof(R)),
                       {}};
  for (auto* share : state) {
    for (const Tensor<R>& tensor : P::local_tensors(*share)) {
      checkpoint.header.shapes.push_back(tensor.shape());
      auto bytes = std::as_bytes(std::span(tensor.data(), tensor.size()));
      checkpoint.payload.insert(checkpoint.payload.end(), bytes.begin(), bytes.end());
    }
  }
  store.write(checkpoint);
}

// Every party has written `epoch`: older checkpoints may go.
template <BinaryProtocol P>
void confirm_checkpoint(P& p, const CheckpointStore& store, int epoch) {
  for (const std::string& theirs : exchange_text(p, std::to_string(epoch)))
    SQT_CHECK(theirs == std::to_string(epoch),
              "parties disagree on the checkpoint just written: epoch {} here, {} elsewhere", epoch,
              theirs);
  store.remove_before(epoch);
}

struct ResumePoint {
  int epoch = 0;
  std::string run_id;
};

// The latest of `candidates` (this party's checkpoints) that every party
// also has, with an equal digest; nullopt if there is none.
template <BinaryProtocol P>
std::optional<CheckpointHeader> latest_common_checkpoint(
    P& p, const std::vector<CheckpointHeader>& candidates) {
  nlohmann::json mine = nlohmann::json::array();
  for (const auto& h : candidates) mine.push_back({{"epoch", h.epoch}, {"digest", h.digest}});
  std::vector<std::string> lists = exchange_text(p, mine.dump());
  for (auto h = candidates.rbegin(); h != candidates.rend(); ++h) {
    bool everyone = true;
    for (const std::string& text : lists) {
      auto theirs = nlohmann::json::parse(text, nullptr, false);
      bool found = false;
      if (theirs.is_array())
        for (const auto& entry : theirs)
          found |= entry.is_object() && entry.value("epoch", -1) == h->epoch &&
                   entry.value("digest", std::string()) == h->digest;
      everyone &= found;
    }
    if (everyone) return *h;
  }
  return std::nullopt;
}

// The latest epoch that every party has a valid checkpoint of, for this
// configuration and the same run; nullopt if there is none.
template <BinaryProtocol P>
std::optional<ResumePoint> agree_resume_point(P& p, const CheckpointStore& store,
                                              const std::string& config) {
  std::vector<CheckpointHeader> ours;
  for (const auto& h : store.list())
    if (h.digest == checkpoint_digest(h.run_id, h.epoch, config)) ours.push_back(h);
  std::optional<CheckpointHeader> common = latest_common_checkpoint(p, ours);
  if (!common) return std::nullopt;
  return ResumePoint{common->epoch, common->run_id};
}

// Reads the first tensors of a checkpoint's payload into `state`, checking
// every shape; returns the number of tensors and bytes read.
template <BinaryProtocol P>
std::pair<std::size_t, std::size_t> load_state_prefix(
    const Checkpoint& checkpoint, const std::string& file,
    const std::vector<typename P::Share*>& state) {
  using R = typename P::Ring;
  SQT_CHECK(checkpoint.header.word_bytes == static_cast<int>(sizeof(R)),
            "checkpoint '{}' holds {}-bit ring elements, this run uses {}", file,
            checkpoint.header.word_bytes * 8, sizeof(R) * 8);
  std::size_t index = 0, offset = 0;
  for (auto* share : state) {
    std::vector<Tensor<R>> tensors = P::local_tensors(*share);
    for (Tensor<R>& tensor : tensors) {
      SQT_CHECK(index < checkpoint.header.shapes.size() &&
                    checkpoint.header.shapes[index] == tensor.shape(),
                "checkpoint '{}': tensor {} has shape {}, the model expects {}", file, index,
                index < checkpoint.header.shapes.size()
                    ? shape_string(checkpoint.header.shapes[index])
                    : "(missing)",
                shape_string(tensor.shape()));
      std::size_t bytes = tensor.size() * sizeof(R);
      SQT_CHECK(offset + bytes <= checkpoint.payload.size(), "checkpoint '{}' is too short", file);
      std::memcpy(tensor.data(), checkpoint.payload.data() + offset, bytes);
      offset += bytes;
      ++index;
    }
    *share = P::from_local_tensors(std::move(tensors));
  }
  return {index, offset};
}

// Loads this party's shares of `epoch` into `state`; returns the optimiser's
// step count.
template <BinaryProtocol P>
long load_checkpoint(const CheckpointStore& store, int epoch,
                     const std::vector<typename P::Share*>& state) {
  Checkpoint checkpoint = store.read(epoch);
  const std::string file = store.path(epoch);
  const auto [tensors, bytes] = load_state_prefix<P>(checkpoint, file, state);
  SQT_CHECK(tensors == checkpoint.header.shapes.size() && bytes == checkpoint.payload.size(),
            "checkpoint '{}' holds {} tensors, the model and optimiser have {}", file,
            checkpoint.header.shapes.size(), tensors);
  return checkpoint.header.optimizer_steps;
}

// A run's checkpoints: where it starts, and saving after each epoch.
template <BinaryProtocol P>
class EpochCheckpoints {
 public:
  using Share = typename P::Share;

  EpochCheckpoints(P& p, const std::string& dir, std::string config, std::vector<Share*> state,
                   long& optimizer_steps)
      : p_(p),
        store_(dir, p.party()),
        dir_(dir),
        config_(std::move(config)),
        state_(std::move(state)),
        steps_(optimizer_steps) {}

  // Returns the last epoch already trained: that of the common checkpoint
  // when resuming (its state is loaded), else 0 (a new run).
  int start(bool resume) {
    std::optional<ResumePoint> point;
    if (resume) point = agree_resume_point(p_, store_, config_);
    if (!point) {
      if (resume && p_.party() == 0)
        fmt::print(
            "no checkpoint of this configuration common to all parties in {}: starting at "
            "epoch 1\n",
            dir_);
      run_id_ = agree_run_id(p_);
      return 0;
    }
    steps_ = load_checkpoint<P>(store_, point->epoch, state_);
    run_id_ = point->run_id;
    if (p_.party() == 0) fmt::print("resuming after epoch {} from {}\n", point->epoch, dir_);
    return point->epoch;
  }

  void save(int epoch) {
    save_checkpoint(p_, store_, epoch, run_id_, config_, state_, steps_);
    confirm_checkpoint(p_, store_, epoch);
  }

 private:
  P& p_;
  CheckpointStore store_;
  std::string dir_, config_, run_id_;
  std::vector<Share*> state_;
  long& steps_;
};

}  // namespace sqt
