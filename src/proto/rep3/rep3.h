// rep3.h — semi-honest 3-party replicated secret sharing over Z_{2^k}.
//
// Araki et al. (CCS 2016) / ABY3 (CCS 2018) sharing; input as in Eerikson et
// al. (ITC 2020); truncation in rep3_trunc.h. Every operation works on a whole
// tensor and sends at most one message per peer per round, whatever its size.
// docs/protocols/rep3.md lists what each message reveals and its cost.
//
// Rep3<R> borrows the Session (network, pairwise keys) of one party; the
// three parties must call the same operations in the same order.
#pragma once

#include <string_view>

#include "core/bit_planes.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "proto/common/summands.h"
#include "proto/protocol_info.h"
#include "proto/rep3/rep3_share.h"
#include "proto/session.h"

namespace sqt {

// Which truncation protocol trunc_pr uses (see rep3_trunc.h).
enum class TruncVariant {
  kAuto,   // kGap where the ring leaves room for it (k = 128), else kNoGap
  kGap,    // 2 rounds; |x| < 2^(k-42); statistically secure (40 bits)
  kNoGap,  // 3 rounds; |x| < 2^(k-2); perfectly secure
};

// A replicated binary (XOR) sharing of bit-sliced values: s[0] = b_i, s[1] = b_{i+1}.
using Rep3BShare = Summands<BitPlanes, 2>;

template <RingElement R>
class Rep3 : public SummandPlumbing<R, 2>, public BinarySummandPlumbing<2> {
 public:
  using Plumbing = SummandPlumbing<R, 2>;
  using Plumbing::add, Plumbing::sub, Plumbing::neg, Plumbing::scale, Plumbing::mul_public;
  using Plumbing::scatter_add, Plumbing::transposed, Plumbing::zeros;
  using Plumbing::shape, Plumbing::reshaped, Plumbing::part, Plumbing::join, Plumbing::gather;
  using Ring = R;
  using Share = Rep3Share<R>;
  using BShare = Rep3BShare;
  static constexpr std::string_view kName = "rep3";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 3;
  static constexpr ProtocolInfo kInfo{
      "rep3", 3, "semi-honest, 1 of 3 corrupted", "Z_2^64, Z_2^128", "pairwise", true};
  static constexpr int kStatisticalSecurity = 40;

  explicit Rep3(Session& session, TruncVariant variant = TruncVariant::kAuto)
      : session_(session),
        net_(session.net()),
        me_(session.party()),
        next_((me_ + 1) % 3),
        prev_((me_ + 2) % 3),
        prg_prev_(session.pair_prg(prev_)),
        prg_next_(session.pair_prg(next_)),
        variant_(variant == TruncVariant::kAuto
                     ? (kRing >= 128 ? TruncVariant::kGap : TruncVariant::kNoGap)
                     : variant) {
    SQT_CHECK(session.parties() == 3, "rep3 needs exactly 3 parties, the session has {}",
              session.parties());
    check_precision(kRing, session.frac_bits());
  }

  int parties() const { return 3; }
  int party() const { return me_; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return variant_ == TruncVariant::kGap ? kRing - 42 : kRing - 2; }
  TruncVariant trunc_variant() const { return variant_; }
  // --- input and output -------------------------------------------------

  // Party p's value becomes shared: x_p from the key of p and p-1, x_{p-1} =
  // 0, and p sends x_{p+1} = value - x_p to p+1 (one element per element).
  Share input(int p, const Tensor<R>& value, const Shape& shape) {
    check_party(p);
    if (me_ == p) {
      check_same_shape(value.shape(), shape, "input");
      Tensor<R> mine = prg_prev_.random<R>(shape);
      Tensor<R> theirs = sqt::sub(value, mine);
      send(next_, theirs);
      return {std::move(mine), std::move(theirs)};
    }
    if (next_ == p) return {Tensor<R>(shape, R{0}), prg_next_.random<R>(shape)};
    return {receive(prev_, shape), Tensor<R>(shape, R{0})};
  }

  // Each party sends x_i to party i+1, which lacks it.
  Tensor<R> open(const Share& x) {
    send(next_, x.s[0]);
    Tensor<R> missing = receive(prev_, shape(x));
    add_inplace(missing, x.s[0]);
    add_inplace(missing, x.s[1]);
    return missing;
  }

  // Party p-1 sends x_{p-1} to p; only p learns x.
  Tensor<R> open_to(int p, const Share& x) {
    check_party(p);
    if (next_ == p) send(p, x.s[0]);
    if (me_ != p) return {};
    Tensor<R> missing = receive(prev_, shape(x));
    add_inplace(missing, x.s[0]);
    add_inplace(missing, x.s[1]);
    return missing;
  }

  // --- local operations -------------------------------------------------

  // A sharing of a public value (summand x_0 = c, the others zero).
  Share constant(const Tensor<R>& c) const {
    Tensor<R> zero(c.shape(), R{0});
    if (me_ == 0) return {c, zero};
    if (me_ == 2) return {zero, c};
    return {zero, zero};
  }
  // A public value is added to summand x_0 (held by parties 0 and 2).
  Share add_public(const Share& x, const Tensor<R>& c) const {
    Share z = x;
    if (me_ == 0) add_inplace(z.s[0], c);
    if (me_ == 2) add_inplace(z.s[1], c);
    if (me_ == 1) check_same_shape(shape(x), c.shape(), "add_public");
    return z;
  }

  // Shares of a uniformly random tensor: x_i from each shared key.
  Share random(const Shape& shape) {
    return {prg_prev_.random<R>(shape), prg_next_.random<R>(shape)};
  }

  // --- multiplication ---------------------------------------------------

  // z_i = x_i y_i + x_i y_{i+1} + x_{i+1} y_i + zero-share, then reshare.
  Share mul(const Share& x, const Share& y) { return reshare(local_mul(x, y)); }

  // (m x k) * (k x n): two local ring matrix products, one reshare of m*n.
  Share matmul(const Share& x, const Share& y) {
    check_matmul_shapes(x, y);
    return reshare(local_matmul(x, y));
  }

  // trunc_pr(mul(x, y), m) and trunc_pr(matmul(x, y), m) in one step: the
  // product's summands go straight into the truncation's first round instead
  // of being reshared first (rep3_trunc.h), one round and two elements per
  // value fewer. The _wide form is valid for |x y| < 2^(k-2) (trunc_pr_wide).
  Share mul_trunc_pr(const Share& x, const Share& y, int m) {
    return trunc_summands(local_mul(x, y), m, variant_);
  }
  Share mul_trunc_pr_wide(const Share& x, const Share& y, int m) {
    return trunc_summands(local_mul(x, y), m, TruncVariant::kNoGap);
  }
  Share matmul_trunc_pr(const Share& x, const Share& y, int m) {
    check_matmul_shapes(x, y);
    return trunc_summands(local_matmul(x, y), m, variant_);
  }
  // trunc_pr of matmul_scatter, targets one past the end of out_shape
  // dropped (mpc/building_blocks.h).
  Share matmul_scatter_trunc_pr(const Share& x, const Share& y,
                                const std::vector<std::size_t>& targets, const Shape& out_shape,
                                int m) {
    check_matmul_shapes(x, y);
    return trunc_summands(
        tensor_scatter_add(local_matmul(x, y), targets, out_shape, PastEnd::kDrop), m, variant_);
  }

  // x^T y for x (k x m), y (k x n), without a transposed copy of x (the
  // kernel reads x transposed): the same messages as matmul(x^T, y).
  Share matmul_left_transposed(const Share& x, const Share& y) {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[0] == ys[0],
              "matmul: cannot multiply the transpose of {} by {}", shape_string(xs),
              shape_string(ys));
    return reshare(local_matmul(x, y, LeftLayout::kTransposed));
  }

  // The local part of matmul (public for benchmarks): x_i (y_i + y_{i+1}) + x_{i+1} y_i
  // (x transposed: x_i^T (y_i + y_{i+1}) + x_{i+1}^T y_i).
  Tensor<R> local_matmul(const Share& x, const Share& y,
                         LeftLayout layout = LeftLayout::kRowMajor) const {
    const bool t = layout == LeftLayout::kTransposed;
    std::size_t m = shape(x)[t ? 1 : 0], k = shape(x)[t ? 0 : 1], n = shape(y)[1];
    Tensor<R> z(Shape{m, n}, R{0});
    const MatmulTerm<R> terms[2] = {{x.s[0].data(), y.s[0].data(), y.s[1].data()},
                                    {x.s[1].data(), y.s[0].data(), nullptr}};
    matmul_add_terms<R>(terms, z.data(), m, k, n, session_.pool(), layout);
    return z;
  }

  // The product x y with its entries summed into out[targets[i]] before the
  // reshare, so the communication is the size of `shape`, not of x y (the
  // input gradient of a convolution: col2im of dY W^T).
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    check_matmul_shapes(x, y);
    return reshare(tensor_scatter_add(local_matmul(x, y), targets, out_shape));
  }

  // Row-wise dot products of (n x k) tensors: one reshare per row.
  Share dot_rows(const Share& x, const Share& y) {
    check_same_shape(shape(x), shape(y), "dot_rows");
    SQT_CHECK(shape(x).size() == 2, "dot_rows needs (n x k) tensors, got {}",
              shape_string(shape(x)));
    std::size_t rows = shape(x)[0], k = shape(x)[1];
    Tensor<R> z(Shape{rows});
    const R *x0 = x.s[0].data(), *x1 = x.s[1].data(), *y0 = y.s[0].data(), *y1 = y.s[1].data();
    for (std::size_t r = 0; r < rows; ++r) {
      R sum = 0;
      for (std::size_t j = r * k; j < (r + 1) * k; ++j)
        sum += x0[j] * (y0[j] + y1[j]) + x1[j] * y0[j];
      z[r] = sum;
    }
    return reshare(std::move(z));
  }

  // --- truncation (rep3_trunc.h) ----------------------------------------

  Share trunc_pr(const Share& x, int m) {
    return variant_ == TruncVariant::kGap ? trunc_pr_gap(x, m) : trunc_pr_nogap(x, m);
  }
  Share trunc_pr_gap(const Share& x, int m) { return trunc_gap(TruncOperand{&x, nullptr}, m); }
  Share trunc_pr_nogap(const Share& x, int m) { return trunc_nogap(TruncOperand{&x, nullptr}, m); }
  // Truncation valid for |x| < 2^(k-2) whatever the default variant.
  Share trunc_pr_wide(const Share& x, int m) { return trunc_pr_nogap(x, m); }

  // --- binary sharing (rep3_binary.h) -------------------------------------

  // Party p's bits become binary-shared (others pass empty planes).
  BShare binput(int p, const BitPlanes& bits, std::size_t n, int planes);
  BShare bnot(const BShare& a) const;
  BShare band(const BShare& a, const BShare& b);
  BitPlanes bopen(const BShare& a);

  // --- comparison primitives (rep3_compare.h) -----------------------------

  BShare msb(const Share& x, int l);
  BShare eqz_bits(const Share& x, int l);
  // The low l bits of x, bit-sliced (plane 0 = least significant).
  BShare bit_decompose(const Share& x, int l);
  // All k bits of x from its summands: each summand's bits are a binary
  // sharing for free, a carry-save layer reduces three to two, and a
  // parallel-prefix adder adds them (no mask; 1 + 1 + log2 k rounds).
  BShare bit_decompose_summands(const Share& x);
  Share mod2m(const Share& x, int m);
  Share b2a(const BShare& b);

 private:
  // Roles of a masked protocol: R (role 0) learns x + r; S = R+1 (role 1)
  // and T = R+2 (role 2) know r.
  struct Roles {
    int receiver;
    int role;
  };
  Roles next_roles() {
    int receiver = static_cast<int>(role_calls_++ % 3);
    return {receiver, (me_ - receiver + 3) % 3};
  }
  // The key K_{R+2} that S and T share (R does not hold it).
  Prg& helper_key(const Roles& roles) { return helper_prg(roles.role); }
  Prg& helper_prg(int role) { return role == 1 ? prg_next_ : prg_prev_; }

  // What a truncation truncates: a replicated sharing, or this party's
  // summand z_i of a 3-out-of-3 additive sharing (a product before its
  // reshare; no zero share needed, see open_masked_to_receiver).
  struct TruncOperand {
    const Share* shares = nullptr;
    const Tensor<R>* summand = nullptr;
    const Shape& shape() const { return shares ? shares->s[0].shape() : summand->shape(); }
  };
  Tensor<R> open_masked_to_receiver(int role, const TruncOperand& x, const Tensor<R>& r);
  Share trunc_gap(const TruncOperand& x, int m);
  Share trunc_nogap(const TruncOperand& x, int m);
  Share trunc_summands(const Tensor<R>& z, int m, TruncVariant variant) {
    const TruncOperand operand{nullptr, &z};
    return variant == TruncVariant::kGap ? trunc_gap(operand, m) : trunc_nogap(operand, m);
  }

  // x_i (y_i + y_{i+1}) + x_{i+1} y_i: this party's summand of x y.
  Tensor<R> local_mul(const Share& x, const Share& y) const {
    check_same_shape(shape(x), shape(y), "mul");
    Tensor<R> z(shape(x), kUninitialized);
    const R *x0 = x.s[0].data(), *x1 = x.s[1].data(), *y0 = y.s[0].data(), *y1 = y.s[1].data();
    R* out = z.data();
    session_.pool().for_ranges(z.size(), kElementwiseGrain,
                               [&](std::size_t begin, std::size_t end) {
                                 for (std::size_t i = begin; i < end; ++i)
                                   out[i] = x0[i] * (y0[i] + y1[i]) + x1[i] * y0[i];
                               });
    return z;
  }
  static void check_matmul_shapes(const Share& x, const Share& y) {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0],
              "matmul: cannot multiply {} by {}", shape_string(xs), shape_string(ys));
  }
  Tensor<R> mask_to_receiver(const Roles& roles, const Share& x, int bits);
  struct MaskedBits {
    Tensor<R> value;  // c at R, r at S and T
    BShare c, r;      // binary sharings of their low bits
  };
  MaskedBits masked_bits(const Roles& roles, const Share& x, int l);
  BShare bin_input_by_receiver(const Roles& roles, const BitPlanes& bits, std::size_t n,
                               int planes);
  BShare bin_known_by_helpers(const Roles& roles, const BitPlanes& bits, std::size_t n,
                              int planes) const;
  Share arith_input_by_receiver(const Roles& roles, const Tensor<R>& value, const Shape& shape);
  Share arith_known_by_helpers(const Roles& roles, const Tensor<R>& value,
                               const Shape& shape) const;

  // Turns a 3-out-of-3 additive sharing z_i into replicated shares: add a
  // zero sharing, send to party i-1, receive z_{i+1} from party i+1.
  Share reshare(Tensor<R> z) {
    add_zero_share(z);
    send(prev_, z);
    Tensor<R> from_next = receive(next_, z.shape());
    return {std::move(z), std::move(from_next)};
  }

  // alpha_i = F(k_i) - F(k_{i+1}); the three alphas sum to zero.
  void add_zero_share(Tensor<R>& z) {
    add_inplace(z, prg_prev_.random<R>(z.shape()));
    sub_inplace(z, prg_next_.random<R>(z.shape()));
  }

  void send(int peer, const Tensor<R>& t) { net_.send_values<R>(peer, t.span()); }
  // Sends only the low `bits` bits of each element, in the narrowest word
  // that holds them (the receiver gets the values modulo 2^bits).
  void send_low(int peer, const Tensor<R>& t, int bits) {
    if (bits <= 8) return send_as<std::uint8_t>(peer, t);
    if (bits <= 16) return send_as<std::uint16_t>(peer, t);
    if (bits <= 32) return send_as<std::uint32_t>(peer, t);
    if (bits <= 64 && kRing > 64) return send_as<std::uint64_t>(peer, t);
    send(peer, t);
  }
  Tensor<R> receive_low(int peer, const Shape& shape, int bits) {
    if (bits <= 8) return receive_as<std::uint8_t>(peer, shape);
    if (bits <= 16) return receive_as<std::uint16_t>(peer, shape);
    if (bits <= 32) return receive_as<std::uint32_t>(peer, shape);
    if (bits <= 64 && kRing > 64) return receive_as<std::uint64_t>(peer, shape);
    return receive(peer, shape);
  }
  template <class Word>
  void send_as(int peer, const Tensor<R>& t) {
    std::vector<Word> words(t.size());
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<Word>(t[i]);
    net_.send_values<Word>(peer, words);
  }
  template <class Word>
  Tensor<R> receive_as(int peer, const Shape& shape) {
    std::vector<Word> words(shape_size(shape));
    net_.recv_values<Word>(peer, std::span(words));
    Tensor<R> t(shape, kUninitialized);
    for (std::size_t i = 0; i < words.size(); ++i) t[i] = words[i];
    return t;
  }
  Tensor<R> receive(int peer, const Shape& shape) {
    Tensor<R> t(shape, kUninitialized);
    net_.recv_values<R>(peer, t.span());
    return t;
  }
  void check_party(int p) const {
    SQT_CHECK(p >= 0 && p < 3, "rep3 has parties 0, 1 and 2; party {} does not exist", p);
  }

  Session& session_;
  Network& net_;
  int me_, next_, prev_;
  Prg& prg_prev_;  // key shared with party i-1: draws summand x_i
  Prg& prg_next_;  // key shared with party i+1: draws summand x_{i+1}
  TruncVariant variant_;
  std::uint64_t trunc_calls_ = 0;  // rotates the truncation roles
  std::uint64_t role_calls_ = 0;   // rotates the roles of masked protocols
};

}  // namespace sqt

#include "proto/rep3/rep3_binary.h"
#include "proto/rep3/rep3_compare.h"
#include "proto/rep3/rep3_trunc.h"
