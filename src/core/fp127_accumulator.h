// fp127_accumulator.h — a sum of F_p products (p = 2^127 - 1) reduced once,
// at the end, instead of after every multiply-add: the inner loop of field
// matrix products and dot products.
//
// Each product a b is folded to three words below 2^128 whose sum is
// congruent to a b (Fp127::product_words), and the words are added to a
// 128-bit sum whose overflows are counted; since 2^128 = 2 (mod p) the
// total is sum + 2 carries. No comparison against p until value().
// Holds at most 2^62 products (the carry count must not overflow; any
// tensor is far smaller). Plain value type, no state beyond the sum.
//
// Why not SIMD: AVX2 has no 64 x 64 -> 128-bit multiply, and building one
// from 32-bit lanes costs more than the scalar widening multiplies; the
// saving here is the reductions and their branches.
#pragma once

#include <cstdint>

#include "core/prime_field.h"

namespace sqt {

class Fp127Accumulator {
 public:
  void add_product(Fp127 a, Fp127 b) {
    const Fp127::ProductWords w = Fp127::product_words(a, b);
    add_word(w.low);
    add_word(w.middle);
    add_word(w.high);
  }
  void add(Fp127 x) { add_word(x.v); }

  Fp127 value() const { return Fp127::reduce(sum_) + Fp127::reduce(u128{carries_} * 2); }

 private:
  void add_word(u128 w) {
    sum_ += w;
    carries_ += sum_ < w;
  }

  u128 sum_ = 0;
  std::uint64_t carries_ = 0;
};

}  // namespace sqt
