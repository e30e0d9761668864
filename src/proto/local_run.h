// local_run.h — runs all parties of a protocol inside this process.
//
// run_local<P>(options, fn) builds an in-memory mesh, gives each party a
// Network, Session and protocol object P on its own thread, calls fn(P&) on
// each and returns the results by party; run_parties does the same over a
// mesh the caller built (tests wrap channels, e.g. to record a view). An exception in any party
// closes its channels (so the others fail instead of hanging) and is rethrown here; the root cause
// is preferred over the "disconnected" errors it triggers. Used by tests, benchmarks and
// single-machine runs of the CLI.
#pragma once

#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "net/memory_channel.h"
#include "proto/session.h"

namespace sqt {

inline constexpr std::chrono::milliseconds kLocalRecvTimeout{600'000};

// The computing parties of a local run of P, and whether a dealer joins.
template <class P>
int local_parties(const SessionOptions& options) {
  if constexpr (P::kParties > 0) {
    return P::kParties;
  } else {
    return options.local_parties > 0 ? options.local_parties : P::kInfo.parties;
  }
}

// Runs a helper node's part (the dealer) for protocols that have one.
template <class P>
void run_helper(Session& session) {
  if constexpr (requires { P::serve_dealer(session); }) {
    P::serve_dealer(session);
  } else {
    fail("{} has no dealer", P::kName);
  }
}

// Runs fn at every party of P over the given channels (mesh[i] is party i's
// row), each party on its own thread, and returns the results by party.
// Nodes from `computing` on are helpers (a dealer): they run the protocol's
// helper loop instead of fn and have no result.
template <class P, class Fn>
auto run_parties(const SessionOptions& options, std::vector<ChannelRow> mesh, Fn&& fn,
                 int computing = 0) {
  using Result = std::invoke_result_t<Fn&, P&>;
  const int n = static_cast<int>(mesh.size());
  if (computing <= 0) computing = n;
  std::vector<Result> results(n);
  std::vector<std::exception_ptr> errors(n);
  {
    std::vector<std::jthread> threads;
    for (int id = 0; id < n; ++id) {
      threads.emplace_back([&, id] {
        try {
          Session session(std::make_unique<Network>(id, std::move(mesh[id]), computing), options);
          if (id >= computing) return run_helper<P>(session);
          P protocol(session);
          results[id] = fn(protocol);
        } catch (...) {
          errors[id] = std::current_exception();
        }
      });
    }
  }
  results.resize(computing);
  std::exception_ptr first;
  for (auto& error : errors) {
    if (!error) continue;
    if (!first) first = error;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      if (std::string(e.what()).find("disconnected") == std::string::npos)
        std::rethrow_exception(error);
    }
  }
  if (first) std::rethrow_exception(first);
  return results;
}

template <class P, class Fn>
auto run_local(const SessionOptions& options, Fn&& fn) {
  if constexpr (P::kParties == 1) {
    std::vector<std::invoke_result_t<Fn&, P&>> results(1);
    Session session(options);
    P protocol(session);
    results[0] = fn(protocol);
    return results;
  } else {
    const int parties = local_parties<P>(options);
    bool dealer = options.local_dealer;
    if constexpr (requires { P::kLocalDealer; }) dealer = dealer || P::kLocalDealer;
    const int nodes = parties + (dealer ? 1 : 0);
    return run_parties<P>(options, make_memory_mesh(nodes, kLocalRecvTimeout), fn, parties);
  }
}

}  // namespace sqt
