#include "proto/session.h"

#include <openssl/crypto.h>

#include <bit>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "crypto/hasher.h"

namespace sqt {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;

}  // namespace

Session::Session(std::unique_ptr<Network> network, SessionOptions options)
    : network_(std::move(network)),
      options_(std::move(options)),
      pool_(std::make_unique<ThreadPool>(options_.threads)),
      private_prg_(Prg::from_os()) {
  auto seeded = options_.insecure_test_private_seed.find(party());
  if (seeded != options_.insecure_test_private_seed.end())
    private_prg_ = Prg::from_seed(seeded->second * 7919 + 17);
  private_prg_.use_pool(pool_.get());
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
    : options_(std::move(options)),
      pool_(std::make_unique<ThreadPool>(options_.threads)),
      private_prg_(Prg::from_seed(options_.emulator_seed)) {
  private_prg_.use_pool(pool_.get());
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
  std::vector<std::string> texts = network_->exchange_text(mine.dump(), kMaxConfigBytes, true);
  for (int peer = 0; peer < network_->nodes(); ++peer) {
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
  pair_prgs_.resize(network_->nodes());
  for (int peer = 0; peer < network_->nodes(); ++peer) {
    if (peer == party()) continue;
    Key128 key;
    if (party() < peer) {
      key =
          options_.insecure_test_key_seed ? test_key(1u << party() | 1u << peer) : os_random_key();
      network_->send(peer, std::as_bytes(std::span(key)));
    } else {
      network_->recv(peer, std::as_writable_bytes(std::span(key)));
    }
    pair_prgs_[peer] = std::make_unique<Prg>(key);
    pair_prgs_[peer]->use_pool(pool_.get());
    OPENSSL_cleanse(key.data(), key.size());  // the PRG keeps its own key schedule
  }
}

Key128 Session::test_key(std::uint32_t members) const {
  Key128 key;
  const int low = std::countr_zero(members);
  std::uint64_t seed = *options_.insecure_test_key_seed * 31 + low * 7;
  if (std::popcount(members) == 2) {
    const int high = 31 - std::countl_zero(members);
    auto salt = options_.insecure_test_pair_salt.find({low, high});
    std::uint64_t extra = salt == options_.insecure_test_pair_salt.end() ? 0 : salt->second;
    seed += high + extra * 1009;
  } else {
    auto salt = options_.insecure_test_group_salt.find(members);
    std::uint64_t extra = salt == options_.insecure_test_group_salt.end() ? 0 : salt->second;
    seed += members * 0x9e3779b97f4a7c15ull + extra * 1013;
  }
  Prg::from_seed(seed).fill_bytes(key.data(), key.size());
  return key;
}

void Session::agree_group_keys(const std::vector<std::uint32_t>& groups) {
  const std::uint32_t me = 1u << party();
  std::vector<std::pair<std::uint32_t, Key128>> fresh;
  for (std::uint32_t members : groups) {
    SQT_CHECK((members & me) && std::popcount(members) >= 2 && members < (1u << parties()),
              "party {} cannot hold the key of group {:#x}", party(), members);
    if (std::popcount(members) == 2 || group_prgs_.count(members)) continue;
    const int leader = std::countr_zero(members);
    Key128 key{};
    if (leader == party()) {
      key = options_.insecure_test_key_seed ? test_key(members) : os_random_key();
      for (int peer = 0; peer < parties(); ++peer)
        if (peer != party() && (members >> peer & 1))
          network_->send(peer, std::as_bytes(std::span(key)));
    } else {
      network_->recv(leader, std::as_writable_bytes(std::span(key)));
    }
    fresh.emplace_back(members, key);
  }
  // Every member tells the others (not the leader, who knows what it sent)
  // a digest of the key it holds; a leader that handed out two different
  // keys is caught by the members who got them.
  std::vector<std::pair<std::uint32_t, Digest>> digests;
  for (auto& [members, key] : fresh) {
    Hasher hasher;
    const std::uint32_t tag = members;
    hasher.update(std::as_bytes(std::span("sqt group key check")));
    hasher.update(std::as_bytes(std::span(&tag, 1)));
    hasher.update(std::as_bytes(std::span(key)));
    digests.emplace_back(members, hasher.finish());
  }
  auto others = [&](std::uint32_t members) {
    std::vector<int> out;
    const int leader = std::countr_zero(members);
    for (int peer = 0; peer < parties(); ++peer)
      if (peer != party() && peer != leader && (members >> peer & 1)) out.push_back(peer);
    return out;
  };
  for (auto& [members, digest] : digests)
    if (std::countr_zero(members) != party())
      for (int peer : others(members)) network_->send(peer, std::as_bytes(std::span(digest)));
  for (auto& [members, digest] : digests) {
    if (std::countr_zero(members) == party()) continue;
    for (int peer : others(members)) {
      Digest theirs{};
      network_->recv(peer, std::as_writable_bytes(std::span(theirs)));
      SQT_CHECK(theirs == digest,
                "abort: group key check failed: party {} and {} got different keys for group "
                "{:#x} from party {} (a party deviated from the protocol)",
                party(), network_->peer_name(peer), members, std::countr_zero(members));
    }
  }
  for (auto& [members, key] : fresh) {
    group_prgs_[members] = std::make_unique<Prg>(key);
    group_prgs_[members]->use_pool(pool_.get());
    OPENSSL_cleanse(key.data(), key.size());
  }
}

Prg& Session::group_prg(std::uint32_t members) {
  const std::uint32_t me = 1u << party();
  SQT_CHECK(members & me, "party {} is not in key group {:#x}", party(), members);
  if (std::popcount(members) == 2) return pair_prg(std::countr_zero(members & ~me));
  auto it = group_prgs_.find(members);
  SQT_CHECK(it != group_prgs_.end(), "party {} has not agreed the key of group {:#x}", party(),
            members);
  return *it->second;
}

}  // namespace sqt
