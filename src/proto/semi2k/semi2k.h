// semi2k.h — N-party additive secret sharing over Z_{2^k}, semi-honest,
// secure against any N-1 of the N parties (dishonest majority), 2 <= N <= 10.
//
// x = x_0 + ... + x_{N-1} (mod 2^k), party i holding x_i (Semi2kShare: one
// summand); bits likewise with XOR. Linear operations are local. Products
// use Beaver triples and every nonlinear step consumes correlated randomness
// (daBits, truncation pairs) from a Correlations source (correlations.h): a
// dealer (dealer.h, `--dealer`) or oblivious transfer between the parties
// (ot_correlations.h). Every value a party sends is its summand of a value
// masked by a correlated item that the receivers' coalition cannot know
// without the sender's summand of it, so any N-1 parties see only uniform
// values besides what is opened by design.
//
// Online costs per element (N parties, each party): input 0 (the other
// parties' summands come from pairwise keys), open N-1 elements sent and
// received, multiplication 2(N-1) (two masked openings), trunc_pr N-1, one
// round each; matrix products open both factors (m k + k n elements), not
// the m n k products, and a convolution's products open its un-expanded
// input (im2col triples), not the im2col matrix. docs/protocols/semi2k.md lists every message.
//
// Semi2k<R> borrows the Session (its network, keys); the parties call the
// same operations in the same order.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "core/bit_planes.h"
#include "core/im2col.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "proto/common/narrow_words.h"
#include "proto/common/summands.h"
#include "proto/protocol_info.h"
#include "proto/semi2k/correlations.h"
#include "proto/semi2k/dealer.h"
#include "proto/session.h"

namespace sqt {

template <RingElement R>
using Semi2kShare = Summands<Tensor<R>, 1>;
using Semi2kBShare = Summands<BitPlanes, 1>;

// The OT-based source (ot_correlations.h), built when there is no dealer.
template <RingElement R>
std::unique_ptr<semi2k::Correlations<R>> make_ot_correlations(Session& session);

template <RingElement R>
class Semi2k : public SummandPlumbing<R, 1>, public BinarySummandPlumbing<1> {
 public:
  using Plumbing = SummandPlumbing<R, 1>;
  using Plumbing::add, Plumbing::sub, Plumbing::neg, Plumbing::scale, Plumbing::mul_public;
  using Plumbing::scatter_add, Plumbing::transposed, Plumbing::zeros;
  using Plumbing::shape, Plumbing::reshaped, Plumbing::part, Plumbing::join, Plumbing::gather;
  using Ring = R;
  using Share = Semi2kShare<R>;
  using BShare = Semi2kBShare;
  static constexpr std::string_view kName = "semi2k";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 0;  // chosen at run time (2 to 10)
  static constexpr int kMinParties = 2, kMaxParties = 10;
  static constexpr ProtocolInfo kInfo{"semi2k",
                                      2,
                                      "semi-honest, N-1 of N corrupted",
                                      "Z_2^64, Z_2^128",
                                      "pairwise (+ dealer)",
                                      true,
                                      kMinParties,
                                      kMaxParties,
                                      true};

  explicit Semi2k(Session& session)
      : session_(session), net_(session.net()), me_(session.party()), n_(session.parties()) {
    SQT_CHECK(n_ >= kMinParties && n_ <= kMaxParties,
              "semi2k runs with 2 to 10 computing parties, the session has {}", n_);
    check_precision(kRing, session.frac_bits());
    if (session.has_dealer())
      source_ = std::make_unique<semi2k::DealerCorrelations<R>>(session);
    else
      source_ = make_ot_correlations<R>(session);
  }

  // The dealer's whole run, at the dealer node (proto/local_run.h, the CLI).
  static void serve_dealer(Session& session) { semi2k::serve_dealer<R>(session); }

  int parties() const { return n_; }
  int party() const { return me_; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return kRing - 2; }
  semi2k::Correlations<R>& correlations() { return *source_; }
  // The preprocessing so far: traffic (Network offline accounting) and the
  // wall-clock seconds spent producing correlated items.
  CommStats offline_stats() const { return net_.offline_stats(); }
  double offline_seconds() const { return offline_seconds_; }
  // Ends the computation: tells the source (the dealer stops).
  void finish() { source_->finish(); }

  // --- input and output -------------------------------------------------

  // Party p's summand is value minus the others', which they draw from the
  // key they share with p: no message.
  Share input(int p, const Tensor<R>& value, const Shape& shape) {
    check_party(p);
    if (me_ != p) return {{session_.pair_prg(p).template random<R>(shape)}};
    SQT_CHECK(value.shape() == shape, "input: a {} tensor given, {} declared",
              shape_string(value.shape()), shape_string(shape));
    Tensor<R> mine = value;
    for (int q = 0; q < n_; ++q)
      if (q != me_) sub_inplace(mine, session_.pair_prg(q).template random<R>(shape));
    return {{std::move(mine)}};
  }
  Tensor<R> open(const Share& x) { return open_tensor(x.s[0], kRing); }
  Tensor<R> open_to(int p, const Share& x) {
    check_party(p);
    if (me_ != p) {
      net_.send_values<R>(p, x.s[0].span());
      return {};
    }
    Tensor<R> sum = x.s[0];
    Tensor<R> theirs(shape(x), kUninitialized);
    for (int q = 0; q < n_; ++q) {
      if (q == me_) continue;
      net_.recv_values<R>(q, theirs.span());
      add_inplace(sum, theirs);
    }
    return sum;
  }

  // --- local operations -------------------------------------------------

  Share constant(const Tensor<R>& c) const { return {{me_ == 0 ? c : Tensor<R>(c.shape(), R{0})}}; }
  Share add_public(const Share& x, const Tensor<R>& c) const {
    check_same_shape(shape(x), c.shape(), "add_public");
    if (me_ != 0) return x;
    return {{sqt::add(x.s[0], c)}};
  }
  // Every party adds private randomness: nobody knows the sum.
  Share random(const Shape& shape) { return {{session_.private_prg().template random<R>(shape)}}; }

  // --- multiplication ---------------------------------------------------

  Share mul(const Share& x, const Share& y) {
    check_same_shape(shape(x), shape(y), "mul");
    semi2k::Triples<R> t = preprocess([&](auto& s) { return s.triples(shape(x)); });
    auto [d, e] = open_pair(sqt::sub(x.s[0], t.a), sqt::sub(y.s[0], t.b));
    // x y = c + d b + e a + d e with d = x - a, e = y - b.
    Tensor<R> z = std::move(t.c);
    add_inplace(z, sqt::mul(d, t.b));
    add_inplace(z, sqt::mul(e, t.a));
    if (me_ == 0) add_inplace(z, sqt::mul(d, e));
    return {{std::move(z)}};
  }
  Share matmul(const Share& x, const Share& y) {
    auto [m, k, n] = matmul_dims(x, y);
    semi2k::MatrixTriple<R> t = preprocess([&](auto& s) { return s.matrix_triple(m, k, n); });
    auto [d, e] = open_pair(sqt::sub(x.s[0], t.a), sqt::sub(y.s[0], t.b));
    // X Y = C + D B + A E + D E with D = X - A, E = Y - B; D B + D E = D Y.
    Tensor<R> z = std::move(t.c);
    const Tensor<R> right = me_ == 0 ? sqt::add(t.b, e) : std::move(t.b);
    matmul_add(d.data(), right.data(), z.data(), m, k, n, session_.pool());
    matmul_add(t.a.data(), e.data(), z.data(), m, k, n, session_.pool());
    return {{std::move(z)}};
  }
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    return scatter_add(matmul(x, y), targets, out_shape);
  }
  // Products with the im2col matrix G(x) of a padded convolution input x
  // (core/im2col.h), from an im2col triple: only x - a (the un-expanded
  // input) and w - b are opened; G(x - a) is expanded locally.
  // G(x) W = C + G(D) (B + E) + G(A) E, with D = x - a, E = W - B.
  Share matmul_im2col(const Share& x, const Im2col& im2col, const Share& w) {
    return im2col_triple_product(x, im2col, w, false);
  }
  // G(x)^T dY = C + G(D)^T (B + E) + G(A)^T E, with E = dY - B.
  Share matmul_im2col_left_transposed(const Share& x, const Im2col& im2col, const Share& dy) {
    return im2col_triple_product(x, im2col, dy, true);
  }
  Share dot_rows(const Share& x, const Share& y) {
    SQT_CHECK(shape(x).size() == 2, "dot_rows needs (n x k) tensors, got {}",
              shape_string(shape(x)));
    const std::size_t rows = shape(x)[0], k = shape(x)[1];
    Share products = mul(x, y);
    Tensor<R> z(Shape{rows}, R{0});
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = r * k; j < (r + 1) * k; ++j) z[r] += products.s[0][j];
    return {{std::move(z)}};
  }

  // --- truncation and comparison (semi2k_bits.h) ------------------------

  Share trunc_pr(const Share& x, int m);
  Share trunc_pr_wide(const Share& x, int m) { return trunc_pr(x, m); }

  BShare binput(int p, const BitPlanes& bits, std::size_t n, int planes);
  BShare bnot(const BShare& a) const {
    if (me_ != 0) return a;
    BShare out{{~a.s[0]}};
    out.s[0].clear_padding();
    return out;
  }
  BShare band(const BShare& a, const BShare& b);
  BitPlanes bopen(const BShare& a);

  BShare msb(const Share& x, int l);
  BShare eqz_bits(const Share& x, int l);
  BShare bit_decompose(const Share& x, int l);
  Share mod2m(const Share& x, int m);
  Share b2a(const BShare& b);

 private:
  // x mod 2^l masked by an edaBit: c = x + r opened (mod 2^l), the bits of
  // c (a public value: party 0's summand) and of r (the daBits') shared.
  struct MaskedBits {
    Tensor<R> c;       // public, modulo 2^l
    Tensor<R> r_ring;  // this party's summand of r = sum_j 2^j b_j < 2^l
    BShare c_bits, r_bits;
  };
  MaskedBits masked_bits(const Share& x, int l);

  // Opens a tensor summed over all parties (modulo 2^bits if bits < k).
  Tensor<R> open_tensor(const Tensor<R>& mine, int bits) {
    for (int q = 0; q < n_; ++q)
      if (q != me_) send_low_bits(net_, q, mine, bits);
    Tensor<R> sum = mine;
    Tensor<R> theirs(mine.shape(), kUninitialized);
    for (int q = 0; q < n_; ++q) {
      if (q == me_) continue;
      recv_low_bits(net_, q, theirs, bits);
      add_inplace(sum, theirs);
    }
    if (bits < kRing)
      for (R& v : sum) v &= pow2<R>(bits) - 1;
    return sum;
  }
  // Opens two tensors in one round (one message per peer).
  std::pair<Tensor<R>, Tensor<R>> open_pair(Tensor<R> d, Tensor<R> e) {
    const std::size_t nd = d.size();
    const Shape ds = d.shape(), es = e.shape();
    std::vector<const Tensor<R>*> both{&d, &e};
    Tensor<R> opened = open_tensor(tensor_join(both), kRing);
    return {tensor_part(opened, 0, ds), tensor_part(opened, nd, es)};
  }
  std::tuple<std::size_t, std::size_t, std::size_t> matmul_dims(const Share& x,
                                                                const Share& y) const {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0],
              "matmul: cannot multiply {} by {}", shape_string(xs), shape_string(ys));
    return {xs[0], xs[1], ys[1]};
  }
  // Both im2col products: y is W (patch x n) or, left_transposed, dY
  // (rows x n). The local part is C + G(D) (B + E) + G(A) E, where party 0
  // alone adds the public E to its B and G(.) is taken as row-major
  // (rows x patch) or as the transposed left factor.
  Share im2col_triple_product(const Share& x, const Im2col& im2col, const Share& y,
                              bool left_transposed) {
    SQT_CHECK(shape(x) == Shape{im2col.padded_size()},
              "conv product: a padded input of shape {} given, [{}] expected",
              shape_string(shape(x)), im2col.padded_size());
    const std::size_t m = left_transposed ? im2col.patch() : im2col.rows();
    const std::size_t inner = left_transposed ? im2col.rows() : im2col.patch();
    SQT_CHECK(shape(y).size() == 2 && shape(y)[0] == inner,
              "conv product: a factor of shape {} for {} rows of the im2col matrix{}",
              shape_string(shape(y)), inner, left_transposed ? " (transposed)" : "");
    const std::size_t n = shape(y)[1];
    semi2k::Im2colTriple<R> t =
        preprocess([&](auto& s) { return s.im2col_triple(im2col, n, left_transposed); });
    auto [d, e] = open_pair(sqt::sub(x.s[0], t.a), sqt::sub(y.s[0], t.b));
    const Tensor<R> d_cols = tensor_gather(d, im2col.index(), im2col.shape());
    const Tensor<R> a_cols = tensor_gather(t.a, im2col.index(), im2col.shape());
    const MatmulTerm<R> terms[] = {{d_cols.data(), t.b.data(), me_ == 0 ? e.data() : nullptr},
                                   {a_cols.data(), e.data(), nullptr}};
    Tensor<R> z = std::move(t.c);
    matmul_add_terms<R>(terms, z.data(), m, inner, n, session_.pool(),
                        left_transposed ? LeftLayout::kTransposed : LeftLayout::kRowMajor);
    return {{std::move(z)}};
  }
  void check_party(int p) const {
    SQT_CHECK(p >= 0 && p < n_, "semi2k runs with parties 0 to {}; party {} does not exist", n_ - 1,
              p);
  }

  // Runs a request to the source, counting its time as offline.
  template <class Request>
  auto preprocess(Request&& request) {
    const auto start = std::chrono::steady_clock::now();
    auto item = request(*source_);
    offline_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return item;
  }

  Session& session_;
  Network& net_;
  int me_, n_;
  std::unique_ptr<semi2k::Correlations<R>> source_;
  double offline_seconds_ = 0;
};

}  // namespace sqt

#include "proto/semi2k/ot_correlations.h"
#include "proto/semi2k/semi2k_bits.h"
