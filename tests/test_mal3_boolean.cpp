// mal3's binary sharing with proved ANDs (proto/mal3/mal3_boolean.h,
// and_proof.h): results against the bitwise reference, communication
// against the cost stated in the headers, and a cheating party: a changed
// AND message or any changed message of the proof makes every honest party
// abort naming the check, and any one changed message either does that or
// changes nothing.
#include <gtest/gtest.h>

#include <thread>

#include "net/memory_channel.h"
#include "net/tamper_channel.h"
#include "proto/mal3/mal3_boolean.h"

namespace sqt {
namespace {

// One party: its session's message check and the binary sharing.
struct BoolParty {
  explicit BoolParty(Session& s) : session(s), check(s.net(), "mal3"), boolean(s, check) {}
  // Every AND is proved and every opening agreed, then one closing exchange
  // (as Mal3::finish), so that a party that aborts in a check stops the others.
  void finish() {
    boolean.verify_ands();
    check.check();
    Network& net = session.net();
    const std::byte closing{0};
    std::byte ignored{};
    const int me = net.id();
    for (int peer : {(me + 1) % 3, (me + 2) % 3}) net.send(peer, std::span(&closing, 1));
    for (int peer : {(me + 2) % 3, (me + 1) % 3}) net.recv(peer, std::span(&ignored, 1));
  }
  Session& session;
  MessageCheck check;
  Mal3Boolean boolean;
};

struct Outcome {
  std::string error;               // empty: finished
  std::vector<BitPlanes> outputs;  // what the party opened, after the checks
  std::vector<std::uint64_t> numbers;
};

// Runs work(party, outcome) at the three parties, party `cheater` (-1:
// nobody) changing one message as `tamper` plans.
template <class Work>
std::vector<Outcome> run_three(Work work, int cheater = -1,
                               std::shared_ptr<Tamper> tamper = nullptr) {
  auto mesh = make_memory_mesh(3, std::chrono::milliseconds(60'000));
  if (cheater >= 0) wrap_with_tamper(mesh[cheater], tamper);
  std::vector<Outcome> outcomes(3);
  {
    std::vector<std::jthread> threads;
    for (int id = 0; id < 3; ++id) {
      threads.emplace_back([&, id] {
        Outcome& out = outcomes[id];
        try {
          SessionOptions options;
          options.insecure_test_key_seed = 7;  // the same sharings in every trial
          Session session(std::make_unique<Network>(id, std::move(mesh[id])), options);
          run_or_abort(session, [&] {
            BoolParty party(session);
            work(party, out);
          });
        } catch (const std::exception& e) {
          out.error = e.what();
          if (out.error.empty()) out.error = "unnamed error";
        }
      });
    }
  }
  return outcomes;
}

// x, y random; x, y, x & y, ~x ^ y and (x & y) & x opened, kept as
// outputs once the checks pass.
void and_workload(BoolParty& p, Outcome& out, std::size_t n, int planes) {
  Mal3Boolean& b = p.boolean;
  const Mal3BoolShare x = b.random(n, planes), y = b.random(n, planes);
  const Mal3BoolShare z = b.band(x, y);
  std::vector<BitPlanes> opened;
  opened.push_back(b.open_unchecked(x));
  opened.push_back(b.open_unchecked(y));
  opened.push_back(b.open_unchecked(z));
  opened.push_back(b.open_unchecked(b.bxor(b.bnot(x), y)));
  opened.push_back(b.open_unchecked(b.band(z, x)));
  p.finish();
  out.outputs = std::move(opened);
}

// Two sizes: 3 groups of words (the proof's levels 32, 4, 4, 2, 2, 2 rows)
// and 98 groups (32, 4, 4, 4, 4, 4).
TEST(Mal3Boolean, AndNotAndXorMatchTheBitwiseReference) {
  for (auto [n, planes] : {std::pair<std::size_t, int>{1000, 3}, {100'000, 1}}) {
    auto outcomes = run_three([&](BoolParty& p, Outcome& out) { and_workload(p, out, n, planes); });
    for (const Outcome& o : outcomes) {
      ASSERT_EQ(o.error, "");
      ASSERT_EQ(o.outputs.size(), 5u);
      const BitPlanes &x = o.outputs[0], &y = o.outputs[1];
      EXPECT_EQ(o.outputs[2], x & y);
      EXPECT_EQ(o.outputs[3], (~x) ^ y);
      EXPECT_EQ(o.outputs[4], x & y);
      EXPECT_EQ(o.outputs, outcomes[0].outputs);  // every party opens the same
    }
    // The inputs are not constant: roughly half of the bits are ones.
    std::size_t ones = 0;
    for (std::size_t i = 0; i < 1000; ++i) ones += outcomes[0].outputs[0].get(planes - 1, i);
    EXPECT_GT(ones, 400u);
    EXPECT_LT(ones, 600u);
  }
}

// Entries left after levels of `rows` on n entries (each pads to a multiple).
std::size_t entries_after(std::size_t n, const std::vector<int>& rows) {
  for (std::size_t l = 1; l < rows.size(); ++l) n = (n + rows[l] - 1) / rows[l];
  return n;
}

TEST(Mal3Boolean, TheProofsLevelsFollowTheSchedule) {
  // Words -> groups of 16 -> 64 entries per group after the first level
  // (32 rows); then five levels (rounds independent of the size up to 2^32
  // gates), the cheapest at (rows + 4) products per entry, that leave at
  // most 8 entries. One group: 4, 4, 2, 2, 2 (64 -> 16 -> 4 -> 2 -> 1 -> 1)
  // costs 512 + 128 + 24 + 12 + 12 = 688; 2, 2, 2, 2, 2 costs 744.
  EXPECT_EQ(and_proof_levels(1), (std::vector<int>{32, 4, 4, 2, 2, 2}));
  for (std::size_t words : {std::size_t{1} << 10, std::size_t{1} << 18, std::size_t{1} << 21,
                            (std::size_t{1} << 26) - 16}) {
    const std::vector<int> rows = and_proof_levels(words);
    EXPECT_EQ(rows.size(), 6u) << words;
    EXPECT_EQ(rows[0], 32);
    EXPECT_LE(entries_after(words / 16 * 64, rows), 8u) << words;
  }
  // Past 8 x 32^5 entries a sixth level.
  const std::size_t huge = (std::size_t{1} << 26) + 16;
  EXPECT_EQ(and_proof_levels(huge).size(), 7u);
  EXPECT_LE(entries_after(huge / 16 * 64, and_proof_levels(huge)), 8u);
}

// An AND of empty planes sends nothing that the proof covers and records
// nothing.
TEST(Mal3Boolean, AnEmptyAndRecordsNothing) {
  auto outcomes = run_three([&](BoolParty& p, Outcome& out) {
    const Mal3BoolShare x = p.boolean.random(0, 3);
    const Mal3BoolShare z = p.boolean.band(x, x);
    out.numbers = {p.boolean.pending_gates(), z.s[0].words().size()};
    p.finish();
    out.numbers.push_back(p.boolean.proofs());
  });
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.numbers, (std::vector<std::uint64_t>{0, 0, 0}));
  }
}

TEST(Mal3Boolean, ProofsRunAtVerifyAndCoverEveryAndSinceTheLast) {
  const std::size_t n = 130;  // three words per plane, the last one partly padding
  const int planes = 40;
  auto outcomes = run_three([&](BoolParty& p, Outcome& out) {
    const Mal3BoolShare x = p.boolean.random(n, planes), y = p.boolean.random(n, planes);
    out.outputs.push_back(p.boolean.open_unchecked(x));
    out.outputs.push_back(p.boolean.open_unchecked(y));
    out.outputs.push_back(p.boolean.open_unchecked(p.boolean.band(x, y)));
    out.numbers.push_back(p.boolean.pending_gates());
    p.boolean.verify_ands();
    out.numbers.push_back(p.boolean.pending_gates());
    p.boolean.verify_ands();  // nothing pending: no proof
    out.outputs.push_back(p.boolean.open_unchecked(p.boolean.band(x, y)));
    p.finish();
    out.numbers.push_back(p.boolean.proofs());
  });
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.outputs[2], o.outputs[0] & o.outputs[1]);
    EXPECT_EQ(o.outputs[3], o.outputs[0] & o.outputs[1]);
    EXPECT_EQ(o.numbers, (std::vector<std::uint64_t>{40 * 3 * 64, 0, 2}));
  }
}

// One message check: a 32-byte digest, a verdict byte and a 3-byte report to
// each of the two peers, in 3 rounds (as test_mal3.cpp).
constexpr std::uint64_t kCheckBytes = 2 * (32 + 1 + 3);
// A joint challenge: a 16-byte draw to one peer, its 32-byte digest to the other.
constexpr std::uint64_t kChallengeBytes = 16 + 32;

TEST(Mal3Boolean, AnAndAndItsProofCostWhatTheHeadersState) {
  const std::size_t n = 640;  // ten words per and
  auto outcomes = run_three([&](BoolParty& p, Outcome& out) {
    const Mal3BoolShare x = p.boolean.random(n, 1), y = p.boolean.random(n, 1);
    Network& net = p.session.net();
    net.synchronize();
    CommStats before = p.session.stats();
    p.boolean.band(x, y);
    const CommStats and_cost = p.session.stats() - before;
    net.synchronize();
    before = p.session.stats();
    p.boolean.verify_ands();
    const CommStats proof = p.session.stats() - before;
    out.numbers = {and_cost.bytes_sent, and_cost.rounds, proof.bytes_sent, proof.rounds};
    p.finish();
  });
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.error, "");
    const auto& w = o.numbers;
    EXPECT_EQ(w[0], 10 * 8u);  // z: one bit per AND
    EXPECT_EQ(w[1], 1u);
    // One group of 16 words: the weights' challenge; the first level (32
    // rows: 63 values of 16 bytes to V-, a challenge: 64 entries); levels of
    // 4, 4, 2, 2, 2 rows (2L - 1 values, a challenge: 16, 4, 2, 1, 1
    // entries); the final level on 1 entry (3 values, a challenge) and the
    // verifiers' exchange (p(r) or q(r), G(r) and the seven levels' sums, to
    // each peer).
    EXPECT_EQ(w[2], kChallengeBytes + (63 * 16 + kChallengeBytes) + 2 * (7 * 16 + kChallengeBytes) +
                        3 * (3 * 16 + kChallengeBytes) + 3 * 16 + kChallengeBytes +
                        2 * (2 + 7) * 16);
    EXPECT_EQ(w[3], 1u + 2u * 6u + 3u);
  }
}

// Messages party `party` sends while the session starts (after the
// configuration check, which the tamper leaves out).
std::uint64_t start_up_messages(int party) {
  TamperPlan count_plan;
  count_plan.message = ~std::uint64_t{0};
  auto counter = std::make_shared<Tamper>(count_plan);
  run_three([](BoolParty&, Outcome&) {}, party, counter);
  return counter->counted();
}

// Party `cheater` changes its first message: its z of the first AND (256
// bits a plane, so no padding bit that the output ignores).
TEST(Mal3Boolean, AChangedAndMessageMakesEveryHonestPartyAbort) {
  for (int trial = 0; trial < 12; ++trial) {
    const int cheater = trial % 3;
    TamperPlan plan;
    plan.message = start_up_messages(cheater);
    plan.seed = 100 + trial;
    plan.kind = trial % 2 == 0 ? TamperKind::kFlipByte : TamperKind::kCancellingPair;
    auto outcomes = run_three([](BoolParty& p, Outcome& out) { and_workload(p, out, 256, 2); },
                              cheater, std::make_shared<Tamper>(plan));
    for (int id = 0; id < 3; ++id) {
      if (id == cheater) continue;
      EXPECT_NE(outcomes[id].error.find("abort: mal3 and check failed"), std::string::npos)
          << "trial " << trial << " party " << id << ": " << outcomes[id].error;
      EXPECT_TRUE(outcomes[id].outputs.empty()) << "opened before the check";
    }
  }
}

// Every message of the cheater from its AND to the end of the proof, changed
// in turn: its z, its shares G- of each level, its parts of the challenges
// and its messages of the final exchange. Every honest party aborts.
TEST(Mal3Boolean, EveryChangedMessageOfTheProofAborts) {
  const auto work = [](BoolParty& p, Outcome& out) {
    const Mal3BoolShare x = p.boolean.random(64 * 70, 1), y = p.boolean.random(64 * 70, 1);
    const Mal3BoolShare z = p.boolean.band(x, y);
    p.boolean.verify_ands();
    p.finish();
    out.outputs.push_back(p.boolean.open_unchecked(z));
  };
  for (int cheater = 0; cheater < 3; ++cheater) {
    const std::uint64_t first = start_up_messages(cheater);
    // z, the weights' challenge (2), levels 32, 8... (3 each), final (3 + 2).
    const std::uint64_t proof_messages = 1 + 2 + 3 * and_proof_levels(70).size() + 5;
    for (std::uint64_t m = first; m < first + proof_messages; ++m) {
      TamperPlan plan;
      plan.message = m;
      plan.seed = 900 + m;
      auto outcomes = run_three(work, cheater, std::make_shared<Tamper>(plan));
      for (int id = 0; id < 3; ++id) {
        if (id == cheater) continue;
        EXPECT_NE(outcomes[id].error.find("abort: mal3"), std::string::npos)
            << "cheater " << cheater << " message " << m - first << " party " << id << ": "
            << outcomes[id].error;
        EXPECT_EQ(outcomes[id].error.find("size"), std::string::npos) << outcomes[id].error;
        EXPECT_TRUE(outcomes[id].outputs.empty());
      }
    }
  }
}

// Any one message of the cheater changed (random byte): every honest party
// aborts with an error naming a check, or nothing changes.
TEST(Mal3Boolean, AnyChangedMessageAbortsOrChangesNothing) {
  const auto work = [](BoolParty& p, Outcome& out) { and_workload(p, out, 200, 2); };
  // The honest run, with a tamper that counts each party's messages.
  TamperPlan count_plan;
  count_plan.message = ~std::uint64_t{0};
  std::vector<std::uint64_t> messages;
  std::vector<Outcome> honest;
  for (int party = 0; party < 3; ++party) {
    auto counter = std::make_shared<Tamper>(count_plan);
    honest = run_three(work, party, counter);
    for (const Outcome& o : honest) ASSERT_EQ(o.error, "");
    messages.push_back(counter->counted());
  }
  std::size_t aborted = 0;
  const int trials = 60;
  for (int trial = 0; trial < trials; ++trial) {
    const int cheater = trial % 3;
    TamperPlan plan;
    plan.seed = 500 + trial;
    plan.message = static_cast<std::uint64_t>(trial / 3) % messages[cheater];
    plan.kind = trial % 2 == 0 ? TamperKind::kFlipByte : TamperKind::kCancellingPair;
    auto outcomes = run_three(work, cheater, std::make_shared<Tamper>(plan));
    const int a = (cheater + 1) % 3, b = (cheater + 2) % 3;
    const bool a_aborted = !outcomes[a].error.empty(), b_aborted = !outcomes[b].error.empty();
    EXPECT_EQ(a_aborted, b_aborted)
        << "trial " << trial << ": " << outcomes[a].error << " / " << outcomes[b].error;
    if (a_aborted) {
      ++aborted;
      for (int id : {a, b}) {
        EXPECT_NE(outcomes[id].error.find("abort"), std::string::npos) << outcomes[id].error;
        EXPECT_EQ(outcomes[id].error.find("size"), std::string::npos) << outcomes[id].error;
        EXPECT_TRUE(outcomes[id].outputs.empty()) << "opened before the check";
      }
    } else {
      for (int id : {a, b}) EXPECT_EQ(outcomes[id].outputs, honest[id].outputs);
    }
  }
  EXPECT_GT(aborted, static_cast<std::size_t>(trials / 2));
}

}  // namespace
}  // namespace sqt
