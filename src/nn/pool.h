// pool.h — max pooling and average pooling (NCHW), any window and stride.
//
// MaxPool2D gathers every window (locally; windows may overlap when
// stride < size) and takes the maximum with the balanced comparison tree of
// mpc/compare.h, keeping the comparison bits of every tree level. Backward
// replays the tree top-down to a one-hot selection per window (one
// multiplication per level), multiplies it by the output gradient and adds
// each window's contribution into the input gradient (local scatter-add), so
// overlapping windows accumulate and every position not selected gets 0.
//
// AvgPool2D sums each window locally and multiplies by 1/size^2.
#pragma once

#include "mpc/compare.h"
#include "mpc/fixed.h"
#include "nn/layer.h"

namespace sqt {

struct PoolGeometry {
  std::size_t channels, height, width, size, stride;
  std::size_t out_height() const { return (height - size) / stride + 1; }
  std::size_t out_width() const { return (width - size) / stride + 1; }
};

// For each (sample, channel, oy, ox) window and each position in it, the flat input index.
inline std::vector<std::size_t> window_indices(const PoolGeometry& g, std::size_t batch) {
  const std::size_t oh = g.out_height(), ow = g.out_width();
  std::vector<std::size_t> indices;
  indices.reserve(batch * g.channels * oh * ow * g.size * g.size);
  for (std::size_t bc = 0; bc < batch * g.channels; ++bc)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t ky = 0; ky < g.size; ++ky)
          for (std::size_t kx = 0; kx < g.size; ++kx)
            indices.push_back((bc * g.height + oy * g.stride + ky) * g.width + ox * g.stride + kx);
  return indices;
}

template <BinaryProtocol P>
class PoolBase : public Layer<P> {
 public:
  PoolBase(std::size_t size, std::size_t stride) : size_(size), stride_(stride) {}

  Shape output_shape(const Shape& input) const override {
    SQT_CHECK(input.size() == 3, "{}: input {} is not [channels, height, width]", this->name(),
              shape_string(input));
    SQT_CHECK(size_ >= 1 && stride_ >= 1 && input[1] >= size_ && input[2] >= size_,
              "{}: the window does not fit the input {}", this->name(), shape_string(input));
    PoolGeometry g{input[0], input[1], input[2], size_, stride_};
    return {input[0], g.out_height(), g.out_width()};
  }

 protected:
  void prepare(const typename P::Share& x) {
    const Shape& s = P::shape(x);
    PoolGeometry g{s[1], s[2], s[3], size_, stride_};
    if (s != input_shape_) {
      input_shape_ = s;
      g_ = g;
      windows_index_ = window_indices(g_, s[0]);
    }
  }
  std::size_t windows() const {
    return input_shape_[0] * g_.channels * g_.out_height() * g_.out_width();
  }
  Shape out_shape() const {
    return {input_shape_[0], g_.channels, g_.out_height(), g_.out_width()};
  }

  std::size_t size_, stride_;
  PoolGeometry g_{};
  Shape input_shape_;
  std::vector<std::size_t> windows_index_;
};

template <BinaryProtocol P>
class MaxPool2D final : public PoolBase<P> {
 public:
  using Share = typename P::Share;
  using PoolBase<P>::PoolBase;
  std::string name() const override {
    return fmt::format("maxpool2d {}x{} stride {}", this->size_, this->size_, this->stride_);
  }

  Share forward(P& p, const Share& x, bool) override {
    this->prepare(x);
    const std::size_t w = this->size_ * this->size_;
    Share windows = P::gather(x, this->windows_index_, {this->windows(), w});
    MaxResult<P> result = max_last_axis(p, windows, false, activation_bits(p));
    levels_ = std::move(result.levels);
    Share out = truncate_output_ ? truncate_product(p, result.max) : result.max;
    return P::reshaped(out, this->out_shape());
  }

  // The input has 2f fractional bits (see Conv2D::defer_truncation).
  void truncate_output() { truncate_output_ = true; }

  Share backward(P& p, const Share& grad) override {
    const std::size_t rows = this->windows(), w = this->size_ * this->size_;
    // Top-down: the selection mask of each node of the comparison tree.
    std::vector<std::size_t> widths{w};
    while (widths.back() > 1) widths.push_back(widths.back() / 2 + widths.back() % 2);
    Share mask = P::reshaped(grad, {rows, 1});  // the root carries the gradient itself
    for (std::size_t level = levels_.size(); level-- > 0;) {
      const std::size_t below = widths[level], pairs = below / 2, above = widths[level + 1];
      // mask: [rows, above]; pair i's winner bit c: right child gets mask c, left mask (1 - c).
      std::vector<std::size_t> pair_parent(rows * pairs);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < pairs; ++i) pair_parent[r * pairs + i] = r * above + i;
      Share parent = P::gather(mask, pair_parent, {rows, pairs});
      Share right = p.mul(parent, levels_[level]);
      Share left = p.sub(parent, right);
      // Children in order: left_0, right_0, left_1, right_1, ..., then the carried node.
      std::vector<Share> pieces;
      pieces.push_back(std::move(left));
      pieces.push_back(std::move(right));
      if (below % 2 == 1)
        pieces.push_back(P::gather(mask, column_of(rows, above, above - 1), {rows}));
      Share joined = P::join(pieces);
      std::vector<std::size_t> order(rows * below);
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t i = 0; i < pairs; ++i) {
          order[r * below + 2 * i] = r * pairs + i;
          order[r * below + 2 * i + 1] = rows * pairs + r * pairs + i;
        }
      }
      if (below % 2 == 1)
        for (std::size_t r = 0; r < rows; ++r) order[r * below + below - 1] = 2 * rows * pairs + r;
      mask = P::gather(joined, order, {rows, below});
    }
    return P::scatter_add(P::reshaped(mask, {rows * w}), this->windows_index_, this->input_shape_);
  }

 private:
  static std::vector<std::size_t> column_of(std::size_t rows, std::size_t width,
                                            std::size_t column) {
    std::vector<std::size_t> indices(rows);
    for (std::size_t r = 0; r < rows; ++r) indices[r] = r * width + column;
    return indices;
  }

  std::vector<Share> levels_;
  bool truncate_output_ = false;
};

template <BinaryProtocol P>
class AvgPool2D final : public PoolBase<P> {
 public:
  using Share = typename P::Share;
  using PoolBase<P>::PoolBase;
  std::string name() const override {
    return fmt::format("avgpool2d {}x{} stride {}", this->size_, this->size_, this->stride_);
  }

  Share forward(P& p, const Share& x, bool) override {
    this->prepare(x);
    const std::size_t w = this->size_ * this->size_;
    std::vector<std::size_t> to_window(this->windows() * w);
    for (std::size_t i = 0; i < to_window.size(); ++i) to_window[i] = i / w;
    Share sums = P::scatter_add(P::gather(x, this->windows_index_, {this->windows() * w}),
                                to_window, {this->windows()});
    return P::reshaped(mul_const(p, sums, 1.0 / static_cast<double>(w)), this->out_shape());
  }

  Share backward(P& p, const Share& grad) override {
    const std::size_t w = this->size_ * this->size_;
    Share scaled = mul_const(p, P::reshaped(grad, {this->windows()}), 1.0 / static_cast<double>(w));
    std::vector<std::size_t> repeat(this->windows() * w);
    for (std::size_t i = 0; i < repeat.size(); ++i) repeat[i] = i / w;
    return P::scatter_add(P::gather(scaled, repeat, {repeat.size()}), this->windows_index_,
                          this->input_shape_);
  }
};

}  // namespace sqt
