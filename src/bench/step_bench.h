// step_bench.h — `sqt bench step`: the cost of one training step, per layer.
//
// Training steps on random data of the model's input shape: forward and
// backward through every layer, the softmax cross-entropy gradient and the
// optimiser update, reporting for each part wall seconds, bytes sent and
// rounds, as the mean over `steps` steps that follow
// `warmup` unmeasured ones (as in a training run, where every step after the
// first reuses memory the first one touched). Each party averages its own
// rows; combined, a part shows the party with the largest mean (roles that
// rotate from step to step, as rep3's truncation receiver, even out over a
// multiple of their period). Parties synchronise before each part, so a
// part's time starts when all parties start it. run_step_bench runs all
// parties in this process; step_bench_party runs one party over a session's
// real network (the app runs three processes with TLS and combines their
// rows with combine_step_rows). With `inference`, the step is what
// `sqt infer` does with a batch: the client's summands input, the forward
// pass, the argmax and the opening of class + mask.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sqt {

struct StepBenchOptions {
  std::string protocol = "rep3";
  int parties = 0;  // computing parties (0: the protocol's default)
  bool dealer = false;
  int ring = 64;
  std::string model = "C";
  std::size_t batch = 128;
  std::string optimizer = "sgd";
  int threads = 1;
  bool inference = false;  // a secure inference batch instead of a training step
  // Steps run first and not measured (first touch of the working memory,
  // preprocessing pools filled), then steps measured: rows are their means.
  int warmup = 1;
  int steps = 1;
};

struct StepBenchRow {
  std::string part;
  double seconds = 0;
  std::uint64_t bytes_per_party = 0;  // of the busiest party
  std::uint64_t rounds = 0;
  // CPU time (user + system) of the process during the part: per party when
  // every party is its own process (--processes), all parties otherwise.
  double cpu_seconds = 0;
  // Bytes sent by all parties together (combined rows only; 0 in a single
  // party's rows). Protocols that rotate their roles (rep3, rep4) load the
  // parties unevenly within one part, so the sum of the parts' busiest-party
  // bytes can exceed every party's own total; this divided by the parties
  // is the mean per party.
  std::uint64_t bytes_all_parties = 0;
  // Preprocessing during the part (has_offline: the protocol accounts for
  // it; the fields above are the online phase): bytes sent and received (with
  // a dealer, what the dealer sends) and rounds by the busiest party, and the
  // seconds (included in `seconds`) spent producing or fetching it.
  bool has_offline = false;
  std::uint64_t offline_bytes_per_party = 0;
  std::uint64_t offline_bytes_received = 0;
  std::uint64_t offline_rounds = 0;
  double offline_seconds = 0;
  // Statistical checks run during the part (has_checks: the protocol counts
  // them; mal3: MAC checks, batches of AND triples and of daBits), each of
  // which a cheating party passes with probability at most 2^-63.
  bool has_checks = false;
  std::uint64_t checks = 0;
};

inline constexpr const char* kStepTotalPart = "training step (input to update)";
inline constexpr const char* kInferenceTotalPart = "inference (input to opened classes)";

void run_step_bench(const StepBenchOptions& options,
                    const std::function<void(const StepBenchRow&)>& on_row);

class Session;
std::vector<StepBenchRow> step_bench_party(Session& session, const StepBenchOptions& options);

// Per part, the slowest time, most bytes and most rounds over the parties,
// followed by the total of the step (initialisation and loss excluded), named
// kInferenceTotalPart for an inference step, else kStepTotalPart.
std::vector<StepBenchRow> combine_step_rows(const std::vector<std::vector<StepBenchRow>>& parties,
                                            bool inference);

}  // namespace sqt
