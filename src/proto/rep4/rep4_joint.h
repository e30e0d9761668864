// rep4_joint.h — rep4's messages: joint sharing, multiplication, input and
// open (included by rep4.h).
//
// Joint sharing of v known to parties i and j, the other two being g and h:
// x_i = x_j = 0, x_g = r from the key of all but g (i, j and h draw it),
// x_h = v - r, which only g lacks: the sender (i or j) sends it, the other
// vouches for it. g sees v - r for an r it does not hold: uniform. Where
// only v mod 2^b matters (b < k), every holder keeps x_h = (v - r) mod 2^b
// and the message carries b-bit words: a sharing of v mod 2^b.
//
// Multiplication: x y = sum of x_a y_b over all 16 pairs of summands. The
// terms x_a y_b + x_b y_a are known to the two parties other than a and b;
// the four squares go to the pairs {0,1} ((x_2 + x_3)(y_2 + y_3)) and {2,3}
// ((x_0 + x_1)(y_0 + y_1)). Each of the six pairs of parties jointly shares
// its sum: six elements in one round. The senders and receivers rotate from
// call to call (labels shifted by the call count), so over four calls every
// party sends and receives 1.5 elements per product.
#pragma once

namespace sqt {

template <RingElement R>
template <class T>
std::vector<Summands<T, 3>> Rep4<R>::joint_share(const std::vector<JointSpec>& specs,
                                                 const std::vector<const T*>& values,
                                                 const std::vector<T>& likes, std::size_t outputs) {
  using A = Algebra<T>;
  std::vector<Summands<T, 3>> out(outputs);
  for (std::size_t o = 0; o < outputs; ++o)
    for (auto& summand : out[o].s) summand = A::zero_like(likes[o]);
  struct Pending {
    std::size_t spec;
    T message;
  };
  std::vector<Pending> pending;
  // Phase 1: draws, sends and vouches (sends never block).
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const JointSpec& js = specs[k];
    const int h = 6 - js.i - js.j - js.g;  // the fourth party
    Summands<T, 3>& z = out[js.target];
    const T& like = likes[js.target];
    if (me_ == js.g) {
      pending.push_back({k, A::zero_like(like)});
      continue;
    }
    T r = A::random_like(key_of_summand(js.g), like);
    if (me_ == h) {
      A::add_to(z.s[slot(js.g)], r);
      continue;
    }
    const T& v = *values[k];
    T masked = A::minus(v, r);
    if constexpr (std::is_same_v<T, Tensor<R>>) keep_low(masked, js.bits);  // all holders alike
    A::add_to(z.s[slot(js.g)], r);
    if (me_ == js.sender) {
      send(js.g, masked, js.bits);
    } else {
      check_.vouch(js.g, A::bytes(masked));
    }
    A::add_to(z.s[slot(h)], masked);
  }
  // Phase 2: what this party receives as g.
  for (Pending& p : pending) {
    const JointSpec& js = specs[p.spec];
    const int h = 6 - js.i - js.j - js.g;
    const int verifier = js.sender == js.i ? js.j : js.i;
    receive(js.sender, p.message, js.bits);
    check_.received(verifier, A::bytes(p.message));
    A::add_to(out[js.target].s[slot(h)], p.message);
  }
  return out;
}

template <RingElement R>
template <class T, class Product>
Summands<T, 3> Rep4<R>::multiply(const Summands<T, 3>& x, const Summands<T, 3>& y,
                                 Product&& product, const T& like, int bits) {
  const int rot = static_cast<int>(mul_calls_++ % 4);
  auto at = [rot](int canonical) { return (canonical + rot) % 4; };
  // Canonical table: pair {i, j}, receiver g, sender; the pair's terms are
  // those of the two summands it is not named after.
  struct Canonical {
    int i, j, g, sender;
    bool squares;
  };
  static constexpr Canonical kPairs[6] = {{0, 1, 2, 0, true},  {2, 3, 1, 2, true},
                                          {0, 2, 3, 2, false}, {1, 3, 0, 1, false},
                                          {0, 3, 1, 3, false}, {1, 2, 3, 1, false}};
  std::vector<JointSpec> specs;
  std::vector<T> values(6);
  std::vector<const T*> value_ptrs(6, nullptr);
  for (int k = 0; k < 6; ++k) {
    const Canonical& c = kPairs[k];
    JointSpec js{at(c.i), at(c.j), at(c.g), at(c.sender), 0, bits};
    specs.push_back(js);
    if (me_ != js.i && me_ != js.j) continue;
    values[k] = pair_term(x, y, product, js.i, js.j, c.squares);
    value_ptrs[k] = &values[k];
  }
  return std::move(joint_share<T>(specs, value_ptrs, {like}, 1)[0]);
}

// Party p's value: x_p = 0; of the other three summands x_a and x_b come
// from the keys of all but a (resp. b), which p holds; x_c = v - x_a - x_b
// goes from p to the two others that hold it, who check that they got the
// same (vouch for each other).
template <RingElement R>
template <class T>
Summands<T, 3> Rep4<R>::input_as(int p, const T& value, const T& like) {
  using A = Algebra<T>;
  check_party(p);
  int others[3], count = 0;
  for (int q = 0; q < 4; ++q)
    if (q != p) others[count++] = q;
  const int a = others[0], b = others[1], c = others[2];
  Summands<T, 3> z;
  for (auto& summand : z.s) summand = A::zero_like(like);
  for (int q : {a, b})
    if (me_ != q) z.s[slot(q)] = A::random_like(key_of_summand(q), like);
  if (me_ == p) {
    T last = A::minus(A::minus(value, z.s[slot(a)]), z.s[slot(b)]);
    send(a, last);
    send(b, last);
    z.s[slot(c)] = std::move(last);
  } else if (me_ == a || me_ == b) {
    const int other = me_ == a ? b : a;
    T last = A::zero_like(like);
    receive(p, last);
    check_.vouch(other, A::bytes(last));
    check_.received(other, A::bytes(last));
    z.s[slot(c)] = std::move(last);
  }
  return z;
}

// Party g lacks x_g: g+1 sends it and g+2 vouches for it. The check runs
// first, so that the opening messages (which a corrupted party receives
// too) only ever reveal correctly computed values: a deviation planted
// earlier aborts before anything depending on it is opened. The opening
// messages themselves are checked in the round they travel (the digests go
// with them) and the verdict is agreed before the value is returned.
template <RingElement R>
template <class T>
T Rep4<R>::open_as(const Summands<T, 3>& x, int only_to) {
  using A = Algebra<T>;
  check_.check();
  const int to_sender = (me_ + 3) % 4, to_verifier = (me_ + 2) % 4;
  if (only_to < 0 || only_to == to_sender) send(to_sender, x.s[slot(to_sender)]);
  if (only_to < 0 || only_to == to_verifier)
    check_.vouch(to_verifier, A::bytes(x.s[slot(to_verifier)]));
  check_.send_digests();
  T result;
  if (only_to < 0 || only_to == me_) {
    result = A::zero_like(x.s[0]);
    receive((me_ + 1) % 4, result);
    check_.received((me_ + 2) % 4, A::bytes(result));
    for (const T& summand : x.s) A::add_to(result, summand);
  }
  check_.finish_check();
  return result;
}

}  // namespace sqt
