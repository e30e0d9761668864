// View tests: what a corrupted party receives must not depend on the honest
// parties' secrets. For each rep3 operation and each choice of corrupted
// party C, the whole computation runs with C's incoming channels recorded,
// C's pairwise keys fixed and everything else varied, and three properties
// of C's view (every word it receives) are checked:
//  1. it changes when only the honest parties' key changes (else C could
//     compute every mask itself: its view would be a function of the
//     secrets and of what it already knows);
//  2. no word repeats, within one call or across two calls (a reused mask
//     would cancel in a difference);
//  3. its per-bit statistics are the same for secrets at the edges of the
//     valid range (0, the largest positive, the most negative value), not
//     only for values that differ in low bits.
// Broken variants of input, written only here, must fail them: a mask from
// a key the receiver holds, a mask reused for every element, a mask 8 bits
// shorter than the values it hides. view_of<P> and check_views<P> take any
// protocol with kParties parties: the template for later protocols' tests.
//
// Limits: the checks see only statistics of C's view. A leak that shows
// only after C subtracts what it can compute itself (a short mask on a
// multiplication's cross terms, which C's own shares already randomise) is
// beyond them; the protocol documents argue those cases
// (docs/protocols/rep3.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <functional>
#include <mutex>
#include <set>

#include "crypto/prg.h"
#include "mpc/compare.h"
#include "proto/local_run.h"
#include "proto/mal3/mal3.h"
#include "proto/rep3/rep3.h"
#include "proto/rep4/rep4.h"
#include "proto/semi2k/semi2k.h"
#include "proto/shamir/shamir.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

using Words = std::vector<std::uint64_t>;

// Records every message its inner channel delivers.
class RecordingChannel final : public Channel {
 public:
  RecordingChannel(std::unique_ptr<Channel> inner, Words& log, std::mutex& mutex)
      : inner_(std::move(inner)), log_(log), mutex_(mutex) {}
  void send(std::span<const std::byte> m, std::uint64_t depth) override { inner_->send(m, depth); }
  std::uint64_t recv(std::span<std::byte> out) override {
    std::uint64_t depth = inner_->recv(out);
    record(out);
    return depth;
  }
  std::vector<std::byte> recv_any() override {
    auto m = inner_->recv_any();
    record(m);
    return m;
  }
  void close() override { inner_->close(); }
  void abort(const std::string& reason) override { inner_->abort(reason); }
  const std::string& peer_name() const override { return inner_->peer_name(); }

 private:
  void record(std::span<const std::byte> bytes) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, bytes.data() + i, 8);
      log_.push_back(w);
    }
  }
  std::unique_ptr<Channel> inner_;
  Words& log_;
  std::mutex& mutex_;
};

template <class P>
using Op = std::function<void(P&, const Tensor<typename P::Ring>& secret)>;

// Runs `op` at every party of protocol P (start-up excluded from the view)
// and returns what `corrupted` received. `honest_salt` changes only the keys
// of pairs of honest parties.
template <class P>
Words view_of(int corrupted, std::uint64_t honest_salt, const Tensor<typename P::Ring>& secret,
              const Op<P>& op) {
  using R = typename P::Ring;
  constexpr int n = P::kParties;
  auto mesh = make_memory_mesh(n, std::chrono::milliseconds(60'000));
  Words log;
  std::mutex mutex;
  bool recording = false;
  SessionOptions options;
  options.frac_bits = kRingBits<R> == 64 ? 16 : 32;
  options.insecure_test_key_seed = 1234;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b)
      if (a != corrupted && b != corrupted) options.insecure_test_pair_salt[{a, b}] = honest_salt;
  for (std::uint32_t group = 0; group < (1u << n); ++group)
    if (std::popcount(group) > 2 && !(group >> corrupted & 1))
      options.insecure_test_group_salt[group] = honest_salt;
  for (int peer = 0; peer < n; ++peer) {
    if (peer == corrupted) continue;
    mesh[corrupted][peer] =
        std::make_unique<RecordingChannel>(std::move(mesh[corrupted][peer]), log, mutex);
  }
  run_parties<P>(options, std::move(mesh), [&](P& p) {
    p.session().net().synchronize();
    if (p.party() == corrupted) {
      std::lock_guard lock(mutex);
      log.clear();  // start-up and synchronisation are not part of the view
      recording = true;
    }
    op(p, secret);
    return 0;
  });
  EXPECT_TRUE(recording);
  return log;
}

double ones_fraction(const Words& words, int bit) {
  std::size_t ones = 0;
  for (auto w : words) ones += (w >> bit) & 1;
  return words.empty() ? 0.5 : static_cast<double>(ones) / words.size();
}

// The three properties for every choice of corrupted party; returns the
// first violation ("" if none).
template <class P>
std::string check_views(const Op<P>& op, std::size_t n) {
  using R = typename P::Ring;
  constexpr int k = kRingBits<R>;
  const int value_bits = k == 64 ? 62 : 86;  // the valid range of truncation
  R largest = pow2<R>(value_bits - 1) - 1, most_negative = R{0} - pow2<R>(value_bits - 1);
  bool tested = false;
  for (int c = 0; c < P::kParties; ++c) {
    Tensor<R> zero({n}, R{0}), high({n}, largest), low({n}, most_negative);
    Words base = view_of<P>(c, 0, zero, op);
    if (base.empty()) continue;  // receives nothing: nothing to learn
    tested = true;
    Words other_key = view_of<P>(c, 1, zero, op);
    std::size_t same = 0;
    for (std::size_t i = 0; i < std::min(base.size(), other_key.size()); ++i)
      same += base[i] == other_key[i];
    if (same * 100 > base.size())
      return fmt::format("party {}: {} of {} words do not depend on the honest parties' key", c,
                         same, base.size());
    std::set<std::uint64_t> seen(base.begin(), base.end());
    if (seen.size() * 100 < base.size() * 99)
      return fmt::format("party {}: {} of {} words repeat", c, base.size() - seen.size(),
                         base.size());
    for (const Tensor<R>* edge : {&high, &low}) {
      Words edged = view_of<P>(c, 2, *edge, op);
      for (int bit = 0; bit < 64; ++bit) {
        double d = ones_fraction(edged, bit) - ones_fraction(base, bit);
        if (std::abs(d) > 0.05)
          return fmt::format("party {}: bit {} of its view has {:.3f} more ones for an edge secret",
                             c, bit, d);
      }
    }
  }
  return tested ? "" : "no party receives anything: the test checks nothing";
}

constexpr std::size_t kN = 4096;

template <class P>
typename P::Share input_secret(P& p, const Tensor<typename P::Ring>& secret) {
  return p.input(0, p.party() == 0 ? secret : Tensor<typename P::Ring>{}, {secret.size()});
}

// Each operation is run twice, so that a mask reused across calls shows.
inline void twice(const std::function<void()>& f) {
  f();
  f();
}

template <class R>
struct Rep3Views : ::testing::Test {};
using Rings = TestRings;  // both rings (one in the sanitizer build)
TYPED_TEST_SUITE(Rep3Views, Rings);

TYPED_TEST(Rep3Views, Input) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep3<R>>(
                [](Rep3<R>& p, const Tensor<R>& s) { twice([&] { input_secret(p, s); }); }, kN),
            "");
}

TYPED_TEST(Rep3Views, MultiplyAndMatrixProduct) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep3<R>>(
                [](Rep3<R>& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.mul(x, x); });
                  auto m = Rep3<R>::reshaped(x, {64, 64});
                  p.matmul(m, m);
                },
                kN),
            "");
}

TYPED_TEST(Rep3Views, Truncation) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep3<R>>(
                [](Rep3<R>& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.trunc_pr(x, 16); });
                },
                kN),
            "");
}

TYPED_TEST(Rep3Views, ComparisonAndBitDecomposition) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep3<R>>(
                [](Rep3<R>& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.b2a(p.msb(x, 63)); });
                  p.bit_decompose(x, 64);
                },
                kN),
            "");
}

// rep4: the same operations; the corrupted party's view also holds the
// message check's digests, which must vary with the honest keys as well.
template <class R>
struct Rep4Views : ::testing::Test {};
TYPED_TEST_SUITE(Rep4Views, Rings);

TYPED_TEST(Rep4Views, InputMultiplyOpenOfMasked) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep4<R>>(
                [](Rep4<R>& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.mul(x, x); });
                  auto m = Rep4<R>::reshaped(x, {64, 64});
                  p.matmul(m, m);
                  p.open(p.add(x, p.random(Rep4<R>::shape(x))));
                },
                kN),
            "");
}

TYPED_TEST(Rep4Views, TruncationAndComparison) {
  using R = TypeParam;
  EXPECT_EQ(check_views<Rep4<R>>(
                [](Rep4<R>& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.trunc_pr(x, 16); });
                  twice([&] { p.b2a(p.msb(x, 63)); });
                  p.bit_decompose(x, 64);
                },
                kN),
            "");
}

// mal3: the same operations over both rings; the view also holds the wide
// components of products and MACs, the challenge keys and the check values.
template <class R>
std::string mal3_arithmetic_views() {
  using P = Mal3<R>;
  return check_views<P>(
      [](P& p, const Tensor<R>& s) {
        auto x = input_secret(p, s);
        twice([&] { p.mul(x, x); });
        auto m = P::reshaped(x, {64, 64});
        p.matmul(m, m);
        p.open(p.add(x, p.random(P::shape(x))));
      },
      kN);
}

template <class R>
std::string mal3_bit_views() {
  using P = Mal3<R>;
  constexpr int k = kRingBits<R>;
  return check_views<P>(
      [](P& p, const Tensor<R>& s) {
        auto x = input_secret(p, s);
        twice([&] { p.trunc_pr(x, 16); });
        twice([&] { p.b2a(p.msb(x, k - 1)); });  // on all k bits (compare_width)
        p.b2a(p.msb(x, k - 20));                   // on k - 20 bits: the wrap's daBits
        p.bit_decompose(x, k);
      },
      kN / (k / 4));  // each element takes k random bits per operation
}

TEST(Mal3Views, InputMultiplyOpenOfMasked) {
  EXPECT_EQ(mal3_arithmetic_views<std::uint64_t>(), "");
  EXPECT_EQ(mal3_arithmetic_views<u128>(), "");
}

TEST(Mal3Views, TruncationAndComparison) {
  EXPECT_EQ(mal3_bit_views<std::uint64_t>(), "");
  EXPECT_EQ(mal3_bit_views<u128>(), "");
}

// --- broken inputs, to show the checks can fail ------------------------
//
// Party 0 inputs v: it should send v - F(K_0) to party 1, where K_0 is the
// key it shares with party 2 only.

enum class Broken { receiver_key, reused_mask, short_mask };

template <class R>
void broken_input(Rep3<R>& p, const Tensor<R>& v, Broken how) {
  Session& session = p.session();
  if (p.party() == 1) {
    Tensor<R> got(v.shape());
    session.net().recv_values<R>(0, got.span());
    return;
  }
  if (p.party() != 0) return;
  Tensor<R> mask = how == Broken::receiver_key
                       ? session.pair_prg(1).random<R>(v.shape())  // K_1: party 1 holds it
                       : session.pair_prg(2).random<R>(v.shape());
  if (how == Broken::reused_mask)
    for (R& m : mask) m = mask[0];
  if (how == Broken::short_mask)  // 8 bits shorter than the values it hides
    for (R& m : mask) m &= pow2<R>((kRingBits<R> == 64 ? 62 : 86) - 8) - 1;
  Tensor<R> message = v;
  sub_inplace(message, mask);
  session.net().send_values<R>(1, message.span());
}

TYPED_TEST(Rep3Views, BrokenInputsAreCaught) {
  using R = TypeParam;
  auto run = [](Broken how) {
    return check_views<Rep3<R>>([how](Rep3<R>& p, const Tensor<R>& s) { broken_input(p, s, how); },
                                kN);
  };
  EXPECT_NE(run(Broken::receiver_key).find("do not depend on the honest parties' key"),
            std::string::npos);
  EXPECT_NE(run(Broken::reused_mask).find("repeat"), std::string::npos);
  std::string short_mask = run(Broken::short_mask);
  // Caught by the edge statistics, or (on Z_2^128, where the mask leaves whole
  // high words nearly constant) already by repeated words.
  EXPECT_TRUE(short_mask.find("more ones for an edge secret") != std::string::npos ||
              short_mask.find("repeat") != std::string::npos)
      << short_mask;
}

// --- semi2k: a dishonest majority ----------------------------------------
//
// The coalition is every party but party 0, which inputs the secret; it
// holds all keys party 0 shares with anyone but the dealer, so only party
// 0's private randomness and its key with the dealer hide the secret. Its view is what party 0
// sends to its members (their own messages to each other are functions of what they know). The
// checks are the three above, property 1 varying party 0's private randomness and its dealer key; a
// control (a mask from a key the coalition holds) must fail.

// What each coalition member received from the honest computing parties
// (one log per member: the same message to two members is one piece of
// information). honest_seed varies the private randomness of every party
// outside the coalition and, with a dealer, party 0's key with it.
template <class P>
std::vector<Words> coalition_view(const Tensor<typename P::Ring>& secret, const Op<P>& op,
                                  std::uint64_t honest_seed, const std::vector<int>& coalition) {
  using R = typename P::Ring;
  const int n = P::kParties;
  bool dealer = false;
  if constexpr (requires { P::kLocalDealer; }) dealer = P::kLocalDealer;
  auto mesh = make_memory_mesh(n + (dealer ? 1 : 0), std::chrono::milliseconds(120'000));
  auto in_coalition = [&](int q) {
    return std::find(coalition.begin(), coalition.end(), q) != coalition.end();
  };
  std::vector<Words> logs(n);
  std::mutex mutex;
  SessionOptions options;
  options.frac_bits = kRingBits<R> == 64 ? 16 : 32;
  options.insecure_test_key_seed = 1234;
  for (int h = 0; h < n; ++h)
    if (!in_coalition(h)) options.insecure_test_private_seed[h] = honest_seed * 100 + h;
  if (dealer) options.insecure_test_pair_salt[{0, n}] = honest_seed;  // a key the coalition lacks
  for (int c : coalition)
    for (int h = 0; h < n; ++h)
      if (!in_coalition(h))
        mesh[c][h] = std::make_unique<RecordingChannel>(std::move(mesh[c][h]), logs[c], mutex);
  run_parties<P>(
      options, std::move(mesh),
      [&](P& p) {
        p.session().net().synchronize();
        p.session().net().synchronize();  // every party is past the first one
        if (in_coalition(p.party())) {
          std::lock_guard lock(mutex);
          logs[p.party()].clear();
        }
        p.session().net().synchronize();
        op(p, secret);
        return 0;
      },
      n);
  std::vector<Words> views;
  for (int c : coalition) views.push_back(std::move(logs[c]));
  return views;
}

// Every party but party 0 (which inputs the secret): semi2k's coalition.
inline std::vector<int> all_but_party_0(int n) {
  std::vector<int> coalition;
  for (int c = 1; c < n; ++c) coalition.push_back(c);
  return coalition;
}

template <class P>
std::string check_coalition_views(const Op<P>& op, std::size_t count,
                                  const std::vector<int>& coalition) {
  using R = typename P::Ring;
  const int value_bits = kRingBits<R> == 64 ? 62 : 86;
  Tensor<R> zero({count}, R{0}), high({count}, pow2<R>(value_bits - 1) - 1),
      low({count}, R{0} - pow2<R>(value_bits - 1));
  auto joined = [](const std::vector<Words>& logs) {
    Words all;
    for (const Words& log : logs) all.insert(all.end(), log.begin(), log.end());
    return all;
  };
  const std::vector<Words> base_logs = coalition_view<P>(zero, op, 1, coalition);
  Words base = joined(base_logs);
  if (base.empty()) return "the coalition receives nothing: the test checks nothing";
  Words other = joined(coalition_view<P>(zero, op, 2, coalition));
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(base.size(), other.size()); ++i) same += base[i] == other[i];
  if (same * 100 > base.size())
    return fmt::format("{} of {} words do not depend on the honest parties' randomness", same,
                       base.size());
  for (Words log : base_logs) {  // a sorted copy: the views of OT runs are large
    std::sort(log.begin(), log.end());
    const std::size_t distinct = std::unique(log.begin(), log.end()) - log.begin();
    if (distinct * 100 < log.size() * 99)
      return fmt::format("{} of {} words repeat", log.size() - distinct, log.size());
  }
  for (const Tensor<R>* edge : {&high, &low}) {
    Words edged = joined(coalition_view<P>(*edge, op, 3, coalition));
    for (int bit = 0; bit < 64; ++bit) {
      double d = ones_fraction(edged, bit) - ones_fraction(base, bit);
      if (std::abs(d) > 0.05)
        return fmt::format("bit {} of the view has {:.3f} more ones for an edge secret", bit, d);
    }
  }
  return "";
}

// Fewer elements than kN: with OT, the view holds the preprocessing too.
constexpr std::size_t kSemi2kN = 1024;

template <class P>
struct Semi2kViews : ::testing::Test {};
#ifdef SQT_TEST_ONE_RING
using Semi2kViewProtocols = ::testing::Types<Semi2kDealt<std::uint64_t, 3>>;
#else
using Semi2kViewProtocols =
    ::testing::Types<Semi2kDealt<std::uint64_t, 2>, Semi2kDealt<u128, 3>,
                     Semi2kOt<std::uint64_t, 2>, Semi2kOt<std::uint64_t, 3>>;
#endif
TYPED_TEST_SUITE(Semi2kViews, Semi2kViewProtocols, ProtocolNames);

TYPED_TEST(Semi2kViews, InputMultiplyOpenOfMasked) {
  using P = TypeParam;
  using R = typename P::Ring;
  EXPECT_EQ(check_coalition_views<P>(
                [](P& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.mul(x, x); });
                  auto m = P::part(x, 0, {16, 16});  // OT traffic grows with m k n
                  p.matmul(m, m);
                  p.open(p.add(x, p.random(P::shape(x))));
                },
                kSemi2kN, all_but_party_0(P::kParties)),
            "");
}

// A convolution's products open the masked un-expanded input (im2col
// triples): 1,024 secret elements as a padded 31 x 33 input.
TYPED_TEST(Semi2kViews, ConvolutionProducts) {
  using P = TypeParam;
  using R = typename P::Ring;
  const Im2col conv(ConvGeometry{1, 31, 33, 2, 3, 2, 1}, 1);
  ASSERT_EQ(conv.padded_size(), kSemi2kN);
  EXPECT_EQ(check_coalition_views<P>(
                [&](P& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  p.matmul_im2col(x, conv, P::part(x, 0, {conv.patch(), 2}));
                  p.matmul_im2col_left_transposed(x, conv, P::part(x, 0, {conv.rows(), 2}));
                },
                kSemi2kN, all_but_party_0(P::kParties)),
            "");
}

TYPED_TEST(Semi2kViews, TruncationComparisonDecomposition) {
  using P = TypeParam;
  using R = typename P::Ring;
  EXPECT_EQ(check_coalition_views<P>(
                [](P& p, const Tensor<R>& s) {
                  auto x = input_secret(p, s);
                  twice([&] { p.trunc_pr(x, 16); });
                  twice([&] { p.b2a(p.msb(x, 63)); });
                  p.bit_decompose(x, 64);
                },
                kSemi2kN, all_but_party_0(P::kParties)),
            "");
}

// Control: party 0 masks the secret with the key it shares with party 1.
TYPED_TEST(Semi2kViews, AMaskTheCoalitionHoldsIsCaught) {
  using P = TypeParam;
  using R = typename P::Ring;
  std::string verdict = check_coalition_views<P>(
      [](P& p, const Tensor<R>& s) {
        Network& net = p.session().net();
        if (p.party() == 0) {
          Tensor<R> message = sub(s, p.session().pair_prg(1).template random<R>(s.shape()));
          net.send_values<R>(1, message.span());
        } else if (p.party() == 1) {
          Tensor<R> got(s.shape());
          net.recv_values<R>(0, got.span());
        }
      },
      kN, all_but_party_0(P::kParties));
  EXPECT_NE(verdict.find("do not depend on the honest parties' randomness"), std::string::npos)
      << verdict;
}

// --- shamir: t < N/2 of N corrupted --------------------------------------
//
// A coalition of t parties receives, from the honest ones, shares of degree-t
// polynomials (input, degree reduction, random elements), t + 1 shares of
// openings of masked values, and nothing else. The three checks run with two
// coalitions for N = 5 (parties 1 and 2, which reduce degrees and open; and
// parties 3 and 4, which only receive) and one of three parties for N = 7.
// A control (party 0 shares its input with coefficients from a key it holds
// with coalition member 1) must fail.

constexpr std::size_t kShamirN = 1024;

template <class P>
void shamir_arithmetic(P& p, const Tensor<typename P::Ring>& s) {
  auto x = input_secret(p, s);
  twice([&] { p.mul(x, x); });
  auto m = P::part(x, 0, {32, 32});
  p.matmul(m, m);
  p.open(p.add(x, p.random(P::shape(x))));
}

template <class P>
void shamir_comparison(P& p, const Tensor<typename P::Ring>& s) {
  auto x = input_secret(p, s);
  twice([&] { p.trunc_pr(x, 16); });
  twice([&] { p.b2a(p.msb(x, 63)); });
  p.bit_decompose(x, 64);
}

TEST(ShamirViews, FiveParties) {
  using P = ShamirN<std::uint64_t, 5>;
  for (const std::vector<int>& coalition : {std::vector<int>{1, 2}, std::vector<int>{3, 4}}) {
    EXPECT_EQ(check_coalition_views<P>(shamir_arithmetic<P>, kShamirN, coalition), "")
        << "coalition " << coalition[0] << "," << coalition[1];
    EXPECT_EQ(check_coalition_views<P>(shamir_comparison<P>, kShamirN / 4, coalition), "")
        << "coalition " << coalition[0] << "," << coalition[1];
  }
}

TEST(ShamirViews, SevenParties) {
  using P = ShamirN<std::uint64_t, 7>;
  const std::vector<int> coalition{2, 4, 6};
  EXPECT_EQ(check_coalition_views<P>(shamir_arithmetic<P>, kShamirN, coalition), "");
  EXPECT_EQ(check_coalition_views<P>(shamir_comparison<P>, kShamirN / 4, coalition), "");
}

// Control: party 0's sharing polynomial takes its coefficients from the key
// it shares with party 1, so the coalition {1, 2} can compute every share.
TEST(ShamirViews, APolynomialTheCoalitionKnowsIsCaught) {
  using P = ShamirN<std::uint64_t, 5>;
  std::string verdict = check_coalition_views<P>(
      [](P& p, const Tensor<std::uint64_t>& s) {
        Network& net = p.session().net();
        const int n = p.parties(), t = p.threshold();
        if (p.party() == 0) {
          const shamir::FieldTensor secret = shamir::lift(s);
          std::vector<shamir::FieldTensor> coefficients;
          for (int d = 0; d < t; ++d)
            coefficients.push_back(shamir::random_field(p.session().pair_prg(1), s.shape()));
          for (int j = 1; j < n; ++j) {
            shamir::FieldTensor share = secret;
            Fp127 power = Fp127::one();
            for (const shamir::FieldTensor& c : coefficients) {
              power = power * Fp127::from_reduced(static_cast<u128>(j + 1));
              shamir::field_axpy(share, power, c);
            }
            net.send_values<Fp127>(j, share.span());
          }
        } else {
          shamir::FieldTensor got(s.shape(), kUninitialized);
          net.recv_values<Fp127>(0, got.span());
        }
      },
      kShamirN, {1, 2});
  EXPECT_NE(verdict.find("do not depend on the honest parties' randomness"), std::string::npos)
      << verdict;
}

}  // namespace
}  // namespace sqt
