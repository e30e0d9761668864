// Tests of the AES-CTR PRG and OS randomness.
#include <gtest/gtest.h>

#include "core/thread_pool.h"
#include "crypto/prg.h"

namespace sqt {
namespace {

TEST(Prg, SameKeySameStreamRegardlessOfChunking) {
  Key128 key = os_random_key();
  Prg one(key), two(key);
  auto whole = one.random<std::uint64_t>({1000});
  std::vector<std::uint64_t> pieces(1000);
  two.fill(std::span(pieces).subspan(0, 3));
  two.fill(std::span(pieces).subspan(3, 500));
  two.fill(std::span(pieces).subspan(503));
  EXPECT_EQ(whole.to_vector(), pieces);
  EXPECT_EQ(one.bytes_drawn(), 8000u);
}

TEST(Prg, MatchesAes128CtrKnownAnswer) {
  // Key of NIST SP 800-38A F.5.1; the first CTR block from counter 0 is
  // AES-128(key, 0^128) (value from `openssl enc -aes-128-ecb -nopad`).
  Key128 key = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
  Prg prg(key);
  std::uint8_t block[16];
  prg.fill_bytes(block, 16);
  const std::uint8_t expected[16] = {0x7d, 0xf7, 0x6b, 0x0c, 0x1a, 0xb8, 0x99, 0xb3,
                                     0x3e, 0x42, 0xf0, 0x47, 0xb9, 0x1b, 0x54, 0x6f};
  EXPECT_EQ(0, std::memcmp(block, expected, 16));
}

TEST(Prg, DifferentKeysGiveDifferentStreams) {
  Prg a = Prg::from_os(), b = Prg::from_os();
  EXPECT_NE(a.random<u128>({4}), b.random<u128>({4}));
  EXPECT_NE(os_random_key(), os_random_key());
}

TEST(Prg, OutputLooksUniform) {
  Prg prg = Prg::from_seed(3);
  auto values = prg.random<std::uint64_t>({100000});
  std::size_t ones = 0;
  for (auto v : values) ones += static_cast<std::size_t>(__builtin_popcountll(v));
  double fraction = static_cast<double>(ones) / (64.0 * 100000);
  EXPECT_NEAR(fraction, 0.5, 0.001);  // 6.4M bits: sd 0.0002
}

// A fill on a thread pool gives the bytes of one thread, from any position
// in the stream (inside a block too), and the stream goes on after it alike.
TEST(Prg, FillOnAThreadPoolMatchesOneThread) {
  const Key128 key = os_random_key();
  ThreadPool pool(3);
  const std::size_t big = Prg::parallel_fill_bytes();
  for (std::size_t before : {0, 5, 16, 23}) {
    for (std::size_t n : {big - 1, big, big + 1, big + 17, 3 * big + 5, 7 * big}) {
      Prg serial(key), parallel(key);
      parallel.use_pool(&pool);
      std::vector<std::uint8_t> a(before + n + 100), b(a.size());
      serial.fill_bytes(a.data(), before);
      parallel.fill_bytes(b.data(), before);
      serial.fill_bytes(a.data() + before, n);
      parallel.fill_bytes(b.data() + before, n);
      serial.fill_bytes(a.data() + before + n, 100);
      parallel.fill_bytes(b.data() + before + n, 100);
      ASSERT_EQ(a, b) << before << " bytes drawn before, " << n << " in the request";
      EXPECT_EQ(parallel.bytes_drawn(), a.size());
    }
  }
}

}  // namespace
}  // namespace sqt
