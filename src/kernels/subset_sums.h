// subset_sums.h — the sums of 64 random subsets of parallel vectors of wide
// ring words (u128, u192), for mal3's checks.
//
// Why subsets: a non-zero vector d over Z_2^K sums to zero over a uniformly
// random subset with probability at most 1/2 (toggling one non-zero entry's
// membership changes the sum), whatever the 2-adic valuation of its
// entries. 64 independent subsets all sum to zero with probability at most
// 2^-64. A combination with scalar coefficients modulo 2^K cannot do this:
// an entry of 2^(K-1) vanishes whenever its coefficient is even.
//
// SubsetSums<W, V> accumulates the 64 subset sums of V vectors at once (the
// same subsets for all V). Elements arrive in groups of four with 32
// coefficient bytes: nibble s (byte s / 2, the low nibble for even s) has
// bit e set if element e of the group is in subset s. The method is the
// "four Russians" table: the 16 sums of subsets of the group are tabulated
// and each subset adds one row. Words are split into 64-bit lanes holding
// 32 bits each (the top limb whole, since it may wrap), so lane additions
// never carry; lanes are folded into words every FoldGroups groups. The
// tables of eight groups are added together, so each subset's accumulator
// row is loaded and stored once per eight groups.
//
// A SubsetSums object is owned by one thread; its state (64 accumulator
// rows, eight tables, 64 x V words) is about 40 KB at V = 4, W = u192, so
// callers allocate it on the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/u192.h"

namespace sqt::kernels {

template <class W>
struct WideLimbs;
template <>
struct WideLimbs<unsigned __int128> {
  static constexpr int kCount = 2;
  static std::uint64_t get(const unsigned __int128& w, int i) {
    return static_cast<std::uint64_t>(w >> (64 * i));
  }
};
template <>
struct WideLimbs<u192> {
  static constexpr int kCount = 3;
  static std::uint64_t get(const u192& w, int i) { return w.limb(i); }
};

// FoldGroups: groups between folds (a lane gains less than 4 x 2^32 per
// group, so 2^24 groups stay below 2^58; folds come at most a batch of 8
// groups late; tests fold more often).
template <class W, int V, std::size_t FoldGroups = std::size_t{1} << 23>
class SubsetSums {
 public:
  static constexpr int kSubsets = 64;
  static constexpr int kGroup = 4;
  static constexpr std::size_t kGroupCoefficientBytes = kSubsets * kGroup / 8;

  SubsetSums() {
    for (auto& batch : tables_) batch[0] = Row{};  // row 0 (no element) stays zero
    clear();
  }

  // Adds group `words` (words[e][v]: element e of vector v; pad with zeros)
  // to the subsets that `coefficients` (kGroupCoefficientBytes) select.
  void add_group(const W (&words)[kGroup][V], const std::uint8_t* coefficients) {
    Row* table = tables_[batched_];
    for (int e = 0; e < kGroup; ++e) table[1 << e] = split([&](int v) { return words[e][v]; });
    finish_group(coefficients);
  }

  // Adds elements [0, n) of the V vectors, with n / kGroup rounded up
  // groups of coefficients (a last partial group counts as zero-padded).
  void add_elements(const W* const (&vectors)[V], std::size_t n, const std::uint8_t* coefficients) {
    std::size_t i = 0;
    for (; i + kGroup <= n; i += kGroup, coefficients += kGroupCoefficientBytes) {
      Row* table = tables_[batched_];
      for (int e = 0; e < kGroup; ++e)
        table[1 << e] = split([&](int v) { return vectors[v][i + e]; });
      finish_group(coefficients);
    }
    if (i == n) return;
    W words[kGroup][V];
    for (int e = 0; e < kGroup; ++e)
      for (int v = 0; v < V; ++v) words[e][v] = i + e < n ? vectors[v][i + e] : W{0};
    add_group(words, coefficients);
  }

  // Adds the sums so far to out[s][v] and starts again from zero.
  void add_to(W (&out)[kSubsets][V]) {
    add_batch();
    fold();
    for (int s = 0; s < kSubsets; ++s)
      for (int v = 0; v < V; ++v) out[s][v] += sums_[s][v];
    clear();
  }

 private:
  using Limbs = WideLimbs<W>;
  static constexpr int kWordLanes = 2 * Limbs::kCount - 1;
  static constexpr int kLanes = V * kWordLanes;
  // Rows of lanes as vectors of four (GCC/Clang vector extension: AVX2
  // registers where the target has them, pairs of SSE or NEON registers, or
  // scalars elsewhere; four, not eight, because V = 4 words of three lanes
  // fill three exactly, and 512-bit operations gained nothing on AMD Zen 4).
  static constexpr int kVecLanes = 4;
  using Vec = std::uint64_t __attribute__((vector_size(8 * kVecLanes)));
  static constexpr int kVecs = (kLanes + kVecLanes - 1) / kVecLanes;
  struct Row {
    Vec v[kVecs];
  };
  // Tables of kBatch groups are added together, so that each subset's
  // accumulator row is loaded and stored once per batch.
  static constexpr int kBatch = 8;
  static_assert(FoldGroups > 0 && FoldGroups + kBatch <= (std::size_t{1} << 24));

  void add_batch() {
    // Unused slots of a partial batch select row 0, which is zero.
    for (int b = batched_; b < kBatch; ++b) std::memset(rows_[b], 0, kSubsets);
    for (int s = 0; s < kSubsets; ++s) {
      Row acc = lanes_[s];
      for (int b = 0; b < kBatch; ++b) {
        const Row& row = tables_[b][rows_[b][s]];
        for (int k = 0; k < kVecs; ++k) acc.v[k] += row.v[k];
      }
      lanes_[s] = acc;
    }
    groups_ += static_cast<std::size_t>(batched_);
    batched_ = 0;
    if (groups_ >= FoldGroups) fold();
  }

  // Completes the table of the group whose single-element rows are set.
  void finish_group(const std::uint8_t* coefficients) {
    Row* table = tables_[batched_];
    for (int x = 3; x < 16; ++x) {
      if ((x & (x - 1)) == 0) continue;  // a single element: set above
      for (int k = 0; k < kVecs; ++k) table[x].v[k] = table[x & (x - 1)].v[k] + table[x & -x].v[k];
    }
    std::uint8_t* rows = rows_[batched_];
    for (std::size_t i = 0; i < kGroupCoefficientBytes; ++i) {
      rows[2 * i] = coefficients[i] & 15;
      rows[2 * i + 1] = coefficients[i] >> 4;
    }
    if (++batched_ == kBatch) add_batch();
  }

  // Lane (2i + h) V + v holds half h of limb i of word v (the top limb
  // whole, at (2 kLimbs - 2) V + v), so each part of all V words is one run.
  template <class WordOf>
  static Row split(WordOf word_of) {
    W word[V];
    for (int v = 0; v < V; ++v) word[v] = word_of(v);
    alignas(64) std::uint64_t lanes[kVecs * kVecLanes] = {};
    for (int i = 0; i + 1 < Limbs::kCount; ++i)
      for (int v = 0; v < V; ++v) {
        const std::uint64_t limb = Limbs::get(word[v], i);
        lanes[2 * i * V + v] = limb & 0xffffffffu;
        lanes[(2 * i + 1) * V + v] = limb >> 32;
      }
    for (int v = 0; v < V; ++v)
      lanes[(kWordLanes - 1) * V + v] = Limbs::get(word[v], Limbs::kCount - 1);
    Row row;
    std::memcpy(&row, lanes, sizeof row);
    return row;
  }

  void fold() {
    for (int s = 0; s < kSubsets; ++s) {
      alignas(64) std::uint64_t in[kVecs * kVecLanes];
      std::memcpy(in, &lanes_[s], sizeof in);
      for (int v = 0; v < V; ++v) {
        W word = 0;
        for (int i = 0; i + 1 < Limbs::kCount; ++i)
          word +=
              (W(in[2 * i * V + v]) << (64 * i)) + (W(in[(2 * i + 1) * V + v]) << (64 * i + 32));
        word += W(in[(kWordLanes - 1) * V + v]) << (64 * (Limbs::kCount - 1));
        sums_[s][v] += word;
      }
      lanes_[s] = Row{};
    }
    groups_ = 0;
  }

  void clear() {
    for (int s = 0; s < kSubsets; ++s) {
      lanes_[s] = Row{};
      for (int v = 0; v < V; ++v) sums_[s][v] = 0;
    }
    groups_ = 0;
    batched_ = 0;
  }

  alignas(64) Row lanes_[kSubsets];
  alignas(64) Row tables_[kBatch][16];
  std::uint8_t rows_[kBatch][kSubsets];  // each group's table row per subset
  int batched_ = 0;
  W sums_[kSubsets][V];
  std::size_t groups_ = 0;
};

}  // namespace sqt::kernels
