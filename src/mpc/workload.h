// workload.h — every operation of the fixed-point library, once, on small
// secret inputs, opened in stages.
//
// Party 0 inputs x and a positive p, party 1 inputs y (all derived from a
// public seed, so every party could compute the expected values). Four
// stages (products, matrix products with and without scatter, truncations;
// comparisons, selection and maximum; bit decomposition, mod2m and b2a; the
// functions: nearest truncation, division, exp, log, inverse square root,
// sigmoid, softmax, random numbers) each end with one open of everything the
// stage computed, plus one open_to and one binary open; the opened ring
// tensors are returned in order, and on_open sees each as it is opened (what
// a real run would print). Used by the cheating-party tests and `sqt selftest`.
#pragma once

#include <functional>
#include <vector>

#include "crypto/prg.h"
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

namespace sqt {

template <BinaryProtocol P>
std::vector<Tensor<typename P::Ring>> library_workload(
    P& p, std::size_t n, std::uint64_t seed,
    const std::function<void(const Tensor<typename P::Ring>&)>& on_open = {}) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  SQT_CHECK(n >= 4 && n % 4 == 0, "the workload needs a multiple of 4 elements, got {}", n);
  Prg data = Prg::from_seed(seed);
  auto uniform = [&](double lo, double hi) {
    Tensor<double> t({n});
    for (double& v : t) v = lo + (hi - lo) * static_cast<double>(data.next_u64() >> 11) * 0x1p-53;
    return t;
  };
  Tensor<double> u = uniform(-4, 4), v = uniform(-4, 4), w = uniform(0.5, 8);
  const Shape shape{n};
  Share x = input_fixed(p, 0, u, shape), y = input_fixed(p, 1, v, shape);
  Share positive = input_fixed(p, 0, w, shape);
  std::vector<Tensor<R>> opened;
  auto open_all = [&](const std::vector<Share>& results) {
    opened.push_back(p.open(P::join(results)));
    if (on_open) on_open(opened.back());
  };
  const std::size_t rows = n / 4;
  Share square = P::reshaped(x, {rows, 4}), other = P::reshaped(y, {4, rows});

  std::vector<std::size_t> targets(rows * rows);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i % rows;
  open_all({p.mul(x, y), p.matmul(square, other), p.trunc_pr(p.mul(x, y), p.frac_bits()),
            fix_mul(p, x, y), fix_matmul(p, square, other), p.dot_rows(square, square),
            p.matmul_scatter(square, other, targets, {rows}),
            fix_matmul_scatter(p, square, other, targets, {rows - 1})});
  // An opening to one party (the others record an empty tensor).
  opened.push_back(p.open_to(p.parties() > 2 ? 2 : 0, p.mul(x, x)));
  if (on_open) on_open(opened.back());

  MaxResult<P> max = max_last_axis(p, square);
  open_all({ltz(p, x), less_than(p, x, y), equal(p, x, x), select(p, ltz(p, y), x, y), max.max,
            max.argmax});

  Share bits = p.b2a(p.bit_decompose(x, 24));
  open_all({bits, p.mod2m(x, 12), p.b2a(p.eqz_bits(x, 20))});
  // A binary opening, recorded as 0/1 ring elements (plane-major).
  BitPlanes planes = p.bopen(p.msb(y, 40));
  Tensor<R> plane_values(Shape{planes.n() * static_cast<std::size_t>(planes.planes())});
  for (int j = 0, i = 0; j < planes.planes(); ++j)
    for (std::size_t e = 0; e < planes.n(); ++e) plane_values[i++] = planes.get(j, e) ? 1 : 0;
  opened.push_back(plane_values);
  if (on_open) on_open(opened.back());

  open_all({trunc_nearest(p, p.mul(x, y), p.frac_bits()), divide(p, x, positive), exp(p, x),
            ln(p, positive), invsqrt(p, positive), sigmoid(p, x), softmax(p, square),
            rand_fixed(p, shape, -1.0, 1)});
  finish_protocol(p);
  return opened;
}

}  // namespace sqt
