// comm_measure.h — test support: the bytes each party sends and the rounds
// of one operation, measured after its inputs are set up and checked.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mpc/building_blocks.h"
#include "proto/session.h"

namespace sqt {

struct Cost {
  std::vector<std::uint64_t> bytes;  // sent, by party
  std::uint64_t rounds = 0;
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (auto b : bytes) t += b;
    return t;
  }
};

// Runs setup(p) at every party, then finish_protocol(p) (a malicious
// protocol's checks of the setup fall outside the measurement; a no-op
// elsewhere) and a synchronisation, then op(p, inputs).
template <class Fixture, class P, class Setup, class Op>
Cost measure(Setup setup, Op op) {
  auto stats = Fixture::run_all([&](P& p) {
    auto inputs = setup(p);
    finish_protocol(p);
    p.session().net().synchronize();
    CommStats before = p.session().stats();
    op(p, inputs);
    return p.session().stats() - before;
  });
  Cost cost;
  for (auto& s : stats) {
    cost.bytes.push_back(s.bytes_sent);
    cost.rounds = std::max(cost.rounds, s.rounds);
  }
  return cost;
}

}  // namespace sqt
