// king_reduction.h — degree reduction of Shamir sharings by a rotating king
// (Damgård and Nielsen, CRYPTO 2007), for the shamir protocol with many
// parties: bytes per party per product stay constant in N.
//
// Preprocessing (one round, counted as offline): double sharings, pairs of a
// degree-t and a degree-2t sharing of one random value r. Every party shares
// B random values at both degrees; the parties apply the (N-t) x N
// Vandermonde matrix ((q+1)^k for party q's input, row k) to both, which
// gives (N-t) B double sharings that any t parties know nothing about (the
// honest parties' N-t inputs map bijectively onto the outputs).
//
// Online (two rounds): for a degree-2t sharing of z, every party adds its
// degree-2t share of r. Element e has king (e + rotation) mod N; the king's
// window is the 2t + 1 parties king, king+1, ..., king+2t (mod N), which
// send it their shares of z + r; the king interpolates z + r and sends it to
// everyone; every party's degree-t share of z is (z + r) - [r]_t. z + r is
// uniform (r is), so the opened values reveal nothing about z.
//
// Per party and product, averaged over parties and rotations (field
// elements): 2 (N-1) / (N-t) offline, (2t + N - 1) / N online; GRR
// resharing (shamir.h) sends (2t + 1)(N - 1) / N in one round.
// KingReduction borrows the network and the PRG; every party calls reduce
// with tensors of the same sizes in the same order.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "net/network.h"
#include "proto/shamir/field_tensor.h"
#include "proto/shamir/shamir_poly.h"
#include "proto/shamir/tensor_sharing.h"

namespace sqt::shamir {

class KingReduction {
 public:
  KingReduction(Network& net, Prg& prg, int me, int parties, int threshold)
      : net_(net), prg_(prg), me_(me), n_(parties), t_(threshold) {
    for (int king = 0; king < n_; ++king) {
      windows_.push_back(window_of(king));
      lambdas_.push_back(lagrange_at_zero(windows_.back()));
    }
  }

  // Average field elements per party per product: the king's (offline plus
  // online) and resharing's.
  static double king_elements(int n, int t) {
    return 2.0 * (n - 1) / (n - t) + static_cast<double>(2 * t + n - 1) / n;
  }
  static double resharing_elements(int n, int t) {
    return static_cast<double>((2 * t + 1) * (n - 1)) / n;
  }
  static bool cheaper_than_resharing(int n, int t) {
    return king_elements(n, t) < resharing_elements(n, t);
  }

  // Time spent making double sharings so far.
  double offline_seconds() const { return offline_seconds_; }

  // The degree-t sharing of the values `product` shares at degree 2t.
  FieldTensor reduce(const FieldTensor& product) {
    const std::size_t count = product.size();
    if (count == 0) return FieldTensor(product.shape());
    take_double_sharings(count);
    FieldTensor masked(Shape{count}, kUninitialized);
    for (std::size_t e = 0; e < count; ++e) masked[e] = product[e] + high_[next_ + e];
    send_to_kings(masked);
    const FieldTensor mine = open_as_king(masked);
    send_to_all(mine);
    FieldTensor out(product.shape(), kUninitialized);
    collect_openings(mine, out);
    for (std::size_t e = 0; e < count; ++e) out[e] -= low_[next_ + e];
    next_ += count;
    rotation_ = (rotation_ + count) % static_cast<std::size_t>(n_);
    return out;
  }

 private:
  // The parties that send `king` their shares: king, king+1, ..., king+2t.
  std::vector<int> window_of(int king) const {
    std::vector<int> window;
    for (int j = 0; j <= 2 * t_; ++j) window.push_back((king + j) % n_);
    return window;
  }
  // Position of `party` in king's window, or -1.
  int place_in_window(int party, int king) const {
    const int offset = ((party - king) % n_ + n_) % n_;
    return offset <= 2 * t_ ? offset : -1;
  }
  // Elements e of a tensor of `count` with king (e + rotation) mod N: the
  // first one and how many.
  std::size_t first_of(int king) const {
    const auto n = static_cast<std::size_t>(n_);
    return (static_cast<std::size_t>(king) + n - rotation_ % n) % n;
  }
  std::size_t count_of(int king, std::size_t count) const {
    const std::size_t first = first_of(king);
    const auto n = static_cast<std::size_t>(n_);
    return first < count ? (count - first + n - 1) / n : 0;
  }
  FieldTensor elements_of(int king, const FieldTensor& values) const {
    const std::size_t k = count_of(king, values.size());
    FieldTensor out(Shape{k}, kUninitialized);
    const std::size_t first = first_of(king), step = static_cast<std::size_t>(n_);
    for (std::size_t m = 0; m < k; ++m) out[m] = values[first + m * step];
    return out;
  }

  // Round 1: this party's masked shares go to every king whose window it is in.
  void send_to_kings(const FieldTensor& masked) {
    for (int king = 0; king < n_; ++king) {
      if (king == me_ || place_in_window(me_, king) < 0) continue;
      if (count_of(king, masked.size()) == 0) continue;
      const FieldTensor part = elements_of(king, masked);
      net_.send_values<Fp127>(king, part.span());
    }
  }
  // z + r for the elements this party is king of, from its window's shares.
  FieldTensor open_as_king(const FieldTensor& masked) {
    FieldTensor opened = elements_of(me_, masked);
    if (opened.size() == 0) return opened;
    const std::vector<Fp127>& lambda = lambdas_[me_];
    for (Fp127& v : opened) v *= lambda[0];  // the king is first in its window
    FieldTensor theirs(opened.shape(), kUninitialized);
    for (std::size_t w = 1; w < windows_[me_].size(); ++w) {
      net_.recv_values<Fp127>(windows_[me_][w], theirs.span());
      field_axpy(opened, lambda[w], theirs);
    }
    return opened;
  }
  // Round 2: the king's openings go to every other party.
  void send_to_all(const FieldTensor& mine) {
    if (mine.size() == 0) return;
    for (int q = 0; q < n_; ++q)
      if (q != me_) net_.send_values<Fp127>(q, mine.span());
  }
  // Every king's openings, placed at their elements.
  void collect_openings(const FieldTensor& mine, FieldTensor& out) {
    const std::size_t count = out.size();
    for (int king = 0; king < n_; ++king) {
      const std::size_t k = count_of(king, count);
      if (k == 0) continue;
      FieldTensor theirs;
      if (king != me_) {
        theirs = FieldTensor(Shape{k}, kUninitialized);
        net_.recv_values<Fp127>(king, theirs.span());
      }
      const FieldTensor& values = king == me_ ? mine : theirs;
      const std::size_t first = first_of(king), step = static_cast<std::size_t>(n_);
      for (std::size_t m = 0; m < k; ++m) out[first + m * step] = values[m];
    }
  }

  // Makes at least `count` unused double sharings available (one offline
  // round when the pool is short; the unused rest is kept).
  void take_double_sharings(std::size_t count) {
    const std::size_t left = low_.size() - next_;
    if (left >= count) return;
    const std::size_t outputs = static_cast<std::size_t>(n_ - t_);
    const std::size_t batch = (count - left + outputs - 1) / outputs;
    const auto start = std::chrono::steady_clock::now();
    auto [low, high] = make_double_sharings(batch);
    offline_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    low_ = append_rest(low_, low);
    high_ = append_rest(high_, high);
    next_ = 0;
  }
  FieldTensor append_rest(const FieldTensor& pool, const FieldTensor& fresh) const {
    const std::size_t left = pool.size() - next_;
    FieldTensor out(Shape{left + fresh.size()}, kUninitialized);
    for (std::size_t i = 0; i < left; ++i) out[i] = pool[next_ + i];
    for (std::size_t i = 0; i < fresh.size(); ++i) out[left + i] = fresh[i];
    return out;
  }

  struct DoubleSharings {
    FieldTensor low, high;  // degree t and degree 2t, (N - t) batch each
  };
  DoubleSharings make_double_sharings(std::size_t batch) {
    Network::OfflineScope offline(net_);
    const Shape shape{batch};
    const FieldTensor secrets = random_field(prg_, shape);
    const std::vector<FieldTensor> low_coefficients = random_coefficients(prg_, t_, shape);
    const std::vector<FieldTensor> high_coefficients = random_coefficients(prg_, 2 * t_, shape);
    std::vector<FieldTensor> inputs(static_cast<std::size_t>(n_));  // [low | high] per party
    for (int j = 0; j < n_; ++j) {
      FieldTensor both(Shape{2 * batch}, kUninitialized);
      const FieldTensor low = evaluate_at(secrets, low_coefficients, j);
      const FieldTensor high = evaluate_at(secrets, high_coefficients, j);
      for (std::size_t i = 0; i < batch; ++i) {
        both[i] = low[i];
        both[batch + i] = high[i];
      }
      if (j == me_) {
        inputs[j] = std::move(both);
      } else {
        net_.send_values<Fp127>(j, both.span());
      }
    }
    for (int q = 0; q < n_; ++q) {
      if (q == me_) continue;
      inputs[q] = FieldTensor(Shape{2 * batch}, kUninitialized);
      net_.recv_values<Fp127>(q, inputs[q].span());
    }
    return extract(inputs, batch);
  }
  // Row k of the Vandermonde matrix applied to the parties' inputs.
  DoubleSharings extract(const std::vector<FieldTensor>& inputs, std::size_t batch) const {
    const std::size_t outputs = static_cast<std::size_t>(n_ - t_);
    DoubleSharings out{FieldTensor(Shape{outputs * batch}, Fp127{}),
                       FieldTensor(Shape{outputs * batch}, Fp127{})};
    for (std::size_t k = 0; k < outputs; ++k) {
      for (int q = 0; q < n_; ++q) {
        const Fp127 weight = point_of(q).pow(k);
        for (std::size_t i = 0; i < batch; ++i) {
          out.low[k * batch + i] += weight * inputs[q][i];
          out.high[k * batch + i] += weight * inputs[q][batch + i];
        }
      }
    }
    return out;
  }

  Network& net_;
  Prg& prg_;
  int me_, n_, t_;
  std::vector<std::vector<int>> windows_;
  std::vector<std::vector<Fp127>> lambdas_;
  FieldTensor low_, high_;  // the pool of double sharings
  std::size_t next_ = 0;    // first unused one
  std::size_t rotation_ = 0;
  double offline_seconds_ = 0;
};

}  // namespace sqt::shamir
