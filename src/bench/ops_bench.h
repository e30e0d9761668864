// ops_bench.h — the `sqt bench ops` benchmark of protocol primitives.
//
// Runs every party in this process (in-memory channels), times each
// operation on random inputs and reports, per operation, wall seconds (best
// of `reps`), bytes sent by the busiest party and by all parties, and rounds
// (critical path). Also times the local work of the rep3 matrix product
// against one cleartext ring matrix product of the same shape.
//
// Protocols with preprocessing (semi2k) also report it per operation: the
// online fields above leave it out (Network::stats), the offline fields
// count it (Network::offline_stats; with a dealer, what the dealer sends is
// what a party receives), and `seconds` includes the offline_seconds spent
// producing or fetching correlated randomness inline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sqt {

struct OpsBenchOptions {
  std::string protocol = "rep3";    // sqt protocols
  int parties = 0;                  // computing parties (0: the protocol's default)
  bool dealer = false;              // a dealer node serves the preprocessing
  int ring = 64;                    // 64 | 128
  int frac_bits = -1;               // -1: 16 on k = 64, 32 on k = 128
  std::size_t n = 1'000'000;        // elements for elementwise operations
  std::size_t function_n = 10'000;  // elements for comparisons and functions (max and
                                    // softmax: n/10 groups of 10)
  std::size_t matmul_m = 128, matmul_k = 800, matmul_n = 500;
  std::vector<std::size_t> matmul_dims;  // --matmul M,K,N (CLI only)
  int threads = 1;
  int reps = 3;
  std::vector<std::string> only;  // run only these operations (empty: all)
};

struct OpsBenchRow {
  std::string op;
  std::string protocol;
  int ring = 0;
  int frac_bits = 0;
  std::uint64_t n = 0;
  double seconds = 0;
  std::uint64_t bytes_per_party = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t rounds = 0;
  std::string note;
  int parties = 0;  // computing parties
  bool dealer = false;
  // Preprocessing (has_offline: the protocol accounts for it), busiest party.
  bool has_offline = false;
  std::uint64_t offline_bytes_per_party = 0;  // sent
  std::uint64_t offline_bytes_received = 0;   // received (from the dealer, with one)
  std::uint64_t offline_rounds = 0;
  double offline_seconds = 0;
};

std::vector<std::string> ops_bench_operation_names();

// Runs the benchmark, calling on_row as each row completes.
void run_ops_bench(const OpsBenchOptions& options,
                   const std::function<void(const OpsBenchRow&)>& on_row);

}  // namespace sqt
