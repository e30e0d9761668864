// mal3_verify.h — Mal3's checks (included by mal3.h).
//
// verify() checks, in this order:
//  0. ANDs: the binary sharing's proof of every AND since the last check
//     (mal3_boolean.h, and_proof.h), so no value that depends on an AND is
//     opened unmasked, or masks anything, before it passes.
//  1. Bits (if any sharing must hold bits): a challenge draws 64 random
//     subsets S_s of the bits, and t_s = sum_{j in S_s} b_j (b_j - 1) with
//     its MAC is computed by 64 dot products (one reshare of 64 elements);
//     the t_s are kept like any product.
//  2. MACs: a second challenge is drawn after every kept pair (z, m) exists
//     and draws 64 random subsets S_s of the kept elements (and of the
//     fresh bits of make_bits, which are not kept: their verify() follows
//     at once). For each,
//     w_s = sum_{S_s} z_j + rho_s and u_s = sum_{S_s} m_j + m_rho_s are
//     local, where (rho_s, m_rho_s) is a random sharing with its MAC made
//     first, in a round of its own (so it is fixed before any challenge);
//     w_s, uniform thanks to rho_s, is opened, so alpha w_s and sigma_s =
//     u_s - alpha w_s are local.
//  3. The sigma_s, and the low k bits of the t_s, are opened: each party
//     gets its missing component in the clear from one holder and as a
//     SHA-256 digest from the other, which must match; every sigma_s must
//     be zero modulo 2^(k+64), every t_s modulo 2^k.
// A challenge key is the XOR of one fresh draw from each pairwise key
// (joint_challenge.h): a party gets its missing draw in the clear only from
// its predecessor, after the predecessor has received what the key checks,
// so the key is uniform to the corrupted party, which misses one draw, and
// drawn after the values it checks are fixed. Nothing a party sends after
// the challenge moves sigma: w and sigma are opened robustly (each
// component vouched for by both holders), and alpha w takes no product, whose error
// a party knowing chi could pick to cancel its own MAC errors (the check
// of 2026-12-05 computed alpha w by a product). With d_j = e2_j - alpha e1_j
// the error of kept pair j (value error e1, MAC error e2), sigma_s is the
// sum of d_j over S_s plus the mask's error, and a non-zero d survives all
// 64 subsets with probability at most 2^-64 whatever the valuation of its
// entries (kernels/subset_sums.h). Scalar coefficients modulo 2^(k+64),
// used until 2026-12-07, missed an error of 2^(k+63) whenever the
// coefficient was even, and a surviving error was later multiplied by
// secrets (a selective failure). An error with d = 0 but e1 != 0 modulo
// 2^k needs alpha modulo 2^65 (2^-65); a harmful non-bit survives step 1
// with probability at most 2^-64 (docs/protocols/mal3.md).
// Any failure throws an Error starting "abort:"; the peers get its reason
// at their next receive (Session::abort), so all honest parties stop.
#pragma once

namespace sqt {

namespace mal3_detail {

// Kept elements per chunk of the MAC check's subset sums (a chunk's
// coefficients, 16 KB, stay in cache).
inline constexpr std::size_t kCombineChunk = 2048;

}  // namespace mal3_detail

template <RingElement R>
Prg Mal3<R>::challenge() {
  return joint_challenge(net_, prg_prev_, prg_next_, "mal3");
}

template <RingElement R>
typename Mal3<R>::Share Mal3<R>::bit_check_products(Prg& chi, const Share* fresh) {
  // Summands of t_s = sum_{j in S_s} b_j (b_j - 1) and of its MAC
  // sum_{j in S_s} m_j (b_j - 1), for the 64 subsets S_s that chi draws.
  using Sums = kernels::SubsetSums<W, 2>;
  const W one_first = me_ == 0 ? 1 : 0, one_second = me_ == 2 ? 1 : 0;  // component 0 of 1
  auto sums = std::make_unique<Sums>();
  std::vector<std::uint8_t> coefficients(512 * Sums::kGroupCoefficientBytes);  // 512 groups
  std::size_t used = coefficients.size();
  W words[Sums::kGroup][2];
  int filled = 0;
  const auto add_group = [&] {
    for (; filled < Sums::kGroup; ++filled) words[filled][0] = words[filled][1] = W{0};
    if (used == coefficients.size()) {
      chi.fill_bytes(coefficients.data(), coefficients.size());
      used = 0;
    }
    sums->add_group(words, coefficients.data() + used);
    used += Sums::kGroupCoefficientBytes;
    filled = 0;
  };
  std::vector<const Share*> all;
  for (const Share& b : bit_checks_) all.push_back(&b);
  if (fresh) all.push_back(fresh);
  for (const Share* bp : all) {
    const Share& b = *bp;
    const std::size_t n = b.s[0].size();
    const W *b0 = b.s[0].data(), *b1 = b.s[1].data(), *m0 = b.s[2].data(), *m1 = b.s[3].data();
    for (std::size_t i = 0; i < n; ++i) {
      const W d0 = b0[i] - one_first, d1 = b1[i] - one_second;  // b - 1
      words[filled][0] = b0[i] * (d0 + d1) + b1[i] * d0;
      words[filled][1] = m0[i] * (d0 + d1) + m1[i] * d0;
      if (++filled == Sums::kGroup) add_group();
    }
  }
  if (filled > 0) add_group();
  W totals[kSubsetTests][2] = {};
  sums->add_to(totals);
  const Shape tests{std::size_t{kSubsetTests}};
  Product t{Tensor<W>(tests, kUninitialized), Tensor<W>(tests, kUninitialized)};
  for (int s = 0; s < kSubsetTests; ++s) t.value[s] = totals[s][0], t.mac[s] = totals[s][1];
  return reshare_product(std::move(t));
}

namespace mal3_detail {

template <class T>
Digest digest_of_values(std::span<const T> values) {
  Hasher hasher;
  hasher.update(std::as_bytes(values));
  return hasher.finish();
}

}  // namespace mal3_detail

template <RingElement R>
template <class T>
void Mal3<R>::send_opening(std::span<const T> c0, std::span<const T> c1) {
  net_.send_values<T>(next_, c0);
  const Digest own = mal3_detail::digest_of_values(c1);
  net_.send(prev_, std::as_bytes(std::span(own)));
}

// One of the two holders of the missing component is honest, so a clear
// value that does not match the other holder's digest means a deviation.
template <RingElement R>
template <class T>
std::vector<T> Mal3<R>::receive_opening(std::span<const T> c0, std::span<const T> c1,
                                        const char* what) {
  std::vector<T> value(c0.size());
  net_.recv_values<T>(prev_, std::span(value));
  Digest from_next{};
  net_.recv(next_, std::as_writable_bytes(std::span(from_next)));
  SQT_CHECK(mal3_detail::digest_of_values(std::span<const T>(value)) == from_next,
            "abort: mal3 {} failed at party {}: {} and {} sent different components of the "
            "check value (a party deviated from the protocol)",
            what, me_, net_.peer_name(prev_), net_.peer_name(next_));
  for (std::size_t i = 0; i < value.size(); ++i) value[i] += c0[i] + c1[i];
  return value;
}

// The subset sums of every kept pair's four components (value and MAC, both
// held components), and of `fresh`'s (fresh bits, whose MACs no kept copy
// covers), added to w and u. The kept elements are cut into
// chunks of kCombineChunk; chunk q's coefficients come from its own key,
// the q-th draw of chi, so the chunks can be summed on any number of
// threads with the same result.
template <RingElement R>
void Mal3<R>::combine_pending(Prg& chi, W (&w)[kSubsetTests][2], W (&u)[kSubsetTests][2],
                              const Share* fresh) {
  constexpr std::size_t kChunk = mal3_detail::kCombineChunk;
  using Sums = kernels::SubsetSums<W, 4>;
  static_assert(kChunk % Sums::kGroup == 0);
  struct Chunk {
    const Share* z;
    std::size_t start, len;
  };
  std::vector<const Share*> covered;
  for (const auto& z : pending_) covered.push_back(z.get());
  if (fresh) covered.push_back(fresh);
  std::vector<Chunk> chunks;
  for (const Share* z : covered)
    for (std::size_t start = 0; start < z->s[0].size(); start += kChunk)
      chunks.push_back({z, start, std::min(kChunk, z->s[0].size() - start)});
  std::vector<Key128> keys(chunks.size());
  chi.fill_bytes(keys.data(), keys.size() * sizeof(Key128));
  std::mutex total;
  session_.pool().for_ranges(chunks.size(), 8, [&](std::size_t begin, std::size_t end) {
    std::vector<std::uint8_t> coefficients(kChunk / Sums::kGroup * Sums::kGroupCoefficientBytes);
    auto sums = std::make_unique<Sums>();
    for (std::size_t q = begin; q < end; ++q) {
      const Chunk& c = chunks[q];
      const std::size_t groups = (c.len + Sums::kGroup - 1) / Sums::kGroup;
      Prg(keys[q]).fill_bytes(coefficients.data(), groups * Sums::kGroupCoefficientBytes);
      const Share& z = *c.z;
      const W* const components[4] = {z.s[0].data() + c.start, z.s[1].data() + c.start,
                                      z.s[2].data() + c.start, z.s[3].data() + c.start};
      sums->add_elements(components, c.len, coefficients.data());
    }
    W local[kSubsetTests][4] = {};
    sums->add_to(local);
    const std::lock_guard<std::mutex> lock(total);
    for (int s = 0; s < kSubsetTests; ++s)
      for (int j = 0; j < 2; ++j) w[s][j] += local[s][j], u[s][j] += local[s][2 + j];
  });
}

template <RingElement R>
void Mal3<R>::verify(const Share* fresh) {
  boolean_.verify_ands();
  if (pending_.empty() && bit_checks_.empty() && !fresh) return;
  ++verifications_;
  // rho_s with their MACs, one per subset, fixed (received by every
  // predecessor) before either challenge is drawn.
  // (Not kept: they enter the sums with coefficient 1 below.)
  const Shape tests{std::size_t{kSubsetTests}};
  Tensor<W> first = prg_prev_.template random<W>(tests);
  const Share masks = with_unkept_mac(std::move(first), prg_next_.template random<W>(tests));
  const bool bits = !bit_checks_.empty() || fresh;
  if (bits) {
    Prg chi = challenge();
    bit_check_products(chi, fresh);  // kept: the last pending pair
  }
  // 64 subset sums, each masked by its rho_s:
  // w_s = sum_{j in S_s} z_j + rho_s, u_s = sum_{j in S_s} m_j + m_rho_s.
  Prg chi = challenge();
  W w[kSubsetTests][2], u[kSubsetTests][2];  // [subset][component]
  for (int s = 0; s < kSubsetTests; ++s)
    for (int j = 0; j < 2; ++j) w[s][j] = masks.s[j][s], u[s][j] = masks.s[2 + j][s];
  combine_pending(chi, w, u, fresh);
  std::vector<W> masked[2];
  for (int j = 0; j < 2; ++j)
    for (int s = 0; s < kSubsetTests; ++s) masked[j].push_back(w[s][j]);
  send_opening<W>(masked[0], masked[1]);
  const std::vector<W> w_open = receive_opening<W>(masked[0], masked[1], "MAC check");  // rho_s
  std::vector<W> sigma[2];
  for (int j = 0; j < 2; ++j)
    for (int s = 0; s < kSubsetTests; ++s) sigma[j].push_back(u[s][j] - alpha_[j] * w_open[s]);
  send_opening<W>(sigma[0], sigma[1]);
  // The bit check's sums t_s (the last pending pair) matter modulo 2^k
  // only, and only their low k bits are opened: above bit k a deviation of
  // a bit is harmless, and t_s there would carry +-2^v u (2b - 1), the bit.
  std::vector<R> t[2];
  if (bits) {
    for (int j = 0; j < 2; ++j) t[j] = low_words(pending_.back()->s[j]);
    send_opening<R>(t[0], t[1]);
  }
  const std::vector<W> opened = receive_opening<W>(sigma[0], sigma[1], "MAC check");
  const std::vector<R> t_open =
      bits ? receive_opening<R>(t[0], t[1], "bit check") : std::vector<R>();
  pending_.clear();
  pending_elements_ = 0;
  bit_checks_.clear();
  bool macs_hold = true, bits_hold = true;
  for (int s = 0; s < kSubsetTests; ++s) macs_hold = macs_hold && opened[s] == W{0};
  for (const R& t_s : t_open) bits_hold = bits_hold && t_s == R{0};
  SQT_CHECK(macs_hold,
            "abort: mal3 MAC check failed at party {}: the products since the last check do not "
            "carry valid MACs (a party deviated from the protocol)",
            me_);
  SQT_CHECK(bits_hold,
            "abort: mal3 bit check failed at party {}: a random bit or an input bit is not 0 or 1 "
            "(a party deviated from the protocol)",
            me_);
}

}  // namespace sqt
