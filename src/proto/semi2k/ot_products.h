// ot_products.h — additive shares of products between two parties' private
// values by correlated OT (Gilboa's method over Z_2^k), on top of IKNP
// (crypto/ot/ot_extension.h).
//
// An "item" pairs a receiver's private value x (its low `bits` bits are the
// OT choices) with a sender's private row y of L ring elements; the two
// parties end with additive shares of x * y (L elements), added into an
// output row of each. For each bit tau of x one correlated OT: the sender's
// pads P0, P1 (L elements each, expanded from the IKNP keys H(q), H(q ^ D)
// by the fixed-key hash), it sends u = P1 - P0 - y, only modulo 2^(k-tau)
// (the result is multiplied by 2^tau: narrower words for the high bits);
// the receiver, holding P_c, takes t = P_c - c u = P0 + c y. Receiver adds
// sum 2^tau t, sender adds -sum 2^tau P0. Costs per item: `bits` OTs (16
// bytes each from receiver to sender) and L * sum_tau width(k - tau) bytes
// from sender to receiver, one round trip per chunk of items.
//
// Bit products (bits = 1, no scaling) give the daBits' XOR-to-ring
// conversion; bit_products() is the same with 1-bit messages for bit
// triples. Both ends must make the same calls in the same order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "core/bit_planes.h"
#include "core/ring.h"
#include "crypto/ot/ot_extension.h"
#include "net/network.h"
#include "proto/common/narrow_words.h"

namespace sqt::semi2k {

// What both ends of one OT direction keep in step: the extension objects
// and a counter that makes every hash tweak unique (bit 63 set: the bit-OT
// helpers of ot_extension.h use small tweaks).
struct OtDirection {
  OtExtSender* sender = nullptr;      // set at the sending end
  OtExtReceiver* receiver = nullptr;  // set at the receiving end
  std::uint64_t tweaks = 0;
  std::uint64_t next_tweaks(std::uint64_t count) {
    const std::uint64_t base = (std::uint64_t{1} << 63) | tweaks;
    tweaks += count;
    return base;
  }
};

namespace ot_detail {

// Blocks of hash output that hold L ring elements.
template <RingElement R>
std::size_t blocks_for(std::size_t L) {
  return (L * sizeof(R) + 15) / 16;
}

// pads[i * blocks .. (i+1) * blocks) = H(keys[i] ^ (flip ? delta : 0), tweak)
// for consecutive tweaks.
inline void expand(std::span<const Block> keys, const Block* delta, std::size_t blocks,
                   std::uint64_t tweak_base, std::vector<Block>& pads) {
  pads.resize(keys.size() * blocks);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Block key = delta ? keys[i] ^ *delta : keys[i];
    std::fill_n(pads.begin() + i * blocks, blocks, key);
  }
  cr_hash(pads, tweak_base, pads);
}

// OTs per chunk: bounded so that the pads stay within ~32 MB.
template <RingElement R>
std::size_t items_per_chunk(int bits, std::size_t L) {
  const std::size_t per_item = static_cast<std::size_t>(bits) * (blocks_for<R>(L) * 16 + 16);
  return std::max<std::size_t>(1, (std::size_t{32} << 20) / per_item);
}

template <RingElement R>
std::size_t message_bytes(int bits, std::size_t L) {
  std::size_t bytes = 0;
  for (int tau = 0; tau < bits; ++tau) bytes += L * narrow_word_bytes<R>(kRingBits<R> - tau);
  return bytes;
}

// Calls fn(std::integral_constant<std::size_t, W>{}) for the word width W
// of the corrections of bit tau (a compile-time width: fixed-size copies).
template <RingElement R, class Fn>
void with_width(int tau, Fn&& fn) {
  switch (narrow_word_bytes<R>(kRingBits<R> - tau)) {
    case 1:
      return fn(std::integral_constant<std::size_t, 1>{});
    case 2:
      return fn(std::integral_constant<std::size_t, 2>{});
    case 4:
      return fn(std::integral_constant<std::size_t, 4>{});
    case 8:
      return fn(std::integral_constant<std::size_t, 8>{});
    default:
      return fn(std::integral_constant<std::size_t, sizeof(R)>{});
  }
}

}  // namespace ot_detail

// Receiving end: x[e] for items e < count; out_row(e) is where x[e] * y_e
// (this party's share) is added.
template <RingElement R, class OutRow>
void ot_products_receive(Network& net, int peer, OtDirection& dir, std::span<const R> x, int bits,
                         std::size_t L, OutRow&& out_row) {
  using namespace ot_detail;
  const std::size_t chunk = items_per_chunk<R>(bits, L), blocks = blocks_for<R>(L);
  std::vector<Block> pads;
  std::vector<std::byte> message;
  for (std::size_t first = 0; first < x.size(); first += chunk) {
    const std::size_t items = std::min(chunk, x.size() - first);
    const std::size_t ots = items * bits;
    std::vector<std::uint64_t> choices((ots + 63) / 64, 0);
    for (std::size_t e = 0; e < items; ++e)
      for (int tau = 0; tau < bits; ++tau) {
        const std::size_t i = e * bits + tau;
        choices[i / 64] |= static_cast<std::uint64_t>((x[first + e] >> tau) & 1) << (i % 64);
      }
    std::vector<Block> t = dir.receiver->extend(choices, ots);
    expand(t, nullptr, blocks, dir.next_tweaks(ots * blocks), pads);
    message.resize(items * message_bytes<R>(bits, L));
    net.recv(peer, message);
    const std::byte* in = message.data();
    for (std::size_t e = 0; e < items; ++e) {
      R* out = out_row(first + e);
      for (int tau = 0; tau < bits; ++tau) {
        const std::size_t i = e * bits + tau;
        const R c = (choices[i / 64] >> (i % 64)) & 1;
        const R* pad = reinterpret_cast<const R*>(pads.data() + i * blocks);
        with_width<R>(tau, [&](auto width) {
          for (std::size_t l = 0; l < L; ++l) {
            R u = 0;  // little-endian: the low `width` bytes
            std::memcpy(&u, in + l * width, width);
            out[l] += (pad[l] - c * u) << tau;
          }
          in += L * width;
        });
      }
    }
  }
}

// Sending end: y_row(e) is item e's row of L elements; out_row(e) as above.
template <RingElement R, class YRow, class OutRow>
void ot_products_send(Network& net, int peer, OtDirection& dir, std::size_t count, int bits,
                      std::size_t L, YRow&& y_row, OutRow&& out_row) {
  using namespace ot_detail;
  const std::size_t chunk = items_per_chunk<R>(bits, L), blocks = blocks_for<R>(L);
  std::vector<Block> pads0, pads1;
  std::vector<std::byte> message;
  const Block delta = dir.sender->delta();
  for (std::size_t first = 0; first < count; first += chunk) {
    const std::size_t items = std::min(chunk, count - first);
    const std::size_t ots = items * bits;
    std::vector<Block> q = dir.sender->extend(ots);
    const std::uint64_t tweak = dir.next_tweaks(ots * blocks);
    expand(q, nullptr, blocks, tweak, pads0);
    expand(q, &delta, blocks, tweak, pads1);
    message.resize(items * message_bytes<R>(bits, L));
    std::byte* outp = message.data();
    for (std::size_t e = 0; e < items; ++e) {
      const R* y = y_row(first + e);
      R* out = out_row(first + e);
      for (int tau = 0; tau < bits; ++tau) {
        const std::size_t i = e * bits + tau;
        const R* p0 = reinterpret_cast<const R*>(pads0.data() + i * blocks);
        const R* p1 = reinterpret_cast<const R*>(pads1.data() + i * blocks);
        with_width<R>(tau, [&](auto width) {
          for (std::size_t l = 0; l < L; ++l) {
            const R u = p1[l] - p0[l] - y[l];
            std::memcpy(outp + l * width, &u, width);
            out[l] -= p0[l] << tau;
          }
          outp += L * width;
        });
      }
    }
    net.send(peer, message);
  }
}

// Bit products: the receiver's bits a (packed words) and the sender's bits b
// (same layout) end as XOR shares of a & b, returned at each end.
inline std::vector<std::uint64_t> bit_products_receive(Network& net, int peer, OtDirection& dir,
                                                       std::span<const std::uint64_t> a) {
  const std::size_t ots = a.size() * 64;
  std::vector<std::uint64_t> choices(a.begin(), a.end());
  std::vector<Block> t = dir.receiver->extend(choices, ots);
  cr_hash(t, dir.next_tweaks(ots), t);
  std::vector<std::uint64_t> d(a.size()), share(a.size(), 0);
  net.recv_values<std::uint64_t>(peer, std::span(d));
  for (std::size_t i = 0; i < ots; ++i) share[i / 64] |= (t[i].lo & 1) << (i % 64);
  for (std::size_t w = 0; w < a.size(); ++w) share[w] ^= a[w] & d[w];
  return share;
}

inline std::vector<std::uint64_t> bit_products_send(Network& net, int peer, OtDirection& dir,
                                                    std::span<const std::uint64_t> b) {
  const std::size_t ots = b.size() * 64;
  std::vector<Block> q = dir.sender->extend(ots);
  const Block delta = dir.sender->delta();
  std::vector<Block> q1(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) q1[i] = q[i] ^ delta;
  const std::uint64_t tweak = dir.next_tweaks(ots);
  cr_hash(q, tweak, q);
  cr_hash(q1, tweak, q1);
  std::vector<std::uint64_t> m0(b.size(), 0), d(b.size(), 0);
  for (std::size_t i = 0; i < ots; ++i) {
    m0[i / 64] |= (q[i].lo & 1) << (i % 64);
    d[i / 64] |= ((q[i].lo ^ q1[i].lo) & 1) << (i % 64);
  }
  // The receiver with choice a gets m_a = m0 ^ a (m0 ^ m1); d = m0 ^ m1 ^ b
  // lets it form m0 ^ a b.
  for (std::size_t w = 0; w < b.size(); ++w) d[w] ^= b[w];
  net.send_values<std::uint64_t>(peer, d);
  return m0;
}

}  // namespace sqt::semi2k
