// tamper_channel.h — TEST FACILITY: a channel that makes its party cheat.
//
// Wraps one party's channels and changes exactly one of its outgoing
// messages (the plan's index, counted over all of the party's channels in
// sending order, leaving out the first message on each channel, which is the
// configuration check) while keeping its length, so that a malicious party
// can be simulated above TLS: the receiver gets a well-formed message with
// wrong contents. Used by the cheating-party tests and by `sqt selftest
// --cheat-party`; never part of a real run. A Tamper is shared by the
// wrapped channels of one party, which send from one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/channel.h"
#include "net/memory_channel.h"

namespace sqt {

enum class TamperKind {
  kFlipByte,        // XOR one byte with a nonzero value
  kAddHalfRing,     // add 2^(k-1) to one ring element
  kCancellingPair,  // add d to one element and subtract it from another
  // (Adding a multiple of 2^k cannot be expressed: elements travel as exactly
  // k bits, or fewer where only the low bits matter.)
};

struct TamperPlan {
  std::uint64_t message = 0;  // index of the message to change
  TamperKind kind = TamperKind::kFlipByte;
  std::uint64_t seed = 1;  // chooses the position and the values
  int element_bytes = 8;   // ring element size (8, 16 or 24)
  // Nonzero: changes stay within the low value_bytes of each element. For
  // protocols whose words carry bits above the value (mal3: k + 64 bits),
  // where a change confined to the high bits changes no value and passes
  // when the MAC key times it vanishes (docs/protocols/mal3.md, "Checks").
  int value_bytes = 0;
};

const char* tamper_kind_name(TamperKind kind);

class Tamper {
 public:
  explicit Tamper(TamperPlan plan) : plan_(plan) {}
  // Changes `message` in place if it is the planned one; returns whether it did.
  bool apply(std::vector<std::byte>& message);
  bool next_is_target() const { return sent_ == plan_.message; }
  // Messages counted so far and their sizes (tests pick targets from an honest run).
  std::uint64_t counted() const { return sent_; }
  const std::vector<std::size_t>& sizes() const { return sizes_; }
  bool fired() const { return fired_; }
  // Offsets of the bytes the change altered (tests classify harmless changes).
  const std::vector<std::size_t>& changed_bytes() const { return changed_; }
  void count(std::size_t size) {
    ++sent_;
    sizes_.push_back(size);
  }

 private:
  void change(std::vector<std::byte>& message) const;

  TamperPlan plan_;
  std::uint64_t sent_ = 0;
  bool fired_ = false;
  std::vector<std::size_t> sizes_;
  std::vector<std::size_t> changed_;
};

class TamperChannel final : public Channel {
 public:
  TamperChannel(std::unique_ptr<Channel> inner, std::shared_ptr<Tamper> tamper)
      : inner_(std::move(inner)), tamper_(std::move(tamper)) {}
  void send(std::span<const std::byte> message, std::uint64_t depth) override;
  std::uint64_t recv(std::span<std::byte> out) override { return inner_->recv(out); }
  std::vector<std::byte> recv_any() override { return inner_->recv_any(); }
  void close() override { inner_->close(); }
  void abort(const std::string& reason) override { inner_->abort(reason); }
  const std::string& peer_name() const override { return inner_->peer_name(); }

 private:
  std::unique_ptr<Channel> inner_;
  std::shared_ptr<Tamper> tamper_;
  bool first_ = true;
};

// Wraps every channel of `row` (one party's) in a TamperChannel sharing `tamper`.
void wrap_with_tamper(ChannelRow& row, const std::shared_ptr<Tamper>& tamper);

}  // namespace sqt
