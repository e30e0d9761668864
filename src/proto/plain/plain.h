// plain.h — the emulator: sqt's algorithms on cleartext, in one process.
//
// INSECURE: nothing is secret; this exists for accuracy studies and for
// testing the layers above against the same fixed-point semantics. Matrix
// products of small values go through an exact float64 GEMM
// (kernels/matmul_exact_double.h), with the ring kernel's results. Plain<R>
// implements the Protocol concept with a "share" that is simply the value,
// in the same ring, and trunc_pr draws the same stochastic rounding
// (floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m)) from a seeded PRG. Unlike
// rep3, values outside trunc_range_bits are still truncated correctly, so an
// emulated run can only be more accurate than a secure one outside that range.
#pragma once

#include <string_view>

#include "core/bit_planes.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "kernels/matmul_exact_double.h"
#include "proto/common/summands.h"
#include "proto/protocol_info.h"
#include "proto/session.h"

namespace sqt {

// The "share" is the value itself (s[0]).
template <RingElement R>
using PlainShare = Summands<Tensor<R>, 1>;
using PlainBShare = Summands<BitPlanes, 1>;

template <RingElement R>
class Plain : public SummandPlumbing<R, 1>, public BinarySummandPlumbing<1> {
 public:
  using Plumbing = SummandPlumbing<R, 1>;
  using Plumbing::add, Plumbing::sub, Plumbing::neg, Plumbing::scale, Plumbing::mul_public;
  using Plumbing::scatter_add, Plumbing::transposed, Plumbing::zeros;
  using Plumbing::shape, Plumbing::reshaped, Plumbing::part, Plumbing::join, Plumbing::gather;
  using Ring = R;
  using Share = PlainShare<R>;
  using BShare = PlainBShare;
  static constexpr std::string_view kName = "plain";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 1;
  static constexpr ProtocolInfo kInfo{
      "plain", 1, "none: the INSECURE emulator (cleartext)", "Z_2^64, Z_2^128", "none", false};

  explicit Plain(Session& session) : session_(session), prg_(session.private_prg()) {
    check_precision(kRing, session.frac_bits());
  }

  int parties() const { return 1; }
  int party() const { return 0; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return kRing - 2; }
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    return scatter_add(matmul(x, y), targets, out_shape);
  }

  // The emulator has one party; any party id stands for the data holder.
  Share input(int, const Tensor<R>& value, const Shape& shape) {
    check_same_shape(value.shape(), shape, "input");
    return {value};
  }
  Tensor<R> open(const Share& x) { return x.s[0]; }
  Tensor<R> open_to(int, const Share& x) { return x.s[0]; }

  Share constant(const Tensor<R>& c) const { return {c}; }
  Share add_public(const Share& x, const Tensor<R>& c) const { return {sqt::add(x.s[0], c)}; }
  Share random(const Shape& shape) { return {prg_.random<R>(shape)}; }

  Share mul(const Share& x, const Share& y) { return {sqt::mul(x.s[0], y.s[0])}; }

  Share matmul(const Share& x, const Share& y) {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0],
              "matmul: cannot multiply {} by {}", shape_string(xs), shape_string(ys));
    Tensor<R> z(Shape{xs[0], ys[1]}, R{0});
    product_add(x.s[0].data(), y.s[0].data(), z.data(), xs[0], xs[1], ys[1], LeftLayout::kRowMajor);
    return {std::move(z)};
  }

  // x^T y without a transposed copy of x (the weight gradients).
  Share matmul_left_transposed(const Share& x, const Share& y) {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[0] == ys[0],
              "matmul: cannot multiply the transpose of {} by {}", shape_string(xs),
              shape_string(ys));
    Tensor<R> z(Shape{xs[1], ys[1]}, R{0});
    product_add(x.s[0].data(), y.s[0].data(), z.data(), xs[1], xs[0], ys[1],
                LeftLayout::kTransposed);
    return {std::move(z)};
  }

  Share dot_rows(const Share& x, const Share& y) {
    check_same_shape(shape(x), shape(y), "dot_rows");
    SQT_CHECK(shape(x).size() == 2, "dot_rows needs (n x k) tensors, got {}",
              shape_string(shape(x)));
    std::size_t rows = shape(x)[0], k = shape(x)[1];
    Tensor<R> z(Shape{rows});
    for (std::size_t r = 0; r < rows; ++r) {
      R sum = 0;
      for (std::size_t j = r * k; j < (r + 1) * k; ++j) sum += x.s[0][j] * y.s[0][j];
      z[r] = sum;
    }
    return {std::move(z)};
  }

  // Stochastic rounding: floor(x / 2^m) + [u < x mod 2^m], u uniform in [0, 2^m).
  Share trunc_pr(const Share& x, int m) {
    SQT_CHECK(m > 0 && m < kRing - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m,
              kRing);
    if (session_.check_range()) count_outside(x, sqt::trunc_range_bits(kRing), true);
    Tensor<R> u = prg_.random<R>(shape(x));
    const R low = pow2<R>(m) - 1;
    for (std::size_t i = 0; i < u.size(); ++i) {
      R v = x.s[0][i];
      u[i] = arith_shift_right(v, m) + ((u[i] & low) < (v & low) ? 1 : 0);
    }
    return {std::move(u)};
  }

  // --check-range: counts elements with |x| >= 2^bits.
  void count_outside(const Share& x, int bits, bool truncation) {
    std::uint64_t outside = 0;
    const R bound = pow2<R>(bits);
    for (R v : x.s[0]) {
      R magnitude = to_signed(v) < 0 ? R{0} - v : v;
      outside += magnitude >= bound;
    }
    RangeStats& stats = session_.range_stats();
    (truncation ? stats.truncated : stats.compared) += x.s[0].size();
    (truncation ? stats.truncated_outside : stats.compared_outside) += outside;
  }

  // --- binary values and comparisons: the same results as rep3, computed directly.

  BShare binput(int, const BitPlanes& bits, std::size_t, int) { return {bits}; }
  BShare bnot(const BShare& a) const { return {~a.s[0]}; }
  BShare band(const BShare& a, const BShare& b) { return {a.s[0] & b.s[0]}; }
  BitPlanes bopen(const BShare& a) { return a.s[0]; }

  // Bit l-1 of x + 2^(l-1) mod 2^l: [x >= 0] for |x| < 2^(l-1).
  BShare msb(const Share& x, int l) {
    if (session_.check_range()) count_outside(x, l - 1, false);
    Tensor<R> bits(Shape{x.s[0].size()});
    for (std::size_t i = 0; i < bits.size(); ++i)
      bits[i] = (x.s[0][i] + pow2<R>(l - 1)) >> (l - 1) & 1;
    return {to_planes(bits, 0, 1)};
  }
  BShare eqz_bits(const Share& x, int l) {
    Tensor<R> bits(Shape{x.s[0].size()});
    const R mask = l == kRing ? ~R{0} : pow2<R>(l) - 1;
    for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = (x.s[0][i] & mask) == 0 ? 1 : 0;
    return {to_planes(bits, 0, 1)};
  }
  BShare bit_decompose(const Share& x, int l) { return {to_planes(x.s[0], 0, l)}; }
  Share mod2m(const Share& x, int m) {
    Tensor<R> out = x.s[0];
    for (R& v : out) v &= pow2<R>(m) - 1;
    return {std::move(out)};
  }
  Share b2a(const BShare& b) {
    Tensor<R> out(Shape{b.s[0].n() * static_cast<std::size_t>(b.s[0].planes())});
    std::size_t i = 0;
    for (int j = 0; j < b.s[0].planes(); ++j)
      for (std::size_t e = 0; e < b.s[0].n(); ++e) out[i++] = b.s[0].get(j, e) ? 1 : 0;
    return {std::move(out)};
  }

 private:
  // C += A B (A m x k in `layout`): the exact float64 GEMM when the values
  // are small enough, else the ring kernel; the same result either way.
  void product_add(const R* a, const R* b, R* c, std::size_t m, std::size_t k, std::size_t n,
                   LeftLayout layout) {
    if (matmul_add_exact_double(a, b, c, m, k, n, session_.threads(), layout)) return;
    const MatmulTerm<R> term{a, b, nullptr};
    matmul_add_terms<R>(std::span(&term, 1), c, m, k, n, session_.pool(), layout);
  }

  Session& session_;
  Prg& prg_;
};

}  // namespace sqt
