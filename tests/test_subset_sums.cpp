// kernels/subset_sums.h: the 64 subset sums against a plain sum per subset,
// for both wide words (u128, u192), on random and all-ones words, with
// elements that do not fill the last group, and with folds between groups.
#include <gtest/gtest.h>

#include <vector>

#include "core/ring.h"
#include "crypto/prg.h"
#include "kernels/subset_sums.h"

namespace sqt {
namespace {

template <class W>
struct SubsetSumsTest : ::testing::Test {};
using WideWords = ::testing::Types<u128, u192>;
TYPED_TEST_SUITE(SubsetSumsTest, WideWords);

Key128 key_of(std::uint64_t seed) {
  Key128 key{};
  for (int i = 0; i < 8; ++i) key[i] = static_cast<std::uint8_t>(seed >> (8 * i));
  return key;
}

template <class W>
W random_word(Prg& prg) {
  W w;
  prg.fill_bytes(&w, sizeof w);
  return w;
}

// Feeds vectors[v][i] in groups of four (zero-padded) with `coefficients`
// (8 bytes per element) to a SubsetSums<W, kV, Fold> and returns its sums.
// With by_elements, through add_elements in pieces of 20 elements (and the
// rest), as mal3's MAC check feeds its chunks.
template <class W, int kV, std::size_t Fold>
std::vector<std::vector<W>> kernel_sums(const std::vector<std::vector<W>>& vectors,
                                        const std::vector<std::uint8_t>& coefficients,
                                        bool by_elements = false) {
  using Sums = kernels::SubsetSums<W, kV, Fold>;
  auto sums = std::make_unique<Sums>();
  const std::size_t n = vectors[0].size();
  for (std::size_t start = 0; by_elements && start < n; start += 20) {
    const W* at[kV];
    for (int v = 0; v < kV; ++v) at[v] = vectors[v].data() + start;
    sums->add_elements(at, std::min<std::size_t>(20, n - start), coefficients.data() + start * 8);
  }
  for (std::size_t g = 0; !by_elements && g * 4 < n; ++g) {
    W words[4][kV];
    for (int e = 0; e < 4; ++e)
      for (int v = 0; v < kV; ++v) words[e][v] = g * 4 + e < n ? vectors[v][g * 4 + e] : W{0};
    sums->add_group(words, coefficients.data() + g * Sums::kGroupCoefficientBytes);
  }
  W out[64][kV] = {};
  sums->add_to(out);
  std::vector<std::vector<W>> result(64, std::vector<W>(kV));
  for (int s = 0; s < 64; ++s)
    for (int v = 0; v < kV; ++v) result[s][v] = out[s][v];
  return result;
}

// Element i is in subset s if bit (i % 4) of nibble s of its group is set.
template <class W, int kV>
std::vector<std::vector<W>> plain_sums(const std::vector<std::vector<W>>& vectors,
                                       const std::vector<std::uint8_t>& coefficients) {
  std::vector<std::vector<W>> result(64, std::vector<W>(kV, W{0}));
  for (std::size_t i = 0; i < vectors[0].size(); ++i) {
    const std::uint8_t* group = coefficients.data() + i / 4 * 32;
    for (int s = 0; s < 64; ++s)
      if ((group[s / 2] >> (4 * (s % 2) + i % 4)) & 1)
        for (int v = 0; v < kV; ++v) result[s][v] += vectors[v][i];
  }
  return result;
}

template <class W, int kV>
void check(std::size_t n, bool all_ones, std::uint64_t seed) {
  Prg prg(key_of(seed));
  std::vector<std::vector<W>> vectors(kV, std::vector<W>(n));
  for (auto& vec : vectors)
    for (W& w : vec) w = all_ones ? W{0} - W{1} : random_word<W>(prg);
  std::vector<std::uint8_t> coefficients((n + 3) / 4 * 32);
  prg.fill_bytes(coefficients.data(), coefficients.size());
  const auto expected = plain_sums<W, kV>(vectors, coefficients);
  EXPECT_EQ((kernel_sums<W, kV, std::size_t{1} << 23>(vectors, coefficients)), expected) << n;
  EXPECT_EQ((kernel_sums<W, kV, 3>(vectors, coefficients)), expected) << n << " (folds)";
  EXPECT_EQ((kernel_sums<W, kV, 5>(vectors, coefficients, true)), expected) << n << " (elements)";
}

TYPED_TEST(SubsetSumsTest, EqualPlainSumsPerSubset) {
  for (std::size_t n : {1, 3, 4, 5, 64, 1001}) {
    check<TypeParam, 2>(n, false, n);  // mal3's bit check
    check<TypeParam, 3>(n, false, n);
    check<TypeParam, 4>(n, false, n);  // mal3's MAC check
  }
}

TYPED_TEST(SubsetSumsTest, AllOnesWordsCarryAcrossEveryLane) {
  for (std::size_t n : {4, 999, 4096}) check<TypeParam, 4>(n, true, n);
}

// The point of subsets: an error of 2^(K-1) (K = the word's bits), which a
// scalar coefficient misses when it is even, shows in exactly the subsets
// that contain it, and a lone error in any position shows in some subset.
TYPED_TEST(SubsetSumsTest, TopBitErrorShowsInTheSubsetsThatHoldIt) {
  using W = TypeParam;
  constexpr int kV = 3;
  const W top = W{1} << (8 * static_cast<int>(sizeof(W)) - 1);
  Prg prg(key_of(99));
  int missed = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 37, at = prg.next_u64() % n;
    std::vector<std::vector<W>> vectors(kV, std::vector<W>(n, W{0}));
    vectors[trial % kV][at] = top;
    std::vector<std::uint8_t> coefficients((n + 3) / 4 * 32);
    prg.fill_bytes(coefficients.data(), coefficients.size());
    const auto sums = kernel_sums<W, kV, std::size_t{1} << 23>(vectors, coefficients);
    int shown = 0;
    for (int s = 0; s < 64; ++s) {
      const bool in = (coefficients[at / 4 * 32 + s / 2] >> (4 * (s % 2) + at % 4)) & 1;
      EXPECT_EQ(sums[s][trial % kV] == top, in);
      shown += in;
    }
    missed += shown == 0;
  }
  EXPECT_EQ(missed, 0);
}

}  // namespace
}  // namespace sqt
