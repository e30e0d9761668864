// dealer_serve.h — the dealer's side of semi2k's dealer mode (included by
// dealer.h): for each request of party N-1, draws every party's summands from
// the key it shares with that party (in the order the party draws them in
// DealerCorrelations) and sends party N-1 the summand that makes the item
// correct.
#pragma once

namespace sqt::semi2k {

namespace dealer_detail {

template <RingElement R>
class DealerServer {
 public:
  explicit DealerServer(Session& session)
      : session_(session), net_(session.net()), parties_(session.net().parties()) {}

  // One request; false when party N-1 said the computation is over.
  bool serve_one() {
    std::array<std::uint64_t, 4> h{};
    net_.recv_values<std::uint64_t>(last(), std::span(h));
    switch (static_cast<DealerRequest>(h[0])) {
      case DealerRequest::kDone:
        return false;
      case DealerRequest::kTriples:
        triples(checked(h[1]));
        break;
      case DealerRequest::kMatrixTriple:
        checked(h[1] * h[2]), checked(h[2] * h[3]), checked(h[1] * h[3]);
        matrix_triple(h[1], h[2], h[3]);
        break;
      case DealerRequest::kBitTriples:
        bit_triples(h[1], planes(h[2]));
        break;
      case DealerRequest::kDaBits:
        dabits(h[1], planes(h[2]));
        break;
      case DealerRequest::kIm2colTriple:
        im2col_triple(h[1], h[2]);
        break;
      case DealerRequest::kTruncPairs:
        trunc_pairs(checked(h[1]), truncation(h[2]));
        break;
      default:
        fail("the dealer got request kind {} from party {}, which no sqt version sends", h[0],
             last());
    }
    return true;
  }

 private:
  int last() const { return parties_ - 1; }
  Prg& prg(int party) { return session_.pair_prg(party); }
  static std::uint64_t checked(std::uint64_t elements) {
    SQT_CHECK(elements <= kMaxDealerElements,
              "the dealer refuses a request for {} elements (at most {})", elements,
              kMaxDealerElements);
    return elements;
  }
  // The product of request words, refused when it overflows.
  static std::uint64_t product(std::initializer_list<std::uint64_t> words) {
    std::uint64_t out = 1;
    for (std::uint64_t w : words)
      SQT_CHECK(!__builtin_mul_overflow(out, w, &out),
                "the dealer refuses a request whose sizes "
                "overflow 64 bits");
    return out;
  }
  static int planes(std::uint64_t p) {
    SQT_CHECK(p >= 1 && p <= 4096, "the dealer got a request for {} bit planes (1 to 4096)", p);
    return static_cast<int>(p);
  }
  static int truncation(std::uint64_t m) {
    SQT_CHECK(m >= 1 && m < static_cast<std::uint64_t>(kRingBits<R>) - 2,
              "the dealer got a truncation by {} bits", m);
    return static_cast<int>(m);
  }

  void triples(std::size_t n) {
    Tensor<R> a(Shape{n}, R{0}), b(Shape{n}, R{0}), c_others(Shape{n}, R{0});
    for (int i = 0; i < parties_; ++i) {
      add_inplace(a, prg(i).template random<R>({n}));
      add_inplace(b, prg(i).template random<R>({n}));
      if (i != last()) add_inplace(c_others, prg(i).template random<R>({n}));
    }
    send(sub(mul(a, b), c_others));
  }
  void matrix_triple(std::size_t m, std::size_t k, std::size_t n) {
    Tensor<R> a(Shape{m, k}, R{0}), b(Shape{k, n}, R{0}), c_others(Shape{m, n}, R{0});
    for (int i = 0; i < parties_; ++i) {
      add_inplace(a, prg(i).template random<R>({m, k}));
      add_inplace(b, prg(i).template random<R>({k, n}));
      if (i != last()) add_inplace(c_others, prg(i).template random<R>({m, n}));
    }
    Tensor<R> c(Shape{m, n}, R{0});
    matmul_add(a.data(), b.data(), c.data(), m, k, n, session_.pool());
    send(sub(c, c_others));
  }
  // c = G(a) b, or G(a)^T b when left_transposed (correlations.h).
  void im2col_triple(std::uint64_t n, std::uint64_t left_transposed) {
    std::array<std::uint64_t, kIm2colWords> w{};
    net_.recv_values<std::uint64_t>(last(), std::span(w));
    const Im2col im2col = checked_im2col(w);
    SQT_CHECK(left_transposed <= 1, "the dealer got an im2col request with layout {}",
              left_transposed);
    checked(n);
    const bool transposed = left_transposed == 1;
    const std::size_t rows = im2col.rows(), patch = im2col.patch();
    const std::size_t b_rows = transposed ? rows : patch, c_rows = transposed ? patch : rows;
    checked(b_rows * n), checked(c_rows * n);
    Tensor<R> a(Shape{im2col.padded_size()}, R{0}), b(Shape{b_rows, n}, R{0}),
        c_others(Shape{c_rows, n}, R{0});
    for (int i = 0; i < parties_; ++i) {
      add_inplace(a, prg(i).template random<R>({im2col.padded_size()}));
      add_inplace(b, prg(i).template random<R>({b_rows, n}));
      if (i != last()) add_inplace(c_others, prg(i).template random<R>({c_rows, n}));
    }
    const Tensor<R> cols = tensor_gather(a, im2col.index(), im2col.shape());
    const MatmulTerm<R> term[] = {{cols.data(), b.data(), nullptr}};
    Tensor<R> c(Shape{c_rows, n}, R{0});
    matmul_add_terms<R>(term, c.data(), c_rows, transposed ? rows : patch, n, session_.pool(),
                        transposed ? LeftLayout::kTransposed : LeftLayout::kRowMajor);
    send(sub(c, c_others));
  }
  // The geometry of an im2col request, refused when it does not describe a
  // convolution or asks for more than kMaxDealerElements.
  static Im2col checked_im2col(const std::array<std::uint64_t, kIm2colWords>& w) {
    for (std::uint64_t v : w)
      SQT_CHECK(v <= kMaxDealerElements, "the dealer got an im2col geometry word {}", v);
    const ConvGeometry g{w[1], w[2], w[3], 0, w[4], w[5], w[6]};
    SQT_CHECK(g.valid(), "the dealer got an im2col request whose kernel does not fit its input");
    checked(product({w[0], g.channels, g.height, g.width}));
    checked(product({w[0], g.out_height(), g.out_width(), g.patch()}));
    return Im2col(g, w[0]);
  }
  void bit_triples(std::size_t n, int planes) {
    checked(n * static_cast<std::uint64_t>(planes) / 64);
    BitPlanes a(n, planes), b(n, planes), c(n, planes);
    for (int i = 0; i < parties_; ++i) {
      a ^= random_planes(prg(i), n, planes);
      b ^= random_planes(prg(i), n, planes);
      if (i != last()) c ^= random_planes(prg(i), n, planes);
    }
    c ^= a & b;
    net_.send_values<std::uint64_t>(last(), std::span<const std::uint64_t>(c.words()));
  }
  void dabits(std::size_t n, int planes) {
    const std::size_t count = checked(n * static_cast<std::uint64_t>(planes));
    BitPlanes bits(n, planes);
    Tensor<R> ring_others(Shape{count}, R{0});
    for (int i = 0; i < parties_; ++i) {
      // A party draws its bits first, then its ring summand.
      bits ^= random_planes(prg(i), n, planes);
      if (i != last()) add_inplace(ring_others, prg(i).template random<R>({count}));
    }
    Tensor<R> ring(Shape{count}, kUninitialized);
    for (int j = 0; j < planes; ++j)
      for (std::size_t e = 0; e < n; ++e) ring[j * n + e] = bits.get(j, e) ? 1 : 0;
    send(sub(ring, ring_others));
  }
  void trunc_pairs(std::size_t n, int m) {
    constexpr int k = kRingBits<R>;
    Tensor<R> r(Shape{n}, R{0}), msb_others(Shape{n}, R{0}), mid_others(Shape{n}, R{0});
    for (int i = 0; i < parties_; ++i) {
      add_inplace(r, prg(i).template random<R>({n}));
      if (i == last()) continue;
      add_inplace(msb_others, prg(i).template random<R>({n}));
      add_inplace(mid_others, prg(i).template random<R>({n}));
    }
    Tensor<R> msb(Shape{n}, kUninitialized), mid(Shape{n}, kUninitialized);
    for (std::size_t e = 0; e < n; ++e) {
      msb[e] = (r[e] >> (k - 1)) & 1;
      mid[e] = (r[e] & (pow2<R>(k - 1) - 1)) >> m;
    }
    send(sub(msb, msb_others));
    send(sub(mid, mid_others));
  }
  void send(const Tensor<R>& t) { net_.send_values<R>(last(), t.span()); }

  Session& session_;
  Network& net_;
  int parties_;
};

}  // namespace dealer_detail

template <RingElement R>
void serve_dealer(Session& session) {
  SQT_CHECK(session.party() == session.net().parties(),
            "serve_dealer runs at the dealer (node {}), not at party {}", session.net().parties(),
            session.party());
  Network::OfflineScope offline(session.net());
  dealer_detail::DealerServer<R> server(session);
  while (server.serve_one()) {
  }
}

}  // namespace sqt::semi2k
