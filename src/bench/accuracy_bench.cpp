#include "bench/accuracy_bench.h"

#include <cmath>

#include "core/error.h"
#include "mpc/divide.h"
#include "mpc/exp.h"
#include "mpc/log.h"
#include "mpc/sigmoid.h"
#include "mpc/softmax.h"
#include "mpc/sqrt.h"
#include "proto/local_run.h"
#include "proto/registry.h"

namespace sqt {
namespace {

// One function under test: its inputs, the reference and the secure evaluation.
template <class P>
struct Case {
  std::string name, domain;
  std::function<Tensor<double>(Prg&, std::size_t)> inputs;  // may be 2 x n for binary functions
  std::function<std::vector<double>(const Tensor<double>&)> reference;
  std::function<typename P::Share(P&, const typename P::Share&)> secure;
};

double uniform01(Prg& prg) {
  return static_cast<double>(prg.next_u64() >> 11) / 0x1p53;
}

Tensor<double> uniform(Prg& prg, std::size_t n, double lo, double hi) {
  Tensor<double> t({n});
  for (double& v : t) v = lo + (hi - lo) * uniform01(prg);
  return t;
}

Tensor<double> log_uniform(Prg& prg, std::size_t n, double lo, double hi) {
  Tensor<double> t = uniform(prg, n, lo, hi);
  for (double& v : t) v = std::exp2(v);
  return t;
}

template <class Fn>
std::function<std::vector<double>(const Tensor<double>&)> elementwise(Fn fn) {
  return [fn](const Tensor<double>& x) {
    std::vector<double> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = fn(x[i]);
    return out;
  };
}

template <class P>
std::vector<Case<P>> cases(int f) {
  const double top = f == 16 ? 14 : 28;
  std::vector<Case<P>> list;
  auto unary = [&](std::string name, std::string domain, auto inputs, auto ref, auto secure) {
    list.push_back({name, domain, inputs, elementwise(ref), secure});
  };
  unary(
      "exp", "[-20, 10]", [](Prg& g, std::size_t n) { return uniform(g, n, -20, 10); },
      [](double x) { return std::exp(x); }, [](P& p, const auto& x) { return exp(p, x); });
  unary(
      "log", fmt::format("[2^-{}, 2^{}]", f - 2, top),
      [=](Prg& g, std::size_t n) { return log_uniform(g, n, 2 - f, top); },
      [](double x) { return std::log(x); }, [](P& p, const auto& x) { return ln(p, x); });
  unary(
      "reciprocal", fmt::format("+-[2^-{}, 2^{}]", f / 2, top),
      [=](Prg& g, std::size_t n) {
        Tensor<double> t = log_uniform(g, n, -f / 2.0, top);
        for (std::size_t i = 0; i < n; i += 2) t[i] = -t[i];
        return t;
      },
      [](double x) { return 1 / x; }, [](P& p, const auto& x) { return reciprocal(p, x); });
  unary(
      "invsqrt", fmt::format("[2^-{}, 2^{}]", f - 2, top),
      [=](Prg& g, std::size_t n) { return log_uniform(g, n, 2 - f, top); },
      [](double x) { return 1 / std::sqrt(x); }, [](P& p, const auto& x) { return invsqrt(p, x); });
  unary(
      "sqrt", fmt::format("[2^-{}, 2^{}]", f - 2, top),
      [=](Prg& g, std::size_t n) { return log_uniform(g, n, 2 - f, top); },
      [](double x) { return std::sqrt(x); }, [](P& p, const auto& x) { return sqrt(p, x); });
  unary(
      "sigmoid", "[-30, 30]", [](Prg& g, std::size_t n) { return uniform(g, n, -30, 30); },
      [](double x) { return 1 / (1 + std::exp(-x)); },
      [](P& p, const auto& x) { return sigmoid(p, x); });
  // Division a / b: inputs are [a..., b...].
  list.push_back({"div", fmt::format("a in [-100, 100], |b| in [2^-{}, 2^{}]", f / 2, top),
                  [=](Prg& g, std::size_t n) {
                    Tensor<double> a = uniform(g, n, -100, 100),
                                   b = log_uniform(g, n, -f / 2.0, top);
                    std::vector<double> both(a.begin(), a.end());
                    for (std::size_t i = 0; i < n; ++i) both.push_back(i % 2 ? b[i] : -b[i]);
                    return Tensor<double>({2 * n}, both);
                  },
                  [](const Tensor<double>& x) {
                    std::size_t n = x.size() / 2;
                    std::vector<double> out(n);
                    for (std::size_t i = 0; i < n; ++i) out[i] = x[i] / x[n + i];
                    return out;
                  },
                  [](P& p, const auto& x) {
                    std::size_t n = shape_size(P::shape(x)) / 2;
                    return divide(p, P::part(x, 0, {n}), P::part(x, n, {n}));
                  }});
  list.push_back({"softmax", "10 classes, logits in [-15, 15]",
                  [](Prg& g, std::size_t n) { return uniform(g, n / 10 * 10, -15, 15); },
                  [](const Tensor<double>& x) {
                    std::vector<double> out(x.size());
                    for (std::size_t r = 0; r < x.size() / 10; ++r) {
                      double top = x[r * 10], sum = 0;
                      for (int j = 0; j < 10; ++j) top = std::max(top, x[r * 10 + j]);
                      for (int j = 0; j < 10; ++j) sum += std::exp(x[r * 10 + j] - top);
                      for (int j = 0; j < 10; ++j)
                        out[r * 10 + j] = std::exp(x[r * 10 + j] - top) / sum;
                    }
                    return out;
                  },
                  [](P& p, const auto& x) {
                    std::size_t rows = shape_size(P::shape(x)) / 10;
                    return P::reshaped(softmax(p, P::reshaped(x, {rows, 10})), {rows * 10});
                  }});
  return list;
}

template <class P>
void run_cases(const AccuracyOptions& options, int f,
               const std::function<void(const AccuracyRow&)>& on_row) {
  SessionOptions session;
  session.frac_bits = f;
  session.emulator_seed = 1;
  for (Case<P>& c : cases<P>(f)) {
    Prg data = Prg::from_seed(77);
    Tensor<double> x = c.inputs(data, options.n);
    for (double& v : x) v = std::ldexp(std::round(std::ldexp(v, f)), -f);  // on the grid
    std::vector<double> want = c.reference(x);
    auto got = run_local<P>(session, [&](P& p) {
      return open_fixed(p, c.secure(p, input_fixed(p, 0, x, x.shape())));
    })[0];
    AccuracyRow row{c.name,     std::string(P::kName), c.domain, kRingBits<typename P::Ring>, f,
                    want.size()};
    std::size_t relative_count = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      double abs = std::abs(got[i] - want[i]);
      row.max_abs = std::max(row.max_abs, abs);
      row.mean_abs += abs / static_cast<double>(want.size());
      if (std::abs(want[i]) >= std::ldexp(1.0, -f / 2)) {
        double rel = abs / std::abs(want[i]);
        row.max_rel = std::max(row.max_rel, rel);
        row.mean_rel += rel;
        ++relative_count;
      }
    }
    if (relative_count) row.mean_rel /= static_cast<double>(relative_count);
    on_row(row);
  }
}

template <RingElement R>
void run_ring(const AccuracyOptions& options,
              const std::function<void(const AccuracyRow&)>& on_row) {
  const int f = kDefaultFracBits<R>;
  with_protocol<R>(options.protocol,
                   [&]<class P>(std::type_identity<P>) { run_cases<P>(options, f, on_row); });
}

}  // namespace

void run_accuracy_bench(const AccuracyOptions& options,
                        const std::function<void(const AccuracyRow&)>& on_row) {
  SQT_CHECK(options.n >= 10, "--n must be at least 10");
  if (options.ring == 64) {
    run_ring<std::uint64_t>(options, on_row);
  } else if (options.ring == 128) {
    run_ring<u128>(options, on_row);
  } else {
    fail("--ring must be 64 or 128, got {}", options.ring);
  }
}

}  // namespace sqt
