// cmd_selftest.cpp — `sqt selftest`: one party of a multi-process protocol check.
//
// Each party runs as its own process over TCP (TLS by default). Party 0
// inputs X, party 1 inputs Y (both derived from a public seed so every party
// can compute the expected result); the parties compute X*Y, a matrix
// product and a fixed-point product, open them and check them, then run
// every operation of the fixed-point library once (mpc/workload.h).
// --cheat-party (a test facility) makes this process deviate in one message.
// With --dealer, the process with --party N (--parties N) is the dealer.
#include <fmt/core.h>

#include <cmath>

#include "app/commands.h"
#include "app/party_flags.h"
#include "core/error.h"
#include "core/fixed_point.h"
#include "core/tensor_ops.h"
#include "mpc/fixed.h"
#include "mpc/workload.h"
#include "net/tamper_channel.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {
namespace {

struct SelftestOptions {
  PartyFlags party;
  std::string protocol = "rep3";
  int parties = 0;  // computing parties (checked_party_count)
  bool dealer = false;
  int ring = 64;
  std::size_t n = 1000;
  std::uint64_t seed = 1;
  int cheat_party = -1;  // TEST FACILITY: this process deviates (see net/tamper_channel.h)
};

constexpr std::size_t kWorkloadElements = 64;

template <class P>
void selftest_body(P& p, const SelftestOptions& options) {
  check_products(p, options);
  library_workload(p, kWorkloadElements, options.seed);
  finish_protocol(p);
}

template <class P>
SessionOptions selftest_session_options(const SelftestOptions& options) {
  SessionOptions session_options;
  session_options.frac_bits = kDefaultFracBits<typename P::Ring>;
  session_options.agreed = {{"command", "selftest"},
                            {"protocol", std::string(P::kName)},
                            {"ring", std::to_string(kRingBits<typename P::Ring>)},
                            {"n", std::to_string(options.n)},
                            {"seed", std::to_string(options.seed)}};
  add_party_count_agreed(session_options.agreed, options.parties, options.dealer);
  add_config_agreed(session_options.agreed, options.party);
  return session_options;
}

// The sizes of the messages party `cheater` sends, from an honest run of all
// parties in this process (memory channels; the dealer too, if any); `body`
// = false runs only the start-up (keys).
template <class P>
std::vector<std::size_t> dry_run_sizes(const SelftestOptions& options, bool body) {
  auto mesh = make_memory_mesh(options.parties + (options.dealer ? 1 : 0), kLocalRecvTimeout);
  auto counter = std::make_shared<Tamper>(TamperPlan{~std::uint64_t{0}});
  wrap_with_tamper(mesh[options.cheat_party], counter);
  run_parties<P>(
      selftest_session_options<P>(options), std::move(mesh),
      [&](P& p) {
        if (body) selftest_body(p, options);
        return 0;
      },
      options.parties);
  return counter->sizes();
}

// Which message the cheating party changes, and how: uniform over the
// messages whose change the protocol must notice (after the start-up's keys,
// not the verdict agreement's 1- and n-byte messages, which the agreement may
// outvote), chosen by --seed.
template <class P>
TamperPlan cheat_plan(const SelftestOptions& options) {
  const std::size_t setup = dry_run_sizes<P>(options, false).size();
  std::vector<std::size_t> sizes = dry_run_sizes<P>(options, true);
  std::vector<std::uint64_t> candidates;
  for (std::size_t i = setup; i < sizes.size(); ++i)
    if (sizes[i] != 1 && sizes[i] != static_cast<std::size_t>(options.parties))
      candidates.push_back(i);
  SQT_CHECK(!candidates.empty(), "selftest: party {} sends no message to change",
            options.cheat_party);
  Prg choice = Prg::from_seed(options.seed * 0x9e3779b97f4a7c15ull + 17);
  TamperPlan plan;
  plan.message = candidates[choice.next_u64() % candidates.size()];
  const TamperKind kinds[] = {TamperKind::kFlipByte, TamperKind::kAddHalfRing,
                              TamperKind::kCancellingPair};
  plan.kind = kinds[choice.next_u64() % 3];
  plan.seed = choice.next_u64();
  plan.element_bytes = kRingBits<typename P::Ring> / 8;
  if constexpr (requires { P::kWordHeadroomBits; }) {
    // Words of k + headroom bits: change their value bits, which every
    // check must notice (a change above them may pass; mal3.md).
    plan.value_bytes = plan.element_bytes;
    plan.element_bytes += P::kWordHeadroomBits / 8;
  }
  return plan;
}

template <class P>
void check_products(P& p, const SelftestOptions& options);

template <class P>
void run_selftest(const SelftestOptions& options) {
  using R = typename P::Ring;
  auto peers = resolve_peers(options.party, P::kName, options.parties, options.dealer);
  ConnectOptions connect = resolve_connect_options(options.party);
  int me = options.party.party;
  std::shared_ptr<Tamper> tamper;
  if (options.cheat_party >= 0) {
    SQT_CHECK(options.cheat_party == me,
              "--cheat-party {} is given to party {}: give it only to the process that cheats",
              options.cheat_party, me);
    TamperPlan plan = cheat_plan<P>(options);
    tamper = std::make_shared<Tamper>(plan);
    fmt::print(
        "TEST FACILITY, NOT A REAL RUN: party {} cheats: it will change its message {} ({})\n", me,
        plan.message, tamper_kind_name(plan.kind));
  }
  ChannelRow channels = connect_parties(me, peers, connect);
  if (tamper) wrap_with_tamper(channels, tamper);
  auto network = std::make_unique<Network>(me, std::move(channels), options.parties);
  Session session(std::move(network), selftest_session_options<P>(options));
  if (me == options.parties) return serve_as_dealer(session, P::kName, kRingBits<R>);
  std::string offline;
  run_or_abort(session, [&] {
    P p(session);
    selftest_body(p, options);
    if constexpr (requires { p.offline_stats(); })
      offline = fmt::format("; preprocessing ({}): sent {} and received {} bytes in {} rounds",
                            options.dealer ? "dealer" : "oblivious transfer",
                            p.offline_stats().bytes_sent, p.offline_stats().bytes_received,
                            p.offline_stats().rounds);
  });
  CommStats stats = session.stats();
  fmt::print(
      "selftest passed: {} party {} of {}, ring {}, {} elements; sent {} bytes in {} rounds{}\n",
      P::kName, me, options.parties, kRingBits<R>, options.n, stats.bytes_sent, stats.rounds,
      offline);
}

// Random ring elements; for a protocol over a field (kExactProductBits),
// signed values whose products, and sums of a few dozen of them, stay in
// its exact range.
template <class P>
Tensor<typename P::Ring> product_operands(Prg& data, const Shape& shape) {
  using R = typename P::Ring;
  Tensor<R> t = data.random<R>(shape);
  if constexpr (requires { P::kExactProductBits; })
    for (R& v : t) v = arith_shift_right(v, kRingBits<R> - (P::kExactProductBits - 6) / 2);
  return t;
}

// Multiplies, multiplies matrices and fixed-point numbers input by parties 0
// and 1, opens the results and compares them with the cleartext ones.
template <class P>
void check_products(P& p, const SelftestOptions& options) {
  using R = typename P::Ring;
  const std::size_t n = options.n;
  Prg data = Prg::from_seed(options.seed);
  Tensor<R> x = product_operands<P>(data, {n}), y = product_operands<P>(data, {n});
  auto sx = p.input(0, x, {n}), sy = p.input(1, y, {n});
  SQT_CHECK(p.open(p.mul(sx, sy)) == sqt::mul(x, y), "selftest: the product is wrong");

  const std::size_t rows = 8, inner = 32, cols = 4;
  Tensor<R> a = product_operands<P>(data, {rows, inner});
  Tensor<R> b = product_operands<P>(data, {inner, cols});
  Tensor<R> expected(Shape{rows, cols}, R{0});
  ThreadPool one_thread(1);
  matmul_add(a.data(), b.data(), expected.data(), rows, inner, cols, one_thread);
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
  auto* command = app.add_subcommand("selftest",
                                     "Run one party of a protocol check over TCP/TLS (start one "
                                     "per party, and the dealer with --dealer)");
  auto options = std::make_shared<SelftestOptions>();
  add_party_flags(*command, options->party);
  add_protocol_flags(*command, options->protocol, options->ring,
                     "Protocol to check (sqt protocols)");
  add_party_count_flags(*command, options->parties, options->dealer);
  command->add_option("--n", options->n, "Elements to multiply")->capture_default_str();
  command->add_option("--seed", options->seed, "Public seed of the test data")
      ->capture_default_str();
  command
      ->add_option("--cheat-party", options->cheat_party,
                   "TEST FACILITY: this process (party I) changes one of its messages, chosen by "
                   "--seed, to check that the others abort; give it to that process only")
      ->group("Testing");
  command->callback([options] {
    SQT_CHECK(find_protocol(options->protocol).parties > 1,
              "the emulator (plain) has no parties to check; pick a multi-party protocol");
    options->parties =
        checked_party_count(find_protocol(options->protocol), options->parties, options->dealer);
    with_protocol(options->protocol, options->ring, [&]<class P>(std::type_identity<P>) {
      if constexpr (P::kParties != 1) run_selftest<P>(*options);
    });
  });
}

}  // namespace sqt
