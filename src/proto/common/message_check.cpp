#include "proto/common/message_check.h"

#include "core/error.h"

namespace sqt {
namespace {

const std::byte kVerdictOk{0x5a};

}  // namespace

MessageCheck::MessageCheck(Network& net, std::string protocol)
    : net_(net), protocol_(std::move(protocol)) {
  vouched_.resize(net.parties());
  expected_.resize(net.parties());
}

void MessageCheck::send_digests() {
  ++checks_;
  const int me = net_.id();
  for (int peer = 0; peer < net_.parties(); ++peer) {
    if (peer == me) continue;
    Digest digest = vouched_[peer].finish();
    net_.send(peer, std::as_bytes(std::span(digest)));
  }
}

void MessageCheck::finish_check() {
  const int me = net_.id();
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
  agree_verdicts();
}

// Byzantine agreement on "every party's digests matched", for one corrupted
// party among n > 3: round 1, every party tells every other its verdict;
// round 2, every party tells every other the verdicts it received. A party's
// verdict counts as confirmed where the majority of what this party got from
// it directly and what the others report they got from it is "ok". For an
// honest party the majority is its true verdict; for the corrupted one every
// honest party looks at the same three values. So the honest parties either
// all continue or all abort, whichever message the corrupted party changes.
void MessageCheck::agree_verdicts() {
  const int me = net_.id(), n = net_.parties();
  std::vector<std::byte> got(n, kVerdictOk);
  for (int peer = 0; peer < n; ++peer)
    if (peer != me) net_.send(peer, std::span(&kVerdictOk, 1));
  for (int peer = 0; peer < n; ++peer)
    if (peer != me) net_.recv(peer, std::span(&got[peer], 1));
  for (int peer = 0; peer < n; ++peer)
    if (peer != me) net_.send(peer, got);
  std::vector<std::vector<std::byte>> reports(n, std::vector<std::byte>(n));
  for (int peer = 0; peer < n; ++peer)
    if (peer != me) net_.recv(peer, reports[peer]);
  for (int j = 0; j < n; ++j) {
    if (j == me) continue;
    int ok = got[j] == kVerdictOk, votes = 1;
    for (int k = 0; k < n; ++k) {
      if (k == me || k == j) continue;
      ok += reports[k][j] == kVerdictOk;
      ++votes;
    }
    SQT_CHECK(2 * ok > votes,
              "abort: {} message check: {} did not confirm the check (a party reported a failed "
              "check or deviated from the protocol)",
              protocol_, net_.peer_name(j));
  }
}

}  // namespace sqt
