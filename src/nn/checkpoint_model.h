// checkpoint_model.h — a trained model's shares taken from a training
// checkpoint without opening them (`sqt infer --checkpoint-dir`).
//
// Each party reads only its own checkpoint file (checkpoint_store.h): the
// parameters and layer buffers at the front of its payload, which
// checkpoint.h saves before the optimiser state (ignored here). First the
// parties agree on which checkpoint: the latest epoch (or the one asked for)
// that every party has with an equal digest, which binds the run, the epoch
// and the training configuration. Only (epoch, digest) lists are sent; they
// reveal nothing about any share.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nn/checkpoint.h"
#include "nn/model.h"

namespace sqt {

// Loads this party's shares of `model` (initialised, so that every share has
// its shape) from the checkpoint in `dir` that all parties agree on: that of
// `epoch`, or the latest common one. Returns the epoch loaded.
template <BinaryProtocol P>
int load_model_from_checkpoint(P& p, const std::string& dir, Sequential<P>& model,
                               std::optional<int> epoch) {
  SQT_CHECK(std::filesystem::is_directory(dir), "checkpoint directory '{}' does not exist", dir);
  CheckpointStore store(dir, p.party());
  std::vector<CheckpointHeader> ours;
  for (const CheckpointHeader& h : store.list())
    if (!epoch || h.epoch == *epoch) ours.push_back(h);
  std::optional<CheckpointHeader> common = latest_common_checkpoint(p, ours);
  SQT_CHECK(common.has_value(), "no checkpoint{} of party {} in '{}' that every party also has",
            epoch ? fmt::format(" of epoch {}", *epoch) : "", p.party(), dir);
  const std::string file = store.path(common->epoch);
  load_state_prefix<P>(store.read(common->epoch), file, model_state(model));
  return common->epoch;
}

}  // namespace sqt
