// Cheating-party tests: one party changes one of its outgoing messages
// (net/tamper_channel.h, above the channel, length kept) during a workload
// that runs every operation of the fixed-point library (mpc/workload.h).
// For a protocol secure with abort, every trial must end in one of two ways:
//   - every honest party aborts, with an error that says "abort" and names
//     the failed check (never a size mismatch), and what each opened before
//     the abort equals the honest run's; or
//   - no honest party aborts and every output equals the honest run's (a
//     change that changes nothing may pass).
// 1,000 seeded trials per protocol (500 per ring), the
// cheater rotating over the parties,
// the message uniform over all the cheater sends, random and structured
// changes), targeted attacks (keys, digests, verdicts), a selective-failure
// test, a check that the cheater never receives an opening of a value its
// deviation changed, and a control: the same changes under semi-honest rep3 go unnoticed
// and corrupt the result, so the test can fail.
#include <gtest/gtest.h>

#include <thread>

#include "mpc/workload.h"
#include "net/tamper_channel.h"
#include "proto/mal3/mal3.h"
#include "proto/rep3/rep3.h"
#include "proto/rep4/rep4.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

constexpr std::size_t kElements = 8;

template <class P>
struct Outcome {
  bool aborted = false;
  std::string error;
  std::vector<Tensor<typename P::Ring>> outputs;
};

template <class P>
SessionOptions cheat_options(std::uint64_t key_seed = 7) {
  SessionOptions o;
  o.frac_bits = kDefaultFracBits<typename P::Ring>;
  o.insecure_test_key_seed = key_seed;
  o.agreed = {{"protocol", std::string(P::kName)}};
  return o;
}

// Runs `work` at every party of P with party `cheater` (-1: nobody) changing
// message plan.message; returns every party's outcome and, through `tamper`,
// what the cheater sent.
template <class P, class Work>
std::vector<Outcome<P>> run_trial(int cheater, TamperPlan plan, Work work,
                                  std::shared_ptr<Tamper>* tamper_out = nullptr,
                                  std::uint64_t key_seed = 7) {
  auto mesh = make_memory_mesh(P::kParties, std::chrono::milliseconds(60'000));
  auto tamper = std::make_shared<Tamper>(plan);
  if (cheater >= 0) wrap_with_tamper(mesh[cheater], tamper);
  std::vector<Outcome<P>> outcomes(P::kParties);
  {
    std::vector<std::jthread> threads;
    for (int id = 0; id < P::kParties; ++id) {
      threads.emplace_back([&, id] {
        Outcome<P>& out = outcomes[id];
        try {
          Session session(std::make_unique<Network>(id, std::move(mesh[id])),
                          cheat_options<P>(key_seed));
          run_or_abort(session, [&] {
            P p(session);
            work(p, out.outputs);
          });
        } catch (const std::exception& e) {
          out.aborted = true;
          out.error = e.what();
        }
      });
    }
  }
  if (tamper_out) *tamper_out = tamper;
  return outcomes;
}

template <class P>
void library(P& p, std::vector<Tensor<typename P::Ring>>& outputs) {
  library_workload(p, kElements, 11,
                   [&](const Tensor<typename P::Ring>& t) { outputs.push_back(t); });
}

// What the honest run gives, and the sizes of what party `cheater` sends.
template <class P>
struct Reference {
  std::vector<std::vector<Tensor<typename P::Ring>>> outputs;  // per party
  std::vector<std::vector<std::size_t>> sizes;                 // per party
  std::vector<std::uint64_t> setup;  // per party: messages of the start-up (keys)
};

template <class P>
const Reference<P>& reference() {
  static const Reference<P> ref = [] {
    Reference<P> r;
    r.sizes.resize(P::kParties);
    for (int c = 0; c < P::kParties; ++c) {
      std::shared_ptr<Tamper> keys_only;
      run_trial<P>(
          c, {~std::uint64_t{0}}, [](P&, std::vector<Tensor<typename P::Ring>>&) {}, &keys_only);
      r.setup.push_back(keys_only->counted());
      std::shared_ptr<Tamper> t;
      auto outcomes = run_trial<P>(c, {~std::uint64_t{0}}, library<P>, &t);
      for (auto& o : outcomes) EXPECT_FALSE(o.aborted) << o.error;
      r.sizes[c] = t->sizes();
      r.outputs.clear();
      for (auto& o : outcomes) r.outputs.push_back(o.outputs);
    }
    return r;
  }();
  return ref;
}

enum class Verdict { kAborted, kUnchanged, kBroken };

// Applies the criterion to one trial; `why` explains a kBroken verdict.
template <class P>
Verdict judge(const std::vector<Outcome<P>>& outcomes, int cheater, std::string& why) {
  const auto& all_outputs = reference<P>().outputs;
  int aborted = 0, honest = 0;
  for (int id = 0; id < P::kParties; ++id) {
    if (id == cheater) continue;
    ++honest;
    const Outcome<P>& o = outcomes[id];
    const auto& honest_outputs = all_outputs[id];
    for (std::size_t i = 0; i < o.outputs.size(); ++i)
      if (i >= honest_outputs.size() || !(o.outputs[i] == honest_outputs[i])) {
        why = fmt::format("party {} opened a wrong value (output {})", id, i);
        return Verdict::kBroken;
      }
    if (!o.aborted) continue;
    ++aborted;
    if (o.error.find("abort") == std::string::npos || o.error.find("check") == std::string::npos ||
        o.error.find("size") != std::string::npos) {
      why = fmt::format("party {} stopped without naming a check: {}", id, o.error);
      return Verdict::kBroken;
    }
  }
  // The cheater itself must never see the opening of a value its deviation
  // changed: what it opened is a prefix of what it opens in the honest run
  // (the check before every open guards this; its own state is honest, only
  // its outgoing message was changed).
  const auto& cheater_honest = all_outputs[cheater];
  for (std::size_t i = 0; i < outcomes[cheater].outputs.size(); ++i)
    if (i >= cheater_honest.size() || !(outcomes[cheater].outputs[i] == cheater_honest[i])) {
      why = fmt::format("the cheating party {} opened a value its deviation changed (output {})",
                        cheater, i);
      return Verdict::kBroken;
    }
  if (aborted == 0) {
    for (int id = 0; id < P::kParties; ++id)
      if (id != cheater && outcomes[id].outputs.size() != all_outputs[id].size()) {
        why = fmt::format("party {} finished without all outputs", id);
        return Verdict::kBroken;
      }
    return Verdict::kUnchanged;
  }
  if (aborted != honest) {
    why = fmt::format("only {} of {} honest parties aborted", aborted, honest);
    return Verdict::kBroken;
  }
  return Verdict::kAborted;
}

constexpr TamperKind kKinds[] = {TamperKind::kFlipByte, TamperKind::kAddHalfRing,
                                 TamperKind::kCancellingPair};

template <class P>
struct Tally {
  int aborted = 0, unchanged = 0, broken = 0;
  // Trials that passed although the changed message carried data (not one
  // of the verdict agreement's 1-byte verdicts or n-byte reports, which the
  // agreement may outvote).
  int unchanged_data = 0;
  std::string first_broken, first_unchanged;
};

// Messages of the verdict agreement (message_check.cpp): a verdict byte or
// a report of one byte per party. (Pairwise keys of pairs that never act
// together in rep4 are unused, so changing one changes nothing either: the
// start-up messages are left out of the strict count below.)
template <class P>
bool is_agreement_message(std::size_t size) {
  return size == 1 || size == static_cast<std::size_t>(P::kParties);
}

template <class P>
constexpr bool kIsMal3 = std::is_same_v<P, Mal3<typename P::Ring>>;

// The element width a change assumes: the ring's, and for mal3, whose
// messages carry words of k + 64 bits, also those (then "add half the
// ring" adds 2^(k+63), a multiple of 2^k that leaves the value alone).
template <class P>
int element_bytes(std::uint64_t coin) {
  constexpr int ring = kRingBits<typename P::Ring> / 8;
  if constexpr (kIsMal3<P>) return coin % 2 ? ring + P::kWordHeadroomBits / 8 : ring;
  return ring;
}

// mal3 keeps values modulo 2^k in words of k + 64 bits: a change confined
// to the top 64 bits of a word changes no value, and the MAC check notices
// it only with some probability (it may, or may not, abort). Every other
// change must abort.
template <class P>
bool harmless_change(const std::vector<std::size_t>& changed) {
  if constexpr (!kIsMal3<P>) {
    return false;
  } else {
    constexpr std::size_t ring = kRingBits<typename P::Ring> / 8;
    constexpr std::size_t wide = ring + P::kWordHeadroomBits / 8;
    for (std::size_t at : changed)
      if (at % wide < ring) return false;
    return !changed.empty();
  }
}

template <class P>
Tally<P> random_trials(int trials, std::uint64_t seed) {
  Tally<P> tally;
  Prg prg = Prg::from_seed(seed);
  for (int t = 0; t < trials; ++t) {
    const int cheater = t % P::kParties;
    const auto& sizes = reference<P>().sizes[cheater];
    TamperPlan plan{prg.next_u64() % sizes.size(), kKinds[prg.next_u64() % 3], prg.next_u64(),
                    element_bytes<P>(prg.next_u64())};
    std::string why;
    std::shared_ptr<Tamper> tamper;
    auto outcomes = run_trial<P>(cheater, plan, library<P>, &tamper);
    Verdict v = judge<P>(outcomes, cheater, why);
    if (v == Verdict::kAborted) ++tally.aborted;
    if (v == Verdict::kUnchanged) {
      ++tally.unchanged;
      if (plan.message >= reference<P>().setup[cheater] &&
          !is_agreement_message<P>(sizes[plan.message]) &&
          !harmless_change<P>(tamper->changed_bytes()) && tally.unchanged_data++ == 0)
        tally.first_unchanged =
            fmt::format("trial {}: party {}, message {} ({} bytes), {}", t, cheater, plan.message,
                        sizes[plan.message], tamper_kind_name(plan.kind));
    }
    if (v == Verdict::kBroken && tally.broken++ == 0) {
      tally.first_broken =
          fmt::format("trial {} (party {}, message {} of {}, {}): {}", t, cheater, plan.message,
                      sizes.size(), tamper_kind_name(plan.kind), why);
      for (int id = 0; id < P::kParties; ++id)
        tally.first_broken += fmt::format("\n  party {}: {}", id,
                                          outcomes[id].aborted ? outcomes[id].error : "completed");
    }
  }
  return tally;
}

// The protocols secure with abort, each over its rings (one ring in the
// sanitizer build).
template <class P>
struct Cheating : ::testing::Test {};
#ifdef SQT_TEST_ONE_RING
using CheatingProtocols = ::testing::Types<Rep4<std::uint64_t>, Mal3<std::uint64_t>>;
#else
using CheatingProtocols =
    ::testing::Types<Rep4<std::uint64_t>, Rep4<u128>, Mal3<std::uint64_t>, Mal3<u128>>;
#endif
TYPED_TEST_SUITE(Cheating, CheatingProtocols, ProtocolNames);

// 1,000 trials per protocol: 500 per ring (1,000 over Z_2^64 in the
// sanitizer build, which runs one ring).
#ifdef SQT_TEST_ONE_RING
template <class P>
constexpr int kTrials = 1000;
#else
template <class P>
constexpr int kTrials = 500;
#endif

TYPED_TEST(Cheating, EveryDeviationAbortsUnanimouslyOrChangesNothing) {
  using P = TypeParam;
  Tally<P> tally = random_trials<P>(kTrials<P>, 2026);
  EXPECT_EQ(tally.broken, 0) << tally.first_broken;
  // Every change of a message that carries data is caught; only a changed
  // verdict or report can be outvoted by the agreement.
  EXPECT_EQ(tally.unchanged_data, 0) << tally.first_unchanged;
  EXPECT_GE(tally.aborted, kTrials<P> * 4 / 5) << tally.unchanged << " trials passed";
  std::printf("%s k=%d: %d trials aborted, %d passed with an outvoted verdict change\n",
              std::string(P::kName).c_str(), kRingBits<typename P::Ring>, tally.aborted,
              tally.unchanged);
}

// Structured attacks on chosen messages: 16 bytes (rep4: the group keys, a
// leader handing two members different keys; mal3: the challenge keys), 32
// bytes (the digests of the message check: cheating inside the check; mal3:
// also the MAC check's masks and masked combinations; the bit check's dot
// product now travels as two 16-byte messages at k = 64) and the verdicts
// (1 byte).
TYPED_TEST(Cheating, TargetedAttacksOnKeysDigestsAndVerdictsAbort) {
  using P = TypeParam;
  int attacks = 0;
  for (int cheater = 0; cheater < P::kParties; ++cheater) {
    const auto& sizes = reference<P>().sizes[cheater];
    for (std::size_t want : {std::size_t{16}, std::size_t{32}, std::size_t{1}}) {
      std::vector<std::uint64_t> targets;
      for (std::size_t i = 0; i < sizes.size(); ++i)
        if (sizes[i] == want) targets.push_back(i);
      if (targets.empty()) continue;
      for (std::uint64_t target : {targets.front(), targets.back()}) {
        std::string why;
        Verdict v = judge<P>(
            run_trial<P>(cheater, {target, TamperKind::kFlipByte, target + 1, 8}, library<P>),
            cheater, why);
        // A changed verdict may be outvoted (then nothing changed); keys and
        // digests must abort.
        if (want == 1) {
          EXPECT_NE(v, Verdict::kBroken)
              << "party " << cheater << ", verdict " << target << ": " << why;
        } else {
          EXPECT_EQ(v, Verdict::kAborted) << "party " << cheater << ", message " << target << " ("
                                          << want << " bytes): " << why;
        }
        ++attacks;
      }
    }
  }
  EXPECT_GE(attacks, 4 * P::kParties);
}

// How many messages `cheater` sends in an honest run of `work`.
template <class P, class Work>
std::uint64_t messages_sent(int cheater, Work work) {
  std::shared_ptr<Tamper> t;
  run_trial<P>(cheater, {~std::uint64_t{0}}, work, &t);
  return t->counted();
}

// Inputs: the input party sends its third summand (component) to two
// parties; sending them different values (changing one of the two) must
// abort.
TYPED_TEST(Cheating, DifferentValuesToTheTwoHoldersOfAnInputAbort) {
  using P = TypeParam;
  using R = typename P::Ring;
  auto nothing = [](P&, std::vector<Tensor<R>>&) {};
  auto work = [](P& p, std::vector<Tensor<R>>& outputs) {
    Tensor<R> v({kElements}, R{5});
    outputs.push_back(p.open(p.input(0, p.party() == 0 ? v : Tensor<R>{}, {kElements})));
  };
  const std::uint64_t setup = messages_sent<P>(0, nothing);
  for (std::uint64_t message : {setup, setup + 1}) {  // party 0's two messages of the input
    auto outcomes = run_trial<P>(0, {message, TamperKind::kAddHalfRing, 1, 8}, work);
    for (int id = 1; id < P::kParties; ++id) {
      EXPECT_TRUE(outcomes[id].aborted) << "party " << id;
      EXPECT_NE(outcomes[id].error.find("check failed"), std::string::npos) << outcomes[id].error;
    }
  }
}

// Selective failure: a fixed, data-dependent deviation (2^(k-1) added to
// one element of one message of a comparison, e.g. to the masked value,
// which flips its result) must abort at the same rate whether the secret is
// negative or positive. Every message the cheater sends in the comparison
// and its open is tried, for both signs.
TYPED_TEST(Cheating, AbortRateDoesNotDependOnTheSecret) {
  using P = TypeParam;
  using R = typename P::Ring;
  auto compare = [](double secret, bool with_ltz) {
    return [secret, with_ltz](P& p, std::vector<Tensor<R>>& outputs) {
      Tensor<double> s({kElements}, secret);
      auto x = input_fixed(p, 0, s, {kElements});
      if (with_ltz) outputs.push_back(p.open(ltz(p, x)));
    };
  };
  const int cheater = 2;
  const std::uint64_t first = messages_sent<P>(cheater, compare(1.0, false));
  const std::uint64_t end = messages_sent<P>(cheater, compare(1.0, true));
  ASSERT_GT(end, first + 10);
  std::shared_ptr<Tamper> honest;
  run_trial<P>(cheater, {~std::uint64_t{0}}, compare(1.0, true), &honest);
  std::uint64_t aborts[2] = {0, 0}, data_messages = 0;
  for (std::uint64_t m = first; m < end; ++m)
    data_messages += !is_agreement_message<P>(honest->sizes()[m]);
  for (int side = 0; side < 2; ++side)
    for (std::uint64_t m = first; m < end; ++m) {
      if (is_agreement_message<P>(honest->sizes()[m])) continue;
      TamperPlan plan{m, TamperKind::kAddHalfRing, 3, kRingBits<R> / 8};
      auto outcomes = run_trial<P>(cheater, plan, compare(side ? 1.5 : -1.5, true));
      bool all = true;
      for (int id = 0; id < P::kParties; ++id) all = all && (id == cheater || outcomes[id].aborted);
      aborts[side] += all;
    }
  EXPECT_EQ(aborts[0], aborts[1]);
  EXPECT_EQ(aborts[0], data_messages);
}

// mal3's checks sum over random subsets, not with scalar coefficients
// (until 2026-12-07 they did): an error of 2^(k+63), the top bit of a wide
// word, in a product's MAC summand then aborts at the first check (two
// scalar combinations missed it with probability 1/4, and a surviving
// error was multiplied by secrets in later products: a selective failure).
// Every message of a product gets a top-bit error at 16 seeded positions,
// each under its own keys; the product is then opened (a check) and
// multiplied by a secret that is even or odd. Whether the honest parties abort must not depend on
// that secret, and an error in the MAC message (the second of the product's two) must always abort.
// (Under the scalar check a MAC trial passed the first check with probability 1/4.)
template <class R>
void check_top_bit_errors_of_a_product() {
  using P = Mal3<R>;
  using W = typename P::W;
  auto work = [](int stage, R later) {
    return [stage, later](P& p, std::vector<Tensor<R>>& outputs) {
      const Shape shape{kElements};
      auto x = p.input(0, Tensor<R>(shape, R{3}), shape);
      auto y = p.input(0, Tensor<R>(shape, R{5}), shape);
      auto s = p.input(2, Tensor<R>(shape, later), shape);
      if (stage == 0) return;
      auto z = p.mul(x, y);
      if (stage == 1) return;
      outputs.push_back(p.open(z));
      outputs.push_back(p.open(p.mul(z, s)));
    };
  };
  const int cheater = 1;
  const std::uint64_t first = messages_sent<P>(cheater, work(0, 2));
  const std::uint64_t end = messages_sent<P>(cheater, work(1, 2));
  ASSERT_EQ(end, first + 2);  // the product's value, then its MAC
  const auto honest_abort = [&](const std::vector<Outcome<P>>& outcomes) {
    int aborted = 0;
    for (int id = 0; id < P::kParties; ++id) aborted += id != cheater && outcomes[id].aborted;
    EXPECT_TRUE(aborted == 0 || aborted == P::kParties - 1);  // unanimous
    return aborted > 0;
  };
  for (std::uint64_t m = first; m < end; ++m)
    for (std::uint64_t seed = 1; seed <= 16; ++seed) {
      const TamperPlan plan{m, TamperKind::kAddHalfRing, seed, static_cast<int>(sizeof(W))};
      const std::uint64_t keys = 100 + seed;  // a fresh MAC key (and its parity) per seed
      const bool even = honest_abort(run_trial<P>(cheater, plan, work(2, 2), nullptr, keys));
      const bool odd = honest_abort(run_trial<P>(cheater, plan, work(2, 3), nullptr, keys));
      EXPECT_EQ(even, odd) << "message " << m << ", seed " << seed;
      if (m + 1 == end) {
        EXPECT_TRUE(even && odd) << "MAC message, seed " << seed;
      }
    }
}

TEST(Mal3TopBitErrors, AbortAtTheFirstCheckWhateverTheSecret) {
  check_top_bit_errors_of_a_product<std::uint64_t>();
#ifndef SQT_TEST_ONE_RING
  check_top_bit_errors_of_a_product<u128>();
#endif
}

// Control: the same random changes under semi-honest rep3 are never noticed
// and change the result in many trials (the others change bits that do not
// matter, such as the padding of bit planes): the criterion above can fail.
template <class R>
struct Rep3Control : ::testing::Test {};
TYPED_TEST_SUITE(Rep3Control, TestRings);

TYPED_TEST(Rep3Control, ControlRep3CompletesWithWrongResults) {
  using P = Rep3<TypeParam>;
  Tally<P> tally = random_trials<P>(60, 99);
  EXPECT_GE(tally.broken, 20) << "aborted " << tally.aborted << ", unchanged " << tally.unchanged
                              << "; first broken: " << tally.first_broken;
}

}  // namespace

// sqt selftest --cheat-party sets value_bytes for mal3, whose words carry
// 64 bits above the value: every kind of change must then stay within the
// low value_bytes of the element it touches.
TEST(TamperPlanValueBytes, EveryChangeStaysWithinTheValueBytesOfItsElement) {
  for (TamperKind kind :
       {TamperKind::kFlipByte, TamperKind::kAddHalfRing, TamperKind::kCancellingPair}) {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
      Tamper tamper(TamperPlan{0, kind, seed, 16, 8});
      std::vector<std::byte> message(16 * 10, std::byte{0x5a});
      ASSERT_TRUE(tamper.apply(message));
      ASSERT_FALSE(tamper.changed_bytes().empty()) << tamper_kind_name(kind) << ", seed " << seed;
      for (std::size_t at : tamper.changed_bytes())
        EXPECT_LT(at % 16, 8u) << tamper_kind_name(kind) << ", seed " << seed << ", byte " << at;
    }
  }
}

}  // namespace sqt
