// poly.h — polynomial approximations evaluated in fixed point.
//
// chebyshev_fit() interpolates a function at Chebyshev nodes (in double, at
// set-up) and picks the smallest degree whose maximum error on a fine grid is
// below a tolerance. clenshaw() evaluates the series on a share with one
// fixed-point multiplication per degree (Clenshaw's recurrence, numerically
// stable in fixed point, unlike monomial Horner for high degrees).
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <numbers>
#include <string>
#include <vector>

#include "core/error.h"
#include "mpc/basic.h"
#include "mpc/fixed.h"

namespace sqt {

struct ChebyshevSeries {
  double lo = 0, hi = 1;
  std::vector<double> coefficients;  // of T_0 .. T_d in t = (2x - lo - hi) / (hi - lo)

  double operator()(double x) const {
    double t = (2 * x - lo - hi) / (hi - lo), b1 = 0, b2 = 0;
    for (std::size_t j = coefficients.size(); j-- > 1;) {
      double b = coefficients[j] + 2 * t * b1 - b2;
      b2 = b1;
      b1 = b;
    }
    return coefficients[0] + t * b1 - b2;
  }
};

// Interpolation of fn at degree + 1 Chebyshev nodes on [lo, hi].
inline ChebyshevSeries chebyshev_interpolate(const std::function<double(double)>& fn, double lo,
                                             double hi, int degree) {
  const int n = degree + 1;
  std::vector<double> values(n);
  for (int i = 0; i < n; ++i) {
    double t = std::cos(std::numbers::pi * (i + 0.5) / n);
    values[i] = fn(0.5 * (hi - lo) * t + 0.5 * (hi + lo));
  }
  ChebyshevSeries series{lo, hi, std::vector<double>(n)};
  for (int j = 0; j < n; ++j) {
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += values[i] * std::cos(std::numbers::pi * j * (i + 0.5) / n);
    series.coefficients[j] = (j == 0 ? 1.0 : 2.0) * sum / n;
  }
  return series;
}

// The lowest-degree interpolant with max |error| <= tolerance (relative to
// max |fn| when relative is set) on a 4096-point grid.
inline ChebyshevSeries chebyshev_fit(const std::function<double(double)>& fn, double lo, double hi,
                                     double tolerance, bool relative = false, int max_degree = 24) {
  for (int degree = 1; degree <= max_degree; ++degree) {
    ChebyshevSeries s = chebyshev_interpolate(fn, lo, hi, degree);
    double worst = 0;
    for (int i = 0; i <= 4096; ++i) {
      double x = lo + (hi - lo) * i / 4096.0, y = fn(x);
      double error = std::abs(s(x) - y) / (relative ? std::abs(y) : 1.0);
      worst = std::max(worst, error);
    }
    if (worst <= tolerance) return s;
  }
  fail("no Chebyshev interpolant of degree <= {} reaches tolerance {}", max_degree, tolerance);
}

// chebyshev_fit memoised by (name, fractional bits): the fits are pure
// functions of their arguments, computed once per process.
inline const ChebyshevSeries& cached_fit(const std::string& name, int frac_bits,
                                         const std::function<ChebyshevSeries()>& make) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, ChebyshevSeries> cache;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(name, frac_bits);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, make()).first;
  return it->second;
}

// Evaluates the series at a fixed-point share x in [lo, hi].
template <Protocol P>
typename P::Share clenshaw(P& p, const ChebyshevSeries& s, const typename P::Share& x) {
  using Share = typename P::Share;
  // t = (2x - lo - hi) / (hi - lo): a public affine map.
  Share t = mul_const(p, add_const(p, x, -(s.lo + s.hi) / 2), 2 / (s.hi - s.lo));
  Share two_t = p.scale(t, 2);
  const std::size_t d = s.coefficients.size() - 1;
  if (d == 0) return add_const(p, p.scale(t, 0), s.coefficients[0]);
  // b_{d} = c_d, b_{d+1} = 0; b_j = c_j + 2t b_{j+1} - b_{j+2}; result = c_0 + t b_1 - b_2.
  Share b1 = add_const(p, p.scale(t, 0), s.coefficients[d]);
  Share b2 = p.scale(t, 0);
  for (std::size_t j = d - 1; j >= 1; --j) {
    Share b = p.sub(add_const(p, fix_mul(p, two_t, b1), s.coefficients[j]), b2);
    b2 = std::move(b1);
    b1 = std::move(b);
  }
  return p.sub(add_const(p, fix_mul(p, t, b1), s.coefficients[0]), b2);
}

}  // namespace sqt
