// reference.h — the same layers in double precision, in the clear.
//
// Used by `sqt eval` to evaluate a revealed model and by the tests as the
// reference that every secure layer is compared with. Batches are
// [batch, features...] tensors of doubles; parameters are named like the
// secure layers' Params.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "nn/model_spec.h"

namespace sqt::reference {

using Params = std::map<std::string, Tensor<double>>;  // "weights", "bias"

inline Tensor<double> dense_forward(const Tensor<double>& x, const Params& params) {
  const Tensor<double>& w = params.at("weights");
  const Tensor<double>& b = params.at("bias");
  const std::size_t batch = x.dim(0), in = w.dim(0), out = w.dim(1);
  SQT_CHECK(x.size() == batch * in, "dense: input {} does not match weights {}", shape_string(x.shape()),
            shape_string(w.shape()));
  Tensor<double> y(Shape{batch, out}, 0.0);
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t i = 0; i < in; ++i) {
      double v = x[n * in + i];
      for (std::size_t o = 0; o < out; ++o) y[n * out + o] += v * w[i * out + o];
    }
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t o = 0; o < out; ++o) y[n * out + o] += b[o];
  return y;
}

// Returns dx and fills grads["weights"], grads["bias"] (sums over the batch).
inline Tensor<double> dense_backward(const Tensor<double>& x, const Params& params,
                                     const Tensor<double>& dy, Params& grads) {
  const Tensor<double>& w = params.at("weights");
  const std::size_t batch = dy.dim(0), in = w.dim(0), out = w.dim(1);
  Tensor<double> dw(Shape{in, out}, 0.0), db(Shape{out}, 0.0), dx(Shape{batch, in}, 0.0);
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t o = 0; o < out; ++o) {
      double g = dy[n * out + o];
      db[o] += g;
      for (std::size_t i = 0; i < in; ++i) {
        dw[i * out + o] += x[n * in + i] * g;
        dx[n * in + i] += g * w[i * out + o];
      }
    }
  grads["weights"] = dw;
  grads["bias"] = db;
  return dx;
}

inline Tensor<double> relu_forward(Tensor<double> x) {
  for (double& v : x) v = v >= 0 ? v : 0;
  return x;
}

inline Tensor<double> relu_backward(const Tensor<double>& x, Tensor<double> dy) {
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = x[i] >= 0 ? dy[i] : 0;
  return dy;
}

inline Tensor<double> softmax_rows(Tensor<double> z) {
  const std::size_t rows = z.dim(0), cols = z.size() / rows;
  for (std::size_t r = 0; r < rows; ++r) {
    double top = z[r * cols], sum = 0;
    for (std::size_t c = 0; c < cols; ++c) top = std::max(top, z[r * cols + c]);
    for (std::size_t c = 0; c < cols; ++c) sum += (z[r * cols + c] = std::exp(z[r * cols + c] - top));
    for (std::size_t c = 0; c < cols; ++c) z[r * cols + c] /= sum;
  }
  return z;
}

// A whole model with parameters, evaluated in the clear.
struct Model {
  ModelSpec spec;
  std::vector<Params> params;  // one entry per layer (empty for parameter-free layers)

  Tensor<double> forward(Tensor<double> x) const {
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
      const std::string& type = spec.layers[i].type;
      const std::size_t batch = x.dim(0);
      if (type == "flatten") {
        x = std::move(x).reshaped({batch, x.size() / batch});
      } else if (type == "dense") {
        x = dense_forward(x, params[i]);
      } else if (type == "relu") {
        x = relu_forward(std::move(x));
      } else {
        fail("reference model: layer {} has unsupported type '{}'", i, type);
      }
    }
    return x;
  }
};

}  // namespace sqt::reference
