// mal3.h — 3-party replicated secret sharing with SPDZ-wise MACs over
// Z_{2^k}, secure with abort against one malicious party (honest majority).
//
// Dalskov, Escudero, Keller (CRYPTO 2020, "SPDZ-wise replicated"): a value x
// modulo 2^k is held as a replicated sharing of x and of m = alpha x in the
// larger ring Z_{2^(k+s)}, where alpha is a replicated MAC key nobody knows
// (drawn from the pairwise keys, fresh per session). Party i holds the
// components i and i+1 of both (Mal3Share: s[0], s[1] of x; s[2], s[3] of
// m). Linear operations act on all four; a product computes x y and m y by
// rep3's reshare (two messages of one wide element per element, sent back
// to back). A party can only add errors to what it sends; every error that
// changes a value or leaves a MAC inconsistent is caught:
//  - products, inputs' MACs and random values: every pair (z, m) made by a
//    reshare is kept and, before any value is revealed, checked at once by
//    sums over 64 random subsets drawn after they exist (mal3_verify.h);
//  - openings: one holder of the missing component sends it, the other
//    vouches for it through a digest (MessageCheck) compared before an
//    opened value is used for an output;
//  - random bits, daBits and edaBits (for truncation and comparison) are
//    checked before they mask anything, and every binary AND is proved
//    correct before anything that depends on it is opened (mal3_bits.h,
//    mal3_masks.h, mal3_boolean.h, and_proof.h).
// Only masked values (x + r with r uniform and unknown to every single
// party) are opened before a check, so a deviation cannot make the abort
// depend on a secret.
// docs/protocols/mal3.md gives every message, the checks, and the
// statistical security of a whole training run.
//
// Rings: k = 64 or 128 with s = 64 (values and MACs stored in words of
// k + 64 bits: u128, or u192 from core/u192.h).
//
// Mal3<R> borrows the Session; the three parties call the same operations in
// the same order.
#pragma once

#include <bit>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/bit_planes.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "kernels/matmul.h"
#include "kernels/subset_sums.h"
#include "proto/common/bit_circuits.h"
#include "proto/common/joint_challenge.h"
#include "proto/common/message_check.h"
#include "proto/common/summands.h"
#include "proto/mal3/mal3_boolean.h"
#include "proto/protocol_info.h"
#include "proto/session.h"

namespace sqt {

// The wide ring of Mal3<R>: values modulo 2^k are stored with their MACs in
// Z_{2^(k+s)}, s = 64: u128 words for k = 64, u192 words for k = 128.
template <RingElement R>
using Mal3Wide = std::conditional_t<std::same_as<R, std::uint64_t>, u128, u192>;

template <RingElement R>
using Mal3Share = Summands<Tensor<Mal3Wide<R>>, 4>;

// A bit-sliced binary sharing: the bits as arithmetic 0/1 values with MACs,
// plane-major (plane j of element i at j * n + i).
template <RingElement R>
struct Mal3Bits {
  Mal3Share<R> v;
  std::size_t n = 0;
  int planes = 0;
};

template <RingElement R>
class Mal3 : public SummandPlumbing<Mal3Wide<R>, 4> {
 public:
  using W = Mal3Wide<R>;
  using Plumbing = SummandPlumbing<W, 4>;
  using Plumbing::add, Plumbing::sub, Plumbing::neg;
  using Plumbing::scatter_add, Plumbing::transposed, Plumbing::zeros;
  using Plumbing::shape, Plumbing::reshaped, Plumbing::part, Plumbing::join, Plumbing::gather;
  using Ring = R;
  using Share = Mal3Share<R>;
  using BShare = Mal3Bits<R>;
  static constexpr std::string_view kName = "mal3";
  static constexpr int kRing = kRingBits<R>;
  static constexpr int kParties = 3;
  // Bits of a word above the value's k (the MAC ring's s = 64; shares,
  // MACs and most messages are words of k + 64 bits).
  static constexpr int kWordHeadroomBits = 64;
  static constexpr ProtocolInfo kInfo{
      "mal3", 3, "malicious with abort, 1 of 3 corrupted", "Z_2^64, Z_2^128", "pairwise", true};

  explicit Mal3(Session& session)
      : session_(session),
        net_(session.net()),
        me_(session.party()),
        next_((me_ + 1) % 3),
        prev_((me_ + 2) % 3),
        prg_prev_(session.pair_prg(prev_)),
        prg_next_(session.pair_prg(next_)),
        check_(session.net(), "mal3"),
        boolean_(session, check_) {
    SQT_CHECK(session.parties() == 3, "mal3 needs exactly 3 parties, the session has {}",
              session.parties());
    check_precision(kRing, session.frac_bits());
    alpha_[0] = prg_prev_.template random<W>({1})[0];
    alpha_[1] = prg_next_.template random<W>({1})[0];
  }

  int parties() const { return 3; }
  int party() const { return me_; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return kRing - 2; }
  // MAC checks (verifications) and message checks run so far.
  std::uint64_t verifications() const { return verifications_; }
  std::uint64_t checks() const { return check_.checks(); }
  // Checks that a cheating party passes with probability at most 2^-63
  // each (MAC checks, proofs of the ANDs, batches of daBits), which
  // the statistical security of a run counts (docs/protocols/mal3.md).
  std::uint64_t statistical_checks() const {
    return verifications_ + boolean_.proofs() + dabit_batches_;
  }
  // Random bits in memory at once (default 2^20, 64 MiB per party: smaller
  // blocks cost rounds, larger ones memory and page faults); the
  // block tests lower it.
  void set_block_bits(std::size_t bits) { block_bits_ = std::max<std::size_t>(bits, 64); }

  // --- input and output -------------------------------------------------

  // Party p draws components p and p+1 from its keys with p-1 and p+1 and
  // sends component p+2 = value - both to its two holders, who compare it
  // (vouch for each other); then the MAC by one product with alpha.
  Share input(int p, const Tensor<R>& value, const Shape& shape);
  // Checks everything so far, opens x (each party's missing component from
  // one holder, vouched for by the other) and checks the opening.
  Tensor<R> open(const Share& x) {
    verify();
    Tensor<R> out = open_value(x, -1);
    check_.check();
    return out;
  }
  Tensor<R> open_to(int p, const Share& x) {
    check_party(p);
    verify();
    Tensor<R> out = open_value(x, p);
    check_.check();
    return out;
  }
  // Checks everything since the last check; ends with one exchange whose
  // content is ignored, so that a party that aborts in the last check
  // stops its peers too.
  void finish();

  // --- local operations -------------------------------------------------

  Share constant(const Tensor<R>& c) const { return constant_wide(lifted(c)); }
  Share add_public(const Share& x, const Tensor<R>& c) const {
    check_same_shape(shape(x), c.shape(), "add_public");
    return add_public_wide(x, lifted(c));
  }
  static Share mul_public(const Share& x, const Tensor<R>& c) {
    const Tensor<W> wide = lifted(c);
    return each_summand([&](const Tensor<W>& a) { return sqt::mul(a, wide); }, x);
  }
  static Share scale(const Share& x, R c) { return scale_wide(x, W(c)); }
  // Shares of a uniformly random value: components from the keys, the MAC
  // by one product.
  Share random(const Shape& shape) {
    return with_mac(prg_prev_.template random<W>(shape), prg_next_.template random<W>(shape));
  }

  // What this party holds of x as ring tensors (each wide tensor as its low
  // k bits and its high 64), and back (checkpoints).
  static std::vector<Tensor<R>> local_tensors(const Share& x);
  static Share from_local_tensors(std::vector<Tensor<R>> tensors);

  // --- multiplication ---------------------------------------------------

  Share mul(const Share& x, const Share& y) { return reshare_product(local_mul(x, y)); }
  Share matmul(const Share& x, const Share& y) { return reshare_product(local_matmul(x, y)); }
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& out_shape) {
    return reshare_product(local_matmul_scatter(x, y, targets, out_shape));
  }
  // A product then its truncation, as trunc_pr(mul(x, y), m); the
  // truncation reads the pair kept for the check, so the product is not
  // copied (fixed-point products of dense layers and of the fixed-point
  // library; convolutions take matmul and matmul_scatter, still copied).
  Share mul_trunc_pr(const Share& x, const Share& y, int m) {
    return trunc_pr(*reshare_kept(local_mul(x, y)), m);
  }
  Share matmul_trunc_pr(const Share& x, const Share& y, int m) {
    return trunc_pr(*reshare_kept(local_matmul(x, y)), m);
  }
  Share dot_rows(const Share& x, const Share& y);

  // --- truncation, bits and comparison (mal3_bits.h) ----------------------

  // Truncation by m bits (|x| < 2^(k-2)); masks from a pool per m
  // (mal3_masks.h), one opening per chunk (mal3_bits.h).
  Share trunc_pr(const Share& x, int m);
  Share trunc_pr_wide(const Share& x, int m) { return trunc_pr(x, m); }

  static int planes(const BShare& b) { return b.planes; }
  BShare binput(int p, const BitPlanes& bits, std::size_t n, int planes);
  BShare bxor(const BShare& a, const BShare& b);
  BShare bnot(const BShare& a) const;
  BShare band(const BShare& a, const BShare& b);
  BitPlanes bopen(const BShare& a);
  static BShare bslice(const BShare& a, int from, int count);
  static BShare bgather(const BShare& a, int start, int step, int count);
  static BShare bconcat(const BShare& a, const BShare& b);

  BShare msb(const Share& x, int l) {
    SQT_CHECK(l >= 2 && l <= kRing, "msb: bit length {} is outside [2, {}]", l, kRing);
    const int width = compare_width(l);
    return bits_by_blocks(x, kCompareWeight, 1,
                          [&](const Share& b) { return msb_block(b, width); });
  }
  // The width msb(x, l) compares on. Below k bits the edaBit must be
  // reduced modulo 2^l, which takes two daBits (2 x 2 wide elements per
  // party, 64 bytes at k = 64); on all k bits it needs none, for about
  // 4 (k - l) more ANDs of 1 bit and k - l - 1 more rounds (k - l more of
  // its ripple, none to open the wrap's daBits). For
  // |x| < 2^(l-1), the range msb(x, l) promises, the sign on k bits is the
  // same, so up to kMaxCompareWidening bits wider is cheaper in bytes and
  // CPU (a C step's 48-bit comparisons on Z_2^64: -56 bytes each).
  static constexpr int kMaxCompareWidening = 16;
  static int compare_width(int l) { return kRing - l <= kMaxCompareWidening ? kRing : l; }
  BShare eqz_bits(const Share& x, int l) {
    SQT_CHECK(l >= 1 && l <= kRing, "eqz: bit length {} is outside [1, {}]", l, kRing);
    return bits_by_blocks(x, kCompareWeight, 1, [&](const Share& b) { return eqz_block(b, l); });
  }
  BShare bit_decompose(const Share& x, int l) {
    SQT_CHECK(l >= 1 && l <= kRing, "bit_decompose: bit length {} is outside [1, {}]", l, kRing);
    return bits_by_blocks(x, l, l, [&](const Share& b) { return decompose_block(b, l); });
  }
  Share mod2m(const Share& x, int m) {
    SQT_CHECK(m >= 1 && m < kRing, "mod2m: cannot reduce modulo 2^{} in a {}-bit ring", m, kRing);
    return reshaped(
        by_blocks(x, kCompareWeight, 1, [&](const Share& b) { return mod2m_block(b, m); }),
        shape(x));
  }
  Share b2a(const BShare& b) { return reshaped(b.v, {b.v.s[0].size()}); }

  // --- checks (mal3_verify.h) -------------------------------------------

  // Checks the MACs of every product since the last check and that every
  // pending random bit is a bit; throws an Error starting "abort:" naming
  // the failed check. All parties call it at the same points.
  void verify() { verify(nullptr); }

 private:
  // The local part of a product: 3-out-of-3 summands of x y and m_x y.
  struct Product {
    Tensor<W> value, mac;
  };
  // x + r opened modulo 2^l for an edaBit r (mal3_compare.h).
  struct MaskedEdaBits {
    Tensor<R> c;         // public, modulo 2^l
    Share r;             // [n], in [0, 2^l) (for l = k: equal to it modulo 2^k)
    Mal3BoolShare bits;  // r's bits: l planes of n
  };

  static Tensor<W> lifted(const Tensor<R>& t) {
    Tensor<W> out(t.shape(), kUninitialized);
    for (std::size_t i = 0; i < t.size(); ++i) out[i] = t[i];
    return out;
  }
  static Share scale_wide(const Share& x, W c) {
    return each_summand([&](const Tensor<W>& a) { return sqt::scale(a, c); }, x);
  }
  // A sharing of a public wide value: component 0 = c (held by parties 0
  // and 2), MAC components alpha_j c.
  Share constant_wide(const Tensor<W>& c) const;
  Share add_public_wide(Share x, const Tensor<W>& c) const;
  // An input as this party's two value components, without a MAC
  // (consistent: the two receivers of the sent component vouch for it).
  // The input party draws its components and sends the third; the others
  // receive it. Split so that a caller can send other messages in between.
  using Components = std::pair<Tensor<W>, Tensor<W>>;
  Components send_input(const Tensor<W>& value);
  Components receive_input(int p, const Shape& shape);

  Product local_matmul(const Share& x, const Share& y, std::size_t m, std::size_t k,
                       std::size_t n) const;
  std::tuple<std::size_t, std::size_t, std::size_t> matmul_dims(const Share& x,
                                                                const Share& y) const;
  // Turns 3-out-of-3 summands of a value and its MAC into a replicated
  // sharing (a zero sharing added, sent to party i-1) and keeps the pair for
  // the next verify().
  Share reshare_product(Product z);
  // The same, returning the kept pair itself (shared, read-only).
  std::shared_ptr<const Share> reshare_kept(Product z);
  // The summands of x y (elementwise), of the matrix product x y, and of
  // that product's entries summed into positions `targets` of out_shape.
  Product local_mul(const Share& x, const Share& y);
  Product local_matmul(const Share& x, const Share& y) {
    make_room();
    const auto [m, k, n] = matmul_dims(x, y);
    return local_matmul(x, y, m, k, n);
  }
  Product local_matmul_scatter(const Share& x, const Share& y,
                               const std::vector<std::size_t>& targets, const Shape& out_shape) {
    Product z = local_matmul(x, y);
    return {tensor_scatter_add(z.value, targets, out_shape),
            tensor_scatter_add(z.mac, targets, out_shape)};
  }
  // The MAC of a value given by its two components (one product with alpha),
  // the pair kept for the next verify(); with_unkept_mac does not keep it
  // (verify()'s own masks, fresh bits); with_shared_mac keeps the pair
  // without a copy and shares it with the caller, who only reads it.
  Share with_mac(Tensor<W> x0, Tensor<W> x1);
  Share with_unkept_mac(Tensor<W> x0, Tensor<W> x1);
  std::shared_ptr<const Share> with_shared_mac(Tensor<W> x0, Tensor<W> x1);
  // This party's summand of that product (sent to party i-1).
  Tensor<W> mac_summand(const Tensor<W>& x0, const Tensor<W>& x1);
  void add_zero_share(Tensor<W>& z) {
    add_inplace(z, prg_prev_.template random<W>(z.shape()));
    sub_inplace(z, prg_next_.template random<W>(z.shape()));
  }
  void keep_for_check(const Share& z) { keep_for_check(std::make_shared<const Share>(z)); }
  void keep_for_check(std::shared_ptr<const Share> z);

  // Opens the value components modulo 2^k to every party (to_party < 0) or
  // to one: the missing component from one holder, vouched for by the other.
  Tensor<R> open_value(const Share& x, int to_party);
  Tensor<R> open_masked(const Share& x) { return open_value(x, -1); }
  // The same for a value given by the low k bits of this party's two
  // components.
  Tensor<R> open_words(const std::vector<R>& first, const std::vector<R>& second, int to_party,
                       const Shape& shape);

  // Operations that hold w arithmetic bits' worth of memory per element
  // (each bit takes four wide words per party; w = l for a decomposition's
  // l result bits, kTruncWeight for a truncation) run over blocks of at most
  // kBlockBits / w elements, one block after another; fn maps a flat block
  // of n elements to `planes` planes of n (plane-major), and the blocks'
  // planes are put back together.
  static constexpr std::size_t kBlockBits = std::size_t{1} << 20;
  std::size_t block_bits_ = kBlockBits;
  // msb, eqz and mod2m hold about four bits' worth per element whatever l
  // (up to three daBits and an edaBit's wide values; its bits are binary).
  static constexpr int kCompareWeight = 4;
  template <class Fn>
  Share by_blocks(const Share& x, int l, int planes, Fn&& fn);
  template <class Fn>
  BShare bits_by_blocks(const Share& x, int l, int planes, Fn&& fn) {
    return {by_blocks(x, l, planes, fn), shape_size(shape(x)), planes};
  }
  // Truncates x[start, start + count) into out with the pool's next count
  // masks for m (the pool holds them).
  void trunc_range(const Share& x, std::size_t start, std::size_t count, int m, Share& out);
  // A truncation holds little per element beyond its masks (its opened
  // words and its output), so its chunks are kMaxMaskBatch elements at
  // the default block size.
  static constexpr int kTruncWeight = 4;
  Share msb_block(const Share& x, int l);
  Share eqz_block(const Share& x, int l);
  Share decompose_block(const Share& x, int l);
  Share mod2m_block(const Share& x, int m);

  // Truncation masks (mal3_masks.h): r = low + 2^m mid + 2^(k-1) top with
  // low < 2^m, mid < 2^(k-1-m) and top a bit, all with MACs, checked
  // before use; pooled per m.
  struct TruncMasks {
    Share r, mid, top;
  };
  struct TruncMaskPool {
    TruncMasks masks;
    std::size_t used = 0;
  };
  static constexpr std::size_t kMaxMaskBatch = std::size_t{1} << 18;
  // Masks for m in the pool, not yet taken.
  std::size_t trunc_masks_left(int m) const {
    const auto pool = mask_pools_.find(m);
    return pool == mask_pools_.end() ? 0 : pool->second.masks.r.s[0].size() - pool->second.used;
  }
  // Replaces the (spent) pool for m with a fresh batch of at least count
  // masks.
  void refill_trunc_masks(std::size_t count, int m);
  TruncMasks make_trunc_masks(std::size_t count, int m);
  // count values uniform in [0, 2^n) with MACs, for each width n (at most
  // k; a k-bit value is uniform modulo 2^k only); `bits`, if given,
  // receives each value's bits as a binary sharing (n planes of count).
  // Not checked: the caller runs verify() and the message check before use.
  std::vector<Share> bounded_randoms(std::size_t count, const std::vector<int>& widths,
                                     std::vector<Mal3BoolShare>* bits = nullptr);
  // edaBits: count values r uniform in [0, 2^l) with MACs and their bits
  // as a binary sharing, checked.
  struct EdaBits {
    Share r;             // [count]
    Mal3BoolShare bits;  // l planes of count
  };
  EdaBits make_edabits(std::size_t count, int l);
  // A binary sharing's bits (plane-major) as arithmetic bits with MACs.
  Share bool_to_arith(const Mal3BoolShare& b);
  // Random bits in both sharings.
  struct DaBits {
    Share arith;           // [size]
    Mal3BoolShare binary;  // one plane of size
  };
  // A checked batch: the kDaBitChecks bits its checks sacrificed (spent),
  // then at least count (whole words).
  DaBits make_dabits(std::size_t count);
  // Makes sure the pool holds at least count daBits (so that the takes of
  // one operation share one batch and its checks).
  void reserve_dabits(std::size_t count);

  // Random bits (mal3_bits.h): checked by verify() before use.
  Share take_bits(std::size_t count);
  // count fresh random bits with MACs, not kept for a check: the caller
  // must pass them to verify(&bits) at once, which checks their MACs and
  // that they are bits, before any use;
  // `binary`, if given, receives the binary sharing of the bits that the
  // bits equal if the party that input their first part was honest (the
  // XOR of the three key bits; see make_dabits).
  Share make_bits(std::size_t count, Mal3BoolShare* binary = nullptr);
  // make_bits' roles: the party q that inputs x = A ^ B (its bits a, b),
  // q+1 and q+2 (their bits c of C). Each returns its components of
  // b = x + C - 2 x C, without a MAC.
  Components bits_as_input_party(const Tensor<W>& a, const Tensor<W>& b);
  Components bits_after_input_party(const Tensor<W>& c);
  Components bits_before_input_party(const Tensor<W>& c);
  // verify() with `fresh` bits (from make_bits: neither in bit_checks_ nor
  // kept) checked as well: that they are bits, and their MACs.
  void verify(const Share* fresh);
  // The checks compare sums over 64 random subsets (kernels/subset_sums.h).
  static constexpr int kSubsetTests = kernels::SubsetSums<W, 1>::kSubsets;
  // Adds the subset sums of every kept pair, and of `fresh` if given, to w, u.
  void combine_pending(Prg& chi, W (&w)[kSubsetTests][2], W (&u)[kSubsetTests][2],
                       const Share* fresh);
  // Opens x + r modulo 2^l for fresh checked edaBits r, after making sure
  // the daBit pool covers them and result_planes planes of results.
  MaskedEdaBits masked_edabits(const Share& x, int l, int result_planes);
  Share bit_xor(const Share& a, const Share& b) { return sub(add(a, b), scale_wide(mul(a, b), 2)); }
  Share planes_of(const Share& bits, int from, int count, std::size_t n) const {
    return part(bits, static_cast<std::size_t>(from) * n, {static_cast<std::size_t>(count) * n});
  }

  // Checks (mal3_verify.h).
  static constexpr std::size_t kMaxPending = std::size_t{1} << 21;  // elements kept for a check
  void make_room() {
    if (pending_elements_ >= kMaxPending) verify();
  }
  Prg challenge();
  Share bit_check_products(Prg& chi, const Share* fresh);
  // Robust openings of check values (mal3_verify.h): every party lacks one
  // component and gets it in the clear from its predecessor and as a
  // SHA-256 digest from its successor. send_opening sends this party's part
  // for its components c0 (i) and c1 (i+1); receive_opening takes the
  // missing one and returns the sum. Openings sent before any is received
  // share one round. T is W, or R for values that matter modulo 2^k only.
  template <class T>
  void send_opening(std::span<const T> c0, std::span<const T> c1);
  template <class T>
  std::vector<T> receive_opening(std::span<const T> c0, std::span<const T> c1, const char* what);

  void send_wide(int peer, const Tensor<W>& t) { net_.send_values<W>(peer, t.span()); }
  Tensor<W> receive_wide(int peer, const Shape& shape) {
    Tensor<W> t(shape, kUninitialized);
    net_.recv_values<W>(peer, t.span());
    return t;
  }
  // Sends / receives the low k bits of each element.
  std::vector<R> low_words(const Tensor<W>& t) const {
    std::vector<R> words(t.size());
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<R>(t[i]);
    return words;
  }
  std::vector<R> receive_low(int peer, std::size_t n) {
    std::vector<R> words(n);
    net_.recv_values<R>(peer, std::span(words));
    return words;
  }
  void check_party(int p) const {
    SQT_CHECK(p >= 0 && p < 3, "mal3 has parties 0, 1 and 2; party {} does not exist", p);
  }

  Session& session_;
  Network& net_;
  int me_, next_, prev_;
  Prg& prg_prev_;  // key with party i-1: component i
  Prg& prg_next_;  // key with party i+1: component i+1
  MessageCheck check_;
  Mal3Boolean boolean_;  // binary sharings with checked ANDs
  std::map<int, TruncMaskPool> mask_pools_;
  DaBits dabit_pool_;            // checked daBits; the first dabits_used_ are spent
  std::size_t dabits_used_ = 0;  // a multiple of 64
  W alpha_[2];                   // components i and i+1 of the MAC key
  // Pairs (products, MACs) made since the last verify(), for its MAC check.
  std::vector<std::shared_ptr<const Share>> pending_;
  std::size_t pending_elements_ = 0;
  std::vector<Share> bit_checks_;  // sharings whose elements must be bits
  Share pool_;                     // checked random bits, [pool size]
  std::size_t pool_used_ = 0;
  std::uint64_t bit_batches_ = 0;  // rotates the party that inputs the bits' first part
  std::uint64_t verifications_ = 0;
  std::uint64_t dabit_batches_ = 0;
};

}  // namespace sqt

#include "proto/mal3/mal3_arith.h"
#include "proto/mal3/mal3_bits.h"
#include "proto/mal3/mal3_compare.h"
#include "proto/mal3/mal3_masks.h"
#include "proto/mal3/mal3_verify.h"
