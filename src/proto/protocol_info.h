// protocol_info.h — what a protocol tells the registry and the CLI about itself.
#pragma once

#include <string_view>

namespace sqt {

struct ProtocolInfo {
  std::string_view name;      // as given to --protocol
  int parties;                // computing parties (1: the emulator)
  std::string_view security;  // corruption model, e.g. "semi-honest, 1 of 3"
  std::string_view rings;     // rings it runs over
  std::string_view key_sets;  // the correlated keys it needs
  bool secure;                // false only for the emulator
};

}  // namespace sqt
