// cmd_selftest.cpp — `sqt selftest`: one party of a multi-process protocol check.
//
// Each party runs as its own process over TCP (TLS by default). Party 0
// inputs X, party 1 inputs Y (both derived from a public seed so every party
// can compute the expected result); the parties compute X*Y, a matrix
// product and a fixed-point product, open them and check them.
#include <fmt/core.h>

#include <cmath>

#include "app/commands.h"
#include "app/party_flags.h"
#include "core/error.h"
#include "core/fixed_point.h"
#include "core/tensor_ops.h"
#include "mpc/fixed.h"
#include "proto/registry.h"

namespace sqt {
namespace {

struct SelftestOptions {
  PartyFlags party;
  std::string protocol = "rep3";
  int ring = 64;
  std::size_t n = 1000;
  std::uint64_t seed = 1;
};

template <class P>
void check_products(P& p, const SelftestOptions& options);

template <class P>
void run_selftest(const SelftestOptions& options) {
  using R = typename P::Ring;
  auto peers = resolve_peers(options.party);
  SQT_CHECK(static_cast<int>(peers.size()) == P::kParties,
            "{} runs with {} parties: --peers needs {} addresses, got {}", P::kName, P::kParties,
            P::kParties, peers.size());
  ConnectOptions connect = resolve_connect_options(options.party);
  int me = options.party.party;
  auto network = std::make_unique<Network>(me, connect_parties(me, peers, connect));
  SessionOptions session_options;
  session_options.frac_bits = kDefaultFracBits<R>;
  session_options.agreed = {{"command", "selftest"},
                            {"protocol", std::string(P::kName)},
                            {"ring", std::to_string(kRingBits<R>)},
                            {"n", std::to_string(options.n)},
                            {"seed", std::to_string(options.seed)}};
  Session session(std::move(network), session_options);
  run_or_abort(session, [&] {
    P p(session);
    check_products(p, options);
  });
  CommStats stats = session.stats();
  fmt::print(
      "selftest passed: {} party {} of {}, ring {}, {} elements; sent {} bytes in {} rounds\n",
      P::kName, me, P::kParties, kRingBits<R>, options.n, stats.bytes_sent, stats.rounds);
}

// Multiplies, multiplies matrices and fixed-point numbers input by parties 0
// and 1, opens the results and compares them with the cleartext ones.
template <class P>
void check_products(P& p, const SelftestOptions& options) {
  using R = typename P::Ring;
  const std::size_t n = options.n;
  Prg data = Prg::from_seed(options.seed);
  Tensor<R> x = data.random<R>({n}), y = data.random<R>({n});
  auto sx = p.input(0, x, {n}), sy = p.input(1, y, {n});
  SQT_CHECK(p.open(p.mul(sx, sy)) == sqt::mul(x, y), "selftest: the product is wrong");

  const std::size_t rows = 8, inner = 32, cols = 4;
  Tensor<R> a = data.random<R>({rows, inner}), b = data.random<R>({inner, cols});
  Tensor<R> expected(Shape{rows, cols}, R{0});
  matmul_add(a.data(), b.data(), expected.data(), rows, inner, cols, 1);
  SQT_CHECK(p.open(p.matmul(p.input(0, a, a.shape()), p.input(1, b, b.shape()))) == expected,
            "selftest: the matrix product is wrong");

  Tensor<double> u({n}), v({n});
  for (std::size_t i = 0; i < n; ++i) {
    u[i] = std::ldexp(static_cast<double>(data.next_u64() % 2000) - 1000.0, -7);
    v[i] = std::ldexp(static_cast<double>(data.next_u64() % 2000) - 1000.0, -7);
  }
  Tensor<double> product =
      open_fixed(p, fix_mul(p, input_fixed(p, 0, u, {n}), input_fixed(p, 1, v, {n})));
  for (std::size_t i = 0; i < n; ++i) {
    SQT_CHECK(std::abs(product[i] - u[i] * v[i]) <= std::ldexp(1.0, -p.frac_bits()) * 1.01,
              "selftest: fixed-point product {} of {} * {} is off: got {}", i, u[i], v[i],
              product[i]);
  }
}

}  // namespace

void add_selftest_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "selftest", "Run one party of a protocol check over TCP/TLS (start one per party)");
  auto options = std::make_shared<SelftestOptions>();
  add_party_flags(*command, options->party);
  command->add_option("--protocol", options->protocol, "Protocol to check (sqt protocols)")
      ->check(CLI::IsMember(protocol_names()))
      ->capture_default_str();
  command->add_option("--ring", options->ring, "Ring bit width: 64 or 128")
      ->check(CLI::IsMember({64, 128}))
      ->capture_default_str();
  command->add_option("--n", options->n, "Elements to multiply")->capture_default_str();
  command->add_option("--seed", options->seed, "Public seed of the test data")
      ->capture_default_str();
  command->callback([options] {
    SQT_CHECK(find_protocol(options->protocol).parties > 1,
              "the emulator (plain) has no parties to check; pick a multi-party protocol");
    with_protocol(options->protocol, options->ring, [&]<class P>(std::type_identity<P>) {
      if constexpr (P::kParties > 1) run_selftest<P>(*options);
    });
  });
}

}  // namespace sqt
