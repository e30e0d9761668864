// mal3_boolean.cpp — see mal3_boolean.h.
#include "proto/mal3/mal3_boolean.h"

#include "core/error.h"

namespace sqt {
namespace {

void check_same_size(const BitPlanes& x, const BitPlanes& y, const char* what) {
  SQT_CHECK(x.n() == y.n() && x.planes() == y.planes(), "{}: {}x{} and {}x{} bits", what,
            x.planes(), x.n(), y.planes(), y.n());
}

}  // namespace

void Mal3Boolean::check_padding(const BitPlanes& received) const {
  if (received.words_per_plane() == 0) return;
  const std::size_t last = received.words_per_plane() - 1;
  std::uint64_t stray = 0;
  for (int j = 0; j < received.planes(); ++j)
    stray |= received.plane(j)[last] & ~received.valid_mask(last);
  SQT_CHECK(stray == 0,
            "abort: mal3 and check failed at party {}: the AND message from {} has bits set past "
            "the end of its planes (a party deviated from the protocol)",
            me_, net_.peer_name(next_));
}

Mal3Boolean::Mal3Boolean(Session& session, MessageCheck& check)
    : net_(session.net()),
      me_(session.party()),
      next_((me_ + 1) % 3),
      prev_((me_ + 2) % 3),
      prg_prev_(session.pair_prg(prev_)),
      prg_next_(session.pair_prg(next_)),
      check_(check),
      proof_(session.net(), prg_prev_, prg_next_) {
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

std::vector<BitPlanes> Mal3Boolean::open_all(const std::vector<const Mal3BoolShare*>& shares) {
  // The missing component of party j is held by j-1 (its first) and j+1
  // (its second): j-1 sends, j+1 vouches.
  std::vector<std::uint64_t> first, second;
  for (const Mal3BoolShare* x : shares) {
    first.insert(first.end(), x->s[0].words().begin(), x->s[0].words().end());
    second.insert(second.end(), x->s[1].words().begin(), x->s[1].words().end());
  }
  net_.send_values<std::uint64_t>(next_, std::span<const std::uint64_t>(first));
  check_.vouch(prev_, std::as_bytes(std::span(second)));
  std::vector<std::uint64_t> missing(first.size());
  net_.recv_values<std::uint64_t>(prev_, std::span(missing));
  check_.received(next_, std::as_bytes(std::span(missing)));
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

Mal3BoolShare Mal3Boolean::band(const Mal3BoolShare& x, const Mal3BoolShare& y) {
  check_same_size(x.s[0], y.s[0], "mal3 and");
  if (proof_.pending_gates() >= kMaxPendingGates) proof_.verify();
  // z_i = x_i y_i ^ x_i y_{i+1} ^ x_{i+1} y_i plus a zero sharing (the
  // draws s- and s+ of the keys with i-1 and i+1), sent to party i-1.
  const std::size_t n = x.s[0].n();
  const int planes = x.s[0].planes();
  const std::size_t words = x.s[0].words().size();
  BitPlanes z(n, planes, kUninitialized), from_next(n, planes, kUninitialized);
  UninitVector<std::uint64_t> own_draw(words), next_draw(words);
  prg_prev_.fill<std::uint64_t>(std::span(own_draw));
  prg_next_.fill<std::uint64_t>(std::span(next_draw));
  const std::uint64_t *x0 = x.s[0].words().data(), *x1 = x.s[1].words().data();
  const std::uint64_t *y0 = y.s[0].words().data(), *y1 = y.s[1].words().data();
  std::uint64_t* out = z.words().data();
  for (std::size_t w = 0; w < words; ++w)
    out[w] = own_draw[w] ^ next_draw[w] ^ (x0[w] & (y0[w] ^ y1[w])) ^ (x1[w] & y0[w]);
  z.clear_padding();
  net_.send_values<std::uint64_t>(prev_, z.words());
  net_.recv_values<std::uint64_t>(next_, std::span(from_next.words()));
  check_padding(from_next);
  // The records of the proof: e = z_(i+1) ^ x_(i+1) y_(i+1) ^ s (the key
  // with i+1) for the successor's ANDs, f = the draw of the key with i-1
  // for the predecessor's (reusing next_draw for e).
  const std::uint64_t* received = from_next.words().data();
  for (std::size_t w = 0; w < words; ++w) next_draw[w] ^= received[w] ^ (x1[w] & y1[w]);
  proof_.record(z, x0, x1, y0, y1, next_draw.data(), own_draw.data());
  return {std::move(z), std::move(from_next)};
}

}  // namespace sqt
