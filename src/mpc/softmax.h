// softmax.h — softmax along the last axis.
//
// Subtract the row maximum (a comparison tree, compare.h) so that every
// exponent is <= 0 and the row sum lies in [1, width]; then divide every
// exponential by the sum (one reciprocal per row).
#pragma once

#include "mpc/compare.h"
#include "mpc/divide.h"
#include "mpc/exp.h"

namespace sqt {

// Repeats each element of a [rows] share `width` times: [rows, width].
template <BinaryProtocol P>
typename P::Share broadcast_last(const typename P::Share& x, std::size_t rows, std::size_t width) {
  std::vector<std::size_t> indices(rows * width);
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i / width;
  return P::gather(x, indices, {rows, width});
}

// Sum over the last axis of a [rows, width] share: [rows] (local).
template <BinaryProtocol P>
typename P::Share sum_last(P& p, const typename P::Share& x, std::size_t rows, std::size_t width) {
  typename P::Share sum = column(p, x, rows, width, 0);
  for (std::size_t j = 1; j < width; ++j) sum = p.add(sum, column(p, x, rows, width, j));
  return sum;
}

template <BinaryProtocol P>
typename P::Share softmax(P& p, const typename P::Share& x) {
  using Share = typename P::Share;
  const Shape shape = P::shape(x);
  const std::size_t width = shape.back(), rows = shape_size(shape) / width;
  Share flat = P::reshaped(x, {rows, width});
  Share row_max = P::reshaped(max_last_axis(p, flat, false).max, {rows});
  Share exps = exp(p, p.sub(flat, broadcast_last<P>(row_max, rows, width)));
  Share inverse = reciprocal_positive(p, sum_last(p, exps, rows, width));
  return P::reshaped(fix_mul(p, exps, broadcast_last<P>(inverse, rows, width)), shape);
}

}  // namespace sqt
