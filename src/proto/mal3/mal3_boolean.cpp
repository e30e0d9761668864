// mal3_boolean.cpp — see mal3_boolean.h.
#include "proto/mal3/mal3_boolean.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "proto/common/joint_challenge.h"

namespace sqt {
namespace {

void check_same_size(const BitPlanes& x, const BitPlanes& y, const char* what) {
  SQT_CHECK(x.n() == y.n() && x.planes() == y.planes(), "{}: {}x{} and {}x{} bits", what,
            x.planes(), x.n(), y.planes(), y.n());
}

// Uniform draws below a bound from a PRG (Lemire's multiply-shift with
// rejection, so exactly uniform), buffered.
class UniformBelow {
 public:
  explicit UniformBelow(Prg& prg) : prg_(prg) {}
  std::uint64_t operator()(std::uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    if (static_cast<std::uint64_t>(m) < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (static_cast<std::uint64_t>(m) < threshold)
        m = static_cast<unsigned __int128>(next()) * bound;
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  std::uint64_t next() {
    if (used_ == buffer_.size()) {
      prg_.fill<std::uint64_t>(std::span(buffer_));
      used_ = 0;
    }
    return buffer_[used_++];
  }
  Prg& prg_;
  std::vector<std::uint64_t> buffer_ = std::vector<std::uint64_t>(4096);
  std::size_t used_ = 4096;
};

// A uniform permutation of [0, m) (Fisher-Yates).
std::vector<std::uint32_t> random_permutation(std::size_t m, Prg& prg) {
  std::vector<std::uint32_t> perm(m);
  std::iota(perm.begin(), perm.end(), std::uint32_t{0});
  UniformBelow below(prg);
  for (std::size_t i = m; i > 1; --i) std::swap(perm[i - 1], perm[below(i)]);
  return perm;
}

// Word i of the result is word perm[i] of x (one plane of whole words).
Mal3BoolShare permuted_words(const Mal3BoolShare& x, const std::vector<std::uint32_t>& perm) {
  Mal3BoolShare out;
  for (int c = 0; c < 2; ++c) {
    out.s[c] = BitPlanes(x.s[c].n(), 1, kUninitialized);
    const std::uint64_t* src = x.s[c].plane(0);
    std::uint64_t* dst = out.s[c].plane(0);
    for (std::size_t i = 0; i < perm.size(); ++i) dst[i] = src[perm[i]];
  }
  return out;
}

// Words [from, from + count) of a one-plane sharing.
Mal3BoolShare words_of(const Mal3BoolShare& x, std::size_t from, std::size_t count) {
  Mal3BoolShare out;
  for (int c = 0; c < 2; ++c) {
    out.s[c] = BitPlanes(count * 64, 1, kUninitialized);
    std::copy_n(x.s[c].plane(0) + from, count, out.s[c].plane(0));
  }
  return out;
}

std::vector<const Mal3BoolShare*> pointers(const std::vector<Mal3BoolShare>& shares) {
  std::vector<const Mal3BoolShare*> out;
  for (const Mal3BoolShare& x : shares) out.push_back(&x);
  return out;
}

}  // namespace

Mal3Boolean::Mal3Boolean(Session& session, MessageCheck& check)
    : net_(session.net()),
      me_(session.party()),
      next_((me_ + 1) % 3),
      prev_((me_ + 2) % 3),
      prg_prev_(session.pair_prg(prev_)),
      prg_next_(session.pair_prg(next_)),
      check_(check),
      triple_check_(session.net(), "mal3 triple") {
  SQT_CHECK(session.parties() == 3, "mal3 needs exactly 3 parties, the session has {}",
            session.parties());
}

Mal3BoolShare Mal3Boolean::random(std::size_t n, int planes) {
  Mal3BoolShare x{BitPlanes(n, planes, kUninitialized), BitPlanes(n, planes, kUninitialized)};
  prg_prev_.fill<std::uint64_t>(x.s[0].words());
  prg_next_.fill<std::uint64_t>(x.s[1].words());
  x.s[0].clear_padding();
  x.s[1].clear_padding();
  return x;
}

Mal3BoolShare Mal3Boolean::from_component(int component, const BitPlanes& bits) const {
  SQT_CHECK(component >= 0 && component < 3, "mal3 has components 0, 1 and 2, not {}", component);
  Mal3BoolShare x{BitPlanes(bits.n(), bits.planes()), BitPlanes(bits.n(), bits.planes())};
  if (component == me_) x.s[0] = bits;
  if (component == next_) x.s[1] = bits;
  return x;
}

Mal3BoolShare Mal3Boolean::bxor(const Mal3BoolShare& x, const Mal3BoolShare& y) {
  check_same_size(x.s[0], y.s[0], "mal3 xor");
  return {x.s[0] ^ y.s[0], x.s[1] ^ y.s[1]};
}

Mal3BoolShare Mal3Boolean::xor_public(const Mal3BoolShare& x, const BitPlanes& c) const {
  check_same_size(x.s[0], c, "mal3 xor with public bits");
  Mal3BoolShare out = x;  // c enters as component 0 (parties 0 and 2)
  if (me_ == 0) out.s[0] ^= c;
  if (me_ == 2) out.s[1] ^= c;
  return out;
}

Mal3BoolShare Mal3Boolean::and_public(const Mal3BoolShare& x, const BitPlanes& c) {
  check_same_size(x.s[0], c, "mal3 and with public bits");
  return {x.s[0] & c, x.s[1] & c};
}

std::vector<BitPlanes> Mal3Boolean::open_all(const std::vector<const Mal3BoolShare*>& shares,
                                             MessageCheck& check) {
  // The missing component of party j is held by j-1 (its first) and j+1
  // (its second): j-1 sends, j+1 vouches.
  std::vector<std::uint64_t> first, second;
  for (const Mal3BoolShare* x : shares) {
    first.insert(first.end(), x->s[0].words().begin(), x->s[0].words().end());
    second.insert(second.end(), x->s[1].words().begin(), x->s[1].words().end());
  }
  net_.send_values<std::uint64_t>(next_, std::span<const std::uint64_t>(first));
  check.vouch(prev_, std::as_bytes(std::span(second)));
  std::vector<std::uint64_t> missing(first.size());
  net_.recv_values<std::uint64_t>(prev_, std::span(missing));
  check.received(next_, std::as_bytes(std::span(missing)));
  std::vector<BitPlanes> out;
  std::size_t offset = 0;
  for (const Mal3BoolShare* x : shares) {
    BitPlanes value(x->s[0].n(), x->s[0].planes(), kUninitialized);
    std::copy_n(missing.begin() + static_cast<std::ptrdiff_t>(offset), value.words().size(),
                value.words().begin());
    offset += value.words().size();
    value ^= x->s[0];
    value ^= x->s[1];
    value.clear_padding();
    out.push_back(std::move(value));
  }
  return out;
}

Mal3BoolShare Mal3Boolean::and_unchecked(const Mal3BoolShare& x, const Mal3BoolShare& y) {
  check_same_size(x.s[0], y.s[0], "mal3 and");
  // z_i = x_i y_i ^ x_i y_{i+1} ^ x_{i+1} y_i plus a zero sharing, sent to
  // party i-1 (rep3's AND).
  const std::size_t n = x.s[0].n();
  const int planes = x.s[0].planes();
  BitPlanes z(n, planes, kUninitialized), from_next(n, planes, kUninitialized);
  prg_prev_.fill<std::uint64_t>(z.words());
  prg_next_.fill<std::uint64_t>(from_next.words());
  const std::uint64_t *x0 = x.s[0].words().data(), *x1 = x.s[1].words().data();
  const std::uint64_t *y0 = y.s[0].words().data(), *y1 = y.s[1].words().data();
  std::uint64_t *out = z.words().data(), *mask = from_next.words().data();
  for (std::size_t w = 0; w < z.words().size(); ++w)
    out[w] ^= mask[w] ^ (x0[w] & (y0[w] ^ y1[w])) ^ (x1[w] & y0[w]);
  z.clear_padding();
  net_.send_values<std::uint64_t>(prev_, z.words());
  net_.recv_values<std::uint64_t>(next_, std::span(from_next.words()));
  return {std::move(z), std::move(from_next)};
}

Mal3Boolean::Triples Mal3Boolean::make_unchecked(std::size_t words) {
  Triples t;
  t.a = random(words * 64, 1);
  t.b = random(words * 64, 1);
  t.c = and_unchecked(t.a, t.b);
  return t;
}

Mal3Boolean::Triples Mal3Boolean::make_checked(std::size_t words) {
  const Triples all = make_unchecked(kBucket * words);
  // The permutation (of words of 64 triples) is drawn after every triple
  // exists; word t is kept, words jN + t (j = 1..4) check it bit by bit.
  Prg challenge = joint_challenge(net_, prg_prev_, prg_next_, "mal3");
  const std::vector<std::uint32_t> perm = random_permutation(kBucket * words, challenge);
  const Triples shuffled{permuted_words(all.a, perm), permuted_words(all.b, perm),
                         permuted_words(all.c, perm)};
  const auto block = [&](const Mal3BoolShare& x, int j) { return words_of(x, j * words, words); };
  Triples kept{block(shuffled.a, 0), block(shuffled.b, 0), block(shuffled.c, 0)};

  // rho_j = a ^ a_j and sigma_j = b ^ b_j for the check triples j.
  std::vector<Triples> spent;
  std::vector<Mal3BoolShare> rho_sigma;
  for (int j = 1; j < kBucket; ++j) {
    spent.push_back({block(shuffled.a, j), block(shuffled.b, j), block(shuffled.c, j)});
    rho_sigma.push_back(bxor(kept.a, spent.back().a));
    rho_sigma.push_back(bxor(kept.b, spent.back().b));
  }
  const std::vector<BitPlanes> opened = open_all(pointers(rho_sigma), triple_check_);
  for (int j = 0; j + 1 < kBucket; ++j) {
    const BitPlanes &rho = opened[2 * j], &sigma = opened[2 * j + 1];
    const Triples& t = spent[j];
    Mal3BoolShare d = bxor(bxor(kept.c, t.c), bxor(and_public(t.a, sigma), and_public(t.b, rho)));
    expect_zero(xor_public(d, rho & sigma));
  }
  triple_check_.check();  // the openings above, and that every delta is zero
  made_ += words * 64;
  ++batches_;
  return kept;
}

void Mal3Boolean::expect_zero(const Mal3BoolShare& x) {
  // x = 0 exactly when the missing component equals the XOR of the two held
  // ones: the missing one's holders vouch for it, this party expects that
  // XOR (as an opening would, without a message).
  triple_check_.vouch(prev_, std::as_bytes(std::span(x.s[1].words())));
  const BitPlanes expected = x.s[0] ^ x.s[1];
  triple_check_.received(next_, std::as_bytes(std::span(expected.words())));
}

void Mal3Boolean::refill(std::size_t words) {
  const std::size_t left = pool_[0].size() - pool_used_;
  const Triples fresh = make_checked(std::max(words - std::min(words, left), batch_words_));
  const BitPlanes* parts[6] = {&fresh.a.s[0], &fresh.a.s[1], &fresh.b.s[0],
                               &fresh.b.s[1], &fresh.c.s[0], &fresh.c.s[1]};
  for (int i = 0; i < 6; ++i) {
    std::vector<std::uint64_t> next(pool_[i].begin() + static_cast<std::ptrdiff_t>(pool_used_),
                                    pool_[i].end());
    next.insert(next.end(), parts[i]->words().begin(), parts[i]->words().end());
    pool_[i] = std::move(next);
  }
  pool_used_ = 0;
}

Mal3Boolean::Triples Mal3Boolean::take(std::size_t n, int planes) {
  const std::size_t per_plane = BitPlanes::words_for(n);
  const std::size_t words = per_plane * static_cast<std::size_t>(planes);
  if (pool_[0].size() - pool_used_ < words) refill(words);
  std::array<BitPlanes, 6> parts;
  for (int i = 0; i < 6; ++i) {
    parts[i] = BitPlanes(n, planes, kUninitialized);
    std::copy_n(pool_[i].begin() + static_cast<std::ptrdiff_t>(pool_used_), words,
                parts[i].words().begin());
    parts[i].clear_padding();
  }
  pool_used_ += words;
  return {{std::move(parts[0]), std::move(parts[1])},
          {std::move(parts[2]), std::move(parts[3])},
          {std::move(parts[4]), std::move(parts[5])}};
}

Mal3BoolShare Mal3Boolean::band(const Mal3BoolShare& x, const Mal3BoolShare& y) {
  check_same_size(x.s[0], y.s[0], "mal3 and");
  const Triples t = take(x.s[0].n(), x.s[0].planes());
  const Mal3BoolShare d = bxor(x, t.a), e = bxor(y, t.b);
  const std::vector<BitPlanes> de = open_all({&d, &e});  // one message
  Mal3BoolShare z = bxor(t.c, bxor(and_public(t.b, de[0]), and_public(t.a, de[1])));
  return xor_public(z, de[0] & de[1]);
}

}  // namespace sqt
