// checkpoint_store.h — one party's training checkpoints on disk.
//
// A checkpoint is what one party holds at the end of an epoch: its shares of
// the model, the optimiser state and layer buffers, as raw ring words, plus a
// header (epoch, run id, digest, tensor shapes, optimiser step count). File
// DIR/party<ID>-epoch<E>.sqtckpt:
//   "sqt-checkpoint-1\n", u64 header length, header (JSON), u64 payload
//   length, payload (words), then the SHA-256 of everything before it.
// Files are written atomically (temporary file, fsync, rename, fsync of the
// directory) and verified when read; a truncated or altered file is reported
// and never loaded. The digest (checkpoint.h) binds the run, the epoch and
// the configuration, so parties can compare checkpoints without revealing
// their shares. One party's checkpoint is as secret as its shares in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace sqt {

struct CheckpointHeader {
  int party = 0;
  int epoch = 0;
  std::string run_id;  // hex, the same at every party of one run
  std::string digest;  // hex, see checkpoint.h
  long optimizer_steps = 0;
  int word_bytes = 8;         // ring element size: 8 (Z_2^64) or 16 (Z_2^128)
  std::vector<Shape> shapes;  // of every tensor in the payload, in order
};

struct Checkpoint {
  CheckpointHeader header;
  std::vector<std::byte> payload;
};

class CheckpointStore {
 public:
  // Creates the directory if needed.
  CheckpointStore(std::string dir, int party);

  std::string path(int epoch) const;
  void write(const Checkpoint& checkpoint) const;
  // The checkpoint of `epoch`, verified; throws naming the file and problem.
  Checkpoint read(int epoch) const;
  // The headers of this party's readable checkpoints, oldest first; files
  // that fail verification are skipped with a notice on standard error.
  std::vector<CheckpointHeader> list() const;
  // Removes this party's checkpoints of epochs before `epoch`.
  void remove_before(int epoch) const;

 private:
  std::vector<int> epochs_on_disk() const;

  std::string dir_;
  int party_;
};

}  // namespace sqt
