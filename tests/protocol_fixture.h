// protocol_fixture.h — typed-test support: every protocol, both rings.
#pragma once

#include <gtest/gtest.h>

#include "core/fixed_point.h"
#include "crypto/prg.h"
#include "proto/local_run.h"
#include "proto/mal3/mal3.h"
#include "proto/plain/plain.h"
#include "proto/rep3/rep3.h"
#include "proto/rep4/rep4.h"
#include "proto/semi2k/semi2k.h"
#include "proto/shamir/shamir.h"

namespace sqt {

template <class P>
struct ProtocolTest : ::testing::Test {
  using R = typename P::Ring;
  static constexpr int k = kRingBits<R>;

  static SessionOptions options() {
    SessionOptions o;
    o.frac_bits = kDefaultFracBits<R>;
    o.emulator_seed = 99;
    o.insecure_test_key_seed = 99;  // the same randomness on every run
    o.agreed = {{"protocol", std::string(P::kName)}};
    return o;
  }

  // Runs fn at every party and returns each party's result.
  template <class Fn>
  static auto run_all(Fn fn) {
    return run_local<P>(options(), fn);
  }

  // Runs fn at every party, checks that all parties got the same result and returns it.
  template <class Fn>
  static auto run_agreed(Fn fn) {
    auto results = run_local<P>(options(), fn);
    for (std::size_t i = 1; i < results.size(); ++i)
      EXPECT_TRUE(results[i] == results[0]) << "party " << i << " disagrees with party 0";
    return results[0];
  }

  // Pseudo-random ring elements (public test data, same at every party).
  static Tensor<R> random_values(std::size_t n, std::uint64_t seed) {
    return Prg::from_seed(seed).random<R>({n});
  }
  // Random values with |v| < 2^bits, followed by the edge values of that range.
  static Tensor<R> bounded_values(std::size_t n, int bits, std::uint64_t seed) {
    Tensor<R> t = random_values(n, seed);
    for (R& v : t) v = arith_shift_right(v, k - bits);
    std::vector<R> values = t.to_vector();
    for (R edge : {R{0}, R{1}, R{0} - R{1}, R{0} - pow2<R>(bits - 1) * 2, pow2<R>(bits) - 1})
      values.push_back(edge);
    return Tensor<R>({values.size()}, values);
  }
  // Random full-ring values followed by 0, 1, -1, the most negative and the largest.
  static Tensor<R> ring_values(std::size_t n, std::uint64_t seed) {
    std::vector<R> values = random_values(n, seed).to_vector();
    for (R edge : {R{0}, R{1}, R{0} - R{1}, pow2<R>(k - 1), pow2<R>(k - 1) - 1})
      values.push_back(edge);
    return Tensor<R>({values.size()}, values);
  }
};

// semi2k with N computing parties and the dealer as an extra node.
template <RingElement R, int N>
struct Semi2kDealt : Semi2k<R> {
  static constexpr int kParties = N;
  static constexpr bool kLocalDealer = true;
  static constexpr std::string_view kTestName = N == 2   ? "semi2k2p"
                                                : N == 3 ? "semi2k3p"
                                                         : "semi2k5p";
  using Semi2k<R>::Semi2k;
};

// semi2k with N computing parties and OT preprocessing (no dealer).
template <RingElement R, int N>
struct Semi2kOt : Semi2k<R> {
  static constexpr int kParties = N;
  static constexpr std::string_view kTestName = N == 2 ? "semi2k_ot2p" : "semi2k_ot3p";
  using Semi2k<R>::Semi2k;
};

// shamir with N computing parties (the typed suites run 3; test_shamir.cpp
// runs 3 to 10; the sanitizer build leaves the typed shamir suites out for
// time: test_shamir.cpp runs there).
template <RingElement R, int N>
struct ShamirN : Shamir<R> {
  static constexpr int kParties = N;
  static constexpr std::string_view kTestName = N == 3 ? "shamir3p" : "shamir5p";
  using Shamir<R>::Shamir;
};

#ifdef SQT_TEST_ONE_RING  // CI's sanitizer build (CMakeLists.txt)
using AllProtocols =
    ::testing::Types<Plain<std::uint64_t>, Rep3<std::uint64_t>, Mal3<std::uint64_t>,
                     Rep4<std::uint64_t>, Semi2kDealt<std::uint64_t, 3>>;
using TestRings = ::testing::Types<std::uint64_t>;
#else
using AllProtocols =
    ::testing::Types<Plain<std::uint64_t>, Plain<u128>, Rep3<std::uint64_t>, Rep3<u128>,
                     Mal3<std::uint64_t>, Mal3<u128>, Rep4<std::uint64_t>, Rep4<u128>,
                     Semi2kDealt<std::uint64_t, 2>, Semi2kDealt<u128, 2>,
                     Semi2kDealt<std::uint64_t, 3>, Semi2kDealt<std::uint64_t, 5>,
                     Semi2kOt<std::uint64_t, 2>, ShamirN<std::uint64_t, 3>>;
using TestRings = ::testing::Types<std::uint64_t, u128>;
#endif

class ProtocolNames {
 public:
  template <class P>
  static std::string GetName(int) {
    if constexpr (requires { P::kTestName; })
      return std::string(P::kTestName) + std::to_string(kRingBits<typename P::Ring>);
    else
      return std::string(P::kName) + std::to_string(kRingBits<typename P::Ring>);
  }
};

}  // namespace sqt
