#include "proto/session.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace sqt {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;

}  // namespace

Session::Session(std::unique_ptr<Network> network, SessionOptions options)
    : network_(std::move(network)), options_(std::move(options)), private_prg_(Prg::from_os()) {
  SQT_CHECK(options_.threads >= 1, "threads must be at least 1, got {}", options_.threads);
  options_.agreed["frac_bits"] = std::to_string(options_.frac_bits);
  options_.agreed["rounding"] = options_.nearest_rounding ? "nearest" : "probabilistic";
  try {
    check_agreement();
    agree_pair_keys();
  } catch (const Error& e) {
    network_->abort(e.what());
    throw;
  }
}

void Session::abort(const std::string& reason) {
  if (network_) network_->abort(reason);
}

Session::Session(SessionOptions options)
    : options_(std::move(options)), private_prg_(Prg::from_seed(options_.emulator_seed)) {
  SQT_CHECK(options_.threads >= 1, "threads must be at least 1, got {}", options_.threads);
}

Network& Session::net() {
  SQT_CHECK(network_ != nullptr, "this session has no network (emulator)");
  return *network_;
}

Prg& Session::pair_prg(int peer) {
  SQT_CHECK(peer >= 0 && peer < static_cast<int>(pair_prgs_.size()) && pair_prgs_[peer],
            "party {} has no key shared with party {}", party(), peer);
  return *pair_prgs_[peer];
}

void Session::check_agreement() {
  nlohmann::json mine(options_.agreed);
  std::vector<std::string> texts = network_->exchange_text(mine.dump(), kMaxConfigBytes);
  for (int peer = 0; peer < parties(); ++peer) {
    if (peer == party()) continue;
    auto theirs = nlohmann::json::parse(texts[peer], nullptr, false);
    SQT_CHECK(theirs.is_object(), "{} sent a malformed configuration", network_->peer_name(peer));
    // Name the option, never echo the peer's text (it may be anything).
    for (auto& [key, value] : options_.agreed) {
      bool same = theirs.contains(key) && theirs[key].is_string() &&
                  theirs[key].get<std::string>() == value;
      SQT_CHECK(same,
                "configuration mismatch with {}: {} is {} here but {} there; start every party "
                "with the same options",
                network_->peer_name(peer), key, value,
                theirs.contains(key) ? "different" : "unset");
    }
    for (auto& [key, value] : theirs.items()) {
      SQT_CHECK(options_.agreed.count(key),
                "configuration mismatch with {}: it sets an option that this party does not "
                "use (different sqt versions or commands?)",
                network_->peer_name(peer));
    }
  }
}

void Session::agree_pair_keys() {
  pair_prgs_.resize(parties());
  for (int peer = 0; peer < parties(); ++peer) {
    if (peer == party()) continue;
    Key128 key;
    if (party() < peer) {
      if (options_.insecure_test_key_seed) {
        auto salt = options_.insecure_test_pair_salt.find({party(), peer});
        std::uint64_t extra = salt == options_.insecure_test_pair_salt.end() ? 0 : salt->second;
        Prg::from_seed(*options_.insecure_test_key_seed * 31 + party() * 7 + peer + extra * 1009)
            .fill_bytes(key.data(), key.size());
      } else {
        key = os_random_key();
      }
      network_->send(peer, std::as_bytes(std::span(key)));
    } else {
      network_->recv(peer, std::as_writable_bytes(std::span(key)));
    }
    pair_prgs_[peer] = std::make_unique<Prg>(key);
    OPENSSL_cleanse(key.data(), key.size());  // the PRG keeps its own key schedule
  }
}

}  // namespace sqt
