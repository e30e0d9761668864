// cmd_protocols.cpp — `sqt protocols`: the registered protocols, their party
// counts (a range, e.g. 2-10, for those that take --parties), whether they
// can take a dealer (--dealer), and their security models (proto/registry.h).
#include <fmt/core.h>

#include "app/commands.h"
#include "proto/registry.h"

namespace sqt {

void add_protocols_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "protocols", "List the protocols: parties, dealer, corruption model, rings, keys");
  command->callback([] {
    fmt::print("{:<8} {:>7} {:<6}  {:<44} {:<17} {}\n", "name", "parties", "dealer", "security",
               "rings", "keys");
    for (const ProtocolInfo& info : registered_protocols()) {
      const std::string parties = info.variable() ? fmt::format("{}-{}", info.fewest(), info.most())
                                                  : std::to_string(info.parties);
      fmt::print("{:<8} {:>7} {:<6}  {:<44} {:<17} {}\n", info.name, parties,
                 info.dealer ? "yes" : "no", info.security, info.rings, info.key_sets);
    }
  });
}

}  // namespace sqt
