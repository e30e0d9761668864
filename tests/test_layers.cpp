// Every layer's forward and backward pass against the double-precision
// reference (src/nn/reference.h) on random inputs and random upstream
// gradients, for both protocols and rings; and a finite-difference check of
// a whole small network in the emulator.
#include <cmath>

#include "nn/loss.h"
#include "nn/model.h"
#include "nn/reference.h"
#include "protocol_fixture.h"

namespace sqt {
namespace {

template <class P>
using Layers = ProtocolTest<P>;
TYPED_TEST_SUITE(Layers, AllProtocols, ProtocolNames);

Tensor<double> random_reals(const Shape& shape, double lo, double hi, std::uint64_t seed, int f) {
  Prg prg = Prg::from_seed(seed);
  Tensor<double> t(shape);
  for (double& v : t) {
    v = lo + (hi - lo) * static_cast<double>(prg.next_u64() >> 11) / 0x1p53;
    v = std::ldexp(std::round(std::ldexp(v, f)), -f);  // on the fixed-point grid
  }
  return t;
}

// max |got - want| / (1 + |want|)
double worst_error(const Tensor<double>& got, const Tensor<double>& want) {
  EXPECT_EQ(got.size(), want.size());
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - want[i]) / (1 + std::abs(want[i])));
  return worst;
}

TYPED_TEST(Layers, DenseForwardAndBackwardMatchDoubles) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  const std::size_t batch = 16, in = 40, out = 7;
  Tensor<double> x = random_reals({batch, in}, -2, 2, 1, f),
                 dy = random_reals({batch, out}, -1, 1, 2, f);
  reference::Params params{{"weights", random_reals({in, out}, -0.5, 0.5, 3, f)},
                           {"bias", random_reals({out}, -1, 1, 4, f)}};
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    Dense<TypeParam> layer(in, out);
    auto ps = layer.params();
    ps[0]->value = input_fixed(p, 0, params["weights"], {in, out});
    ps[1]->value = input_fixed(p, 0, params["bias"], {out});
    auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
    auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
    const int extra = ps[0]->grad_extra_bits;
    return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx),
                                       decode_fixed(p.open(ps[0]->grad), f + extra),
                                       open_fixed(p, ps[1]->grad)};
  });
  reference::Params grads;
  Tensor<double> y = reference::dense_forward(x, params);
  Tensor<double> dx = reference::dense_backward(x, params, dy, grads);
  const double ulp = std::ldexp(1.0, -f);
  EXPECT_LT(worst_error(results[0], y), 2 * ulp);
  EXPECT_LT(worst_error(results[1], dx), 2 * ulp);
  EXPECT_LT(worst_error(results[2], grads["weights"]), 2 * ulp);
  EXPECT_LT(worst_error(results[3], grads["bias"]), 2 * ulp);
}

TYPED_TEST(Layers, ReluAndFlattenMatchDoubles) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  Tensor<double> x = random_reals({8, 2, 3, 5}, -3, 3, 5, f),
                 dy = random_reals({8, 30}, -1, 1, 6, f);
  x[0] = 0;  // ReLU'(0) counts as 1 in both implementations
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    Flatten<TypeParam> flatten;
    ReLU<TypeParam> relu;
    auto y = relu.forward(p, flatten.forward(p, input_fixed(p, 0, x, x.shape()), true), true);
    auto dx = flatten.backward(p, relu.backward(p, input_fixed(p, 0, dy, dy.shape())));
    EXPECT_EQ(TypeParam::shape(dx), x.shape());
    return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx)};
  });
  Tensor<double> flat = x.reshaped({8, 30});
  EXPECT_EQ(worst_error(results[0], reference::relu_forward(flat)), 0);
  EXPECT_EQ(worst_error(results[1], reference::relu_backward(flat, dy).reshaped(x.shape())), 0);
}

TYPED_TEST(Layers, SoftmaxCrossEntropyGradientAndLoss) {
  using R = typename TestFixture::R;
  const int f = kDefaultFracBits<R>;
  const std::size_t batch = 12, classes = 10;
  Tensor<double> z = random_reals({batch, classes}, -6, 6, 7, f);
  Tensor<R> onehot({batch, classes}, R{0});
  for (std::size_t i = 0; i < batch; ++i) onehot[i * classes + (i * 7) % classes] = 1;
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    SoftmaxCrossEntropy<TypeParam> loss;
    auto y = p.input(0, onehot, onehot.shape());
    auto grad = loss.gradient(p, input_fixed(p, 0, z, z.shape()), y);
    return std::vector<Tensor<double>>{open_fixed(p, grad), open_fixed(p, loss.loss_sum(p, y))};
  });
  Tensor<double> probs = reference::softmax_rows(z), grad = probs;
  // The secure loss is -ln(p + 2^-f) (a probability that rounds to 0 costs
  // f ln 2); p carries a few units of error, so ln(p) is off by about that
  // many units divided by p.
  double total = 0, tolerance = 0;
  for (std::size_t i = 0; i < batch * classes; ++i) {
    grad[i] -= static_cast<double>(onehot[i]);
    if (onehot[i]) {
      total -= std::log(probs[i] + std::ldexp(1.0, -f));
      tolerance += std::ldexp(8.0, -f) / (probs[i] + std::ldexp(1.0, -f)) + std::ldexp(64.0, -f);
    }
  }
  EXPECT_LT(worst_error(results[0], grad), std::ldexp(16.0, -f));
  EXPECT_NEAR(results[1][0], total, tolerance);
}

// d loss / d w by backward() against central finite differences of the loss
// computed by the same secure forward pass (emulator, k = 128, f = 32).
TEST(GradientCheck, WholeNetworkMatchesFiniteDifferences) {
  using P = Plain<u128>;
  SessionOptions options;
  options.frac_bits = 32;
  options.emulator_seed = 3;
  const std::size_t batch = 4;
  Tensor<double> x = random_reals({batch, 1, 2, 3}, -1, 1, 8, 32);
  Tensor<u128> onehot({batch, 3}, u128{0});
  for (std::size_t i = 0; i < batch; ++i) onehot[i * 3 + i % 3] = 1;
  ModelSpec spec{"tiny",
                 {1, 2, 3},
                 {{"flatten", {}}, {"dense", {{"out", 5}}}, {"relu", {}}, {"dense", {{"out", 3}}}}};
  run_local<P>(options, [&](P& p) {
    Sequential<P> model = build_model<P>(spec);
    model.initialize(p);
    auto input = input_fixed(p, 0, x, x.shape());
    auto labels = p.input(0, onehot, onehot.shape());
    auto loss_at = [&]() {
      SoftmaxCrossEntropy<P> loss;
      loss.gradient(p, model.forward(p, input, true), labels);
      return decode_fixed(p.open(loss.loss_sum(p, labels))[0], 32);
    };
    SoftmaxCrossEntropy<P> loss;
    model.backward(p, loss.gradient(p, model.forward(p, input, true), labels));
    int checked = 0;
    for (Param<P>* param : model.params()) {
      Tensor<double> analytic = decode_fixed(p.open(param->grad), 32 + param->grad_extra_bits);
      Tensor<double> values = open_fixed(p, param->value);
      for (std::size_t i = 0; i < values.size(); i += 3) {
        const double h = 1e-3;
        Tensor<double> plus = values, minus = values;
        plus[i] += h;
        minus[i] -= h;
        param->value = input_fixed(p, 0, plus, plus.shape());
        double up = loss_at();
        param->value = input_fixed(p, 0, minus, minus.shape());
        double down = loss_at();
        param->value = input_fixed(p, 0, values, values.shape());
        double numeric = (up - down) / (2 * h);
        EXPECT_NEAR(analytic[i], numeric, 1e-4 + 1e-3 * std::abs(numeric))
            << param->name << " " << i;
        ++checked;
      }
    }
    EXPECT_GT(checked, 10);
    return 0;
  });
}

}  // namespace
}  // namespace sqt

namespace sqt {
namespace {

template <class P>
using ConvLayers = ProtocolTest<P>;
TYPED_TEST_SUITE(ConvLayers, AllProtocols, ProtocolNames);

TYPED_TEST(ConvLayers, ConvolutionWithStrideAndPaddingMatchesDoubles) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  const std::size_t B = 3, C = 2, H = 7, W = 6, O = 4, k = 3, stride = 2, pad = 1;
  const std::size_t OH = (H + 2 * pad - k) / stride + 1, OW = (W + 2 * pad - k) / stride + 1;
  Tensor<double> x = random_reals({B, C, H, W}, -2, 2, 11, f),
                 dy = random_reals({B, O, OH, OW}, -1, 1, 12, f);
  reference::Params params{{"weights", random_reals({C * k * k, O}, -0.5, 0.5, 13, f)},
                           {"bias", random_reals({O}, -1, 1, 14, f)}};
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    Conv2D<TypeParam> layer(C, O, k, stride, pad);
    EXPECT_EQ(layer.output_shape({C, H, W}), (Shape{O, OH, OW}));
    auto ps = layer.params();
    ps[0]->value = input_fixed(p, 0, params["weights"], params["weights"].shape());
    ps[1]->value = input_fixed(p, 0, params["bias"], {O});
    auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
    auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
    return std::vector<Tensor<double>>{
        open_fixed(p, y), open_fixed(p, dx),
        decode_fixed(p.open(ps[0]->grad), f + ps[0]->grad_extra_bits), open_fixed(p, ps[1]->grad)};
  });
  reference::Params grads;
  reference::Conv conv{O, k, stride, pad};
  Tensor<double> y = reference::conv_forward(x, params, conv);
  Tensor<double> dx = reference::conv_backward(x, params, conv, dy, grads);
  const double ulp = std::ldexp(1.0, -f);
  EXPECT_LT(worst_error(results[0], y), 2 * ulp);
  EXPECT_LT(worst_error(results[1], dx), 2 * ulp);
  EXPECT_LT(worst_error(results[2], grads["weights"]), 2 * ulp);
  EXPECT_LT(worst_error(results[3], grads["bias"]), 2 * ulp);
}

// Overlapping windows (stride < size), odd window size and ties: the gradient
// of each window goes to exactly one (the first) maximal element and
// overlapping contributions add up; every other position gets zero.
TYPED_TEST(ConvLayers, MaxPoolingBackwardWithOverlapsAndTies) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  for (auto [size, stride] : {std::pair<std::size_t, std::size_t>{3, 2}, {2, 1}, {2, 2}}) {
    const std::size_t B = 2, C = 3, H = 7, W = 7;
    Tensor<double> x = random_reals({B, C, H, W}, -4, 4, 15 + size, f);
    for (std::size_t i = 0; i < x.size(); i += 5) x[i] = std::round(x[i]);  // many ties
    for (std::size_t i = 0; i < x.size(); i += 7) x[i] = 1.0;
    const std::size_t OH = (H - size) / stride + 1, OW = (W - size) / stride + 1;
    Tensor<double> dy = random_reals({B, C, OH, OW}, -1, 1, 16, f);
    auto results = TestFixture::run_agreed([&](TypeParam& p) {
      MaxPool2D<TypeParam> layer(size, stride);
      auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
      auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
      return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx)};
    });
    Tensor<double> dx;
    Tensor<double> y = reference::maxpool_forward(x, size, stride, &dx, &dy);
    EXPECT_EQ(worst_error(results[0], y), 0) << size << "/" << stride;
    EXPECT_LT(worst_error(results[1], dx), 1e-12) << size << "/" << stride;
  }
}

TYPED_TEST(ConvLayers, AveragePoolingMatchesDoubles) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  Tensor<double> x = random_reals({2, 2, 6, 6}, -4, 4, 17, f),
                 dy = random_reals({2, 2, 3, 3}, -1, 1, 18, f);
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    AvgPool2D<TypeParam> layer(2, 2);
    auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
    auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
    return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx)};
  });
  for (std::size_t i = 0; i < results[0].size(); ++i) {
    std::size_t bc = i / 9, oy = (i % 9) / 3, ox = i % 3;
    double sum = 0;
    for (std::size_t ky = 0; ky < 2; ++ky)
      for (std::size_t kx = 0; kx < 2; ++kx) sum += x[(bc * 6 + oy * 2 + ky) * 6 + ox * 2 + kx];
    EXPECT_NEAR(results[0][i], sum / 4, std::ldexp(2.0, -f));
  }
  for (std::size_t i = 0; i < results[1].size(); ++i) {
    std::size_t bc = i / 36, iy = (i % 36) / 6, ix = i % 6;
    EXPECT_NEAR(results[1][i], dy[bc * 9 + (iy / 2) * 3 + ix / 2] / 4, std::ldexp(2.0, -f));
  }
}

}  // namespace
}  // namespace sqt

namespace sqt {
namespace {

template <class P>
using NormLayers = ProtocolTest<P>;
TYPED_TEST_SUITE(NormLayers, AllProtocols, ProtocolNames);

TYPED_TEST(NormLayers, BatchNormForwardAndBackwardMatchDoubles) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  const std::size_t B = 8, C = 3, H = 2, W = 2, per = H * W;
  Tensor<double> x = random_reals({B, C, H, W}, -2, 3, 21, f),
                 dy = random_reals({B, C, H, W}, -1, 1, 22, f);
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    BatchNorm<TypeParam> layer(C);
    layer.initialize(p);
    auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
    auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
    auto ps = layer.params();
    return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx),
                                       open_fixed(p, ps[0]->grad), open_fixed(p, ps[1]->grad)};
  });
  // Reference with gamma = 1, beta = 0.
  const double n = static_cast<double>(B * per), eps = std::max(1e-5, std::ldexp(4.0, -f));
  Tensor<double> y(x.shape()), dx(x.shape()), dgamma({C}, 0.0), dbeta({C}, 0.0);
  for (std::size_t c = 0; c < C; ++c) {
    auto at = [&](std::size_t b, std::size_t q) { return (b * C + c) * per + q; };
    double mean = 0, var = 0, mean_d = 0, mean_dx = 0;
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t q = 0; q < per; ++q) mean += x[at(b, q)] / n;
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t q = 0; q < per; ++q) var += std::pow(x[at(b, q)] - mean, 2) / n;
    const double inv = 1 / std::sqrt(var + eps);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t q = 0; q < per; ++q) {
        double xh = (x[at(b, q)] - mean) * inv;
        y[at(b, q)] = xh;
        dgamma[c] += dy[at(b, q)] * xh;
        dbeta[c] += dy[at(b, q)];
        mean_d += dy[at(b, q)] / n;
        mean_dx += dy[at(b, q)] * xh / n;
      }
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t q = 0; q < per; ++q)
        dx[at(b, q)] = inv * (dy[at(b, q)] - mean_d - y[at(b, q)] * mean_dx);
  }
  const double tolerance = std::ldexp(64.0, -f);
  EXPECT_LT(worst_error(results[0], y), tolerance);
  EXPECT_LT(worst_error(results[1], dx), tolerance);
  EXPECT_LT(worst_error(results[2], dgamma), tolerance);
  EXPECT_LT(worst_error(results[3], dbeta), tolerance);
}

TYPED_TEST(NormLayers, DropoutKeepsHalfAndScalesByTwo) {
  const int f = kDefaultFracBits<typename TestFixture::R>;
  const std::size_t n = 4000;
  Tensor<double> x = random_reals({n, 1}, 0.5, 2, 23, f), dy = random_reals({n, 1}, 0.5, 1, 24, f);
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    Dropout<TypeParam> layer(0.5);
    auto y = layer.forward(p, input_fixed(p, 0, x, x.shape()), true);
    auto dx = layer.backward(p, input_fixed(p, 0, dy, dy.shape()));
    auto inference = layer.forward(p, input_fixed(p, 0, x, x.shape()), false);
    return std::vector<Tensor<double>>{open_fixed(p, y), open_fixed(p, dx),
                                       open_fixed(p, inference)};
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool keep = results[0][i] != 0;
    kept += keep;
    EXPECT_NEAR(results[0][i], keep ? 2 * x[i] : 0, std::ldexp(2.0, -f));
    EXPECT_NEAR(results[1][i], keep ? 2 * dy[i] : 0, std::ldexp(2.0, -f));  // same mask backward
    EXPECT_NEAR(results[2][i], x[i], 0);
  }
  // The masks come from fresh keys, so the count is random: six standard deviations make a
  // false failure ~2e-9 per instantiation (three failed about once in twelve suite runs) while a
  // wrong keep rate (0.25, 0.75) still fails.
  EXPECT_NEAR(static_cast<double>(kept) / n, 0.5, 6 * std::sqrt(0.25 / n));
}

}  // namespace
}  // namespace sqt

namespace sqt {
namespace {

template <class P>
using Outputs = ProtocolTest<P>;
TYPED_TEST_SUITE(Outputs, AllProtocols, ProtocolNames);

TYPED_TEST(Outputs, SigmoidBinaryCrossEntropyGradientAndLoss) {
  using R = typename TestFixture::R;
  const int f = kDefaultFracBits<R>;
  const std::size_t batch = 20;
  Tensor<double> z = random_reals({batch, 1}, -4, 4, 25, f);
  Tensor<R> y({batch, 1});
  for (std::size_t i = 0; i < batch; ++i) y[i] = i % 3 == 0;
  auto results = TestFixture::run_agreed([&](TypeParam& p) {
    SigmoidBinaryCrossEntropy<TypeParam> loss;
    auto labels = p.input(0, y, y.shape());
    auto grad = loss.gradient(p, input_fixed(p, 0, z, z.shape()), labels);
    return std::vector<Tensor<double>>{open_fixed(p, grad),
                                       open_fixed(p, loss.loss_sum(p, labels))};
  });
  double total = 0;
  Tensor<double> grad(z.shape());
  for (std::size_t i = 0; i < batch; ++i) {
    double prob = 1 / (1 + std::exp(-z[i]));
    grad[i] = prob - static_cast<double>(y[i]);
    total -= y[i] ? std::log(prob) : std::log(1 - prob);
  }
  EXPECT_LT(worst_error(results[0], grad), std::ldexp(16.0, -f));
  EXPECT_NEAR(results[1][0], total, batch * std::ldexp(512.0, -f));
}

}  // namespace
}  // namespace sqt
