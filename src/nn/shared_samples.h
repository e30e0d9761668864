// shared_samples.h — a labelled sample set held only as shares by the
// computing parties (input by `sqt holder` data holders, app/holder_data.h).
//
// x holds the pixels as fixed point, [count, C, H, W]; onehot the labels as
// one-hot rows, [count, classes]; labels the class indices, [count] (a local
// linear function of onehot). Batches are taken by a public row order, so a
// batch costs no communication. The owner is the caller (the training job);
// the Trainer only reads.
#pragma once

#include <cstddef>
#include <numeric>
#include <vector>

#include "proto/protocol.h"

namespace sqt {

template <Protocol P>
struct SharedSamples {
  typename P::Share x, onehot, labels;
  std::size_t count = 0;
};

template <Protocol P>
struct SharedTrainTest {
  SharedSamples<P> train, test;
};

// Element indices of rows rows[first .. first + count) of a [n, width] tensor.
inline std::vector<std::size_t> row_elements(const std::vector<std::size_t>& rows,
                                             std::size_t first, std::size_t count,
                                             std::size_t width) {
  std::vector<std::size_t> out(count * width);
  for (std::size_t i = 0; i < count; ++i)
    std::iota(out.begin() + static_cast<std::ptrdiff_t>(i * width),
              out.begin() + static_cast<std::ptrdiff_t>((i + 1) * width), rows[first + i] * width);
  return out;
}

// Samples rows[first .. first + count) of `all`, in that order (local).
template <Protocol P>
SharedSamples<P> take_rows(const SharedSamples<P>& all, const std::vector<std::size_t>& rows,
                           std::size_t first, std::size_t count) {
  Shape x_shape = P::shape(all.x);
  x_shape[0] = count;
  const std::size_t width = shape_size(x_shape) / count;
  const std::size_t classes = P::shape(all.onehot)[1];
  return {P::gather(all.x, row_elements(rows, first, count, width), x_shape),
          P::gather(all.onehot, row_elements(rows, first, count, classes), {count, classes}),
          P::gather(all.labels, row_elements(rows, first, count, 1), {count}), count};
}

}  // namespace sqt
