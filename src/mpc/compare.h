// compare.h — comparisons, selection, maximum and argmax on fixed-point shares.
//
// All results are arithmetic 0/1 shares shaped like the inputs and exact for
// inputs with |x| < 2^(value_bits - 1) (ring integers; 2^(63 - f) as reals).
// Costs: see docs/math.md.
#pragma once

#include <vector>

#include "mpc/basic.h"

namespace sqt {

// [x < 0], exact for |x| < 2^(bits - 1) (default: value_bits).
template <BinaryProtocol P>
typename P::Share ltz(P& p, const typename P::Share& x, int bits = 0) {
  return bit_to_arith(p, p.bnot(p.msb(x, bits > 0 ? bits : value_bits(p))), P::shape(x));
}

// Comparison width for activations in network layers: values up to 2^15 as
// reals even with 2f fractional bits (before a deferred truncation); narrower
// comparisons are cheaper.
template <Protocol P>
int activation_bits(const P& p) {
  return std::min(value_bits(p), 2 * p.frac_bits() + 16);
}

// [x < y]
template <BinaryProtocol P>
typename P::Share less_than(P& p, const typename P::Share& x, const typename P::Share& y) {
  return ltz(p, p.sub(x, y));
}

// [x = 0]
template <BinaryProtocol P>
typename P::Share eqz(P& p, const typename P::Share& x) {
  return bit_to_arith(p, p.eqz_bits(x, value_bits(p)), P::shape(x));
}

// [x = y]
template <BinaryProtocol P>
typename P::Share equal(P& p, const typename P::Share& x, const typename P::Share& y) {
  return eqz(p, p.sub(x, y));
}

// b ? x : y for an arithmetic bit b: y + b (x - y), one multiplication.
template <BinaryProtocol P>
typename P::Share select(P& p, const typename P::Share& b, const typename P::Share& x,
                         const typename P::Share& y) {
  return p.add(y, p.mul(b, p.sub(x, y)));
}

// The maximum along the last axis by a balanced tree of comparisons.
// levels[i] holds, for every comparison of tree level i, the bit
// [left < right] (1: the right operand won), for use in backward passes.
template <BinaryProtocol P>
struct MaxResult {
  typename P::Share max;                  // shape: input shape without the last axis
  typename P::Share argmax;               // index (integer) of a maximal element (if asked)
  std::vector<typename P::Share> levels;  // per level: [rows, pairs] comparison bits
};

// with_argmax = false skips the index bookkeeping (half the selection work)
// when only the maximum and the comparison bits are needed (max pooling).
template <BinaryProtocol P>
MaxResult<P> max_last_axis(P& p, const typename P::Share& x, bool with_argmax = true,
                           int bits = 0) {
  using R = typename P::Ring;
  using Share = typename P::Share;
  const Shape& shape = P::shape(x);
  SQT_CHECK(!shape.empty() && shape.back() >= 1, "max: the last axis of {} is empty",
            shape_string(shape));
  const std::size_t width = shape.back(), rows = shape_size(shape) / width;
  // Columns as a list of [rows] shares: values and their indices.
  Share values = P::reshaped(x, {rows, width});
  std::vector<Share> cols, idx;
  for (std::size_t j = 0; j < width; ++j) {
    cols.push_back(column(p, values, rows, width, j));
    if (with_argmax) idx.push_back(p.constant(Tensor<R>({rows}, static_cast<R>(j))));
  }
  MaxResult<P> result;
  while (cols.size() > 1) {
    const std::size_t pairs = cols.size() / 2;
    std::vector<Share> left, right, left_idx, right_idx;
    for (std::size_t i = 0; i < pairs; ++i) {  // moved: only an odd last column stays
      left.push_back(std::move(cols[2 * i]));
      right.push_back(std::move(cols[2 * i + 1]));
      if (with_argmax) {
        left_idx.push_back(std::move(idx[2 * i]));
        right_idx.push_back(std::move(idx[2 * i + 1]));
      }
    }
    Share l = P::join(left), r = P::join(right);
    Share right_wins = ltz(p, p.sub(l, r), bits);  // [left < right]
    // One multiplication for both the values and the indices.
    Share chosen;
    if (with_argmax) {
      Share li = P::join(left_idx), ri = P::join(right_idx);
      Share bits2 = P::join(std::vector<Share>{right_wins, right_wins});
      Share diffs = P::join(std::vector<Share>{p.sub(r, l), p.sub(ri, li)});
      chosen = p.add(P::join(std::vector<Share>{l, li}), p.mul(bits2, diffs));
    } else {
      chosen = p.add(l, p.mul(right_wins, p.sub(r, l)));
    }
    result.levels.push_back(
        P::reshaped(transpose_pairs(p, right_wins, pairs, rows), {rows, pairs}));
    std::vector<Share> next_cols, next_idx;
    for (std::size_t i = 0; i < pairs; ++i) {
      next_cols.push_back(P::part(chosen, i * rows, {rows}));
      if (with_argmax) next_idx.push_back(P::part(chosen, (pairs + i) * rows, {rows}));
    }
    if (cols.size() % 2 == 1) {
      next_cols.push_back(cols.back());
      if (with_argmax) next_idx.push_back(idx.back());
    }
    cols = std::move(next_cols);
    idx = std::move(next_idx);
  }
  Shape out_shape(shape.begin(), shape.end() - 1);
  result.max = P::reshaped(cols[0], out_shape);
  if (with_argmax) result.argmax = P::reshaped(idx[0], out_shape);
  return result;
}

// Column j of a [rows, width] share.
template <BinaryProtocol P>
typename P::Share column(P&, const typename P::Share& x, std::size_t rows, std::size_t width,
                         std::size_t j) {
  std::vector<std::size_t> indices(rows);
  for (std::size_t r = 0; r < rows; ++r) indices[r] = r * width + j;
  return P::gather(x, indices, {rows});
}

// [pairs * rows] (pair-major) to [rows * pairs] (row-major).
template <BinaryProtocol P>
typename P::Share transpose_pairs(P&, const typename P::Share& x, std::size_t pairs,
                                  std::size_t rows) {
  std::vector<std::size_t> indices(rows * pairs);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < pairs; ++i) indices[r * pairs + i] = i * rows + r;
  return P::gather(x, indices, {rows * pairs});
}

}  // namespace sqt
