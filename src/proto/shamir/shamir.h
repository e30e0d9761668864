// shamir.h — Shamir secret sharing over F_p (p = 2^127 - 1) among N = 3 to
// 10 parties, semi-honest, secure against t = floor((N-1)/2) corrupted
// parties (honest majority): the arithmetic core.
//
// Values are ring elements of Z_2^64 (Ring = uint64_t) carried in the field
// as integers (field_tensor.h): inputs and public constants enter as their
// signed representatives, openings leave reduced mod 2^64. Sums and
// products of the fixed-point library's values stay far below 2^126, so
// every result equals the Z_2^64 one (docs/protocols/shamir.md: the bound).
//
// Party i holds f(i + 1) for a random polynomial f of degree t with f(0) =
// the value (shamir_poly.h). Linear operations are local. A product is
// local and gives degree 2t; reduce_degree brings it back to t (Gennaro,
// Rabin, Rabin 1998): each of the first 2t + 1 parties reshares its product
// share with a fresh degree-t polynomial and every party combines what it
// receives with the Lagrange coefficients at zero. From N = 6 on, a rotating
// king (king_reduction.h, Damgard and Nielsen 2007) sends fewer bytes per
// party (constant in N) in two rounds plus preprocessing, and replaces it.
// Matrix products reduce once per output element, not per multiply-add.
//
// Costs per element (field elements of 16 bytes; one round each): input N-1
// from the owner; open t(N-1)... see docs/protocols/shamir.md. Shamir<R>
// borrows the Session (network, keys); the parties call the same operations
// in the same order.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/bit_planes.h"
#include "core/precision.h"
#include "core/tensor_ops.h"
#include "proto/common/arith_bits.h"
#include "proto/protocol_info.h"
#include "proto/session.h"
#include "proto/shamir/field_tensor.h"
#include "proto/shamir/king_reduction.h"
#include "proto/shamir/shamir_poly.h"
#include "proto/shamir/tensor_sharing.h"

namespace sqt {

struct ShamirShare {
  shamir::FieldTensor s;  // this party's evaluation of every element's polynomial
};

// Bits as arithmetic sharings of 0/1, plane-major ([planes * n]).
struct ShamirBShare {
  ShamirShare v;
  std::size_t n = 0;
  int planes = 0;
};

template <RingElement R>
class Shamir {
 public:
  using Ring = R;
  using Share = ShamirShare;
  using BShare = ShamirBShare;
  static constexpr std::string_view kName = "shamir";
  static constexpr int kParties = 0;  // chosen at run time (3 to 10)
  static constexpr int kMinParties = 3, kMaxParties = 10;
  // Z_2^64 only: products of 128-bit values would need a prime above 2^256.
  static constexpr bool kSupported = std::same_as<R, std::uint64_t>;
  static constexpr ProtocolInfo kInfo{
      "shamir",          3,           "semi-honest, t < N/2 of N corrupted",
      "Z_2^64 (in F_p)", "pairwise",  true,
      kMinParties,       kMaxParties, false};
  // Statistical security of every masked opening: the mask is 2^40 times
  // larger than the value it hides.
  static constexpr int kStatisticalBits = 40;
  // Products are exact modulo 2^64 while every integer of a computation
  // stays below 2^125 in magnitude (tests use values in this range; the
  // fixed-point library's stay far below it). Protocols over Z_2^k have no
  // such limit and do not declare it.
  static constexpr int kExactProductBits = 125;
  // Comparisons and bit decompositions hide integers below 2^69 in
  // magnitude: fixed-point values (below 2^62), and sums of a few uniform
  // words (random(), clients' summands), whose residues are what counts.
  static constexpr int kCompareValueBits = 69;
  // Random bits by XOR of t + 1 input bits up to this threshold (N <= 8):
  // its t products cost less than an exponentiation per bit; at t = 4 the
  // two take the same time (docs/protocols/shamir.md: measured).
  static constexpr int kXorBitsMaxThreshold = 3;

  explicit Shamir(Session& session)
      : session_(session),
        net_(session.net()),
        me_(session.party()),
        n_(session.parties()),
        t_((n_ - 1) / 2) {
    SQT_CHECK(kSupported,
              "shamir runs over Z_2^64 only (p = 2^127 - 1 has no room for products "
              "of 128-bit values): use --ring 64");
    SQT_CHECK(n_ >= kMinParties && n_ <= kMaxParties,
              "shamir runs with 3 to 10 computing parties, the session has {}", n_);
    check_precision(64, session.frac_bits());
    if (shamir::KingReduction::cheaper_than_resharing(n_, t_))
      king_.emplace(net_, session.private_prg(), me_, n_, t_);
  }

  int parties() const { return n_; }
  int party() const { return me_; }
  int threshold() const { return t_; }
  int frac_bits() const { return session_.frac_bits(); }
  Session& session() { return session_; }
  bool nearest_rounding() const { return session_.nearest_rounding(); }
  int trunc_range_bits() const { return 62; }

  // Preprocessing: the king's double sharings (zero with resharing).
  CommStats offline_stats() const { return net_.offline_stats(); }
  double offline_seconds() const { return king_ ? king_->offline_seconds() : 0; }

  // --- input and output -------------------------------------------------

  // Party p shares every element with a fresh degree-t polynomial and sends
  // party j its evaluation at j + 1.
  Share input(int p, const Tensor<R>& value, const Shape& shape) {
    check_party(p);
    if (me_ != p) {
      Share out{shamir::FieldTensor(shape, kUninitialized)};
      net_.recv_values<Fp127>(p, out.s.span());
      return out;
    }
    SQT_CHECK(value.shape() == shape, "input: a {} tensor given, {} declared",
              shape_string(value.shape()), shape_string(shape));
    return {share_and_send(shamir::lift(value))};
  }

  // Parties 0 .. t send their shares to every other party; each
  // interpolates f(0) from those t + 1.
  Tensor<R> open(const Share& x) { return shamir::lower(open_field(x.s)); }

  // The t + 1 parties p, p+1, ..., p+t (mod N) but p send their shares to p.
  Tensor<R> open_to(int p, const Share& x) {
    check_party(p);
    std::vector<int> holders;
    for (int j = 0; j <= t_; ++j) holders.push_back((p + j) % n_);
    if (me_ != p) {
      for (int h : holders)
        if (h == me_) net_.send_values<Fp127>(p, x.s.span());
      return {};
    }
    return shamir::lower(interpolate(x.s, holders));
  }

  // --- local operations -------------------------------------------------

  static const Shape& shape(const Share& x) { return x.s.shape(); }
  static Share add(const Share& x, const Share& y) { return {shamir::field_add(x.s, y.s)}; }
  static Share sub(const Share& x, const Share& y) { return {shamir::field_sub(x.s, y.s)}; }
  static Share neg(const Share& x) { return {shamir::field_scale(x.s, -Fp127::one())}; }
  // The constant polynomial c: every party's share is c itself.
  Share constant(const Tensor<R>& c) const { return {shamir::lift(c)}; }
  Share add_public(const Share& x, const Tensor<R>& c) const {
    return {shamir::field_add(x.s, shamir::lift(c))};
  }
  Share mul_public(const Share& x, const Tensor<R>& c) const {
    return {shamir::field_mul(x.s, shamir::lift(c))};
  }
  Share scale(const Share& x, R c) const { return {shamir::field_scale(x.s, shamir::lift(c))}; }
  static Share reshaped(Share x, const Shape& shape) {
    x.s = std::move(x.s).reshaped(shape);
    return x;
  }
  static Share part(const Share& x, std::size_t offset, const Shape& shape) {
    return {tensor_part(x.s, offset, shape)};
  }
  static Share join(std::span<const Share> xs) {
    std::vector<const shamir::FieldTensor*> parts;
    for (const Share& x : xs) parts.push_back(&x.s);
    return {tensor_join(parts)};
  }
  static Share gather(const Share& x, const std::vector<std::size_t>& indices, const Shape& shape) {
    return {tensor_gather(x.s, indices, shape)};
  }
  static Share scatter_add(const Share& x, const std::vector<std::size_t>& targets,
                           const Shape& shape) {
    return {tensor_scatter_add(x.s, targets, shape)};
  }
  static Share transposed(const Share& x) { return {tensor_transpose(x.s)}; }

  // A field element does not fit a ring word: each share is saved as its
  // low and high 64 bits (checkpoints).
  static std::vector<Tensor<R>> local_tensors(const Share& x) {
    Tensor<R> low(x.s.shape(), kUninitialized), high(x.s.shape(), kUninitialized);
    for (std::size_t i = 0; i < x.s.size(); ++i) {
      low[i] = static_cast<R>(x.s[i].v);
      high[i] = static_cast<R>(x.s[i].v >> 64);
    }
    return {std::move(low), std::move(high)};
  }
  static Share from_local_tensors(std::vector<Tensor<R>> tensors) {
    SQT_CHECK(tensors.size() == 2 && tensors[0].shape() == tensors[1].shape(),
              "a shamir share is two local tensors of one shape (low and high words), got {}",
              tensors.size());
    Share out{shamir::FieldTensor(tensors[0].shape(), kUninitialized)};
    for (std::size_t i = 0; i < out.s.size(); ++i)
      out.s[i] = Fp127::reduce(static_cast<u128>(tensors[1][i]) << 64 | tensors[0][i]);
    return out;
  }

  // --- products ---------------------------------------------------------

  Share mul(const Share& x, const Share& y) { return {reduce_degree(shamir::field_mul(x.s, y.s))}; }
  Share matmul(const Share& x, const Share& y) {
    return {reduce_degree(shamir::field_matmul(x.s, y.s))};
  }
  Share dot_rows(const Share& x, const Share& y) {
    return {reduce_degree(shamir::field_dot_rows(x.s, y.s))};
  }
  // x y summed into positions `targets` of `shape` before the reduction.
  Share matmul_scatter(const Share& x, const Share& y, const std::vector<std::size_t>& targets,
                       const Shape& shape) {
    return {reduce_degree(tensor_scatter_add(shamir::field_matmul(x.s, y.s), targets, shape))};
  }

  // --- randomness and truncation ----------------------------------------

  // Uniform elements of Z_2^64 that nobody knows: parties 0 .. t each input
  // a uniform word (one round); the sum of t + 1 words of which one is
  // honest is uniform mod 2^64, and its integer stays below 2^68.
  Share random(const Shape& shape) { return random_bounded(64, shape); }

  // floor(x / 2^m) + Bernoulli((x mod 2^m) / 2^m) for |x| < 2^62: Catrina
  // and Saxena's probabilistic truncation over a field. With m random bits
  // r_j (r_low = sum 2^j r_j) and a statistical mask r_high of 64 + 40 - m
  // bits (from t + 1 parties), open c = x + 2^62 + r_low + 2^m r_high,
  // which hides x + 2^62 up to 2^-40 and does not wrap (c < 2^108).
  // Then (x + 2^62 - (c mod 2^m) + r_low) / 2^m - 2^(62-m) is the result:
  // (c mod 2^m) - r_low differs from (x + 2^62) mod 2^m by 2^m exactly when
  // the low bits carry, which happens with probability (x mod 2^m) / 2^m.
  Share trunc_pr(const Share& x, int m) {
    SQT_CHECK(m >= 1 && m < trunc_range_bits(), "trunc_pr: cannot drop {} bits", m);
    const Shape& s = shape(x);
    const std::size_t count = x.s.size();
    const Share bits = random_bits(count * static_cast<std::size_t>(m));
    Share r_low = weighted_bits(bits, m, count, s);
    // x + 2^62 + r_low < 2^64: its part above bit m is hidden by r_high.
    Share r_high = random_bounded(64 + kStatisticalBits - m, s);
    Share shifted = add_field_constant(x, fp_pow2(trunc_range_bits()));
    Share masked = add(add(shifted, r_low), {shamir::field_scale(r_high.s, fp_pow2(m))});
    const shamir::FieldTensor c = open_field(masked.s);
    shamir::FieldTensor c_low(s, kUninitialized);
    for (std::size_t i = 0; i < count; ++i)
      c_low[i] = Fp127::from_reduced(c[i].v & ((u128{1} << m) - 1));
    Share numerator = add(sub(shifted, Share{c_low}), r_low);
    const Fp127 inverse = fp_pow2(m).inverse();
    return add_field_constant({shamir::field_scale(numerator.s, inverse)},
                              -fp_pow2(trunc_range_bits() - m));
  }

  // count shared uniform bits (0/1 field elements), unknown to any t
  // parties. For t <= kXorBitsMaxThreshold the XOR of t + 1 parties' private
  // bits, otherwise from opened squares: both below.
  Share random_bits(std::size_t count) {
    return t_ <= kXorBitsMaxThreshold ? random_bits_by_xor(count) : random_bits_by_squaring(count);
  }
  // Parties 0 .. t each input `count` private random bits (one round) and
  // the parties XOR them pairwise, a + b - 2ab, in ceil(log2(t + 1)) rounds
  // of t products in all. One honest input makes the XOR uniform.
  Share random_bits_by_xor(std::size_t count) {
    shamir::FieldTensor mine;
    if (me_ <= t_) {
      std::vector<std::uint8_t> bytes((count + 7) / 8);
      session_.private_prg().fill_bytes(bytes.data(), bytes.size());
      mine = shamir::FieldTensor({count}, kUninitialized);
      for (std::size_t i = 0; i < count; ++i)
        mine[i] = Fp127::from_reduced((bytes[i / 8] >> (i % 8)) & 1);
    }
    std::vector<Share> bits = inputs_of_first_parties(t_ + 1, mine, {count});
    while (bits.size() > 1) {  // one level of the XOR tree: one product call
      std::vector<Share> lefts, rights;
      for (std::size_t i = 0; i + 1 < bits.size(); i += 2) {
        lefts.push_back(std::move(bits[i]));
        rights.push_back(std::move(bits[i + 1]));
      }
      const Share xors = arith_bits::bit_xor(*this, join(lefts), join(rights));
      std::vector<Share> next;
      for (std::size_t k = 0; k < lefts.size(); ++k) next.push_back(part(xors, k * count, {count}));
      if (bits.size() % 2 == 1) next.push_back(std::move(bits.back()));
      bits = std::move(next);
    }
    return std::move(bits[0]);
  }
  // b = (r / sqrt(r^2) + 1) / 2 for a uniform field element r; r^2 is
  // opened, which says nothing about the sign of r (r and -r are equally
  // likely). Three rounds, one exponentiation per bit.
  Share random_bits_by_squaring(std::size_t count) {
    const Share r = random_field({count});
    const shamir::FieldTensor squares = open_field(reduce_degree(shamir::field_mul(r.s, r.s)));
    shamir::FieldTensor inverse_roots({count}, kUninitialized);
    const Fp127 half = Fp127::from_reduced(2).inverse();
    for (std::size_t i = 0; i < count; ++i) {
      SQT_CHECK(squares[i] != Fp127{},
                "shamir random bit: a random field element was 0 (probability 2^-127)");
      inverse_roots[i] = inverse_canonical_root(squares[i]);
    }
    Share signs{shamir::field_mul(r.s, inverse_roots)};  // +1 or -1
    return {shamir::field_scale(add_field_constant(signs, Fp127::one()).s, half)};
  }

  // A sharing of the sum mod 2^64 of every party's summand (a client's
  // additive summands, nn/secure_inference.h). Each party inputs its summand
  // (one round); the sum of N words as integers is off by a multiple of
  // 2^64, which products and truncation would not forgive, so it is reduced
  // to its signed representative: y = sum + 2^63, y mod 2^64 = c - r + 2^64
  // [c < r] from a masked opening of 64 bits, minus 2^63.
  Share input_summands(const Tensor<R>& mine, const Shape& shape) {
    SQT_CHECK(mine.shape() == shape, "input_summands: a {} tensor given, {} declared",
              shape_string(mine.shape()), shape_string(shape));
    Share sum{share_and_send(shamir::lift(mine))};
    for (int q = 0; q < n_; ++q)
      if (q != me_) sum = add(sum, input(q, Tensor<R>{}, shape));
    const std::size_t n = sum.s.size();
    const MaskedBits m = masked_bits(add_field_constant(sum, fp_pow2(63)), 64);
    const Share borrow = arith_bits::less_than_public(*this, m.c, m.bits, 64, n);
    shamir::FieldTensor c(Shape{n}, kUninitialized);
    for (std::size_t i = 0; i < n; ++i) c[i] = Fp127::from_reduced(m.c[i]);  // unsigned
    Share low = add(sub(Share{c}, m.r), {shamir::field_scale(borrow.s, fp_pow2(64))});
    return reshaped(add_field_constant(low, -fp_pow2(63)), shape);
  }

  // --- binary sharings (bits as arithmetic 0/1, proto/common/arith_bits.h)

  static int planes(const BShare& b) { return b.planes; }
  BShare binput(int p, const BitPlanes& bits, std::size_t n, int planes) {
    check_party(p);
    const std::size_t total = n * static_cast<std::size_t>(planes);
    Tensor<R> values;
    if (me_ == p) {
      SQT_CHECK(bits.n() == n && bits.planes() == planes,
                "binput: {}x{} bits given, {}x{} declared", bits.planes(), bits.n(), planes, n);
      values = Tensor<R>(Shape{total}, kUninitialized);
      for (int j = 0; j < planes; ++j)
        for (std::size_t i = 0; i < n; ++i) values[j * n + i] = bits.get(j, i);
    }
    return {input(p, values, {total}), n, planes};
  }
  BShare bxor(const BShare& a, const BShare& b) {
    check_same_bits(a, b, "bxor");
    return {arith_bits::bit_xor(*this, a.v, b.v), a.n, a.planes};
  }
  BShare band(const BShare& a, const BShare& b) {
    check_same_bits(a, b, "band");
    return {mul(a.v, b.v), a.n, a.planes};
  }
  BShare bnot(const BShare& a) {
    return {add_field_constant(neg(a.v), Fp127::one()), a.n, a.planes};
  }
  BitPlanes bopen(const BShare& a) {
    const Tensor<R> values = open(a.v);
    BitPlanes out(a.n, a.planes);
    for (int j = 0; j < a.planes; ++j)
      for (std::size_t i = 0; i < a.n; ++i) out.set(j, i, values[j * a.n + i] & 1);
    return out;
  }
  BShare bslice(const BShare& a, int from, int count) {
    return {arith_bits::planes_of<Shamir>(a.v, from, count, a.n), a.n, count};
  }
  BShare bgather(const BShare& a, int start, int step, int count) {
    return {arith_bits::strided_planes<Shamir>(a.v, start, step, count, a.n), a.n, count};
  }
  BShare bconcat(const BShare& a, const BShare& b) {
    if (a.planes == 0) return b;
    if (b.planes == 0) return a;
    SQT_CHECK(a.n == b.n, "bconcat: {} and {} elements", a.n, b.n);
    return {join(std::vector<Share>{a.v, b.v}), a.n, a.planes + b.planes};
  }
  Share b2a(const BShare& b) const { return b.v; }

  // --- comparisons: one masked opening, then circuits on public c -------

  // Bit l-1 of x + 2^(l-1) mod 2^l ([x >= 0] for |x| < 2^(l-1)).
  BShare msb(const Share& x, int l) {
    check_width(l, "msb");
    const std::size_t n = x.s.size();
    const MaskedBits m = masked_bits(add_field_constant(x, fp_pow2(l - 1)), l);
    const Share top =
        arith_bits::xor_public(*this, arith_bits::planes_of<Shamir>(m.bits, l - 1, 1, n),
                               arith_bits::bit_plane(m.c, l - 1));
    if (l == 1) return {top, n, 1};
    Tensor<R> c_low = m.c;
    for (R& v : c_low) v &= pow2<R>(l - 1) - 1;
    const Share borrow = arith_bits::less_than_public(*this, c_low, m.bits, l - 1, n);
    return {arith_bits::bit_xor(*this, top, borrow), n, 1};
  }
  // [x = 0 mod 2^l].
  BShare eqz_bits(const Share& x, int l) {
    check_width(l, "eqz_bits");
    const std::size_t n = x.s.size();
    const MaskedBits m = masked_bits(x, l);
    return {arith_bits::equal_bits(*this, m.c, m.bits, l, n), n, 1};
  }
  // The bits of x mod 2^l.
  BShare bit_decompose(const Share& x, int l) {
    check_width(l, "bit_decompose");
    const std::size_t n = x.s.size();
    const MaskedBits m = masked_bits(x, l);
    return {arith_bits::difference_bits(*this, m.c, m.bits, l, n), n, l};
  }
  // x mod 2^m = c - r + 2^m [c < r] for c = x + r mod 2^m.
  Share mod2m(const Share& x, int m) {
    SQT_CHECK(m >= 1 && m < 64, "mod2m: {} bits (1 to 63)", m);
    const std::size_t n = x.s.size();
    const MaskedBits masked = masked_bits(x, m);
    const Share borrow = arith_bits::less_than_public(*this, masked.c, masked.bits, m, n);
    const Share low = add_public(neg(masked.r), masked.c);
    return reshaped(add(low, {shamir::field_scale(borrow.s, fp_pow2(m))}), shape(x));
  }

  // Uniform field elements nobody knows: every party shares N - t random
  // elements' worth per batch and the parties apply a Vandermonde matrix
  // (Damgard and Nielsen 2007): any t inputs leave the N - t outputs
  // uniform. One round; N - 1 elements sent per party per N - t outputs.
  Share random_field(const Shape& shape) {
    const std::size_t count = shape_size(shape);
    const std::size_t outputs = static_cast<std::size_t>(n_ - t_);
    const std::size_t batch = (count + outputs - 1) / outputs;
    std::vector<shamir::FieldTensor> inputs;
    for (int q = 0; q < n_; ++q) {
      if (q == me_) {
        inputs.push_back(share_and_send(shamir::random_field(session_.private_prg(), {batch})));
      } else {
        shamir::FieldTensor theirs({batch}, kUninitialized);
        inputs.push_back(std::move(theirs));
      }
    }
    for (int q = 0; q < n_; ++q)
      if (q != me_) net_.recv_values<Fp127>(q, inputs[q].span());
    shamir::FieldTensor out({outputs * batch}, Fp127{});
    for (std::size_t k = 0; k < outputs; ++k) {
      // Row k of the matrix: (q + 1)^k for party q's input.
      for (int q = 0; q < n_; ++q) {
        const Fp127 weight = shamir::point_of(q).pow(k);
        for (std::size_t i = 0; i < batch; ++i) out[k * batch + i] += weight * inputs[q][i];
      }
    }
    return {tensor_part(out, 0, shape)};
  }

 private:
  // c = (x + r) mod 2^l opened, with r = sum_j 2^j bits_j for l shared random
  // bits per element: c_full = x + 2^69 + r + 2^l r_high, where 2^69 (a
  // multiple of 2^l) makes it positive and r_high (from t + 1 parties) hides
  // the part of x above bit l up to 2^-40; c_full < 2^116 never wraps.
  struct MaskedBits {
    Tensor<R> c;  // (x + r) mod 2^l
    Share r;      // sum_j 2^j bits_j
    Share bits;   // l planes of n bits
  };
  MaskedBits masked_bits(const Share& x, int l) {
    const std::size_t n = x.s.size();
    const Shape flat{n};
    Share bits = random_bits(n * static_cast<std::size_t>(l));
    Share r = weighted_bits(bits, l, n, flat);
    Share r_high = random_bounded(kCompareValueBits + 2 - l + kStatisticalBits, flat);
    Share masked = add(add(add_field_constant(reshaped(x, flat), fp_pow2(kCompareValueBits)), r),
                       {shamir::field_scale(r_high.s, fp_pow2(l))});
    const shamir::FieldTensor c_full = open_field(masked.s);
    Tensor<R> c(flat, kUninitialized);
    const u128 low = l == 64 ? ~u128{0} >> 64 : (u128{1} << l) - 1;
    for (std::size_t i = 0; i < n; ++i) c[i] = static_cast<R>(c_full[i].v & low);
    return {std::move(c), std::move(r), std::move(bits)};
  }

  static void check_width(int l, const char* what) {
    SQT_CHECK(l >= 1 && l <= 64, "{}: {} bits (1 to 64)", what, l);
  }
  static void check_same_bits(const BShare& a, const BShare& b, const char* what) {
    SQT_CHECK(a.n == b.n && a.planes == b.planes, "{}: {}x{} and {}x{} bits", what, a.planes, a.n,
              b.planes, b.n);
  }

  void check_party(int p) const {
    SQT_CHECK(p >= 0 && p < n_, "party {} does not exist ({} parties)", p, n_);
  }

  // Shares `values` with fresh degree-t polynomials: sends party j its
  // evaluation, returns this party's.
  shamir::FieldTensor share_and_send(const shamir::FieldTensor& values) {
    const std::vector<shamir::FieldTensor> coefficients =
        shamir::random_coefficients(session_.private_prg(), t_, values.shape());
    shamir::FieldTensor mine;
    for (int j = 0; j < n_; ++j) {
      shamir::FieldTensor share = shamir::evaluate_at(values, coefficients, j);
      if (j == me_) {
        mine = std::move(share);
      } else {
        net_.send_values<Fp127>(j, share.span());
      }
    }
    return mine;
  }

  // Integers in [0, (t+1) 2^bits) whose sum has a uniform honest term:
  // parties 0 .. t each input a uniform integer below 2^bits (bits <= 64,
  // or below 120 for masks), one round.
  Share random_bounded(int bits, const Shape& shape) {
    shamir::FieldTensor mine;
    if (me_ <= t_) {
      const Tensor<u128> words = session_.private_prg().template random<u128>(shape);
      mine = shamir::FieldTensor(shape, kUninitialized);
      for (std::size_t i = 0; i < words.size(); ++i)
        mine[i] = Fp127::from_reduced(words[i] & ((u128{1} << bits) - 1));
    }
    const std::vector<Share> inputs = inputs_of_first_parties(t_ + 1, mine, shape);
    Share sum = inputs[0];
    for (std::size_t q = 1; q < inputs.size(); ++q) sum = add(sum, inputs[q]);
    return sum;
  }

  // Parties 0 .. count-1 each share their `mine` (ignored at the others),
  // one round: every sender sends before it receives.
  std::vector<Share> inputs_of_first_parties(int count, const shamir::FieldTensor& mine,
                                             const Shape& shape) {
    std::vector<Share> inputs(static_cast<std::size_t>(count));
    if (me_ < count) inputs[me_].s = share_and_send(mine);
    for (int q = 0; q < count; ++q)
      if (q != me_) inputs[q] = input(q, Tensor<R>{}, shape);
    return inputs;
  }

  // sum_j 2^j b_j over m bit planes of `count` elements.
  static Share weighted_bits(const Share& bits, int m, std::size_t count, const Shape& shape) {
    shamir::FieldTensor out(shape, Fp127{});
    for (int j = 0; j < m; ++j) {
      const Fp127 weight = fp_pow2(j);
      for (std::size_t i = 0; i < count; ++i)
        out[i] += weight * bits.s[static_cast<std::size_t>(j) * count + i];
    }
    return {std::move(out)};
  }

  static Share add_field_constant(const Share& x, Fp127 c) {
    Share out = x;
    for (Fp127& v : out.s) v += c;
    return out;
  }

  // 1 / root for the root of a square that every party picks alike (the
  // smaller one), by one exponentiation: for a square s, s^((p-3)/4) is
  // 1 / s^((p+1)/4), since their product s^((p-1)/2) is 1 (Euler); and
  // (p - 3) / 4 = 2^125 - 1 (124 squarings and 11 products).
  static Fp127 inverse_canonical_root(Fp127 square) {
    static_assert((Fp127::kP - 3) / 4 == (u128{1} << 125) - 1);
    const Fp127 inverse = square.pow_all_ones(125);
    const Fp127 root = inverse * square;
    return root.v <= Fp127::kP / 2 ? inverse : -inverse;
  }

  // f(0) from the shares of parties 0 .. t, which send theirs to all.
  shamir::FieldTensor open_field(const shamir::FieldTensor& mine) {
    std::vector<int> holders;
    for (int j = 0; j <= t_; ++j) holders.push_back(j);
    if (me_ <= t_)
      for (int q = 0; q < n_; ++q)
        if (q != me_) net_.send_values<Fp127>(q, mine.span());
    return interpolate(mine, holders);
  }

  // f(0) from this party's share and those received from the other holders.
  shamir::FieldTensor interpolate(const shamir::FieldTensor& mine,
                                  const std::vector<int>& holders) {
    const std::vector<Fp127> lambda = shamir::lagrange_at_zero(holders);
    shamir::FieldTensor out(mine.shape(), Fp127{});
    shamir::FieldTensor theirs(mine.shape(), kUninitialized);
    for (std::size_t h = 0; h < holders.size(); ++h) {
      if (holders[h] == me_) {
        shamir::field_axpy(out, lambda[h], mine);
      } else {
        net_.recv_values<Fp127>(holders[h], theirs.span());
        shamir::field_axpy(out, lambda[h], theirs);
      }
    }
    return out;
  }

  // A degree-t sharing of the value whose degree-2t sharing `product` is:
  // by the king where it is cheaper (king_reduction.h), otherwise parties
  // 0 .. 2t reshare their product shares and every party combines the 2t + 1
  // sharings it receives with the Lagrange coefficients at zero (one round).
  shamir::FieldTensor reduce_degree(const shamir::FieldTensor& product) {
    if (king_) return king_->reduce(product);
    const int senders = 2 * t_ + 1;
    std::vector<int> holders;
    for (int j = 0; j < senders; ++j) holders.push_back(j);
    const std::vector<Fp127> lambda = shamir::lagrange_at_zero(holders);
    shamir::FieldTensor out(product.shape(), Fp127{});
    if (me_ < senders) shamir::field_axpy(out, lambda[me_], share_and_send(product));
    shamir::FieldTensor theirs(product.shape(), kUninitialized);
    for (int i = 0; i < senders; ++i) {
      if (i == me_) continue;
      net_.recv_values<Fp127>(i, theirs.span());
      shamir::field_axpy(out, lambda[i], theirs);
    }
    return out;
  }

  Session& session_;
  Network& net_;
  int me_, n_, t_;
  std::optional<shamir::KingReduction> king_;  // for N where it sends less than resharing
};

}  // namespace sqt
