// batchnorm.h — batch normalisation over the batch (and spatial positions).
//
// Training: per feature (per channel for [batch, C, H, W]) mean mu and
// variance v over the N = batch * H * W values, x^ = (x - mu) / sqrt(v + eps)
// with the inverse square root from mpc/sqrt.h (one per feature, cheap),
// y = gamma x^ + beta; running statistics are kept for inference
// (momentum 0.9). Backward (per feature):
//   dx = (1/sqrt(v + eps)) (dx^ - mean(dx^) - x^ mean(dx^ x^)),  dx^ = gamma dy,
//   dgamma = sum dy x^, dbeta = sum dy.
// Division by N is a multiplication by the public constant 1/N.
#pragma once

#include "mpc/fixed.h"
#include "mpc/random.h"
#include "mpc/sqrt.h"
#include "nn/init.h"
#include "nn/layer.h"

namespace sqt {

template <BinaryProtocol P>
class BatchNorm final : public Layer<P> {
 public:
  using Share = typename P::Share;
  using R = typename P::Ring;
  explicit BatchNorm(std::size_t features) : features_(features) {
    gamma_.name = "gamma";
    gamma_.shape = {features};
    beta_.name = "beta";
    beta_.shape = {features};
  }

  std::string name() const override { return fmt::format("batchnorm {}", features_); }
  Shape output_shape(const Shape& input) const override {
    SQT_CHECK(!input.empty() && input[0] == features_,
              "{}: input {} does not have {} features/channels first", name(), shape_string(input),
              features_);
    return input;
  }

  void initialize(P& p) override {
    gamma_.value = p.constant(encode_fixed<R>(Tensor<double>({features_}, 1.0), p.frac_bits()));
    beta_.value = zeros(p, {features_});
    running_mean_ = zeros(p, {features_});
    running_inv_std_ = p.constant(encode_fixed<R>(Tensor<double>({features_}, 1.0), p.frac_bits()));
  }

  std::vector<Share*> buffers() override { return {&running_mean_, &running_inv_std_}; }

  Share forward(P& p, const Share& x, bool training) override {
    shape_ = P::shape(x);
    prepare_indices();
    if (!training) return affine(p, x, running_mean_, running_inv_std_);
    const double inv_n = 1.0 / static_cast<double>(count_);
    Share mean = mul_const(p, sum_features(x), inv_n);
    centered_ = p.sub(x, expand(mean));
    Share variance = mul_const(p, sum_features(fix_mul(p, centered_, centered_)), inv_n);
    inv_std_ = invsqrt(p, add_const(p, variance, epsilon(p)));
    normalized_ = fix_mul(p, centered_, expand(inv_std_));
    running_mean_ =
        p.add(mul_const(p, running_mean_, kMomentum), mul_const(p, mean, 1 - kMomentum));
    running_inv_std_ =
        p.add(mul_const(p, running_inv_std_, kMomentum), mul_const(p, inv_std_, 1 - kMomentum));
    return p.add(fix_mul(p, normalized_, expand(gamma_.value)), expand(beta_.value));
  }

  Share backward(P& p, const Share& grad) override {
    const double inv_n = 1.0 / static_cast<double>(count_);
    gamma_.grad = sum_features(fix_mul(p, grad, normalized_));
    beta_.grad = sum_features(grad);
    if (!this->needs_input_grad_) return grad;
    Share dnorm = fix_mul(p, grad, expand(gamma_.value));
    Share mean_d = mul_const(p, sum_features(dnorm), inv_n);
    Share mean_dx = mul_const(p, sum_features(fix_mul(p, dnorm, normalized_)), inv_n);
    Share inner = p.sub(p.sub(dnorm, expand(mean_d)), fix_mul(p, normalized_, expand(mean_dx)));
    return fix_mul(p, inner, expand(inv_std_));
  }

  std::vector<Param<P>*> params() override { return {&gamma_, &beta_}; }

 private:
  static constexpr double kMomentum = 0.9;
  static double epsilon(const P& p) { return std::max(1e-5, std::ldexp(4.0, -p.frac_bits())); }

  // (x - mean) * inv_std * gamma + beta with given statistics (inference).
  Share affine(P& p, const Share& x, const Share& mean, const Share& inv_std) {
    Share normalized = fix_mul(p, p.sub(x, expand(mean)), expand(inv_std));
    return p.add(fix_mul(p, normalized, expand(gamma_.value)), expand(beta_.value));
  }

  // Feature index of every element: [B, F] or [B, C, H, W] (channel).
  void prepare_indices() {
    if (feature_of_.size() == shape_size(shape_)) return;
    const std::size_t batch = shape_[0], per_sample = shape_size(shape_) / batch;
    const std::size_t spatial = per_sample / features_;
    feature_of_.resize(shape_size(shape_));
    for (std::size_t i = 0; i < feature_of_.size(); ++i)
      feature_of_[i] = (i % per_sample) / spatial;
    count_ = batch * spatial;
  }
  Share sum_features(const Share& x) const {
    return P::scatter_add(P::reshaped(x, {shape_size(shape_)}), feature_of_, {features_});
  }
  Share expand(const Share& per_feature) const {
    return P::gather(per_feature, feature_of_, shape_);
  }

  std::size_t features_, count_ = 1;
  Param<P> gamma_, beta_;
  Shape shape_;
  std::vector<std::size_t> feature_of_;
  Share centered_, normalized_, inv_std_, running_mean_, running_inv_std_;
};

// Dropout with rate q during training: keep each value with probability
// 1 - q (a secret random bit: a uniform fixed-point number compared with q)
// and scale kept values by 1/(1 - q). Identity at inference.
template <BinaryProtocol P>
class Dropout final : public Layer<P> {
 public:
  using Share = typename P::Share;
  explicit Dropout(double rate) : rate_(rate) {
    SQT_CHECK(rate > 0 && rate < 1, "dropout rate {} is not in (0, 1)", rate);
  }
  std::string name() const override { return fmt::format("dropout {}", rate_); }
  Shape output_shape(const Shape& input) const override { return input; }

  Share forward(P& p, const Share& x, bool training) override {
    if (!training) return x;
    using R = typename P::Ring;
    Share u = rand_fixed(p, P::shape(x), 0.0, 0);  // uniform in [0, 1)
    Share drop = ltz(p, add_const(p, u, -rate_));  // [u < rate]
    Share keep = add_scalar(p, p.neg(drop), R{1});
    scaled_mask_ = p.scale(keep, encode_fixed<R>(1 / (1 - rate_), p.frac_bits()));
    return fix_mul(p, x, scaled_mask_);
  }
  Share backward(P& p, const Share& grad) override {
    return this->needs_input_grad_ ? fix_mul(p, grad, scaled_mask_) : grad;
  }

 private:
  double rate_;
  Share scaled_mask_;
};

}  // namespace sqt
