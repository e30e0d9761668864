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
  SQT_CHECK(x.size() == batch * in, "dense: input {} does not match weights {}",
            shape_string(x.shape()), shape_string(w.shape()));
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
    for (std::size_t c = 0; c < cols; ++c)
      sum += (z[r * cols + c] = std::exp(z[r * cols + c] - top));
    for (std::size_t c = 0; c < cols; ++c) z[r * cols + c] /= sum;
  }
  return z;
}

struct Conv {
  std::size_t out, kernel, stride, padding;
};

// Calls tap(y_index, x_index, w_index) for every multiply-add of the
// convolution of x [B, C, H, W] into y [B, O, OH, OW] (padding taps skipped).
template <class Tap>
void for_each_conv_tap(const Shape& xs, const Conv& c, std::size_t OH, std::size_t OW, Tap&& tap) {
  const std::size_t B = xs[0], C = xs[1], H = xs[2], W = xs[3], k = c.kernel;
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t o = 0; o < c.out; ++o)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox)
          for (std::size_t ch = 0; ch < C; ++ch)
            for (std::size_t ky = 0; ky < k; ++ky)
              for (std::size_t kx = 0; kx < k; ++kx) {
                long iy = static_cast<long>(oy * c.stride + ky) - static_cast<long>(c.padding);
                long ix = static_cast<long>(ox * c.stride + kx) - static_cast<long>(c.padding);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W))
                  continue;
                tap(((b * c.out + o) * OH + oy) * OW + ox,
                    ((b * C + ch) * H + static_cast<std::size_t>(iy)) * W +
                        static_cast<std::size_t>(ix),
                    ((ch * k + ky) * k + kx) * c.out + o);
              }
}

// x [B, C, H, W], weights [C*k*k, O] (as the secure layer stores them), bias [O].
inline Tensor<double> conv_forward(const Tensor<double>& x, const Params& params, const Conv& c) {
  const Tensor<double>& w = params.at("weights");
  const Tensor<double>& bias = params.at("bias");
  const std::size_t B = x.dim(0), H = x.dim(2), W = x.dim(3), k = c.kernel;
  const std::size_t OH = (H + 2 * c.padding - k) / c.stride + 1,
                    OW = (W + 2 * c.padding - k) / c.stride + 1;
  Tensor<double> y(Shape{B, c.out, OH, OW});
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = bias[(i / (OH * OW)) % c.out];
  for_each_conv_tap(x.shape(), c, OH, OW, [&](std::size_t yi, std::size_t xi, std::size_t wi) {
    y[yi] += x[xi] * w[wi];
  });
  return y;
}

inline Tensor<double> conv_backward(const Tensor<double>& x, const Params& params, const Conv& c,
                                    const Tensor<double>& dy, Params& grads) {
  const Tensor<double>& w = params.at("weights");
  const std::size_t OH = dy.dim(2), OW = dy.dim(3);
  Tensor<double> dx(x.shape(), 0.0), dw(w.shape(), 0.0), db(Shape{c.out}, 0.0);
  for (std::size_t i = 0; i < dy.size(); ++i) db[(i / (OH * OW)) % c.out] += dy[i];
  for_each_conv_tap(x.shape(), c, OH, OW, [&](std::size_t yi, std::size_t xi, std::size_t wi) {
    dw[wi] += x[xi] * dy[yi];
    dx[xi] += w[wi] * dy[yi];
  });
  grads["weights"] = dw;
  grads["bias"] = db;
  return dx;
}

// Max pooling; the gradient goes to the first maximal element of each window.
inline Tensor<double> maxpool_forward(const Tensor<double>& x, std::size_t size, std::size_t stride,
                                      Tensor<double>* dx_for = nullptr,
                                      const Tensor<double>* dy = nullptr) {
  const std::size_t B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  const std::size_t OH = (H - size) / stride + 1, OW = (W - size) / stride + 1;
  Tensor<double> y(Shape{B, C, OH, OW});
  if (dx_for) *dx_for = Tensor<double>(x.shape(), 0.0);
  for (std::size_t bc = 0; bc < B * C; ++bc)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        std::size_t best = (bc * H + oy * stride) * W + ox * stride;
        for (std::size_t ky = 0; ky < size; ++ky)
          for (std::size_t kx = 0; kx < size; ++kx) {
            std::size_t i = (bc * H + oy * stride + ky) * W + ox * stride + kx;
            if (x[i] > x[best]) best = i;
          }
        std::size_t out = (bc * OH + oy) * OW + ox;
        y[out] = x[best];
        if (dx_for) (*dx_for)[best] += (*dy)[out];
      }
  return y;
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
      } else if (type == "conv2d") {
        const LayerSpec& l = spec.layers[i];
        x = conv_forward(x, params[i],
                         {static_cast<std::size_t>(l.attr("out", 0)),
                          static_cast<std::size_t>(l.attr("kernel", 0)),
                          static_cast<std::size_t>(l.attr("stride", 1)),
                          static_cast<std::size_t>(l.attr("padding", 0))});
      } else if (type == "maxpool2d") {
        const LayerSpec& l = spec.layers[i];
        x = maxpool_forward(x, static_cast<std::size_t>(l.attr("size", 0)),
                            static_cast<std::size_t>(l.attr("stride", l.attr("size", 0))));
      } else {
        fail("reference model: layer {} has unsupported type '{}'", i, type);
      }
    }
    return x;
  }
};

}  // namespace sqt::reference
