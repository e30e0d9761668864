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

// Runs fn at every party of P over the given channels (mesh[i] is party i's
// row), each party on its own thread, and returns the results by party.
template <class P, class Fn>
auto run_parties(const SessionOptions& options, std::vector<ChannelRow> mesh, Fn&& fn) {
  using Result = std::invoke_result_t<Fn&, P&>;
  const int n = static_cast<int>(mesh.size());
  std::vector<Result> results(n);
  std::vector<std::exception_ptr> errors(n);
  {
    std::vector<std::jthread> threads;
    for (int id = 0; id < n; ++id) {
      threads.emplace_back([&, id] {
        try {
          Session session(std::make_unique<Network>(id, std::move(mesh[id])), options);
          P protocol(session);
          results[id] = fn(protocol);
        } catch (...) {
          errors[id] = std::current_exception();
        }
      });
    }
  }
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
    return run_parties<P>(options, make_memory_mesh(P::kParties, kLocalRecvTimeout), fn);
  }
}

}  // namespace sqt
