// narrow_words.h — sending ring elements of which only the low bits matter.
//
// A protocol step that needs a value only modulo 2^bits (bits < k) sends each
// element in the narrowest machine word that holds those bits (8, 16, 32 or
// 64 bits), so that a 16-bit comparison costs 16-bit messages. Receivers
// get the value modulo 2^bits (higher bits zero).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ring.h"
#include "core/tensor.h"
#include "net/network.h"

namespace sqt {

// Bytes per element of such a message.
template <RingElement R>
constexpr std::size_t narrow_word_bytes(int bits) {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  if (bits <= 32) return 4;
  if (bits <= 64) return 8;
  return sizeof(R);
}

namespace detail {

template <class Word, RingElement R>
void send_words_as(Network& net, int peer, const Tensor<R>& t) {
  std::vector<Word> words(t.size());
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<Word>(t[i]);
  net.send_values<Word>(peer, words);
}

template <class Word, RingElement R>
void recv_words_as(Network& net, int peer, Tensor<R>& t) {
  std::vector<Word> words(t.size());
  net.recv_values<Word>(peer, std::span(words));
  for (std::size_t i = 0; i < words.size(); ++i) t[i] = words[i];
}

}  // namespace detail

// Sends t modulo 2^bits to peer.
template <RingElement R>
void send_low_bits(Network& net, int peer, const Tensor<R>& t, int bits) {
  switch (narrow_word_bytes<R>(bits)) {
    case 1:
      return detail::send_words_as<std::uint8_t>(net, peer, t);
    case 2:
      return detail::send_words_as<std::uint16_t>(net, peer, t);
    case 4:
      return detail::send_words_as<std::uint32_t>(net, peer, t);
    case 8:
      if constexpr (sizeof(R) > 8) return detail::send_words_as<std::uint64_t>(net, peer, t);
      [[fallthrough]];
    default:
      net.send_values<R>(peer, t.span());
  }
}

// Receives t (already shaped) modulo 2^bits from peer.
template <RingElement R>
void recv_low_bits(Network& net, int peer, Tensor<R>& t, int bits) {
  switch (narrow_word_bytes<R>(bits)) {
    case 1:
      return detail::recv_words_as<std::uint8_t>(net, peer, t);
    case 2:
      return detail::recv_words_as<std::uint16_t>(net, peer, t);
    case 4:
      return detail::recv_words_as<std::uint32_t>(net, peer, t);
    case 8:
      if constexpr (sizeof(R) > 8) return detail::recv_words_as<std::uint64_t>(net, peer, t);
      [[fallthrough]];
    default:
      net.recv_values<R>(peer, t.span());
  }
  if (bits < kRingBits<R>) {
    const R mask = pow2<R>(bits) - 1;
    for (R& v : t) v &= mask;
  }
}

}  // namespace sqt
