// local_run.h — runs all parties of a protocol inside this process.
//
// run_local<P>(options, fn) builds an in-memory mesh, gives each party a
// Network, Session and protocol object P on its own thread, calls fn(P&) on
// each and returns the results by party. An exception in any party closes its
// channels (so the others fail instead of hanging) and is rethrown here;
// the root cause is preferred over the "disconnected" errors it triggers.
// Used by tests, benchmarks and single-machine runs of the CLI.
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

template <class P, class Fn>
auto run_local(const SessionOptions& options, Fn&& fn) {
  using Result = std::invoke_result_t<Fn&, P&>;
  constexpr int n = P::kParties;
  std::vector<Result> results(n);
  if constexpr (n == 1) {
    Session session(options);
    P protocol(session);
    results[0] = fn(protocol);
  } else {
    std::vector<ChannelRow> mesh = make_memory_mesh(n, kLocalRecvTimeout);
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
  }
  return results;
}

}  // namespace sqt
