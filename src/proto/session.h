// session.h — everything one party needs to run a protocol, and nothing global.
//
// A Session owns the party's Network (its channels and counters), the PRG keys
// it agreed with every peer at start-up, its private randomness, the
// fixed-point precision and the pool of local threads (core/thread_pool.h)
// on which its protocols' heavy local work runs; its PRGs fill large
// requests on that pool too. Protocol objects (Rep3<R>, Plain<R>) borrow a
// Session for their lifetime.
//
// At start-up the parties (1) compare their configurations, so that a party
// started with other options fails at once with the differing field named,
// and (2) agree one AES key per pair of parties: the lower-numbered party
// draws it from the OS CSPRNG and sends it over their authenticated (TLS)
// channel. (3) A protocol that needs keys shared by larger groups (rep4: by
// three of four parties) asks for them with agree_group_keys when it is
// constructed; the lowest member draws each key and sends it to the other
// members, who then compare digests of what they got, so that a party that
// hands out different keys is caught before any key is used. A helper node
// (a dealer, net/network.h) takes part in (1) and (2).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "crypto/os_random.h"
#include "crypto/prg.h"
#include "net/network.h"

namespace sqt {

struct SessionOptions {
  int frac_bits = 16;
  int threads = 1;
  // Options that all parties must agree on, compared at start-up
  // (e.g. {"protocol", "rep3"}, {"ring", "64"}). frac_bits is always included.
  std::map<std::string, std::string> agreed;
  // Local runs (proto/local_run.h) of a protocol whose party count varies:
  // how many computing parties, and whether a dealer node joins them.
  int local_parties = 0;
  bool local_dealer = false;
  // Seed of the emulator's randomness; ignored by multi-party sessions, whose
  // randomness always comes from the OS.
  std::uint64_t emulator_seed = 0;
  // Fixed-point products round to nearest (exact) instead of stochastically.
  bool nearest_rounding = false;
  // Nodes after the computing parties (and the dealer, if any) that are
  // clients, not a dealer: sqt infer's client, which sends inputs and
  // receives outputs over its channels but runs no protocol.
  int clients = 0;
  // Emulator only: count values that leave the range in which the real
  // protocols' truncation and comparison are proven correct (RangeStats).
  bool check_range = false;
  // TESTS ONLY, INSECURE: derive the pairwise keys from this seed instead of
  // the OS CSPRNG, so that a statistical test sees the same randomness on
  // every run. Never set by the CLI.
  std::optional<std::uint64_t> insecure_test_key_seed;
  // TESTS ONLY: with insecure_test_key_seed, changes the key of one pair
  // (lower id, higher id) alone, so that a view test can vary the honest
  // parties' key while the corrupted party's keys stay fixed.
  std::map<std::pair<int, int>, std::uint64_t> insecure_test_pair_salt;
  // TESTS ONLY, INSECURE: the private randomness of the listed parties from
  // these seeds instead of the OS (view tests vary one party's alone).
  std::map<int, std::uint64_t> insecure_test_private_seed;
  // TESTS ONLY: the same for the key of a larger group (bit mask of members).
  std::map<std::uint32_t, std::uint64_t> insecure_test_group_salt;
};

class Session;

// What the emulator's range check (--check-range) counted.
struct RangeStats {
  std::uint64_t truncated = 0, truncated_outside = 0;  // |x| >= 2^T (core/precision.h)
  std::uint64_t compared = 0, compared_outside = 0;    // |x| >= 2^(l-1) in an l-bit comparison
};

// Runs body(); if it throws an Error, the session's peers learn why before
// the error propagates. Every multi-party command wraps its run in this.
template <class Body>
void run_or_abort(Session& session, Body&& body);

class Session {
 public:
  // A party of a multi-party computation; runs the start-up exchange.
  Session(std::unique_ptr<Network> network, SessionOptions options);
  // The single-process emulator: no network, randomness from emulator_seed.
  explicit Session(SessionOptions options);

  int party() const { return network_ ? network_->id() : 0; }
  // Computing parties (a dealer, if any, is node parties() and not counted).
  int parties() const { return network_ ? network_->parties() : 1; }
  bool has_dealer() const {
    return network_ && network_->nodes() - options_.clients > network_->parties();
  }
  int frac_bits() const { return options_.frac_bits; }
  int threads() const { return options_.threads; }
  // The party's local threads (options.threads of them, the caller included).
  ThreadPool& pool() { return *pool_; }
  bool nearest_rounding() const { return options_.nearest_rounding; }
  bool check_range() const { return options_.check_range; }
  RangeStats& range_stats() { return range_stats_; }

  Network& net();
  // The PRG keyed with the key this party shares with `peer`.
  Prg& pair_prg(int peer);
  // Agrees a key for every group (bit mask of members, this party among
  // them) not agreed yet; every party calls it with the same list. Groups of
  // two are the pairwise keys. Throws if the members' keys differ.
  void agree_group_keys(const std::vector<std::uint32_t>& groups);
  // The PRG keyed with the key of `members` (a bit mask that includes this party).
  Prg& group_prg(std::uint32_t members);
  // Randomness known only to this party.
  Prg& private_prg() { return private_prg_; }

  CommStats stats() const { return network_ ? network_->stats() : CommStats{}; }

  // Tells every peer why this party stops (their receives fail with the
  // reason instead of a bare disconnect), then closes the channels.
  void abort(const std::string& reason);

 private:
  void check_agreement();
  void agree_pair_keys();

  std::unique_ptr<Network> network_;
  SessionOptions options_;
  std::unique_ptr<ThreadPool> pool_;  // before the PRGs that use it: destroyed after them
  Key128 test_key(std::uint32_t members) const;

  std::vector<std::unique_ptr<Prg>> pair_prgs_;
  std::map<std::uint32_t, std::unique_ptr<Prg>> group_prgs_;
  Prg private_prg_;
  RangeStats range_stats_;
};

template <class Body>
void run_or_abort(Session& session, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    session.abort(e.what());
    throw;
  }
}

}  // namespace sqt
