// mal3 beyond the typed suites: communication asserted exactly against the
// cost table of docs/protocols/mal3.md (bytes sent by each party, rounds),
// and operations split into blocks of bounded memory.
#include "comm_measure.h"
#include "proto/mal3/mal3.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Mal3Comm = ProtocolTest<P>;
#ifdef SQT_TEST_ONE_RING  // CI's sanitizer build
using Mal3Protocols = ::testing::Types<Mal3<std::uint64_t>>;
#else
using Mal3Protocols = ::testing::Types<Mal3<std::uint64_t>, Mal3<u128>>;
#endif
TYPED_TEST_SUITE(Mal3Comm, Mal3Protocols, ProtocolNames);

// Bytes of a value or MAC component (k + 64 bits), and of an opened word (k).
template <class P>
constexpr std::uint64_t kWide = sizeof(typename P::W);
template <class P>
constexpr std::uint64_t kWord = sizeof(typename P::Ring);
constexpr std::size_t kN = 1000;
// One message check: a 32-byte digest, a verdict byte and a 3-byte report
// to each of the two peers.
constexpr std::uint64_t kCheckBytes = 2 * (32 + 1 + 3);
// A challenge key: a 16-byte draw to one peer, a 32-byte digest to the other.
constexpr std::uint64_t kChallengeBytes = 16 + 32;
// verify() without bits (4 rounds): the MAC summands of the 64 masks rho_s
// (64 wide elements to one peer), the challenge (16 bytes to the next peer,
// a 32-byte digest of the other draw to the previous), the 64 masked subset
// sums w_s and then the 64 check values sigma_s, each as one component to
// one peer and a 32-byte digest of the other to the other peer; with bits
// (6 rounds), one more challenge, the 64 subset dot products t_s (value and
// MAC to one peer) and their low k bits opened beside the sigma_s.
constexpr std::uint64_t kSubsets = 64;
constexpr std::uint64_t kDigestBytes = 32;
template <class P>
constexpr std::uint64_t kVerifyBytes = kChallengeBytes + kSubsets* kWide<P> +
                                       2 * (kSubsets * kWide<P> + kDigestBytes);
template <class P>
constexpr std::uint64_t kVerifyBitsBytes =
    kVerifyBytes<P> + kChallengeBytes + 2 * kSubsets* kWide<P> + kSubsets* kWord<P> + kDigestBytes;

// The proof of `words` words of ANDs (and_proof.h), per party: the weights'
// challenge; per level of L rows, 2L - 1 values of 16 bytes to V- and a
// challenge; the final level on n entries (2n + 1 values, a challenge) and
// the verifiers' exchange (two values and every level's sum, to each peer).
struct ProofCost {
  std::uint64_t bytes = 0, rounds = 0;
};
ProofCost and_proof_cost(std::size_t words) {
  const std::vector<int> levels = and_proof_levels(words);
  std::uint64_t n = (words + 15) / 16 * 64;  // entries after the first level
  ProofCost cost{kChallengeBytes, 1};
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const auto rows = static_cast<std::uint64_t>(levels[l]);
    cost.bytes += (2 * rows - 1) * 16 + kChallengeBytes;
    cost.rounds += 2;
    if (l > 0) n = (n + rows - 1) / rows;
  }
  cost.bytes += (2 * n + 1) * 16 + kChallengeBytes + 2 * (2 + levels.size() + 1) * 16;
  cost.rounds += 3;
  return cost;
}

TYPED_TEST(Mal3Comm, InputSendsTwoWideElementsThenTheMacProduct) {
  auto values = TestFixture::random_values(kN, 1);
  Cost cost = measure<TestFixture, TypeParam>([](TypeParam&) { return 0; },
                                              [&](TypeParam& p, int) { p.input(2, values, {kN}); });
  EXPECT_EQ(cost.bytes, (std::vector<std::uint64_t>{kN * kWide<TypeParam>, kN * kWide<TypeParam>,
                                                    3 * kN * kWide<TypeParam>}));
  EXPECT_EQ(cost.rounds, 2u);
}

TYPED_TEST(Mal3Comm, MultiplicationSendsValueAndMacInOneRound) {
  auto values = TestFixture::random_values(kN, 2);
  auto input = [&](TypeParam& p) { return p.input(0, values, {kN}); };
  Cost cost = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.mul(x, x); });
  for (auto b : cost.bytes) EXPECT_EQ(b, 2 * kN * kWide<TypeParam>);
  EXPECT_EQ(cost.rounds, 1u);
}

TYPED_TEST(Mal3Comm, MatrixProductSendsTwoWideElementsPerOutput) {
  const std::size_t m = 7, k = 300, n = 9;
  auto a = TestFixture::random_values(m * k, 3).reshaped({m, k});
  auto b = TestFixture::random_values(k * n, 4).reshaped({k, n});
  Cost cost = measure<TestFixture, TypeParam>(
      [&](TypeParam& p) { return std::pair(p.input(0, a, a.shape()), p.input(1, b, b.shape())); },
      [](TypeParam& p, auto& xy) { p.matmul(xy.first, xy.second); });
  for (auto b : cost.bytes) EXPECT_EQ(b, 2 * m * n * kWide<TypeParam>);
  EXPECT_EQ(cost.rounds, 1u);
}

// An open verifies the products before it (4 rounds), sends one k-bit word
// per element and party, then checks the digests and agrees (3 rounds).
TYPED_TEST(Mal3Comm, OpenVerifiesThenSendsOneWordPerPartyThenChecks) {
  auto values = TestFixture::random_values(kN, 5);
  auto input = [&](TypeParam& p) { return p.input(0, values, {kN}); };
  Cost clean = measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.open(x); });
  for (auto b : clean.bytes) EXPECT_EQ(b, kN * kWord<TypeParam> + kCheckBytes);
  EXPECT_EQ(clean.rounds, 4u);
  Cost after_mul =
      measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.open(p.mul(x, x)); });
  for (auto b : after_mul.bytes)
    EXPECT_EQ(b, 2 * kN * kWide<TypeParam> + kVerifyBytes<TypeParam> + kN * kWord<TypeParam> +
                     kCheckBytes);
  EXPECT_EQ(after_mul.rounds, 1u + 4u + 4u);
}

// A truncation of n elements from empty pools: a batch of 1,024 masks
// (mal3_masks.h), then one masked open of k-bit words. The batch: the MACs
// of the component sums U, the carry-save layer and the ripple of the
// carries (one AND per bit each, proved in the batch's verify),
// 4,096 daBits for the four carry bits per mask (random bits with their
// verification, 64 parity checks, a message check) and the opening of the
// carry bits XOR the daBits, the top bits (random bits, verified), and a
// message check.
TYPED_TEST(Mal3Comm, TruncationMakesABatchOfMasksThenOpensOnce) {
  auto values = TestFixture::bounded_values(kN, 40, 6);
  const std::size_t n = values.size();
  auto input = [&](TypeParam& p) { return p.input(0, values, {n}); };
  Cost cost =
      measure<TestFixture, TypeParam>(input, [](TypeParam& p, auto& x) { p.trunc_pr(x, 16); });
  const int k = kRingBits<typename TestFixture::R>, m = 16;
  const std::uint64_t masks = 1024, words = masks / 64, dabits = 4 * masks, checks = 64;
  const std::uint64_t wide = kWide<TypeParam>, word = kWord<TypeParam>;
  const std::uint64_t ands = static_cast<std::uint64_t>((k - 1) + (m - 1) + (k - 2 - m));
  const ProofCost proof = and_proof_cost(ands * words);
  // A random bit: two wide elements from every party (mal3_bits.h).
  const std::uint64_t dabit_batch = 2 * (dabits + checks) * wide + kVerifyBitsBytes<TypeParam> +
                                    kChallengeBytes + 2 * checks / 8 + kCheckBytes;
  const std::uint64_t each = 2 * masks * wide + ands * words * 8 + proof.bytes + dabit_batch +
                             dabits / 8 + 2 * masks * wide + kVerifyBitsBytes<TypeParam> +
                             kCheckBytes + n * word;
  for (int party = 0; party < 3; ++party) EXPECT_EQ(cost.bytes[party], each) << "party " << party;
  // The daBits take 14 rounds and the top bits 9, of which their random
  // bits 3 each (mal3_bits.h) and their verify with bits 6.
  EXPECT_EQ(cost.rounds, 1u + 1u + static_cast<std::uint64_t>(k - 2 - m) + 14u + 1u + proof.rounds +
                             9u + 3u + 1u);
}

// A truncation uses what the mask pool holds first, then refills it once
// with masks for the rest of the call: after a truncation of 1,000 (24
// masks left), one of 3,000 elements opens the 24, makes one batch and
// opens the other 2,976, in chunks of 16 elements (64 block bits) as in one
// chunk: only the openings, one round each, differ.
TYPED_TEST(Mal3Comm, TruncationRefillsTheRestOfTheCallAtOnce) {
  auto values = TestFixture::bounded_values(3000, 40, 8);
  const std::size_t n = values.size();
  auto cost_in_chunks = [&](std::size_t block_bits) {
    auto setup = [&](TypeParam& p) {
      p.set_block_bits(block_bits);
      auto x = p.input(0, values, {n});
      p.trunc_pr(p.part(x, 0, {1000}), 16);  // leaves 24 masks
      return x;
    };
    return measure<TestFixture, TypeParam>(setup, [](TypeParam& p, auto& x) { p.trunc_pr(x, 16); });
  };
  const Cost whole = cost_in_chunks(std::size_t{1} << 22), chunks = cost_in_chunks(64);
  const std::uint64_t chunk = 16, left = 24;
  EXPECT_EQ(chunks.rounds - whole.rounds,
            (left + chunk - 1) / chunk + (n - left + chunk - 1) / chunk - 2);
  EXPECT_EQ(chunks.bytes, whole.bytes);
}

// ANDs and rounds of the (less, equal) tree over w planes (bit_circuits.h):
// 2 ANDs per pair, 1 in the last layer.
struct Tree {
  std::uint64_t ands = 0, rounds = 0;
};
Tree less_than_tree(int w) {
  Tree t;
  for (; w > 1; w = w / 2 + w % 2, ++t.rounds) t.ands += w == 2 ? 1 : 2 * (w / 2);
  return t;
}

// A comparison of n elements on l bits from empty pools (mal3_compare.h):
// one batch of daBits for the edaBits' two carry planes and the result,
// the edaBits (the MACs of U, the carry-save layer, the ripple, the carry
// bits XOR daBits opened, verify with the proof of those ANDs, and a
// message check), the masked opening of c, the tree (its ANDs are proved
// at the next verify), and the result XOR a daBit opened. Within 16 bits of
// k the comparison runs on all k bits (compare_width): no carry planes.
TYPED_TEST(Mal3Comm, ComparisonTakesEdaBitsThenATreeOfAnds) {
  auto values = TestFixture::bounded_values(kN, 38, 8);
  const std::size_t n = values.size();
  auto input = [&](TypeParam& p) { return p.input(0, values, {n}); };
  const int k = TestFixture::k;
  for (const int asked : {48, 40}) {
    const int l = k - asked <= 16 ? k : asked;
    ASSERT_EQ(TypeParam::compare_width(asked), l);
    Cost cost =
        measure<TestFixture, TypeParam>(input, [&](TypeParam& p, auto& x) { p.msb(x, asked); });
    const std::uint64_t wide = kWide<TypeParam>, word = kWord<TypeParam>, checks = 64;
    const bool carries = l < k;
    const std::uint64_t words = (n + 63) / 64, carry_bits = carries ? (2 * n + 63) / 64 * 64 : 0;
    const std::uint64_t dabits = carry_bits + words * 64;
    const std::uint64_t dabit_batch = 2 * (dabits + checks) * wide + kVerifyBitsBytes<TypeParam> +
                                      kChallengeBytes + 2 * checks / 8 + kCheckBytes;
    const Tree tree = less_than_tree(l - 1);
    const std::uint64_t edabit_ands = static_cast<std::uint64_t>(l + (l - 1));
    const ProofCost proof = and_proof_cost(edabit_ands * words);
    const std::uint64_t ands = edabit_ands + tree.ands;
    const std::uint64_t each = dabit_batch + n * wide + proof.bytes + ands * words * 8 +
                               carry_bits / 8 + kVerifyBytes<TypeParam> + kCheckBytes + n * word +
                               words * 8;
    for (int party = 0; party < 3; ++party)
      EXPECT_EQ(cost.bytes[party], each) << "party " << party << ", l = " << l;
    // daBits 14, U's MACs 1, carry-save 1, ripple l - 1, carry bits opened
    // 1 (if any), the proof, verify 4, message check 3, c opened 1, the
    // tree, the result opened 1.
    EXPECT_EQ(cost.rounds, 14u + 1u + 1u + static_cast<std::uint64_t>(l - 1) + (carries ? 1u : 0u) +
                               proof.rounds + 4u + 3u + 1u + tree.rounds + 1u)
        << "l = " << l;
  }
}

// With small blocks every bit-consuming operation runs block by block and
// still gives the exact results (planes put back in order).
TYPED_TEST(Mal3Comm, SmallBlocksGiveTheSameResults) {
  using R = typename TestFixture::R;
  auto values = TestFixture::bounded_values(300, 40, 7);
  const std::size_t n = values.size();
  auto run = [&](std::size_t block_bits) {
    return TestFixture::run_agreed([&](TypeParam& p) {
      p.set_block_bits(block_bits);
      auto x = p.input(1, values, {n});
      std::vector<Tensor<R>> out{p.open(p.b2a(p.msb(x, 64))), p.open(p.b2a(p.bit_decompose(x, 20))),
                                 p.open(p.mod2m(x, 13)), p.open(p.b2a(p.eqz_bits(x, 8))),
                                 p.open(p.trunc_pr(x, 16))};
      p.finish();
      return out;
    });
  };
  const auto whole = run(std::size_t{1} << 22), blocks = run(64 * 7);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(whole[i] == blocks[i]) << "output " << i;
  for (std::size_t i = 0; i < n; ++i) {
    const R floor = arith_shift_right(values[i], 16);
    EXPECT_TRUE(blocks[4][i] == floor || blocks[4][i] == floor + 1) << i;
    EXPECT_EQ(blocks[2][i], values[i] & 8191) << i;
  }
}

}  // namespace
}  // namespace sqt
