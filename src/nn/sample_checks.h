// sample_checks.h — checks, inside MPC, that secret-shared samples from a
// data holder are well-formed, and the labels derived from them.
//
// A data holder is not trusted to send sensible values: under a malicious
// protocol the parties verify, without learning anything about honest
// samples, that every pixel lies in [0, 1] (fixed point [0, 2^f]), every
// one-hot entry is 0 or 1 and every one-hot row sums to 1. Each condition is
// a list of values that must not be negative; one comparison over all of
// them gives 0/1 flags whose sum is opened. For an honest holder the opened
// count is 0 whatever the data, so it reveals nothing; a nonzero count aborts
// the run. Cost: one exact comparison over the whole ring per value (two
// per pixel), so no value wraps around unnoticed on Z_2^128 either.
#pragma once

#include <string>
#include <vector>

#include "mpc/compare.h"
#include "nn/reveal_log.h"
#include "nn/shared_samples.h"

namespace sqt {

// Row sums of a [rows, cols] sharing -> [rows] (local).
template <BinaryProtocol P>
typename P::Share sum_columns(const typename P::Share& x) {
  const Shape& s = P::shape(x);
  std::vector<std::size_t> targets(shape_size(s));
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = i / s[1];
  return P::scatter_add(x, targets, {s[0]});
}

// Class indices from one-hot rows: sum_j j * onehot[i, j] (local).
template <BinaryProtocol P>
typename P::Share labels_from_onehot(P& p, const typename P::Share& onehot) {
  const Shape& s = P::shape(onehot);
  Tensor<typename P::Ring> index(s);
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<typename P::Ring>(i % s[1]);
  return sum_columns<P>(p.mul_public(onehot, index));
}

// How many values of `samples` are out of range (opened; 0 for honest input).
template <BinaryProtocol P>
std::uint64_t count_malformed(P& p, const SharedSamples<P>& samples, RevealLog& log,
                              const std::string& what) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  auto flat = [](const Share& x) { return P::reshaped(x, {shape_size(P::shape(x))}); };
  auto public_minus = [&](R c, const Share& x) {
    return p.add_public(p.neg(flat(x)), Tensor<R>(Shape{shape_size(P::shape(x))}, c));
  };
  const Share row_sums = sum_columns<P>(samples.onehot);
  const R one_fixed = R{1} << p.frac_bits();
  const std::vector<Share> must_be_nonnegative{
      flat(samples.x),
      public_minus(one_fixed, samples.x),
      flat(samples.onehot),
      public_minus(R{1}, samples.onehot),
      p.add_public(row_sums, Tensor<R>(Shape{samples.count}, static_cast<R>(-1))),
      public_minus(R{1}, row_sums)};
  const Share all = P::join(std::span<const Share>(must_be_nonnegative));
  const Share negative = ltz(p, all, kRingBits<R>);  // the whole ring: no value escapes
  const Share total =
      P::scatter_add(negative, std::vector<std::size_t>(shape_size(P::shape(all))), {1});
  return static_cast<std::uint64_t>(reveal(p, log, what, RevealLog::kEveryone, total)[0]);
}

}  // namespace sqt
