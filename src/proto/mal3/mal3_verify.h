// mal3_verify.h — Mal3's checks (included by mal3.h).
//
// verify() checks, in this order:
//  0. ANDs: the binary sharing's proof of every AND since the last check
//     (mal3_boolean.h, and_proof.h), so no value that depends on an AND is
//     opened unmasked, or masks anything, before it passes.
//  1. Bits (if any sharing must hold bits): a challenge chi is drawn, and
//     t = sum_j chi_j b_j (b_j - 1) with its MAC is computed by one dot
//     product (one reshare of one element); t is kept like any product.
//  2. MACs: a second challenge is drawn after every kept pair (z, m) exists
//     and gives two independent combinations chi', chi''. For each,
//     w = sum chi'_j z_j + rho and u = sum chi'_j m_j + m_rho are local,
//     where (rho, m_rho) is a random sharing with its MAC made first, in a
//     round of its own (so it is fixed before any challenge); w, uniform
//     thanks to rho, is opened, so alpha w and sigma = u - alpha w are
//     local.
//  3. sigma', sigma'' and t are opened with each missing component sent by
//     both of its holders, which must agree; all must be zero.
// A challenge key is the XOR of one fresh draw from each pairwise key
// (joint_challenge.h): a party gets its missing draw in the clear only from
// its predecessor, after the predecessor has received what the key checks,
// so the key is uniform to the corrupted party, which misses one draw, and
// drawn after the values it checks are fixed. Nothing a party sends after
// the challenge moves sigma: w and sigma are opened robustly (each
// component from both holders), and alpha w takes no product, whose error
// a party knowing chi could pick to cancel its own MAC errors (the check
// of 2026-12-05 computed alpha w by a product). An error of a product
// (value error e1, MAC error e2) survives only if sum chi'_j (e2_j -
// alpha e1_j) + e_rho = 0 modulo 2^(k+64) in both combinations, which for
// e1 != 0 modulo 2^k happens with probability below 2^-64 (one
// combination: 2^-58, SPDZ2k's s - log2(s + 1)); a harmful non-bit
// survives step 1 with probability at most 2^-65 (docs/protocols/mal3.md).
// Any failure throws an Error starting "abort:"; the peers get its reason
// at their next receive (Session::abort), so all honest parties stop.
#pragma once

namespace sqt {

namespace mal3_detail {

// Kept elements per chunk of the MAC check's combinations (the two
// coefficient buffers, 64 KB at k = 64, stay in cache).
inline constexpr std::size_t kCombineChunk = 2048;

}  // namespace mal3_detail

template <RingElement R>
Prg Mal3<R>::challenge() {
  return joint_challenge(net_, prg_prev_, prg_next_, "mal3");
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::bit_check_products(Prg& chi, const Share* fresh) {
  // Summands of sum chi_j b_j (b_j - 1) and of its MAC sum chi_j m_j (b_j - 1).
  W value = 0, mac = 0;
  const W one_first = me_ == 0 ? 1 : 0, one_second = me_ == 2 ? 1 : 0;  // component 0 of 1
  std::vector<const Share*> all;
  for (const Share& b : bit_checks_) all.push_back(&b);
  if (fresh) all.push_back(fresh);
  for (const Share* bp : all) {
    const Share& b = *bp;
    const std::size_t n = b.s[0].size();
    const Tensor<W> c = chi.template random<W>({n});
    const W *b0 = b.s[0].data(), *b1 = b.s[1].data(), *m0 = b.s[2].data(), *m1 = b.s[3].data();
    for (std::size_t i = 0; i < n; ++i) {
      const W d0 = b0[i] - one_first, d1 = b1[i] - one_second;  // b - 1
      value += c[i] * (b0[i] * (d0 + d1) + b1[i] * d0);
      mac += c[i] * (m0[i] * (d0 + d1) + m1[i] * d0);
    }
  }
  return reshare_product({Tensor<W>({1}, value), Tensor<W>({1}, mac)});
}

template <RingElement R>
Tensor<typename Mal3<R>::W> Mal3<R>::open_robust(const Share& x, const char* what) {
  send_wide(next_, x.s[0]);
  send_wide(prev_, x.s[1]);
  Tensor<W> from_prev = receive_wide(prev_, shape(x));
  Tensor<W> from_next = receive_wide(next_, shape(x));
  SQT_CHECK(from_prev == from_next,
            "abort: mal3 {} failed at party {}: {} and {} sent different components of the "
            "check value (a party deviated from the protocol)",
            what, me_, net_.peer_name(prev_), net_.peer_name(next_));
  add_inplace(from_prev, x.s[0]);
  add_inplace(from_prev, x.s[1]);
  return from_prev;
}

// Both combinations of every kept pair, added to w and u. The kept elements
// are cut into chunks of kCombineChunk; chunk q's coefficients (both
// combinations) come from its own key, the q-th draw of chi, so the chunks
// can be combined on any number of threads with the same result.
template <RingElement R>
void Mal3<R>::combine_pending(Prg& chi, W (&w)[2][2], W (&u)[2][2]) {
  constexpr std::size_t kChunk = mal3_detail::kCombineChunk;
  struct Chunk {
    const Share* z;
    std::size_t start, len;
  };
  std::vector<Chunk> chunks;
  for (const Share& z : pending_)
    for (std::size_t start = 0; start < z.s[0].size(); start += kChunk)
      chunks.push_back({&z, start, std::min(kChunk, z.s[0].size() - start)});
  std::vector<Key128> keys(chunks.size());
  chi.fill_bytes(keys.data(), keys.size() * sizeof(Key128));
  std::mutex total;
  session_.pool().for_ranges(chunks.size(), 8, [&](std::size_t begin, std::size_t end) {
    UninitVector<W> coefficients(2 * kChunk);
    W* const first_chi = coefficients.data();
    W* const second_chi = first_chi + kChunk;
    W sw[2][2] = {}, su[2][2] = {};
    for (std::size_t q = begin; q < end; ++q) {
      const Chunk& c = chunks[q];
      Prg prg(keys[q]);
      prg.fill(std::span(first_chi, c.len));
      prg.fill(std::span(second_chi, c.len));
      const Share& z = *c.z;
      const W *z0 = z.s[0].data() + c.start, *z1 = z.s[1].data() + c.start;
      const W *m0 = z.s[2].data() + c.start, *m1 = z.s[3].data() + c.start;
      for (std::size_t i = 0; i < c.len; ++i) {
        const W a = first_chi[i], b = second_chi[i];
        sw[0][0] += a * z0[i], sw[0][1] += a * z1[i], su[0][0] += a * m0[i], su[0][1] += a * m1[i];
        sw[1][0] += b * z0[i], sw[1][1] += b * z1[i], su[1][0] += b * m0[i], su[1][1] += b * m1[i];
      }
    }
    const std::lock_guard<std::mutex> lock(total);
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 2; ++j) w[k][j] += sw[k][j], u[k][j] += su[k][j];
  });
}

template <RingElement R>
void Mal3<R>::verify(const Share* fresh) {
  boolean_.verify_ands();
  if (pending_.empty() && bit_checks_.empty() && !fresh) return;
  ++verifications_;
  // rho', rho'' with their MACs, fixed (received by every predecessor)
  // before either challenge is drawn.
  // (Not kept: they enter the combinations with coefficient 1 below.)
  Tensor<W> first = prg_prev_.template random<W>({2});
  const Share masks = with_unkept_mac(std::move(first), prg_next_.template random<W>({2}));
  const bool bits = !bit_checks_.empty() || fresh;
  if (bits) {
    Prg chi = challenge();
    bit_check_products(chi, fresh);  // kept: the last pending pair
  }
  // Two independent combinations, each masked by rho_c:
  // w_c = sum chi_c z + rho_c, u_c = sum chi_c m + m_rho_c.
  Prg chi = challenge();
  W w[2][2], u[2][2];  // [combination][component]
  for (int c = 0; c < 2; ++c)
    for (int j = 0; j < 2; ++j) w[c][j] = masks.s[j][c], u[c][j] = masks.s[2 + j][c];
  combine_pending(chi, w, u);
  Share masked = zeros({2});
  for (int c = 0; c < 2; ++c) masked.s[0][c] = w[c][0], masked.s[1][c] = w[c][1];
  const Tensor<W> w_open = open_robust(masked, "MAC check");  // uniform: rho_c
  Share sigma = zeros({bits ? 3u : 2u});                      // sigma', sigma'' (, t)
  for (int c = 0; c < 2; ++c) {
    sigma.s[0][c] = u[c][0] - alpha_[0] * w_open[c];
    sigma.s[1][c] = u[c][1] - alpha_[1] * w_open[c];
  }
  if (bits) {
    sigma.s[0][2] = pending_.back().s[0][0];
    sigma.s[1][2] = pending_.back().s[1][0];
  }
  const Tensor<W> opened = open_robust(sigma, "MAC check");
  pending_.clear();
  pending_elements_ = 0;
  bit_checks_.clear();
  SQT_CHECK(opened[0] == 0 && opened[1] == 0,
            "abort: mal3 MAC check failed at party {}: the products since the last check do not "
            "carry valid MACs (a party deviated from the protocol)",
            me_);
  SQT_CHECK(!bits || opened[2] == 0,
            "abort: mal3 bit check failed at party {}: a random bit or an input bit is not 0 or 1 "
            "(a party deviated from the protocol)",
            me_);
}

}  // namespace sqt
