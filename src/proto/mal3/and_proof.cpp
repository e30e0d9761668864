// and_proof.cpp — see and_proof.h.
#include "proto/mal3/and_proof.h"

#include "core/error.h"
#include "core/tensor.h"
#include "kernels/gf2_kernels.h"
#include "kernels/gf2_lagrange.h"
#include "proto/common/joint_challenge.h"

namespace sqt {
namespace {

constexpr std::size_t kGroupWords = 16;  // words per weight rho_m
constexpr int kFirstRows = 32;           // rows of the first level (2 per word of a group)
constexpr std::size_t kFinalMax = 8;     // entries at most in the final level
constexpr int kMaxRows = 32;             // rows of a level after the first, at most
constexpr int kLevels = 5;               // levels after the first (more only past 2^32 gates)

enum Record { kX0, kX1, kY0, kY1, kE, kF };

// The folded vectors of a proof run (as many entries as a sixteenth of its
// ANDs: hundreds of MB for a large batch of masks) live in reused large
// blocks, not in fresh mappings the kernel zeroes on every run.
using Entries = UninitVector<Gf128>;

Gf128 draw(Prg& prg) {
  Gf128 x;
  prg.fill_bytes(&x, sizeof x);
  return x;
}

std::vector<Gf128> draws(Prg& prg, std::size_t n) {
  std::vector<Gf128> out(n);
  prg.fill_bytes(out.data(), n * sizeof(Gf128));
  return out;
}

Key128 seed(Prg& prg) {
  Key128 key{};
  prg.fill_bytes(key.data(), key.size());
  return key;
}

// A uniform element of K other than the nodes 0..nodes-1 (the Lagrange
// weight of node 0 must not vanish: it hides the final evaluations).
Gf128 point_off_nodes(Prg& prg, int nodes) {
  for (;;) {
    const Gf128 r = draw(prg);
    if (r.hi != 0 || r.lo >= static_cast<std::uint64_t>(nodes)) return r;
  }
}

Gf128 sum(std::span<const Gf128> values) {
  Gf128 out;
  for (const Gf128& x : values) out += x;
  return out;
}

std::vector<Gf128> added(const std::vector<Gf128>& x, const std::vector<Gf128>& y) {
  std::vector<Gf128> out(x);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] += y[i];
  return out;
}

// The values of G = sum_c p_c q_c at the nodes 0..2L-2, from the level's
// Gram matrix M[i][j] = sum_c u_(c,i) v_(c,j): G(i) = M[i][i] at the first
// L nodes, lambda(t)^T M lambda(t) at the others.
std::vector<Gf128> values_from_gram(const std::vector<Gf128>& gram, int rows) {
  const auto k = static_cast<std::size_t>(rows);
  std::vector<Gf128> out(2 * k - 1), m_lambda(k);
  for (std::size_t i = 0; i < k; ++i) out[i] = gram[k * i + i];
  const std::vector<std::vector<Gf128>>& extension = extension_weights(rows);
  for (std::size_t t = k; t < 2 * k - 1; ++t) {
    const std::vector<Gf128>& lambda = extension[t - k];
    kernels::fold(gram.data(), k * k, rows, lambda.data(), m_lambda.data());
    out[t] = gf128_dot(lambda, m_lambda);
  }
  return out;
}

// sum_s sigma_s sums_s.
Gf128 weighted(const std::vector<Gf128>& sigma, const Gf128* sums) {
  return gf128_dot(sigma, std::span(sums, sigma.size()));
}

Entries folded(const Entries& x, int rows, const std::vector<Gf128>& w) {
  Entries out(x.size() / static_cast<std::size_t>(rows));
  kernels::fold(x.data(), x.size(), rows, w.data(), out.data());
  return out;
}

std::size_t ceil_div(std::size_t n, std::size_t d) {
  return (n + d - 1) / d;
}

void pad_to(Entries& x, std::size_t multiple) {  // with zeros (Gf128's default)
  x.resize(ceil_div(x.size(), multiple) * multiple);
}

// [mask, x...]: the final level's polynomial values at the nodes 0..n.
std::vector<Gf128> masked(const Gf128& mask, const Entries& x) {
  std::vector<Gf128> out{mask};
  out.insert(out.end(), x.begin(), x.end());
  return out;
}

// Entries that `levels` levels of kMaxRows rows bring down to kFinalMax.
std::size_t level_capacity(int levels) {
  std::size_t out = kFinalMax;
  for (int l = 0; l < levels; ++l) out *= kMaxRows;
  return out;
}

// The cheapest rows for `levels` levels on n entries that end with at most
// kFinalMax: a level of L rows on n entries costs about (L + 4) n products
// (the Gram matrix, L per entry, and the folds of four vectors), so small
// levels come first. Exhaustive over L = 2, 4, ..., 32 (5^levels choices).
void cheapest_rows(std::size_t n, int levels, std::vector<int>& rows, std::vector<int>& best,
                   std::size_t cost, std::size_t& best_cost) {
  if (cost >= best_cost) return;
  if (static_cast<int>(rows.size()) == levels) {
    if (n <= kFinalMax) best = rows, best_cost = cost;
    return;
  }
  for (int l = 2; l <= kMaxRows; l *= 2) {
    rows.push_back(l);
    const std::size_t padded = ceil_div(n, static_cast<std::size_t>(l));
    cheapest_rows(padded, levels, rows, best,
                  cost + (static_cast<std::size_t>(l) + 4) * padded * static_cast<std::size_t>(l),
                  best_cost);
    rows.pop_back();
  }
}

}  // namespace

std::vector<int> and_proof_levels(std::size_t words) {
  const std::size_t groups = ceil_div(words, kGroupWords);
  const std::size_t n = 64 * groups;  // entries after the first level
  int levels = kLevels;
  while (level_capacity(levels) < n) ++levels;
  std::vector<int> rows, best;
  std::size_t best_cost = ~std::size_t{0};
  cheapest_rows(n, levels, rows, best, 0, best_cost);
  best.insert(best.begin(), kFirstRows);
  return best;
}

// One verify(): this party's three roles. The prover's (u, v), V-'s u of the
// successor's proof and V+'s v of the predecessor's proof, with the claim
// shares t- and t+ and every level's sums b- and b+.
struct AndProof::Run {
  AndProof& owner;
  std::size_t groups;
  std::vector<Gf128> sigma;
  std::vector<std::uint64_t> rho;
  // Keys of the proof: mu- of this party's proof (with prev) and of next's
  // (with next); G+ and mu+ of this party's proof (with next) and of prev's
  // (with prev). Each pairwise key gives two seeds in the same order at
  // both holders: the later party's proof first.
  Prg my_minus, prev_plus, next_minus, my_plus;
  Entries u, v;                                  // prover
  Entries u_next, v_prev;                        // V- of next, V+ of prev
  Gf128 t_minus, t_plus;                         // claim shares (V- of next, V+ of prev)
  std::vector<Gf128> b_minus, b_plus;            // every level's sums
  std::vector<Gf128> g_minus_next, g_plus_prev;  // the current level's shares

  explicit Run(AndProof& p)
      : owner(p),
        groups(p.records_[0].size() / kGroupWords),
        my_minus(seed(p.prg_prev_)),
        prev_plus(seed(p.prg_prev_)),
        next_minus(seed(p.prg_next_)),
        my_plus(seed(p.prg_next_)) {}

  Prg challenge() {
    return joint_challenge(owner.net_, owner.prg_prev_, owner.prg_next_, "mal3 and");
  }
  // A joint challenge point r off the nodes 0..nodes-1 (drawn after every
  // share of the level arrived).
  Gf128 challenge_point(int nodes) {
    Prg prg = challenge();
    return point_off_nodes(prg, nodes);
  }
  const std::uint64_t* rec(Record r) const { return owner.records_[r].data(); }

  // Sends this party's share G- to prev, draws prev's G+, receives next's
  // G-, and records the sums of the shares at `summed` nodes from `first`.
  void exchange_shares(const std::vector<Gf128>& g, std::size_t first, std::size_t summed) {
    const std::vector<Gf128> g_plus = draws(my_plus, g.size());
    const std::vector<Gf128> g_minus = added(g, g_plus);
    owner.net_.send_values<Gf128>(owner.prev_, g_minus);
    g_plus_prev = draws(prev_plus, g.size());
    g_minus_next.assign(g.size(), Gf128{});
    owner.net_.recv_values<Gf128>(owner.next_, std::span(g_minus_next));
    b_plus.push_back(t_plus + sum(std::span(g_plus_prev).subspan(first, summed)));
    b_minus.push_back(t_minus + sum(std::span(g_minus_next).subspan(first, summed)));
  }

  void first_level() {
    Prg weights = challenge();
    sigma = draws(weights, kGroupWords);
    rho.resize(groups);
    weights.fill<std::uint64_t>(std::span(rho));
    Gf128 sums[kGroupWords];
    kernels::bit_weighted_sums(rec(kE), rho.data(), groups, sums);
    t_minus = weighted(sigma, sums);
    kernels::bit_weighted_sums(rec(kF), rho.data(), groups, sums);
    t_plus = weighted(sigma, sums);

    std::vector<Gf128> gram(kFirstRows * kFirstRows);
    kernels::bit_gram(rec(kX0), rec(kY0), rec(kY1), rec(kX1), rho.data(), groups, gram.data());
    for (std::size_t i = 0; i < gram.size(); ++i)
      gram[i] = kernels::mul(sigma[(i / kFirstRows) % kGroupWords], gram[i]);
    exchange_shares(values_from_gram(gram, kFirstRows), 0, kFirstRows);

    const Gf128 r = challenge_point(2 * kFirstRows - 1);
    const std::vector<Gf128> lambda = lagrange_weights(kFirstRows, r);
    std::vector<Gf128> kappa(kFirstRows);
    for (std::size_t i = 0; i < kappa.size(); ++i)
      kappa[i] = kernels::mul(lambda[i], sigma[i % kGroupWords]);
    const std::size_t n = 64 * groups;
    u.resize(n), v.resize(n), u_next.resize(n), v_prev.resize(n);
    kernels::bit_fold_left(rec(kX0), rec(kY0), rho.data(), groups, kappa.data(), u.data());
    kernels::bit_fold_right(rec(kY1), rec(kX1), groups, lambda.data(), v.data());
    kernels::bit_fold_left(rec(kX1), rec(kY1), rho.data(), groups, kappa.data(), u_next.data());
    kernels::bit_fold_right(rec(kY0), rec(kX0), groups, lambda.data(), v_prev.data());
    next_claims(r);
  }

  void next_claims(const Gf128& r) {
    t_minus = interpolate_at(g_minus_next, r);
    t_plus = interpolate_at(g_plus_prev, r);
  }

  void level(int rows) {
    const auto k = static_cast<std::size_t>(rows);
    for (auto* x : {&u, &v, &u_next, &v_prev}) pad_to(*x, k);
    std::vector<Gf128> gram(k * k);
    kernels::gram(u.data(), v.data(), u.size(), rows, gram.data());
    exchange_shares(values_from_gram(gram, rows), 0, k);
    const Gf128 r = challenge_point(2 * rows - 1);
    const std::vector<Gf128> lambda = lagrange_weights(rows, r);
    for (auto* x : {&u, &v, &u_next, &v_prev}) *x = folded(*x, rows, lambda);
    next_claims(r);
  }

  // The final level, then the verifiers' exchange; throws if a proof fails.
  void final_level() {
    const std::size_t n = u.size();
    const std::vector<Gf128> p = masked(draw(my_minus), u);
    const std::vector<Gf128> q = masked(draw(my_plus), v);
    std::vector<Gf128> g(2 * n + 1);
    for (std::size_t j = 0; j < g.size(); ++j)
      g[j] = j <= n ? kernels::mul(p[j], q[j])
                    : kernels::mul(interpolate_at(p, Gf128::node(j)),
                                   interpolate_at(q, Gf128::node(j)));
    const std::vector<Gf128> p_next = masked(draw(next_minus), u_next);
    const std::vector<Gf128> q_prev = masked(draw(prev_plus), v_prev);  // before prev's G+
    exchange_shares(g, 1, n);
    const Gf128 r = challenge_point(static_cast<int>(g.size()));
    // V- of next's proof tells that proof's V+ (prev) p(r), G-(r) and b-;
    // V+ of prev's proof tells that proof's V- (next) q(r), G+(r) and b+.
    std::vector<Gf128> to_prev{interpolate_at(p_next, r), interpolate_at(g_minus_next, r)};
    to_prev.insert(to_prev.end(), b_minus.begin(), b_minus.end());
    std::vector<Gf128> to_next{interpolate_at(q_prev, r), interpolate_at(g_plus_prev, r)};
    to_next.insert(to_next.end(), b_plus.begin(), b_plus.end());
    Network& net = owner.net_;
    net.send_values<Gf128>(owner.prev_, to_prev);
    net.send_values<Gf128>(owner.next_, to_next);
    std::vector<Gf128> from_prev(to_prev.size()), from_next(to_next.size());
    net.recv_values<Gf128>(owner.prev_, std::span(from_prev));
    net.recv_values<Gf128>(owner.next_, std::span(from_next));
    check(to_prev, from_prev, owner.next_);  // next's proof: this party is V-, prev V+
    check(from_next, to_next, owner.prev_);  // prev's proof: next is V-, this party V+
  }

  // minus = [p(r), G-(r), b-...], plus = [q(r), G+(r), b+...] of prover's proof.
  void check(const std::vector<Gf128>& minus, const std::vector<Gf128>& plus, int prover) const {
    bool ok = minus[1] + plus[1] == kernels::mul(minus[0], plus[0]);
    for (std::size_t i = 2; i < minus.size(); ++i) ok = ok && minus[i] == plus[i];
    SQT_CHECK(ok,
              "abort: mal3 and check failed at party {}: the proof that {} computed its ANDs "
              "correctly does not hold (a party deviated from the protocol)",
              owner.me_, owner.net_.peer_name(prover));
  }
};

AndProof::AndProof(Network& net, Prg& prg_prev, Prg& prg_next)
    : net_(net),
      me_(net.id()),
      next_((me_ + 1) % 3),
      prev_((me_ + 2) % 3),
      prg_prev_(prg_prev),
      prg_next_(prg_next) {}

void AndProof::record(const BitPlanes& shape, const std::uint64_t* x0, const std::uint64_t* x1,
                      const std::uint64_t* y0, const std::uint64_t* y1, const std::uint64_t* e,
                      const std::uint64_t* f) {
  const std::size_t per_plane = shape.words_per_plane(), words = shape.words().size();
  if (words == 0) return;
  const std::uint64_t last = shape.valid_mask(per_plane - 1);
  const std::uint64_t* sources[6] = {x0, x1, y0, y1, e, f};
  for (int r = 0; r < 6; ++r) {
    std::vector<std::uint64_t>& out = records_[r];
    const std::size_t base = out.size();
    out.insert(out.end(), sources[r], sources[r] + words);
    for (int p = 0; p < shape.planes(); ++p)
      out[base + (static_cast<std::size_t>(p) + 1) * per_plane - 1] &= last;
  }
}

void AndProof::verify() {
  if (records_[0].empty()) return;
  for (auto& r : records_) r.resize(ceil_div(r.size(), kGroupWords) * kGroupWords);
  const std::vector<int> levels = and_proof_levels(records_[0].size());
  Run run(*this);
  run.first_level();
  for (std::size_t l = 1; l < levels.size(); ++l) run.level(levels[l]);
  for (auto& r : records_) r.clear();
  ++proofs_;  // counted when it runs: a failing proof aborts the session
  run.final_level();
}

}  // namespace sqt
