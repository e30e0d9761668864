// ot_correlations.h — semi2k's correlated randomness from oblivious transfer
// between every pair of parties: no trusted party (the default of semi2k).
//
// Each party draws its summands of a, b (triples) or its random bits
// (daBits) from its private randomness; the products across parties come
// from OT (ot_products.h) between each ordered pair, over IKNP extension
// set up with 128 base OTs per direction at the start:
//  - triples: c = sum_i a_i b_i + sum_{i != j} a_i b_j, each cross term by
//    Gilboa (k OTs per element, the a side choosing);
//  - matrix triples: the same per entry of the smaller factor (k OTs per
//    entry, each carrying a row of the other factor): about k (k + 1) / 2
//    bits... per multiply-add and pair, so preprocessing grows with m k n;
//  - im2col triples (convolutions): a matrix triple whose left factor is
//    each party's im2col expansion of its random padded input, so the
//    preprocessing grows with the multiply-adds as for dense layers;
//  - bit triples: one OT per bit and ordered pair, 1-bit messages;
//  - daBits: b = XOR of every party's random bit, folded into the ring one
//    party at a time (acc + b_i - 2 b_i acc), b_i * acc_j by one OT each.
// Items are produced when the online phase asks for them (interleaved, on
// demand); their traffic counts as offline (Network::OfflineScope).
// Security: semi-honest IKNP with Chou-Orlandi base OTs over ristretto255
// (128-bit computational security); no party sees more than uniform pads.
#pragma once

#include <memory>
#include <vector>

#include "core/tensor_ops.h"
#include "crypto/ot/ot_extension.h"
#include "kernels/matmul.h"
#include "proto/semi2k/correlations.h"
#include "proto/semi2k/ot_products.h"
#include "proto/session.h"

namespace sqt::semi2k {

template <RingElement R>
class OtCorrelations final : public Correlations<R> {
 public:
  explicit OtCorrelations(Session& session)
      : session_(session), net_(session.net()), me_(session.party()), n_(session.parties()) {
    Network::OfflineScope offline(net_);
    senders_.resize(n_);
    receivers_.resize(n_);
    to_.resize(n_);
    from_.resize(n_);
    for (int q = 0; q < n_; ++q) {
      if (q == me_) continue;
      senders_[q] = std::make_unique<OtExtSender>(net_, q);
      receivers_[q] = std::make_unique<OtExtReceiver>(net_, q);
      to_[q].sender = senders_[q].get();
      from_[q].receiver = receivers_[q].get();
      // The lower party sets up its sending direction first, the higher its
      // receiving one: the two ends meet.
      if (me_ < q) {
        senders_[q]->setup();
        receivers_[q]->setup();
      } else {
        receivers_[q]->setup();
        senders_[q]->setup();
      }
    }
  }

  std::string_view name() const override { return "ot"; }

  Triples<R> triples(const Shape& shape) override {
    Network::OfflineScope offline(net_);
    Triples<R> t{random(shape), random(shape), Tensor<R>()};
    t.c = mul(t.a, t.b);
    const std::size_t count = t.a.size();
    for_each_pair([&](int q, bool a_side) {
      if (a_side) {
        ot_products_receive<R>(net_, q, from_[q], t.a.span(), kRingBits<R>, 1,
                               [&](std::size_t e) { return t.c.data() + e; });
      } else {
        ot_products_send<R>(
            net_, q, to_[q], count, kRingBits<R>, 1, [&](std::size_t e) { return t.b.data() + e; },
            [&](std::size_t e) { return t.c.data() + e; });
      }
    });
    return t;
  }

  MatrixTriple<R> matrix_triple(std::size_t m, std::size_t k, std::size_t n) override {
    Network::OfflineScope offline(net_);
    MatrixTriple<R> t{random({m, k}), random({k, n}), Tensor<R>()};
    t.c = product_summand(t.a, t.b);
    return t;
  }

  // As a matrix triple whose left factor is this party's G(a) (or its
  // transpose): G is linear, so sum_i G(a_i) = G(a) and the cross terms
  // G(a_i) b_j come from the same OT products.
  Im2colTriple<R> im2col_triple(const Im2col& im2col, std::size_t n,
                                bool left_transposed) override {
    Network::OfflineScope offline(net_);
    Im2colTriple<R> t{random({im2col.padded_size()}), Tensor<R>(), Tensor<R>()};
    Tensor<R> left = tensor_gather(t.a, im2col.index(), im2col.shape());
    if (left_transposed) left = tensor_transpose(left);
    t.b = random({left.shape()[1], n});
    t.c = product_summand(left, t.b);
    return t;
  }

  BitTriples bit_triples(std::size_t n, int planes) override {
    Network::OfflineScope offline(net_);
    BitTriples t{random_planes(n, planes), random_planes(n, planes), BitPlanes()};
    t.c = t.a & t.b;
    for_each_pair([&](int q, bool a_side) {
      std::vector<std::uint64_t> share =
          a_side ? bit_products_receive(net_, q, from_[q], std::span(t.a.words()))
                 : bit_products_send(net_, q, to_[q], std::span(t.b.words()));
      for (std::size_t w = 0; w < share.size(); ++w) t.c.words()[w] ^= share[w];
    });
    t.c.clear_padding();
    return t;
  }

  DaBits<R> dabits(std::size_t n, int planes) override {
    Network::OfflineScope offline(net_);
    DaBits<R> d{Tensor<R>(), random_planes(n, planes)};
    const std::size_t count = n * static_cast<std::size_t>(planes);
    Tensor<R> mine(Shape{count}, kUninitialized);  // this party's bits as 0/1
    for (int j = 0; j < planes; ++j)
      for (std::size_t e = 0; e < n; ++e) mine[j * n + e] = d.bits.get(j, e) ? 1 : 0;
    // acc = b_0 (party 0's summand), then acc <- acc + b_i - 2 b_i acc.
    Tensor<R> acc = me_ == 0 ? mine : Tensor<R>(Shape{count}, R{0});
    for (int i = 1; i < n_; ++i) {
      if (me_ == i) {
        Tensor<R> products(Shape{count}, R{0});
        for (int j = 0; j < i; ++j)
          ot_products_receive<R>(net_, j, from_[j], mine.span(), 1, 1,
                                 [&](std::size_t e) { return products.data() + e; });
        acc = sub(mine, scale(products, R{2}));
      } else if (me_ < i) {
        Tensor<R> products(Shape{count}, R{0});
        ot_products_send<R>(
            net_, i, to_[i], count, 1, 1, [&](std::size_t e) { return acc.data() + e; },
            [&](std::size_t e) { return products.data() + e; });
        sub_inplace(acc, scale(products, R{2}));
      }
    }
    d.ring = std::move(acc);
    return d;
  }

 private:
  Tensor<R> random(const Shape& shape) { return session_.private_prg().template random<R>(shape); }
  BitPlanes random_planes(std::size_t n, int planes) {
    BitPlanes out(n, planes, kUninitialized);
    session_.private_prg().fill<std::uint64_t>(out.words());
    out.clear_padding();
    return out;
  }
  // This party's summand of (sum_i a_i)(sum_j b_j) for its a (m x k) and
  // b (k x n): its own product plus its shares of every cross term. The
  // smaller factor chooses: A's entries (rows of B as messages, into rows
  // of C) or B's entries (columns of A as messages, into C^T).
  Tensor<R> product_summand(const Tensor<R>& a, const Tensor<R>& b) {
    const std::size_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    Tensor<R> c(Shape{m, n}, R{0});
    matmul_add(a.data(), b.data(), c.data(), m, k, n, session_.pool());
    const bool a_chooses = m <= n;
    const Tensor<R> a_t = a_chooses ? Tensor<R>() : tensor_transpose(a);
    const Tensor<R> b_t = a_chooses ? Tensor<R>() : tensor_transpose(b);
    Tensor<R> c_t = a_chooses ? Tensor<R>() : Tensor<R>(Shape{n, m}, R{0});
    for_each_pair([&](int q, bool a_side) {
      if (a_chooses) {
        // Item (r, j): x = A[r][j], y = B[j][:], into C[r][:].
        if (a_side)
          ot_products_receive<R>(net_, q, from_[q], a.span(), kRingBits<R>, n,
                                 [&](std::size_t e) { return c.data() + (e / k) * n; });
        else
          ot_products_send<R>(
              net_, q, to_[q], m * k, kRingBits<R>, n,
              [&](std::size_t e) { return b.data() + (e % k) * n; },
              [&](std::size_t e) { return c.data() + (e / k) * n; });
      } else {
        // Item (c, j): x = B^T[c][j], y = A^T[j][:], into C^T[c][:].
        if (!a_side)
          ot_products_receive<R>(net_, q, from_[q], b_t.span(), kRingBits<R>, m,
                                 [&](std::size_t e) { return c_t.data() + (e / k) * m; });
        else
          ot_products_send<R>(
              net_, q, to_[q], n * k, kRingBits<R>, m,
              [&](std::size_t e) { return a_t.data() + (e % k) * m; },
              [&](std::size_t e) { return c_t.data() + (e / k) * m; });
      }
    });
    if (!a_chooses) add_inplace(c, tensor_transpose(c_t));
    return c;
  }
  // For every peer q in order, the two cross terms of the pair: first the
  // one with the lower party's a, then the higher party's; a_side says
  // whether this party holds the a factor of the term.
  template <class Term>
  void for_each_pair(Term&& term) {
    for (int q = 0; q < n_; ++q) {
      if (q == me_) continue;
      term(q, me_ < q);
      term(q, me_ > q);
    }
  }

  Session& session_;
  Network& net_;
  int me_, n_;
  std::vector<std::unique_ptr<OtExtSender>> senders_;
  std::vector<std::unique_ptr<OtExtReceiver>> receivers_;
  std::vector<OtDirection> to_, from_;  // this party sending to / receiving from q
};

}  // namespace sqt::semi2k

namespace sqt {

template <RingElement R>
std::unique_ptr<semi2k::Correlations<R>> make_ot_correlations(Session& session) {
  return std::make_unique<semi2k::OtCorrelations<R>>(session);
}

}  // namespace sqt
