// protocol_info.h — what a protocol tells the registry and the CLI about itself.
#pragma once

#include <string_view>

namespace sqt {

struct ProtocolInfo {
  std::string_view name;      // as given to --protocol
  int parties;                // computing parties (1: the emulator); the default if variable
  std::string_view security;  // corruption model, e.g. "semi-honest, 1 of 3"
  std::string_view rings;     // rings it runs over
  std::string_view key_sets;  // the correlated keys it needs
  bool secure;                // false only for the emulator
  int min_parties = 0;        // 0: exactly `parties`
  int max_parties = 0;
  bool dealer = false;  // can take its correlated randomness from a dealer (--dealer)

  int fewest() const { return min_parties ? min_parties : parties; }
  int most() const { return max_parties ? max_parties : parties; }
  bool variable() const { return fewest() != most(); }
};

}  // namespace sqt
