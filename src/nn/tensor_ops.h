// tensor_ops.h — local rearrangements of shares used by layers (nn layer).
//
// Transposition, broadcasting a row vector over a batch and summing over the
// batch are local (no communication): they only move or add summands.
#pragma once

#include <vector>

#include "proto/protocol.h"

namespace sqt {

// [rows, cols] -> [cols, rows].
template <Protocol P>
typename P::Share transpose(const typename P::Share& x) {
  return P::transposed(x);
}

// [n] -> [batch, n] (the same row for every sample).
template <Protocol P>
typename P::Share broadcast_rows(const typename P::Share& row, std::size_t batch) {
  const std::size_t n = shape_size(P::shape(row));
  std::vector<std::size_t> indices(batch * n);
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i % n;
  return P::gather(row, indices, {batch, n});
}

// [batch, n] -> [n]: the sum over the batch.
template <Protocol P>
typename P::Share sum_rows(P& p, const typename P::Share& x) {
  const Shape& s = P::shape(x);
  const std::size_t batch = s[0], n = shape_size(s) / batch;
  typename P::Share sum = P::part(x, 0, {n});
  for (std::size_t b = 1; b < batch; ++b) sum = p.add(sum, P::part(x, b * n, {n}));
  return sum;
}

}  // namespace sqt
