// Session start-up (configuration agreement, pairwise keys) and failure
// propagation between parties of one process.
#include <thread>

#include "protocol_fixture.h"

namespace sqt {
namespace {

TEST(Session, MismatchedConfigurationNamesTheField) {
  auto mesh = make_memory_mesh(3, std::chrono::milliseconds(5000));
  std::vector<std::string> errors(3);
  {
    std::vector<std::jthread> threads;
    for (int id = 0; id < 3; ++id) {
      threads.emplace_back([&, id] {
        SessionOptions options;
        options.frac_bits = 16;
        options.agreed = {{"ring", id == 2 ? "128" : "64"}};
        try {
          Session session(std::make_unique<Network>(id, std::move(mesh[id])), options);
        } catch (const Error& e) {
          errors[id] = e.what();
        }
      });
    }
  }
  EXPECT_EQ(errors[0],
            "configuration mismatch with party 2: ring is 64 here but different there; start every "
            "party with the same options");
  EXPECT_EQ(
      errors[2],
      "configuration mismatch with party 0: ring is 128 here but different there; start every "
      "party with the same options");
}

TEST(Session, PairwiseKeysAreSharedByExactlyTheTwoParties) {
  auto draws = run_local<Rep3<std::uint64_t>>(SessionOptions{}, [](Rep3<std::uint64_t>& p) {
    std::vector<std::uint64_t> row(3, 0);
    for (int peer = 0; peer < 3; ++peer)
      if (peer != p.party()) row[peer] = p.session().pair_prg(peer).next_u64();
    return row;
  });
  EXPECT_EQ(draws[0][1], draws[1][0]);
  EXPECT_EQ(draws[0][2], draws[2][0]);
  EXPECT_EQ(draws[1][2], draws[2][1]);
  EXPECT_NE(draws[0][1], draws[0][2]);
}

TEST(Session, AFailingPartyEndsTheRunWithItsOwnError) {
  try {
    run_local<Rep3<std::uint64_t>>(SessionOptions{}, [](Rep3<std::uint64_t>& p) {
      if (p.party() == 1) fail("party 1 hit a problem");
      auto x = p.random({10});
      p.open(p.mul(x, x));
      return 0;
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "party 1 hit a problem");
  }
}

}  // namespace
}  // namespace sqt
