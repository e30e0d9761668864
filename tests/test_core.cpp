// Tests of rings, tensors, fixed-point encoding and packed bit tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/bit_tensor.h"
#include "core/fixed_point.h"
#include "core/large_blocks.h"
#include "core/memory_tuning.h"
#include "core/tensor_ops.h"

namespace sqt {
namespace {

template <class R>
struct RingTest : ::testing::Test {};
using Rings = ::testing::Types<std::uint64_t, u128>;
TYPED_TEST_SUITE(RingTest, Rings);

TYPED_TEST(RingTest, FixedPointRoundTripsAndRoundsToNearest) {
  using R = TypeParam;
  const int f = kDefaultFracBits<R>;
  for (double x : {0.0, 1.0, -1.0, 3.140625, -2.5, 1234.5678, -0.000123}) {
    double decoded = decode_fixed(encode_fixed<R>(x, f), f);
    EXPECT_LE(std::abs(decoded - x), std::ldexp(0.5, -f)) << x;
  }
  EXPECT_EQ(encode_fixed<R>(-1.0, f), R{0} - pow2<R>(f));
  EXPECT_EQ(encode_fixed<R>(std::ldexp(1.5, -f), f), R{2});  // ties away from zero
}

TYPED_TEST(RingTest, FixedPointEdgesAndOverflow) {
  using R = TypeParam;
  const int f = kDefaultFracBits<R>;
  const int k = kRingBits<R>;
  double largest = std::ldexp(1.0, k - 1 - f) - std::ldexp(1.0, k - 1 - f - 52);
  EXPECT_GT(decode_fixed(encode_fixed<R>(largest, f), f), 0);
  EXPECT_EQ(encode_fixed<R>(-std::ldexp(1.0, k - 1 - f), f), pow2<R>(k - 1));  // most negative
  EXPECT_THROW(encode_fixed<R>(std::ldexp(1.0, k - 1 - f), f), Error);
  EXPECT_THROW(encode_fixed<R>(std::nan(""), f), Error);
  EXPECT_EQ(decode_fixed(pow2<R>(k - 1), f), -std::ldexp(1.0, k - 1 - f));
}

TYPED_TEST(RingTest, ArithmeticShiftIsFloorDivision) {
  using R = TypeParam;
  EXPECT_EQ(arith_shift_right(R{0} - R{5}, 1), R{0} - R{3});  // floor(-2.5) = -3
  EXPECT_EQ(arith_shift_right(R{5}, 1), R{2});
  EXPECT_EQ(arith_shift_right(pow2<R>(kRingBits<R> - 1), kRingBits<R> - 1), R{0} - R{1});
}

TYPED_TEST(RingTest, TensorArithmeticWrapsModulo2k) {
  using R = TypeParam;
  Tensor<R> a({3}, std::vector<R>{R{0} - R{1}, 2, 3});
  Tensor<R> b({3}, std::vector<R>{1, R{0} - R{2}, 5});
  EXPECT_EQ(add(a, b), (Tensor<R>({3}, std::vector<R>{0, 0, 8})));
  EXPECT_EQ(mul(a, b), (Tensor<R>({3}, std::vector<R>{R{0} - R{1}, R{0} - R{4}, 15})));
  EXPECT_THROW(add(a, Tensor<R>({2})), Error);
}

TEST(Tensor, ReshapeChecksElementCount) {
  Tensor<double> t({2, 3});
  EXPECT_EQ(t.reshaped({3, 2}).shape(), (Shape{3, 2}));
  try {
    t.reshaped({4, 2});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot reshape [2, 3] to [4, 2]: element counts differ");
  }
}

TEST(Tensor, ScatterAddSumsIntoTargetsAndDropsOnlyWhenAsked) {
  const Tensor<std::uint64_t> t({5}, std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  const std::vector<std::size_t> inside = {0, 2, 0, 1, 2};
  EXPECT_EQ(tensor_scatter_add(t, inside, {3}),
            (Tensor<std::uint64_t>({3}, std::vector<std::uint64_t>{4, 4, 7})));
  // Target 3 is one past the end of a 3-element output: dropped with kDrop,
  // an error otherwise; anything further is an error either way.
  const std::vector<std::size_t> padded = {0, 3, 2, 3, 1};
  EXPECT_EQ(tensor_scatter_add(t, padded, {3}, PastEnd::kDrop),
            (Tensor<std::uint64_t>({3}, std::vector<std::uint64_t>{1, 5, 3})));
  try {
    tensor_scatter_add(t, padded, {3});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "scatter: target 3 beyond 3 elements");
  }
  const std::vector<std::size_t> beyond = {0, 4, 2, 3, 1};
  EXPECT_THROW(tensor_scatter_add(t, beyond, {3}, PastEnd::kDrop), Error);
  EXPECT_THROW(tensor_scatter_add(t, std::vector<std::size_t>{0, 1}, {3}), Error);
}

TEST(BitTensor, PacksSixtyFourBitsPerWordAndKeepsPaddingClear) {
  BitTensor a({130}), b({130});
  EXPECT_EQ(a.word_count(), 3u);
  for (std::size_t i = 0; i < 130; i += 3) a.set(i, true);
  for (std::size_t i = 0; i < 130; i += 5) b.set(i, true);
  BitTensor x = a ^ b, y = a & b;
  for (std::size_t i = 0; i < 130; ++i) {
    EXPECT_EQ(x.get(i), (i % 3 == 0) != (i % 5 == 0)) << i;
    EXPECT_EQ(y.get(i), i % 15 == 0) << i;
  }
  EXPECT_EQ(y.popcount(), 9u);  // 0, 15, ..., 120
  a.words()[2] = ~std::uint64_t{0};
  a.clear_padding();
  EXPECT_EQ(a.words()[2], 3u);
}

// The tuning was once compiled out without anyone noticing (its #if ran
// before any header defined __GLIBC__): on glibc it must apply.
// Under AddressSanitizer malloc is the sanitizer's, which ignores mallopt.
#if defined(__SANITIZE_ADDRESS__)
#define SQT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQT_ASAN 1
#endif
#endif
TEST(MemoryTuning, AppliesOnGlibc) {
#if defined(SQT_ASAN)
  GTEST_SKIP() << "AddressSanitizer's malloc ignores mallopt";
#elif defined(__GLIBC__)
  EXPECT_TRUE(keep_freed_memory());
#else
  EXPECT_FALSE(keep_freed_memory());
#endif
}

// Large blocks: a released block is handed out again for the same size, the
// cache never exceeds its bound, and tensors of every size keep their
// contents through the allocator.
TEST(LargeBlocks, ReleasedBlocksAreReusedAndTheCacheIsBounded) {
  const std::size_t size = std::size_t{3} << 20;
  EXPECT_FALSE(large_blocks::is_large(size_t{1} << 19));
  EXPECT_TRUE(large_blocks::is_large(size));
  void* first = large_blocks::acquire(size);
  static_cast<unsigned char*>(first)[size - 1] = 7;  // writable to the end
  large_blocks::release(first, size);
  void* again = large_blocks::acquire(size);
  EXPECT_EQ(again, first);
  large_blocks::release(again, size);
  std::vector<void*> many;
  for (int i = 0; i < 300; ++i) many.push_back(large_blocks::acquire(size));
  for (void* b : many) large_blocks::release(b, size);
  EXPECT_LE(large_blocks::cached_bytes(), large_blocks::cache_limit());
}

// A control group's memory limit (cgroup v2 memory.max or v1
// memory.limit_in_bytes) is read as bytes; "max" and anything but a number
// mean no limit.
TEST(LargeBlocks, ControlGroupLimitsParseAsBytes) {
  EXPECT_EQ(large_blocks::detail::parse_memory_limit("2147483648"), std::size_t{2} << 30);
  EXPECT_EQ(large_blocks::detail::parse_memory_limit("max"), 0u);
  EXPECT_EQ(large_blocks::detail::parse_memory_limit("12ab"), 0u);
  EXPECT_EQ(large_blocks::detail::parse_memory_limit(""), 0u);
}

// The cache keeps at most its limit: blocks of a quarter of it, six
// released, leave at most four (untouched mappings: no memory is used).
TEST(LargeBlocks, TheCacheKeepsAtMostItsLimit) {
  const std::size_t limit = large_blocks::cache_limit();
  EXPECT_GE(limit, std::size_t{512} << 20);
  EXPECT_LE(limit, std::size_t{4} << 30);
  large_blocks::trim();
  const std::size_t quarter = limit / 4;
  std::vector<void*> blocks;
  for (int i = 0; i < 6; ++i) blocks.push_back(large_blocks::acquire(quarter));
  for (void* b : blocks) large_blocks::release(b, quarter);
  EXPECT_LE(large_blocks::cached_bytes(), limit);
  EXPECT_GE(large_blocks::cached_bytes(), 3 * quarter);
  large_blocks::trim();
}

// A released block serves a request of down to half its size whole, and
// one of up to twice its size grown with its pages (so its contents) kept,
// but not one further off. (Where mappings cannot be resized, only blocks
// of the same size are reused.)
TEST(LargeBlocks, BlocksOfNearbySizesAreResizedNotMappedAgain) {
#if defined(__linux__)
  const std::size_t mib = std::size_t{1} << 20;
  large_blocks::trim();
  EXPECT_EQ(large_blocks::cached_bytes(), 0u);
  auto* block = static_cast<unsigned char*>(large_blocks::acquire(22 * mib));
  block[0] = 41;  // a fresh mapping would read 0
  block[22 * mib - 1] = 1;
  large_blocks::release(block, 22 * mib);
  const std::size_t cached = large_blocks::cached_bytes();
  EXPECT_EQ(cached, 22 * mib);
  void* far = large_blocks::acquire(90 * mib);  // more than twice: a new block
  EXPECT_EQ(large_blocks::cached_bytes(), cached);
  auto* grown = static_cast<unsigned char*>(large_blocks::acquire(33 * mib));  // 22 -> 34 MiB
  EXPECT_EQ(large_blocks::cached_bytes(), 0u);
  EXPECT_EQ(grown[0], 41);  // the same pages
  EXPECT_EQ(grown[22 * mib - 1], 1);
  grown[33 * mib - 1] = 2;  // writable to its new end
  large_blocks::release(grown, 33 * mib);
  // A smaller request gets the 34 MiB block whole (not shrunk, so no page
  // is given back), and it comes back whole.
  auto* whole = static_cast<unsigned char*>(large_blocks::acquire(20 * mib));
  EXPECT_EQ(large_blocks::cached_bytes(), 0u);
  EXPECT_EQ(whole, grown);
  EXPECT_EQ(whole[33 * mib - 1], 2);
  whole[20 * mib - 1] = 3;
  large_blocks::release(whole, 20 * mib);
  EXPECT_EQ(large_blocks::cached_bytes(), 34 * mib);
  void* again = large_blocks::acquire(34 * mib);  // served without a resize
  EXPECT_EQ(again, whole);
  large_blocks::release(again, 34 * mib);
  large_blocks::release(far, 90 * mib);
#else
  GTEST_SKIP() << "mappings are resized with mremap (Linux) only";
#endif
}

TEST(LargeBlocks, TensorsOfEverySizeKeepTheirContents) {
  for (std::size_t n : {std::size_t{10}, std::size_t{1} << 17, (std::size_t{1} << 20) + 3}) {
    Tensor<std::uint64_t> t(Shape{n}, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) t[i] = i * 3;
    Tensor<std::uint64_t> copy = t;
    Tensor<std::uint64_t> moved = std::move(t);
    for (std::size_t i = 0; i < n; i += 997) {
      ASSERT_EQ(copy[i], i * 3);
      ASSERT_EQ(moved[i], i * 3);
    }
  }
}

}  // namespace
}  // namespace sqt
