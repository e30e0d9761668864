#include "bench/ops_bench.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/error.h"
#include "core/fixed_point.h"
#include "mpc/compare.h"
#include "mpc/divide.h"
#include "mpc/exp.h"
#include "mpc/fixed.h"
#include "mpc/log.h"
#include "mpc/random.h"
#include "mpc/round.h"
#include "mpc/sigmoid.h"
#include "mpc/softmax.h"
#include "mpc/sqrt.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {
namespace {

using Clock = std::chrono::steady_clock;

struct Measurement {
  std::string op;
  std::uint64_t n = 0;
  double seconds = 0;
  CommStats comm;
  bool local_only = false;  // measured on party 0 alone
  CommStats offline{};      // preprocessing during the best repetition
  double offline_seconds = 0;
};

template <class P>
class PartyBench {
 public:
  using R = typename P::Ring;
  PartyBench(P& p, const OpsBenchOptions& options) : p_(p), options_(options) {}

  std::vector<Measurement> run() {
    const std::size_t n = options_.n;
    const Shape vec{n};
    Tensor<R> values = public_random(vec);
    measure("input", n, [&] { return p_.input(0, values, vec); });
    auto x = p_.input(0, values, vec);
    auto y = p_.input(1 % p_.parties(), public_random(vec), vec);
    measure("open", n, [&] { return p_.open(x); });
    measure("mul", n, [&] { return p_.mul(x, y); });

    const std::size_t mm = options_.matmul_m, mk = options_.matmul_k, mn = options_.matmul_n;
    auto a = p_.input(0, public_random({mm, mk}), {mm, mk});
    auto b = p_.input(1 % p_.parties(), public_random({mk, mn}), {mk, mn});
    measure("matmul", mm * mn, [&] { return p_.matmul(a, b); });
    if constexpr (requires { p_.local_matmul(a, b); }) {
      measure_local("matmul_local", mm * mn, [&] { return p_.local_matmul(a, b); });
      Tensor<R> ca = public_random({mm, mk}), cb = public_random({mk, mn});
      measure_local("matmul_cleartext", mm * mn, [&] {
        Tensor<R> c(Shape{mm, mn}, R{0});
        matmul_add(ca.data(), cb.data(), c.data(), mm, mk, mn, p_.session().pool());
        return c;
      });
    }

    auto in_range = p_.input(0, bounded_random(vec, p_.trunc_range_bits()), vec);
    measure("trunc_pr", n, [&] { return p_.trunc_pr(in_range, p_.frac_bits()); });
    auto fx = p_.input(0, bounded_random(vec, p_.frac_bits() + 4), vec);
    auto fy = p_.input(1 % p_.parties(), bounded_random(vec, p_.frac_bits() + 4), vec);
    measure("fixmul", n, [&] { return fix_mul(p_, fx, fy); });
    run_functions();
    return std::move(results_);
  }

 private:
  // The fixed-point function library on n_functions elements of realistic values.
  void run_functions() {
    const std::size_t n = options_.function_n;
    const Shape vec{n};
    const int f = p_.frac_bits();
    auto reals = [&](double lo, double hi) {
      Tensor<double> t(vec);
      for (double& v : t) v = lo + (hi - lo) * static_cast<double>(data_.next_u64() >> 11) / 0x1p53;
      return input_fixed(p_, 0, t, vec);
    };
    auto x = reals(-8, 8), y = reals(-8, 8), positive = reals(0.01, 100), bits = ltz(p_, x);
    measure("bitdec", n, [&] { return p_.bit_decompose(x, value_bits(p_)); });
    measure("bitdec_summands", n, [&] { return bit_decompose_full(p_, x); });
    measure("ltz", n, [&] { return ltz(p_, x); });
    measure("eqz", n, [&] { return eqz(p_, x); });
    measure("select", n, [&] { return select(p_, bits, x, y); });
    auto rows = reals(-8, 8);
    const std::size_t groups = n / 10;
    auto grouped = P::reshaped(P::part(rows, 0, {groups * 10}), {groups, 10});
    measure("max", groups, [&] { return max_last_axis(p_, grouped).max; });
    auto product = p_.mul(x, y);
    measure("trunc_nearest", n, [&] { return trunc_nearest(p_, product, f); });
    measure("div", n, [&] { return divide(p_, x, positive); });
    measure("exp", n, [&] { return exp(p_, x); });
    measure("log", n, [&] { return ln(p_, positive); });
    measure("sqrt", n, [&] { return sqrt(p_, positive); });
    measure("invsqrt", n, [&] { return invsqrt(p_, positive); });
    measure("sigmoid", n, [&] { return sigmoid(p_, x); });
    measure("softmax", groups, [&] { return softmax(p_, grouped); });
    measure("rand_fix", n, [&] { return rand_fixed(p_, vec, -1.0, 1); });
  }

  bool wanted(const std::string& op) const {
    return options_.only.empty() ||
           std::find(options_.only.begin(), options_.only.end(), op) != options_.only.end();
  }

  void synchronize() {
    if (P::kParties != 1) p_.session().net().synchronize();
  }

  // Preprocessing so far (zero for protocols without it).
  std::pair<CommStats, double> offline() {
    if constexpr (requires { p_.offline_stats(); }) {
      return {p_.offline_stats(), p_.offline_seconds()};
    } else {
      return {};
    }
  }

  template <class Op>
  void measure(const std::string& op, std::uint64_t n, Op&& run_op) {
    if (!wanted(op)) return;
    Measurement m{op, n, std::numeric_limits<double>::infinity(), {}, false};
    for (int rep = 0; rep < options_.reps; ++rep) {
      synchronize();
      CommStats before = p_.session().stats();
      auto [offline_before, offline_seconds_before] = offline();
      auto start = Clock::now();
      auto result = run_op();
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      m.comm = p_.session().stats() - before;
      auto [offline_after, offline_seconds_after] = offline();
      if (seconds < m.seconds) {
        m.seconds = seconds;
        m.offline = offline_after - offline_before;
        m.offline_seconds = offline_seconds_after - offline_seconds_before;
      }
    }
    results_.push_back(m);
  }

  template <class Op>
  void measure_local(const std::string& op, std::uint64_t n, Op&& run_op) {
    if (!wanted(op)) return;
    Measurement m{op, n, std::numeric_limits<double>::infinity(), {}, true};
    synchronize();
    if (p_.party() == 0) {
      for (int rep = 0; rep < options_.reps; ++rep) {
        auto start = Clock::now();
        auto result = run_op();
        m.seconds =
            std::min(m.seconds, std::chrono::duration<double>(Clock::now() - start).count());
      }
    }
    synchronize();
    results_.push_back(m);
  }

  // The same pseudo-random tensor at every party (benchmark data is public).
  Tensor<R> public_random(const Shape& shape) { return data_.random<R>(shape); }
  // Random values with |v| < 2^bits, none zero in practice.
  Tensor<R> bounded_random(const Shape& shape, int bits) {
    Tensor<R> t = data_.random<R>(shape);
    for (R& v : t) v = arith_shift_right(v, kRingBits<R> - bits);
    return t;
  }

  P& p_;
  const OpsBenchOptions& options_;
  Prg data_ = Prg::from_seed(20261122);
  std::vector<Measurement> results_;
};

template <class P>
void bench_protocol(const OpsBenchOptions& options, int frac_bits,
                    const std::function<void(const OpsBenchRow&)>& on_row) {
  SessionOptions session;
  session.frac_bits = frac_bits;
  session.threads = options.threads;
  session.agreed = {{"protocol", std::string(P::kName)},
                    {"ring", std::to_string(kRingBits<typename P::Ring>)}};
  session.local_parties = options.parties;
  session.local_dealer = options.dealer;
  constexpr bool kHasOffline = requires(P & p) {
    p.offline_stats();
  };
  auto per_party = run_local<P>(session, [&](P& p) { return PartyBench<P>(p, options).run(); });
  for (std::size_t i = 0; i < per_party[0].size(); ++i) {
    OpsBenchRow row;
    row.op = per_party[0][i].op;
    row.protocol = std::string(P::kName);
    row.ring = kRingBits<typename P::Ring>;
    row.frac_bits = frac_bits;
    row.n = per_party[0][i].n;
    row.parties = static_cast<int>(per_party.size());
    row.dealer = options.dealer;
    row.has_offline = kHasOffline;
    for (const auto& party : per_party) {
      const Measurement& m = party[i];
      if (m.local_only && &party != &per_party[0]) continue;
      row.seconds = std::max(row.seconds, m.seconds);
      row.bytes_per_party = std::max(row.bytes_per_party, m.comm.bytes_sent);
      row.bytes_total += m.comm.bytes_sent;
      row.rounds = std::max(row.rounds, m.comm.rounds);
      row.offline_bytes_per_party = std::max(row.offline_bytes_per_party, m.offline.bytes_sent);
      row.offline_bytes_received = std::max(row.offline_bytes_received, m.offline.bytes_received);
      row.offline_rounds = std::max(row.offline_rounds, m.offline.rounds);
      row.offline_seconds = std::max(row.offline_seconds, m.offline_seconds);
    }
    if (per_party[0][i].local_only) row.note = "local work of party 0, one thread";
    on_row(row);
  }
}

template <RingElement R>
void bench_ring(const OpsBenchOptions& options,
                const std::function<void(const OpsBenchRow&)>& on_row) {
  int frac_bits = options.frac_bits < 0 ? kDefaultFracBits<R> : options.frac_bits;
  SQT_CHECK(frac_bits > 0 && 2 * frac_bits + 8 < kRingBits<R>,
            "--frac-bits {} does not fit the {}-bit ring", frac_bits, kRingBits<R>);
  with_protocol<R>(options.protocol, [&]<class P>(std::type_identity<P>) {
    bench_protocol<P>(options, frac_bits, on_row);
  });
}

}  // namespace

std::vector<std::string> ops_bench_operation_names() {
  return {"input",         "open",
          "mul",           "matmul",
          "matmul_local",  "matmul_cleartext",
          "trunc_pr",      "fixmul",
          "bitdec",        "bitdec_summands",
          "ltz",           "eqz",
          "select",        "max",
          "trunc_nearest", "div",
          "exp",           "log",
          "sqrt",          "invsqrt",
          "sigmoid",       "softmax",
          "rand_fix"};
}

void run_ops_bench(const OpsBenchOptions& options,
                   const std::function<void(const OpsBenchRow&)>& on_row) {
  SQT_CHECK(options.reps >= 1, "--reps must be at least 1");
  SQT_CHECK(options.n >= 1, "--n must be at least 1");
  for (const std::string& op : options.only) {
    auto names = ops_bench_operation_names();
    SQT_CHECK(std::find(names.begin(), names.end(), op) != names.end(),
              "unknown operation '{}' in --ops", op);
  }
  if (options.ring == 64) {
    bench_ring<std::uint64_t>(options, on_row);
  } else if (options.ring == 128) {
    bench_ring<u128>(options, on_row);
  } else {
    fail("--ring must be 64 or 128, got {}", options.ring);
  }
}

}  // namespace sqt
