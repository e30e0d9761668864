#include "crypto/ot/base_ot.h"

#include <sodium.h>

#include <cstring>
#include <mutex>

#include "core/error.h"

namespace sqt {
namespace {

using Point = std::array<unsigned char, crypto_core_ristretto255_BYTES>;
using Scalar = std::array<unsigned char, crypto_core_ristretto255_SCALARBYTES>;
static_assert(sizeof(Point) == kPointBytes);

void ensure_sodium() {
  static std::once_flag once;
  static int result = -1;
  std::call_once(once, [] { result = sodium_init(); });
  SQT_CHECK(result >= 0, "libsodium failed to initialise (sodium_init returned {})", result);
}

// A uniform nonzero scalar s and S = sG (64 PRG bytes reduced mod the group order).
Scalar random_scalar(Prg& rng, Point& s_times_g) {
  Scalar s;
  for (;;) {
    unsigned char wide[crypto_core_ristretto255_NONREDUCEDSCALARBYTES];
    rng.fill_bytes(wide, sizeof wide);
    crypto_core_ristretto255_scalar_reduce(s.data(), wide);
    sodium_memzero(wide, sizeof wide);
    if (crypto_scalarmult_ristretto255_base(s_times_g.data(), s.data()) == 0) return s;
  }
}

Point multiply(const Scalar& s, const Point& p, const std::string& peer) {
  Point out;
  SQT_CHECK(crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()) == 0,
            "base OT: a point from {} gives the identity element", peer);
  return out;
}

void check_point(const Point& p, const std::string& peer, std::size_t index) {
  SQT_CHECK(crypto_core_ristretto255_is_valid_point(p.data()) == 1,
            "base OT: {} sent an invalid ristretto255 point (point {})", peer, index);
}

// H(i, A, B, P) = SHA-256(i || A || B || P) truncated to 128 bits.
Block key_hash(std::uint64_t i, const Point& a, const Point& b, const Point& p) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(&i), sizeof i);
  for (const Point* x : {&a, &b, &p}) crypto_hash_sha256_update(&state, x->data(), x->size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  Block key;
  std::memcpy(&key, digest, sizeof key);
  return key;
}

}  // namespace

std::vector<std::array<Block, 2>> base_ot_send(Network& net, int peer, std::size_t count,
                                               Prg& rng) {
  ensure_sodium();
  const std::string& name = net.peer_name(peer);
  Point a_point;
  Scalar a = random_scalar(rng, a_point);
  net.send_values(peer, std::span<const Point>(&a_point, 1));
  std::vector<Point> b(count);
  net.recv_values(peer, std::span(b));
  std::vector<std::array<Block, 2>> keys(count);
  for (std::size_t i = 0; i < count; ++i) {
    check_point(b[i], name, i);
    Point diff;
    SQT_CHECK(crypto_core_ristretto255_sub(diff.data(), b[i].data(), a_point.data()) == 0,
              "base OT: cannot subtract points from {}", name);
    keys[i][0] = key_hash(i, a_point, b[i], multiply(a, b[i], name));
    keys[i][1] = key_hash(i, a_point, b[i], multiply(a, diff, name));
  }
  sodium_memzero(a.data(), a.size());
  return keys;
}

std::vector<Block> base_ot_receive(Network& net, int peer, const std::vector<bool>& choices,
                                   Prg& rng) {
  ensure_sodium();
  const std::string& name = net.peer_name(peer);
  Point a_point;
  net.recv_values(peer, std::span<Point>(&a_point, 1));
  check_point(a_point, name, 0);
  std::vector<Point> b(choices.size());
  std::vector<Block> keys(choices.size());
  for (std::size_t i = 0; i < choices.size(); ++i) {
    Scalar s = random_scalar(rng, b[i]);
    if (choices[i]) {
      SQT_CHECK(crypto_core_ristretto255_add(b[i].data(), b[i].data(), a_point.data()) == 0,
                "base OT: cannot add the point from {}", name);
    }
    keys[i] = key_hash(i, a_point, b[i], multiply(s, a_point, name));
    sodium_memzero(s.data(), s.size());
  }
  net.send_values(peer, std::span<const Point>(b));
  return keys;
}

}  // namespace sqt
