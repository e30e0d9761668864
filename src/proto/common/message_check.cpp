#include "proto/common/message_check.h"

#include "core/error.h"

namespace sqt {
namespace {

constexpr std::byte kVerdictOk{0x5a};

}  // namespace

MessageCheck::MessageCheck(Network& net, std::string protocol)
    : net_(net), protocol_(std::move(protocol)) {
  vouched_.resize(net.parties());
  expected_.resize(net.parties());
}

void MessageCheck::check() {
  ++checks_;
  const int me = net_.id();
  for (int peer = 0; peer < net_.parties(); ++peer) {
    if (peer == me) continue;
    Digest digest = vouched_[peer].finish();
    net_.send(peer, std::as_bytes(std::span(digest)));
  }
  std::string failures;
  for (int peer = 0; peer < net_.parties(); ++peer) {
    if (peer == me) continue;
    Digest theirs{};
    net_.recv(peer, std::as_writable_bytes(std::span(theirs)));
    if (theirs != expected_[peer].finish())
      failures += fmt::format("{}{}", failures.empty() ? "" : ", ", net_.peer_name(peer));
  }
  SQT_CHECK(failures.empty(),
            "abort: {} message check failed at party {}: what it received does not match what "
            "{} computed (a party deviated from the protocol)",
            protocol_, me, failures);
  const std::byte ok[1] = {kVerdictOk};
  for (int peer = 0; peer < net_.parties(); ++peer)
    if (peer != me) net_.send(peer, ok);
  for (int peer = 0; peer < net_.parties(); ++peer) {
    if (peer == me) continue;
    std::byte verdict[1];
    net_.recv(peer, verdict);
    SQT_CHECK(verdict[0] == kVerdictOk,
              "abort: {} message check: {} sent an invalid verdict (a party deviated from the "
              "protocol)",
              protocol_, net_.peer_name(peer));
  }
}

}  // namespace sqt
