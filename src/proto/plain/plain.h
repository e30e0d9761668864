// plain.h — the emulator: sqt's algorithms on cleartext, in one process.
//
// INSECURE: nothing is secret; this exists for accuracy studies and for
// testing the layers above against the same fixed-point semantics. Plain<R>
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
#include "proto/session.h"

namespace sqt {

template <RingElement R>
struct PlainShare {
  Tensor<R> value;
};

struct PlainBShare {
  BitPlanes value;
};

template <RingElement R>
class Plain {
 public:
  using Ring = R;
  using Share = PlainShare<R>;
  using BShare = PlainBShare;
  static constexpr std::string_view kName = "plain";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 1;

  explicit Plain(Session& session) : session_(session), prg_(session.private_prg()) {
    check_precision(kRing, session.frac_bits());
  }

  int parties() const { return 1; }
  int party() const { return 0; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return kRing - 2; }
  static const Shape& shape(const Share& x) { return x.value.shape(); }
  static Share reshaped(Share x, const Shape& shape) {
    return {std::move(x.value).reshaped(shape)};
  }
  static Share part(const Share& x, std::size_t offset, const Shape& shape) {
    return {tensor_part(x.value, offset, shape)};
  }
  static Share gather(const Share& x, const std::vector<std::size_t>& indices, const Shape& shape) {
    return {tensor_gather(x.value, indices, shape)};
  }
  // [rows, cols] -> [cols, rows] (local).
  static Share transposed(const Share& x) { return {tensor_transpose(x.value)}; }
  static std::vector<Tensor<R>> local_tensors(const Share& x) { return {x.value}; }
  static Share from_local_tensors(std::vector<Tensor<R>> tensors) {
    SQT_CHECK(tensors.size() == 1, "an emulator value is one tensor, got {}", tensors.size());
    return {std::move(tensors[0])};
  }
  static Share scatter_add(const Share& x, const std::vector<std::size_t>& targets,
                           const Shape& shape) {
    return {tensor_scatter_add(x.value, targets, shape)};
  }
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    return scatter_add(matmul(x, y), targets, out_shape);
  }
  static Share join(std::span<const Share> xs) {
    std::vector<const Tensor<R>*> values;
    for (const Share& x : xs) values.push_back(&x.value);
    return {tensor_join(values)};
  }

  // The emulator has one party; any party id stands for the data holder.
  Share input(int, const Tensor<R>& value, const Shape& shape) {
    check_same_shape(value.shape(), shape, "input");
    return {value};
  }
  Tensor<R> open(const Share& x) { return x.value; }
  Tensor<R> open_to(int, const Share& x) { return x.value; }

  Share constant(const Tensor<R>& c) const { return {c}; }
  Share add(const Share& x, const Share& y) const { return {sqt::add(x.value, y.value)}; }
  Share sub(const Share& x, const Share& y) const { return {sqt::sub(x.value, y.value)}; }
  Share neg(const Share& x) const { return {sqt::neg(x.value)}; }
  Share add_public(const Share& x, const Tensor<R>& c) const { return {sqt::add(x.value, c)}; }
  Share mul_public(const Share& x, const Tensor<R>& c) const { return {sqt::mul(x.value, c)}; }
  Share scale(const Share& x, R c) const { return {sqt::scale(x.value, c)}; }
  Share random(const Shape& shape) { return {prg_.random<R>(shape)}; }

  Share mul(const Share& x, const Share& y) { return {sqt::mul(x.value, y.value)}; }

  Share matmul(const Share& x, const Share& y) {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0],
              "matmul: cannot multiply {} by {}", shape_string(xs), shape_string(ys));
    Tensor<R> z(Shape{xs[0], ys[1]}, R{0});
    matmul_add(x.value.data(), y.value.data(), z.data(), xs[0], xs[1], ys[1], session_.threads());
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
      for (std::size_t j = r * k; j < (r + 1) * k; ++j) sum += x.value[j] * y.value[j];
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
      R v = x.value[i];
      u[i] = arith_shift_right(v, m) + ((u[i] & low) < (v & low) ? 1 : 0);
    }
    return {std::move(u)};
  }

  Share trunc_pr_wide(const Share& x, int m) { return trunc_pr(x, m); }

  // --check-range: counts elements with |x| >= 2^bits.
  void count_outside(const Share& x, int bits, bool truncation) {
    std::uint64_t outside = 0;
    const R bound = pow2<R>(bits);
    for (R v : x.value) {
      R magnitude = to_signed(v) < 0 ? R{0} - v : v;
      outside += magnitude >= bound;
    }
    RangeStats& stats = session_.range_stats();
    (truncation ? stats.truncated : stats.compared) += x.value.size();
    (truncation ? stats.truncated_outside : stats.compared_outside) += outside;
  }

  // --- binary values and comparisons: the same results as rep3, computed directly.

  static int planes(const BShare& b) { return b.value.planes(); }
  BShare binput(int, const BitPlanes& bits, std::size_t, int) { return {bits}; }
  BShare bxor(const BShare& a, const BShare& b) const { return {a.value ^ b.value}; }
  BShare bnot(const BShare& a) const { return {~a.value}; }
  BShare band(const BShare& a, const BShare& b) { return {a.value & b.value}; }
  BitPlanes bopen(const BShare& a) { return a.value; }
  BShare bslice(const BShare& a, int from, int count) const { return {a.value.slice(from, count)}; }
  BShare bgather(const BShare& a, int start, int step, int count) const {
    return {a.value.gather(start, step, count)};
  }
  BShare bconcat(const BShare& a, const BShare& b) const { return {a.value.concat(b.value)}; }

  // Bit l-1 of x + 2^(l-1) mod 2^l: [x >= 0] for |x| < 2^(l-1).
  BShare msb(const Share& x, int l) {
    if (session_.check_range()) count_outside(x, l - 1, false);
    Tensor<R> bits(Shape{x.value.size()});
    for (std::size_t i = 0; i < bits.size(); ++i)
      bits[i] = (x.value[i] + pow2<R>(l - 1)) >> (l - 1) & 1;
    return {to_planes(bits, 0, 1)};
  }
  BShare eqz_bits(const Share& x, int l) {
    Tensor<R> bits(Shape{x.value.size()});
    const R mask = l == kRing ? ~R{0} : pow2<R>(l) - 1;
    for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = (x.value[i] & mask) == 0 ? 1 : 0;
    return {to_planes(bits, 0, 1)};
  }
  BShare bit_decompose(const Share& x, int l) { return {to_planes(x.value, 0, l)}; }
  BShare bit_decompose_summands(const Share& x) { return {to_planes(x.value, 0, kRing)}; }
  Share mod2m(const Share& x, int m) {
    Tensor<R> out = x.value;
    for (R& v : out) v &= pow2<R>(m) - 1;
    return {std::move(out)};
  }
  Share b2a(const BShare& b) {
    Tensor<R> out(Shape{b.value.n() * static_cast<std::size_t>(b.value.planes())});
    std::size_t i = 0;
    for (int j = 0; j < b.value.planes(); ++j)
      for (std::size_t e = 0; e < b.value.n(); ++e) out[i++] = b.value.get(j, e) ? 1 : 0;
    return {std::move(out)};
  }

 private:
  Session& session_;
  Prg& prg_;
};

}  // namespace sqt
