// reveal_log.h — the one path by which values leave MPC, and its record.
//
// Every value that a run opens on purpose (the epoch's summed training
// loss, the count of correct test predictions, the model to its recipient)
// goes through reveal(), which opens it and records what it was, to whom,
// how many elements and how often. At the end of a run the record is
// printed and written beside the metrics (docs/security.md lists what else
// a party learns). Openings inside protocols (masked values in truncation
// and comparison) are not reveals: they are uniformly masked and documented
// per protocol.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "proto/protocol.h"

namespace sqt {

class RevealLog {
 public:
  static constexpr int kEveryone = -1;

  void record(const std::string& what, int to, std::size_t elements) {
    Entry& entry = entries_[{what, to}];
    entry.times += 1;
    entry.elements += elements;
  }

  nlohmann::ordered_json to_json() const {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& [key, entry] : entries_) {
      nlohmann::ordered_json j;
      j["what"] = key.first;
      j["to"] = recipient(key.second);
      j["times"] = entry.times;
      j["elements"] = entry.elements;
      list.push_back(j);
    }
    return list;
  }

  std::string summary() const {
    std::string text;
    for (const auto& [key, entry] : entries_)
      text += fmt::format("  {} -> {}: {} time(s), {} element(s)\n", key.first,
                          recipient(key.second), entry.times, entry.elements);
    return text.empty() ? "  nothing\n" : text;
  }

 private:
  struct Entry {
    std::size_t times = 0, elements = 0;
  };
  static std::string recipient(int to) {
    return to == kEveryone ? "all parties" : fmt::format("party {}", to);
  }
  std::map<std::pair<std::string, int>, Entry> entries_;
};

// Opens x to party `to` (RevealLog::kEveryone: to all) and records it.
// Returns the values at the recipients, an empty tensor elsewhere.
template <Protocol P>
Tensor<typename P::Ring> reveal(P& p, RevealLog& log, const std::string& what, int to,
                                const typename P::Share& x) {
  log.record(what, to, shape_size(P::shape(x)));
  return to == RevealLog::kEveryone ? p.open(x) : p.open_to(to, x);
}

}  // namespace sqt
