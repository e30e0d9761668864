// dealer.h — correlated randomness from a trusted dealer (semi2k --dealer).
//
// The dealer is an extra node (id N, after the N computing parties) that
// generates every triple, daBit and truncation pair and gives each party
// its summand. It shares an AES key with every party (Session pairwise
// keys), so party i < N-1 expands all its summands from that key without any
// message; party N-1 expands its a and b summands likewise and receives
// only the summand that makes the item correct (c of a triple, the ring
// summand of a daBit, msb and mid of a truncation pair) — one message per
// request, answering the request party N-1 sent. The dealer learns every
// item, so it must not collude with any party; it never sees a share of an
// input or of an intermediate value (docs/protocols/semi2k.md).
//
// DealerCorrelations<R> is a party's side; serve_dealer<R>() is the dealer's
// whole run (it returns when party N-1 says the computation is over).
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <initializer_list>

#include "core/error.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "proto/semi2k/correlations.h"
#include "proto/session.h"

namespace sqt::semi2k {

enum class DealerRequest : std::uint64_t {
  kDone = 0,
  kTriples = 1,
  kMatrixTriple = 2,
  kBitTriples = 3,
  kDaBits = 4,
  kTruncPairs = 5,
  kIm2colTriple = 6  // followed by the geometry words (im2col_words)
};

// Requests larger than this (elements) are refused by the dealer.
inline constexpr std::uint64_t kMaxDealerElements = std::uint64_t{1} << 32;

namespace dealer_detail {

// An im2col triple's request after its header: the batch and the
// convolution geometry (core/im2col.h), so that the dealer builds the same
// gather as the parties.
inline constexpr std::size_t kIm2colWords = 7;
inline std::array<std::uint64_t, kIm2colWords> im2col_words(const Im2col& im2col) {
  const ConvGeometry& g = im2col.geometry();
  return {im2col.batch(), g.channels, g.height, g.width, g.kernel, g.stride, g.padding};
}

inline BitPlanes random_planes(Prg& prg, std::size_t n, int planes) {
  BitPlanes out(n, planes, kUninitialized);
  prg.fill<std::uint64_t>(out.words());
  out.clear_padding();
  return out;
}

}  // namespace dealer_detail

template <RingElement R>
class DealerCorrelations final : public Correlations<R> {
 public:
  explicit DealerCorrelations(Session& session)
      : net_(session.net()),
        dealer_(session.net().parties()),
        last_(session.party() == session.parties() - 1),
        prg_(session.pair_prg(dealer_)) {}

  // A computation that ends normally tells the dealer so (also without an
  // explicit finish()); one that ends by an exception leaves the dealer to
  // see the disconnect.
  ~DealerCorrelations() override {
    if (std::uncaught_exceptions() > 0) return;
    try {
      finish();
    } catch (...) {  // the channel is gone already: the dealer sees that
    }
  }

  std::string_view name() const override { return "dealer"; }

  Triples<R> triples(const Shape& shape) override {
    Network::OfflineScope offline(net_);
    const std::size_t n = shape_size(shape);
    Triples<R> t{prg_.random<R>(shape), prg_.random<R>(shape), Tensor<R>(shape, kUninitialized)};
    fetch_or_draw(DealerRequest::kTriples, {n, 0, 0}, t.c);
    return t;
  }
  MatrixTriple<R> matrix_triple(std::size_t m, std::size_t k, std::size_t n) override {
    Network::OfflineScope offline(net_);
    MatrixTriple<R> t{prg_.random<R>({m, k}), prg_.random<R>({k, n}),
                      Tensor<R>(Shape{m, n}, kUninitialized)};
    fetch_or_draw(DealerRequest::kMatrixTriple, {m, k, n}, t.c);
    return t;
  }
  Im2colTriple<R> im2col_triple(const Im2col& im2col, std::size_t n,
                                bool left_transposed) override {
    Network::OfflineScope offline(net_);
    const std::size_t b_rows = left_transposed ? im2col.rows() : im2col.patch();
    const std::size_t c_rows = left_transposed ? im2col.patch() : im2col.rows();
    Im2colTriple<R> t{prg_.random<R>({im2col.padded_size()}), prg_.random<R>({b_rows, n}),
                      Tensor<R>(Shape{c_rows, n}, kUninitialized)};
    if (!last_) {
      prg_.fill(t.c.span());
      return t;
    }
    request(DealerRequest::kIm2colTriple, {n, left_transposed ? 1u : 0u, 0});
    net_.send_values<std::uint64_t>(dealer_, dealer_detail::im2col_words(im2col));
    net_.recv_values<R>(dealer_, t.c.span());
    return t;
  }
  BitTriples bit_triples(std::size_t n, int planes) override {
    Network::OfflineScope offline(net_);
    BitTriples t{dealer_detail::random_planes(prg_, n, planes),
                 dealer_detail::random_planes(prg_, n, planes), BitPlanes(n, planes)};
    if (!last_) {
      t.c = dealer_detail::random_planes(prg_, n, planes);
    } else {
      request(DealerRequest::kBitTriples, {n, static_cast<std::uint64_t>(planes), 0});
      net_.recv_values<std::uint64_t>(dealer_, std::span(t.c.words()));
    }
    return t;
  }
  DaBits<R> dabits(std::size_t n, int planes) override {
    Network::OfflineScope offline(net_);
    DaBits<R> d{Tensor<R>(Shape{n * static_cast<std::size_t>(planes)}, kUninitialized),
                dealer_detail::random_planes(prg_, n, planes)};
    fetch_or_draw(DealerRequest::kDaBits, {n, static_cast<std::uint64_t>(planes), 0}, d.ring);
    return d;
  }
  TruncPairs<R> trunc_pairs(std::size_t n, int m) override {
    Network::OfflineScope offline(net_);
    TruncPairs<R> t{prg_.random<R>({n}), Tensor<R>(Shape{n}, kUninitialized),
                    Tensor<R>(Shape{n}, kUninitialized)};
    if (!last_) {
      prg_.fill(t.msb.span());
      prg_.fill(t.mid.span());
    } else {
      request(DealerRequest::kTruncPairs, {n, static_cast<std::uint64_t>(m), 0});
      net_.recv_values<R>(dealer_, t.msb.span());
      net_.recv_values<R>(dealer_, t.mid.span());
    }
    return t;
  }
  void finish() override {
    if (!last_ || finished_) return;
    Network::OfflineScope offline(net_);
    request(DealerRequest::kDone, {0, 0, 0});
    finished_ = true;
  }

 private:
  // Party N-1 receives `out` from the dealer; the others draw it.
  void fetch_or_draw(DealerRequest kind, std::array<std::uint64_t, 3> dims, Tensor<R>& out) {
    if (!last_) return prg_.fill(out.span());
    request(kind, dims);
    net_.recv_values<R>(dealer_, out.span());
  }
  void request(DealerRequest kind, std::array<std::uint64_t, 3> dims) {
    std::array<std::uint64_t, 4> header{static_cast<std::uint64_t>(kind), dims[0], dims[1],
                                        dims[2]};
    net_.send_values<std::uint64_t>(dealer_, header);
  }

  Network& net_;
  int dealer_;
  bool last_;
  Prg& prg_;
  bool finished_ = false;
};

// The dealer's run: answers party N-1's requests until it says done.
template <RingElement R>
void serve_dealer(Session& session);

}  // namespace sqt::semi2k

#include "proto/semi2k/dealer_serve.h"
