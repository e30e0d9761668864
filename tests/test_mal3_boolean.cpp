// mal3's binary sharing with checked AND triples (proto/mal3/mal3_boolean.h):
// results against the bitwise reference, communication against the cost
// stated in the header, and a cheating party: a falsified triple is caught
// by the bucket check, and any one changed message either makes every
// honest party abort naming a check or changes nothing.
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
  // Every opening so far is agreed, then one closing exchange (as
  // Mal3::finish), so that a party that aborts in the check stops the others.
  void finish() {
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
void and_workload(BoolParty& p, Outcome& out, std::size_t n, int planes, std::size_t batch_words) {
  Mal3Boolean& b = p.boolean;
  b.set_batch_words(batch_words);
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

TEST(Mal3Boolean, AndNotAndXorMatchTheBitwiseReference) {
  for (std::size_t batch_words : {std::size_t{4}, Mal3Boolean::kBatchWords}) {
    const std::size_t n = 1000;
    const int planes = 3;
    auto outcomes = run_three(
        [&](BoolParty& p, Outcome& out) { and_workload(p, out, n, planes, batch_words); });
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
    for (std::size_t i = 0; i < n; ++i) ones += outcomes[0].outputs[0].get(1, i);
    EXPECT_GT(ones, 400u);
    EXPECT_LT(ones, 600u);
  }
}

TEST(Mal3Boolean, AManyPlaneAndTakesTriplesFromSeveralBatches) {
  const std::size_t n = 130;  // three words per plane, the last one partly padding
  const int planes = 40;      // 120 words of triples, batches of 16
  auto outcomes = run_three([&](BoolParty& p, Outcome& out) {
    p.boolean.set_batch_words(16);
    const Mal3BoolShare x = p.boolean.random(n, planes), y = p.boolean.random(n, planes);
    out.outputs.push_back(p.boolean.open_unchecked(x));
    out.outputs.push_back(p.boolean.open_unchecked(y));
    out.outputs.push_back(p.boolean.open_unchecked(p.boolean.band(x, y)));
    out.outputs.push_back(p.boolean.open_unchecked(p.boolean.band(x, y)));
    out.numbers = {p.boolean.batches(), p.boolean.triples_made()};
    p.finish();
  });
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.outputs[2], o.outputs[0] & o.outputs[1]);
    EXPECT_EQ(o.outputs[3], o.outputs[0] & o.outputs[1]);
    // Each and takes 120 words: a batch of 120 words (more than 16) each.
    EXPECT_EQ(o.numbers, (std::vector<std::uint64_t>{2, 2 * 120 * 64}));
  }
}

// One message check: a 32-byte digest, a verdict byte and a 3-byte report to
// each of the two peers, in 3 rounds (as test_mal3.cpp).
constexpr std::uint64_t kCheckBytes = 2 * (32 + 1 + 3);

TEST(Mal3Boolean, ABatchAndAnAndCostWhatTheHeaderStates) {
  const std::size_t words = 64;  // triples kept per batch: 4,096
  const std::size_t n = 640;     // ten words per and
  auto outcomes = run_three([&](BoolParty& p, Outcome& out) {
    p.boolean.set_batch_words(words);
    const Mal3BoolShare x = p.boolean.random(n, 1), y = p.boolean.random(n, 1);
    Network& net = p.session.net();
    net.synchronize();
    CommStats before = p.session.stats();
    p.boolean.band(x, y);  // a batch, then the and
    const CommStats first = p.session.stats() - before;
    net.synchronize();
    before = p.session.stats();
    p.boolean.band(x, y);  // from the pool
    const CommStats second = p.session.stats() - before;
    out.numbers = {first.bytes_sent, first.rounds, second.bytes_sent, second.rounds};
    p.finish();
  });
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.error, "");
    const auto& w = o.numbers;
    // Triples: 5 x 64 words by rep3's AND, the challenge (a 16-byte draw
    // and a 32-byte digest), rho and sigma (8 x 64 words), the message check (delta is
    // compared there, without a message); then d and e (2 x 10 words).
    const std::uint64_t batch = (5 + 8) * words * 8 + 16 + 32 + kCheckBytes;
    EXPECT_EQ(w[0], batch + 2 * 10 * 8);
    EXPECT_EQ(w[1], 1u + 1u + 1u + 3u + 1u);
    EXPECT_EQ(w[2], 2 * 10 * 8u);
    EXPECT_EQ(w[3], 1u);
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

// Party `cheater` changes its first message of the batch: its summand of
// the unchecked ANDs, i.e. it falsifies between 1 and 8 triples of one word.
TEST(Mal3Boolean, AFalsifiedTripleMakesEveryHonestPartyAbort) {
  for (int trial = 0; trial < 12; ++trial) {
    const int cheater = trial % 3;
    TamperPlan plan;
    plan.message = start_up_messages(cheater);
    plan.seed = 100 + trial;
    auto outcomes = run_three([](BoolParty& p, Outcome& out) { and_workload(p, out, 200, 2, 16); },
                              cheater, std::make_shared<Tamper>(plan));
    for (int id = 0; id < 3; ++id) {
      if (id == cheater) continue;
      EXPECT_NE(outcomes[id].error.find("abort"), std::string::npos)
          << "trial " << trial << " party " << id << ": " << outcomes[id].error;
      EXPECT_NE(outcomes[id].error.find("triple message check failed"), std::string::npos)
          << outcomes[id].error;
      EXPECT_TRUE(outcomes[id].outputs.empty()) << "opened before the check";
    }
  }
}

// Any one message of the cheater changed (random byte): every honest party
// aborts with an error naming a check, or nothing changes.
TEST(Mal3Boolean, AnyChangedMessageAbortsOrChangesNothing) {
  const auto work = [](BoolParty& p, Outcome& out) { and_workload(p, out, 200, 2, 16); };
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
