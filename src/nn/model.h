// model.h — a sequential network of layers for one protocol.
//
// build_model<P>(spec) creates the layers and propagates the sample shape
// through them; a layer whose input does not fit reports its index, name and
// the shapes involved.
#pragma once

#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/model_spec.h"
#include "nn/pool.h"
#include "nn/relu.h"

namespace sqt {

template <BinaryProtocol P>
class Sequential {
 public:
  using Share = typename P::Share;

  void add(LayerPtr<P> layer) { layers_.push_back(std::move(layer)); }
  std::vector<LayerPtr<P>>& layers() { return layers_; }

  void initialize(P& p) {
    for (auto& layer : layers_) layer->initialize(p);
    // No gradient flows into the data: every layer up to and including the
    // first one with parameters skips its input gradient.
    for (auto& layer : layers_) {
      layer->set_needs_input_grad(false);
      if (!layer->params().empty()) break;
    }
    fuse_conv_pool_truncation(p);
  }

  Share forward(P& p, Share x, bool training) {
    for (auto& layer : layers_) x = layer->forward(p, x, training);
    return x;
  }

  void backward(P& p, Share grad) {
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) grad = (*it)->backward(p, grad);
  }

  std::vector<Param<P>*> params() {
    std::vector<Param<P>*> all;
    for (auto& layer : layers_)
      for (Param<P>* param : layer->params()) all.push_back(param);
    return all;
  }

 private:
  // Conv2D followed by MaxPool2D: truncate after pooling (size^2 fewer
  // truncations), when 2f plus ~20 bits of magnitude stay within the range
  // of exact comparisons.
  void fuse_conv_pool_truncation(P& p) {
    if (2 * p.frac_bits() + 20 > value_bits(p) - 1) return;
    for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
      auto* conv = dynamic_cast<Conv2D<P>*>(layers_[i].get());
      auto* pool = dynamic_cast<MaxPool2D<P>*>(layers_[i + 1].get());
      if (conv && pool) {
        conv->defer_truncation();
        pool->truncate_output();
      }
    }
  }

  std::vector<LayerPtr<P>> layers_;
};

template <BinaryProtocol P>
LayerPtr<P> make_layer(const LayerSpec& spec, const Shape& input, std::size_t index) {
  auto where = [&] { return fmt::format("layer {} ({})", index, spec.type); };
  if (spec.type == "dense") {
    long out = spec.attr("out", 0);
    SQT_CHECK(out > 0, "{}: needs a positive 'out'", where());
    SQT_CHECK(input.size() == 1, "{}: input shape {} is not flat; add a flatten layer before it",
              where(), shape_string(input));
    return std::make_unique<Dense<P>>(input[0], static_cast<std::size_t>(out));
  }
  if (spec.type == "relu") return std::make_unique<ReLU<P>>();
  if (spec.type == "conv2d") {
    long out = spec.attr("out", 0), kernel = spec.attr("kernel", 0);
    long stride = spec.attr("stride", 1), padding = spec.attr("padding", 0);
    SQT_CHECK(out > 0 && kernel > 0 && stride > 0 && padding >= 0,
              "{}: needs positive 'out', 'kernel', 'stride' and padding >= 0", where());
    SQT_CHECK(input.size() == 3, "{}: input {} is not [channels, height, width]", where(),
              shape_string(input));
    return std::make_unique<Conv2D<P>>(
        input[0], static_cast<std::size_t>(out), static_cast<std::size_t>(kernel),
        static_cast<std::size_t>(stride), static_cast<std::size_t>(padding));
  }
  if (spec.type == "batchnorm") {
    SQT_CHECK(!input.empty(), "{}: empty input", where());
    return std::make_unique<BatchNorm<P>>(input[0]);
  }
  if (spec.type == "dropout") {
    long percent = spec.attr("percent", 50);
    SQT_CHECK(percent > 0 && percent < 100, "{}: 'percent' must be in 1..99", where());
    return std::make_unique<Dropout<P>>(static_cast<double>(percent) / 100);
  }
  if (spec.type == "maxpool2d" || spec.type == "avgpool2d") {
    long size = spec.attr("size", 0), stride = spec.attr("stride", size);
    SQT_CHECK(size > 0 && stride > 0, "{}: needs a positive 'size' (and 'stride')", where());
    if (spec.type == "maxpool2d")
      return std::make_unique<MaxPool2D<P>>(static_cast<std::size_t>(size),
                                            static_cast<std::size_t>(stride));
    return std::make_unique<AvgPool2D<P>>(static_cast<std::size_t>(size),
                                          static_cast<std::size_t>(stride));
  }
  if (spec.type == "flatten") return std::make_unique<Flatten<P>>();
  fail(
      "{}: unknown layer type '{}' (known: dense, relu, flatten, conv2d, maxpool2d, "
      "avgpool2d, batchnorm, dropout)",
      where(), spec.type);
}

// Builds the layers and returns them with the output shape of one sample.
template <BinaryProtocol P>
Sequential<P> build_model(const ModelSpec& spec, Shape* output = nullptr) {
  Sequential<P> model;
  Shape shape = spec.input;
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    LayerPtr<P> layer = make_layer<P>(spec.layers[i], shape, i);
    try {
      shape = layer->output_shape(shape);
    } catch (const Error& e) {
      fail("model '{}', layer {} ({}): {}", spec.name, i, layer->name(), e.what());
    }
    model.add(std::move(layer));
  }
  if (output) *output = shape;
  return model;
}

}  // namespace sqt
