// rep4.h — "Fantastic Four": 4-party replicated secret sharing over Z_{2^k},
// secure with abort against one malicious party.
//
// Dalskov, Escudero, Keller (USENIX Security 2021). x = x_0 + x_1 + x_2 + x_3
// (mod 2^k); party i holds every summand but x_i (Rep4Share, rep4_share.h),
// so each summand is known to three parties and each product x_a y_b of two
// summands to at least two. Every value a party sends is one that a second
// party can compute too: one sends it, the other vouches for it, and the
// receiver compares the two through a digest (MessageCheck) before any
// opened value is used. One corrupted party can therefore only make the
// honest parties abort, never change a result or learn anything: every
// message it receives is masked by randomness it does not hold.
//
// Costs per element, all parties together: input 2, open 4, multiplication
// 6 (1.5 per party; matrix products: per output element), one round. A
// product truncated at once costs one round and two elements per value
// less than the product and the truncation apart (rep4_trunc.h). The
// check costs three rounds and 37 bytes per peer; an open checks everything
// before it (3 rounds) and its own messages (2 more rounds).
// docs/protocols/rep4.md gives every message and why it is safe.
//
// Rep4<R> borrows the Session (network, keys); the four parties must call
// the same operations in the same order.
#pragma once

#include <array>
#include <string_view>
#include <type_traits>

#include "core/bit_planes.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "proto/common/message_check.h"
#include "proto/common/summands.h"
#include "proto/protocol_info.h"
#include "proto/rep4/rep4_algebra.h"
#include "proto/session.h"

namespace sqt {

template <RingElement R>
using Rep4Share = Summands<Tensor<R>, 3>;
using Rep4BShare = Summands<BitPlanes, 3>;

// Which truncation rep4's trunc_pr uses. The default is kNoGap on both
// rings: it is perfectly secure, whereas kGap's 2^-40 statistical distance
// per element would add up over the ~2^36 truncations of a long training
// run (docs/protocols/rep4.md). kGap (2 rounds, 4 elements) is there for
// measurements.
enum class Rep4Trunc { kNoGap, kGap };

template <RingElement R>
class Rep4 : public SummandPlumbing<R, 3>, public BinarySummandPlumbing<3> {
 public:
  using Plumbing = SummandPlumbing<R, 3>;
  using Plumbing::add, Plumbing::sub, Plumbing::neg, Plumbing::scale, Plumbing::mul_public;
  using Plumbing::scatter_add, Plumbing::transposed, Plumbing::zeros;
  using Plumbing::shape, Plumbing::reshaped, Plumbing::part, Plumbing::join, Plumbing::gather;
  using Ring = R;
  using Share = Rep4Share<R>;
  using BShare = Rep4BShare;
  static constexpr std::string_view kName = "rep4";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 4;
  static constexpr ProtocolInfo kInfo{
      "rep4", 4, "malicious with abort, 1 of 4 corrupted", "Z_2^64, Z_2^128", "pairwise, 3-of-4",
      true};

  explicit Rep4(Session& session, Rep4Trunc trunc = Rep4Trunc::kNoGap)
      : session_(session),
        net_(session.net()),
        me_(session.party()),
        check_(session.net(), "rep4"),
        gap_(trunc == Rep4Trunc::kGap) {
    SQT_CHECK(session.parties() == 4, "rep4 needs exactly 4 parties, the session has {}",
              session.parties());
    check_precision(kRing, session.frac_bits());
    session.agree_group_keys(key_groups(me_));
  }

  // The keys party `me` needs: for each summand x_q it holds, the key of the
  // three parties that hold it (all but q).
  static std::vector<std::uint32_t> key_groups(int me) {
    std::vector<std::uint32_t> groups;
    for (int q = 0; q < 4; ++q)
      if (q != me) groups.push_back(all_but(q));
    return groups;
  }

  int parties() const { return 4; }
  int party() const { return me_; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return gap_ ? kRing - 42 : kRing - 2; }
  // Message checks run so far.
  std::uint64_t checks() const { return check_.checks(); }

  // --- input and output -------------------------------------------------

  Share input(int p, const Tensor<R>& value, const Shape& shape) {
    return input_as<Tensor<R>>(p, value, Tensor<R>(shape, R{0}));
  }
  Tensor<R> open(const Share& x) { return open_as<Tensor<R>>(x, -1); }
  Tensor<R> open_to(int p, const Share& x) {
    check_party(p);
    return open_as<Tensor<R>>(x, p);
  }
  // Verifies every message so far (the same check as before an open); runs
  // at the end of a computation so that a deviation after the last open is
  // caught too.
  void finish() { check_.check(); }

  // --- local operations -------------------------------------------------

  // A sharing of a public value: x_0 = c (held by parties 1, 2 and 3).
  Share constant(const Tensor<R>& c) const {
    Share z = zeros(c.shape());
    if (me_ != 0) z.s[slot(0)] = c;
    return z;
  }
  Share add_public(const Share& x, const Tensor<R>& c) const {
    check_same_shape(shape(x), c.shape(), "add_public");
    Share z = x;
    if (me_ != 0) add_inplace(z.s[slot(0)], c);
    return z;
  }
  // Shares of a uniformly random tensor: x_q from the key of all but q.
  Share random(const Shape& shape) {
    Share z;
    for (int q = 0; q < 4; ++q)
      if (q != me_) z.s[slot(q)] = key_of_summand(q).template random<R>(shape);
    return z;
  }

  // --- multiplication ---------------------------------------------------

  Share mul(const Share& x, const Share& y) {
    check_same_shape(shape(x), shape(y), "mul");
    return multiply<Tensor<R>>(
        x, y, [](const Tensor<R>& a, const Tensor<R>& b) { return sqt::mul(a, b); },
        Tensor<R>(shape(x), R{0}));
  }
  Share matmul(const Share& x, const Share& y) {
    auto [m, n] = matmul_dims(x, y);
    return multiply<Tensor<R>>(
        x, y, [&](const Tensor<R>& a, const Tensor<R>& b) { return local_product(a, b); },
        Tensor<R>(Shape{m, n}, R{0}));
  }
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    matmul_dims(x, y);
    return multiply<Tensor<R>>(
        x, y,
        [&](const Tensor<R>& a, const Tensor<R>& b) {
          return tensor_scatter_add(local_product(a, b), targets, out_shape);
        },
        Tensor<R>(out_shape, R{0}));
  }
  Share dot_rows(const Share& x, const Share& y) {
    check_same_shape(shape(x), shape(y), "dot_rows");
    SQT_CHECK(shape(x).size() == 2, "dot_rows needs (n x k) tensors, got {}",
              shape_string(shape(x)));
    const std::size_t rows = shape(x)[0], k = shape(x)[1];
    return multiply<Tensor<R>>(
        x, y,
        [&](const Tensor<R>& a, const Tensor<R>& b) {
          Tensor<R> z(Shape{rows});
          for (std::size_t r = 0; r < rows; ++r) {
            R sum = 0;
            for (std::size_t j = r * k; j < (r + 1) * k; ++j) sum += a[j] * b[j];
            z[r] = sum;
          }
          return z;
        },
        Tensor<R>(Shape{rows}, R{0}));
  }

  // --- truncation and comparison (rep4_trunc.h, rep4_compare.h) ---------

  Share trunc_pr(const Share& x, int m) { return gap_ ? trunc_pr_gap(x, m) : trunc_pr_nogap(x, m); }
  Share trunc_pr_gap(const Share& x, int m);
  Share trunc_pr_nogap(const Share& x, int m);
  Share trunc_pr_wide(const Share& x, int m) { return trunc_pr_nogap(x, m); }

  // trunc_pr(mul(x, y), m) and trunc_pr(matmul(x, y), m) in one step (no
  // gap): the pairs' sums of summand products go straight into the
  // truncation's masked step instead of being jointly shared first
  // (rep4_trunc.h): one round and two elements per value fewer. With kGap
  // the product and the truncation run one after the other.
  Share mul_trunc_pr(const Share& x, const Share& y, int m) {
    if (gap_) return trunc_pr_gap(mul(x, y), m);
    return mul_trunc_pr_wide(x, y, m);
  }
  Share mul_trunc_pr_wide(const Share& x, const Share& y, int m) {
    check_same_shape(shape(x), shape(y), "mul");
    return product_trunc_nogap(
        x, y, [](const Tensor<R>& a, const Tensor<R>& b) { return sqt::mul(a, b); }, shape(x), m);
  }
  Share matmul_trunc_pr(const Share& x, const Share& y, int m) {
    if (gap_) return trunc_pr_gap(matmul(x, y), m);
    auto [rows, cols] = matmul_dims(x, y);
    return product_trunc_nogap(
        x, y, [&](const Tensor<R>& a, const Tensor<R>& b) { return local_product(a, b); },
        Shape{rows, cols}, m);
  }
  // trunc_pr of matmul_scatter, targets one past the end of out_shape
  // dropped (mpc/building_blocks.h).
  Share matmul_scatter_trunc_pr(const Share& x, const Share& y,
                                const std::vector<std::size_t>& targets, const Shape& out_shape,
                                int m) {
    matmul_dims(x, y);
    auto product = [&](const Tensor<R>& a, const Tensor<R>& b) {
      return tensor_scatter_add(local_product(a, b), targets, out_shape, PastEnd::kDrop);
    };
    if (gap_)
      return trunc_pr_gap(multiply<Tensor<R>>(x, y, product, Tensor<R>(out_shape, R{0})), m);
    return product_trunc_nogap(x, y, product, out_shape, m);
  }

  // --- binary sharing -----------------------------------------------------

  BShare binput(int p, const BitPlanes& bits, std::size_t n, int planes) {
    if (me_ == p)
      SQT_CHECK(bits.n() == n && bits.planes() == planes,
                "binput: {}x{} bits given, {}x{} declared", bits.planes(), bits.n(), planes, n);
    return input_as<BitPlanes>(p, me_ == p ? bits : BitPlanes(n, planes), BitPlanes(n, planes));
  }
  BShare bnot(const BShare& a) const {
    BShare out = a;  // complement summand b_0, held by parties 1, 2 and 3
    if (me_ != 0) {
      out.s[slot(0)] = ~out.s[slot(0)];
      out.s[slot(0)].clear_padding();
    }
    return out;
  }
  BShare band(const BShare& a, const BShare& b) {
    return multiply<BitPlanes>(
        a, b, [](const BitPlanes& u, const BitPlanes& v) { return u & v; },
        BitPlanes(a.s[0].n(), a.s[0].planes()));
  }
  BitPlanes bopen(const BShare& a) { return open_as<BitPlanes>(a, -1); }

  BShare msb(const Share& x, int l);
  BShare eqz_bits(const Share& x, int l);
  BShare bit_decompose(const Share& x, int l);
  Share mod2m(const Share& x, int m);
  Share b2a(const BShare& b);

 private:
  // Roles of a masked step: R1 and R2 learn c = x + r, S and T know r.
  struct Roles {
    int r1, r2, s, t;
  };
  Roles next_roles() {
    const int base = static_cast<int>(role_calls_++ % 4);
    return {base, (base + 1) % 4, (base + 2) % 4, (base + 3) % 4};
  }
  struct Masked {
    Tensor<R> c;  // x + r at R1 and R2, r at S and T
    bool knows_c;
  };
  // S and T draw r (ANDed with r_mask) from their key; R1 and R2 learn x + r
  // (only modulo 2^bits if bits < k: narrower messages).
  Masked mask_to_pair(const Roles& roles, const Share& x, R r_mask = ~R{0}, int bits = kRing);
  // The masked step with the low l bits of c (from R1, R2) and of r (from S,
  // T) as binary sharings.
  struct MaskedBits {
    Masked value;
    BShare c, r;
  };
  MaskedBits masked_bits(const Roles& roles, const Share& x, int l);
  // mask_to_pair with a mask r that S and T already hold.
  Masked mask_with(const Roles& roles, const Share& x, Tensor<R> r, int bits = kRing);
  // The mask of a no-gap truncation by m bits: r = 2^m t + r_lo mod 2^k
  // with [t] shared for free (rep4_trunc.h).
  struct TruncMask {
    Share high;   // t = t1 + t2: summand R1 = t1, summand R2 = t2 (each < 2^(k-m))
    Tensor<R> r;  // at S and T
  };
  TruncMask trunc_mask(const Roles& roles, const Shape& sh, int m);
  // The masked step of x y without sharing x y first: c = x y + r at R1 and
  // R2 for the r that S and T hold (rep4_trunc.h).
  template <class Product>
  Masked mask_product_to_pair(const Roles& roles, const Share& x, const Share& y, Product&& product,
                              const Shape& out_shape, Tensor<R> r);
  // The no-gap truncation of the value behind a masked step with a
  // trunc_mask.
  Share trunc_nogap_masked(const Roles& roles, const Masked& masked, const Share& high, int m);
  // e b for e jointly shared by R1 and R2 and b by S and T.
  Share multiply_across(const Roles& roles, const Share& e, const Share& b, int bits);
  template <class Product>
  Share product_trunc_nogap(const Share& x, const Share& y, Product&& product,
                            const Shape& out_shape, int m) {
    check_nogap_shift(m);
    const Roles roles = next_roles();
    TruncMask mask = trunc_mask(roles, out_shape, m);
    Masked masked = mask_product_to_pair(roles, x, y, product, out_shape, std::move(mask.r));
    return trunc_nogap_masked(roles, masked, mask.high, m);
  }
  static void check_nogap_shift(int m) {
    SQT_CHECK(m > 0 && m < kRing - 2, "trunc_pr: cannot truncate by {} bits (ring of {} bits)", m,
              kRing);
  }
  // The sum of summand products that parties i and j both know: x_u y_w +
  // x_w y_u for the two summands u, w they are not named after, or with
  // `squares` (x_u + x_w)(y_u + y_w), which adds x_u y_u + x_w y_w.
  template <class T, class Product>
  T pair_term(const Summands<T, 3>& x, const Summands<T, 3>& y, Product& product, int i, int j,
              bool squares) const {
    using A = Algebra<T>;
    int u = -1, w = -1;
    for (int q = 0; q < 4; ++q) {
      if (q == i || q == j) continue;
      (u < 0 ? u : w) = q;
    }
    const T &xu = x.s[slot(u)], &xw = x.s[slot(w)], &yu = y.s[slot(u)], &yw = y.s[slot(w)];
    if (squares) return product(A::plus(xu, xw), A::plus(yu, yw));
    T term = product(xu, yw);
    A::add_to(term, product(xw, yu));
    return term;
  }

  // One value known to parties i and j (`value`, ignored elsewhere) made a
  // sharing: x_g = r (key of all but g), x_h = value - r, sent by `sender`
  // (i or j) to g and vouched for by the other. {g, h} are the other two.
  struct JointSpec {
    int i, j, g, sender;
    int target;        // index of the output share it is added to
    int bits = kRing;  // ring sharings: only value mod 2^bits is shared (narrower messages)
  };
  template <class T>
  std::vector<Summands<T, 3>> joint_share(const std::vector<JointSpec>& specs,
                                          const std::vector<const T*>& values,
                                          const std::vector<T>& likes, std::size_t outputs);

  // x y, or (bits < k, ring sharings) x y mod 2^bits with narrower messages.
  template <class T, class Product>
  Summands<T, 3> multiply(const Summands<T, 3>& x, const Summands<T, 3>& y, Product&& product,
                          const T& like, int bits = kRing);
  template <class T>
  Summands<T, 3> input_as(int p, const T& value, const T& like);
  template <class T>
  T open_as(const Summands<T, 3>& x, int only_to);

  std::pair<std::size_t, std::size_t> matmul_dims(const Share& x, const Share& y) const {
    const Shape &xs = shape(x), &ys = shape(y);
    SQT_CHECK(xs.size() == 2 && ys.size() == 2 && xs[1] == ys[0],
              "matmul: cannot multiply {} by {}", shape_string(xs), shape_string(ys));
    return {xs[0], ys[1]};
  }
  Tensor<R> local_product(const Tensor<R>& a, const Tensor<R>& b) const {
    const std::size_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    Tensor<R> z(Shape{m, n}, R{0});
    matmul_add(a.data(), b.data(), z.data(), m, k, n, session_.pool());
    return z;
  }

  static constexpr std::uint32_t all_but(int q) { return 0xfu & ~(1u << q); }
  // Where summand x_q (q != me) sits in this party's share.
  int slot(int q) const { return (q - me_ + 4) % 4 - 1; }
  Prg& key_of_summand(int q) { return session_.group_prg(all_but(q)); }
  void check_party(int p) const {
    SQT_CHECK(p >= 0 && p < 4, "rep4 has parties 0 to 3; party {} does not exist", p);
  }
  template <class T>
  void send(int peer, const T& t, int bits = kRing) {
    if constexpr (std::is_same_v<T, Tensor<R>>) {
      if (bits < kRing) return send_words(peer, t, bits);
    }
    net_.send(peer, Algebra<T>::bytes(t));
  }
  template <class T>
  void receive(int peer, T& t, int bits = kRing) {
    if constexpr (std::is_same_v<T, Tensor<R>>) {
      if (bits < kRing) return receive_words(peer, t, bits);
    }
    net_.recv(peer, Algebra<T>::writable_bytes(t));
  }
  // The low `bits` bits of each element in the narrowest word that holds them.
  void send_words(int peer, const Tensor<R>& t, int bits) {
    if (bits <= 8) return send_as<std::uint8_t>(peer, t);
    if (bits <= 16) return send_as<std::uint16_t>(peer, t);
    if (bits <= 32) return send_as<std::uint32_t>(peer, t);
    if (bits <= 64 && kRing > 64) return send_as<std::uint64_t>(peer, t);
    net_.send(peer, Algebra<Tensor<R>>::bytes(t));
  }
  void receive_words(int peer, Tensor<R>& t, int bits) {
    if (bits <= 8) return receive_as<std::uint8_t>(peer, t);
    if (bits <= 16) return receive_as<std::uint16_t>(peer, t);
    if (bits <= 32) return receive_as<std::uint32_t>(peer, t);
    if (bits <= 64 && kRing > 64) return receive_as<std::uint64_t>(peer, t);
    net_.recv(peer, Algebra<Tensor<R>>::writable_bytes(t));
  }
  template <class Word>
  void send_as(int peer, const Tensor<R>& t) {
    std::vector<Word> words(t.size());
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<Word>(t[i]);
    net_.send_values<Word>(peer, words);
  }
  template <class Word>
  void receive_as(int peer, Tensor<R>& t) {
    std::vector<Word> words(t.size());
    net_.recv_values<Word>(peer, std::span(words));
    for (std::size_t i = 0; i < words.size(); ++i) t[i] = words[i];
  }
  static void keep_low(Tensor<R>& t, int bits) {
    if (bits >= kRing) return;
    const R mask = pow2<R>(bits) - 1;
    for (R& v : t) v &= mask;
  }

  Session& session_;
  Network& net_;
  int me_;
  MessageCheck check_;
  bool gap_;
  std::uint64_t mul_calls_ = 0;    // rotates the senders and receivers of products
  std::uint64_t role_calls_ = 0;   // rotates the roles of masked steps
  std::uint64_t share_calls_ = 0;  // alternates the senders of b2a's joint sharings
};

}  // namespace sqt

#include "proto/rep4/rep4_compare.h"
#include "proto/rep4/rep4_joint.h"
#include "proto/rep4/rep4_trunc.h"
