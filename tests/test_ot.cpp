// Tests of oblivious transfer: base OT (ristretto255), IKNP extension, random
// bit OTs, the bit transpose and the communication cost.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <thread>

#include "core/error.h"
#include "crypto/ot/base_ot.h"
#include "crypto/ot/ot_extension.h"

namespace sqt {
namespace {

// Runs party 0 and party 1 on two threads over an in-memory mesh; rethrows
// the first error (a root cause before the "disconnected" it triggers).
void run_two(const std::function<void(Network&)>& party0,
             const std::function<void(Network&)>& party1) {
  auto mesh = make_memory_mesh(2, std::chrono::seconds(60));
  std::exception_ptr errors[2];
  {
    std::jthread threads[2];
    for (int id = 0; id < 2; ++id) {
      threads[id] = std::jthread([&, id] {
        try {
          Network net(id, std::move(mesh[id]));
          (id == 0 ? party0 : party1)(net);
        } catch (...) {
          errors[id] = std::current_exception();
        }
      });
    }
  }
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
}

bool bit_of(const std::vector<std::uint64_t>& words, std::size_t i) {
  return (words[i / 64] >> (i % 64)) & 1;
}

std::vector<std::uint64_t> random_words(std::size_t n, std::uint64_t seed) {
  Prg prg = Prg::from_seed(seed);
  std::vector<std::uint64_t> words((n + 63) / 64);
  prg.fill_bytes(words.data(), words.size() * 8);
  return words;  // bits past n are left random: extend must ignore them
}

TEST(BaseOt, ReceiverGetsChosenKeyOnly) {
  constexpr std::size_t kCount = 256;
  std::vector<bool> choices(kCount);
  Prg coin = Prg::from_seed(7);
  for (std::size_t i = 0; i < kCount; ++i) choices[i] = coin.next_u64() & 1;
  std::vector<std::array<Block, 2>> pairs;
  std::vector<Block> got;
  run_two(
      [&](Network& net) {
        Prg rng = Prg::from_os();
        pairs = base_ot_send(net, 1, kCount, rng);
      },
      [&](Network& net) {
        Prg rng = Prg::from_os();
        got = base_ot_receive(net, 0, choices, rng);
      });
  ASSERT_EQ(pairs.size(), kCount);
  ASSERT_EQ(got.size(), kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(got[i], pairs[i][choices[i]]) << i;
    EXPECT_NE(got[i], pairs[i][!choices[i]]) << i;
  }
}

TEST(BaseOt, InvalidPointFailsNamingPeer) {
  constexpr std::size_t kCount = 4;
  std::string error;
  run_two(
      [&](Network& net) {
        Prg rng = Prg::from_os();
        try {
          base_ot_send(net, 1, kCount, rng);
        } catch (const Error& e) {
          error = e.what();
        }
      },
      [&](Network& net) {
        std::vector<std::byte> a(kPointBytes), bad(kCount * kPointBytes, std::byte{0xff});
        net.recv(0, a);
        net.send(0, bad);  // 0xff...ff is not a canonical encoding
      });
  EXPECT_NE(error.find("party 1"), std::string::npos) << error;
  EXPECT_NE(error.find("invalid ristretto255 point"), std::string::npos) << error;
}

TEST(OtExtension, TransposeMatchesNaive) {
  for (std::size_t rows : {1, 63, 64, 130, 1000}) {
    std::size_t words = (rows + 63) / 64;
    std::vector<std::uint64_t> columns = random_words(128 * words * 64, rows);
    std::vector<Block> fast(rows);
    transpose_128xn(columns, words, fast);
    for (std::size_t i = 0; i < rows; ++i) {
      Block naive;
      for (int j = 0; j < 128; ++j) {
        std::uint64_t bit = (columns[j * words + i / 64] >> (i % 64)) & 1;
        (j < 64 ? naive.lo : naive.hi) |= bit << (j % 64);
      }
      ASSERT_EQ(fast[i], naive) << "rows " << rows << " row " << i;
    }
  }
}

// Runs extend for each n in turn on one sender/receiver pair and checks the correlation.
void check_extend(const std::vector<std::size_t>& sizes) {
  std::vector<std::vector<Block>> q(sizes.size()), t(sizes.size());
  std::vector<std::vector<std::uint64_t>> c(sizes.size());
  Block delta;
  for (std::size_t k = 0; k < sizes.size(); ++k) c[k] = random_words(sizes[k], 100 + k);
  run_two(
      [&](Network& net) {
        OtExtSender sender(net, 1);
        for (std::size_t k = 0; k < sizes.size(); ++k) q[k] = sender.extend(sizes[k]);
        delta = sender.delta();
      },
      [&](Network& net) {
        OtExtReceiver receiver(net, 0);
        for (std::size_t k = 0; k < sizes.size(); ++k) t[k] = receiver.extend(c[k], sizes[k]);
      });
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    ASSERT_EQ(q[k].size(), sizes[k]);
    ASSERT_EQ(t[k].size(), sizes[k]);
    for (std::size_t i = 0; i < sizes[k]; ++i)
      ASSERT_EQ(t[k][i], q[k][i] ^ (bit_of(c[k], i) ? delta : Block{})) << sizes[k] << " " << i;
  }
}

TEST(OtExtension, CorrelationHoldsForManySizes) {
  for (std::size_t n : {std::size_t{1}, std::size_t{127}, std::size_t{128}, std::size_t{1000},
                        (std::size_t{1} << 17) + 5})
    check_extend({n});
}

TEST(OtExtension, ConsecutiveCallsContinueTheStreams) {
  check_extend({1000, 77, (std::size_t{1} << 17) + 5});
}

TEST(OtExtension, ChunkedCallAcrossMessages) {
  check_extend({kOtExtChunk + 65});
}

TEST(OtExtension, RandomBitOts) {
  constexpr std::size_t kN = 100'000;
  BitRotSender s;
  BitRotReceiver r;
  run_two(
      [&](Network& net) {
        OtExtSender sender(net, 1);
        sender.extend(10);  // the tweaks must still agree after other use
        s = random_bit_ots_send(sender, kN);
        EXPECT_EQ(sender.ots_done(), kN + 10);
      },
      [&](Network& net) {
        OtExtReceiver receiver(net, 0);
        receiver.extend({0}, 10);
        Prg rng = Prg::from_os();
        r = random_bit_ots_receive(receiver, kN, rng);
        EXPECT_EQ(receiver.ots_done(), kN + 10);
      });
  std::size_t differ = 0, ones = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    bool c = bit_of(r.choice, i);
    ASSERT_EQ(bit_of(r.chosen, i), bit_of(c ? s.m1 : s.m0, i)) << i;
    differ += bit_of(s.m0, i) != bit_of(s.m1, i);
    ones += c;
  }
  // Binomial(1e5, 1/2): sd 158, so +-2000 is more than 12 sd.
  EXPECT_NEAR(static_cast<double>(differ), kN / 2.0, 2000);
  EXPECT_NEAR(static_cast<double>(ones), kN / 2.0, 2000);
}

TEST(OtExtension, CommunicationIsColumnsPlusBaseOts) {
  const std::vector<std::size_t> sizes = {1, 1000, 4096, kOtExtChunk + 100};
  CommStats sender_stats, receiver_stats;
  run_two(
      [&](Network& net) {
        OtExtSender sender(net, 1);
        for (std::size_t n : sizes) sender.extend(n);
        sender_stats = net.stats();
      },
      [&](Network& net) {
        OtExtReceiver receiver(net, 0);
        for (std::size_t n : sizes) receiver.extend(random_words(n, n), n);
        receiver_stats = net.stats();
      });
  // 16 * n rounded up to whole 64-bit column words, plus the base-OT point A.
  std::uint64_t expected = kPointBytes;
  for (std::size_t n : sizes) expected += ot_ext_message_bytes(n);
  EXPECT_EQ(expected, kPointBytes + 16 * (64 + 1024 + 4096 + kOtExtChunk + 128));
  EXPECT_EQ(receiver_stats.bytes_sent, expected);
  EXPECT_EQ(sender_stats.bytes_sent, 128 * kPointBytes);  // one point B_j per base OT
  EXPECT_EQ(sender_stats.bytes_received, expected);
}

TEST(OtExtension, Throughput) {
  constexpr std::size_t kN = std::size_t{1} << 20;
  double seconds[2] = {};
  run_two(
      [&](Network& net) {
        OtExtSender sender(net, 1);
        sender.setup();
        net.synchronize();  // start both clocks after the base OTs
        auto start = std::chrono::steady_clock::now();
        auto q = sender.extend(kN);
        seconds[0] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      },
      [&](Network& net) {
        OtExtReceiver receiver(net, 0);
        receiver.setup();
        net.synchronize();
        auto choices = random_words(kN, 5);
        auto start = std::chrono::steady_clock::now();
        auto t = receiver.extend(choices, kN);
        seconds[1] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      });
  double slowest = std::max(seconds[0], seconds[1]);
  std::printf("extend(2^20): sender %.3f s, receiver %.3f s, %.2f M OTs/s\n", seconds[0],
              seconds[1], kN / slowest / 1e6);
  EXPECT_GT(slowest, 0);
}

}  // namespace
}  // namespace sqt
