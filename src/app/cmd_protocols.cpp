// cmd_protocols.cpp — `sqt protocols`: the registered protocols and their
// security models (proto/registry.h).
#include <fmt/core.h>

#include "app/commands.h"
#include "proto/registry.h"

namespace sqt {

void add_protocols_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("protocols", "List the protocols: parties, corruption model, rings, keys");
  command->callback([] {
    fmt::print("{:<8} {:>7}  {:<44} {:<17} {}\n", "name", "parties", "security", "rings", "keys");
    for (const ProtocolInfo& info : registered_protocols())
      fmt::print("{:<8} {:>7}  {:<44} {:<17} {}\n", info.name, info.parties, info.security,
                 info.rings, info.key_sets);
  });
}

}  // namespace sqt
