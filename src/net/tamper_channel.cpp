#include "net/tamper_channel.h"

#include <algorithm>
#include <cstring>

#include "crypto/prg.h"

namespace sqt {
namespace {

// Adds `delta` to the little-endian integer of `size` bytes at `at`.
void add_at(std::vector<std::byte>& m, std::size_t at, std::size_t size, std::uint64_t delta,
            bool subtract) {
  unsigned carry = 0;
  for (std::size_t b = 0; b < size; ++b) {
    unsigned d = b < 8 ? static_cast<unsigned>(delta >> (8 * b) & 0xff) : 0;
    unsigned byte = static_cast<unsigned>(m[at + b]);
    unsigned v = subtract ? byte - d - carry : byte + d + carry;
    carry = subtract ? (byte < d + carry) : (v >> 8);
    m[at + b] = static_cast<std::byte>(v & 0xff);
  }
}

}  // namespace

const char* tamper_kind_name(TamperKind kind) {
  switch (kind) {
    case TamperKind::kFlipByte:
      return "flip a byte";
    case TamperKind::kAddHalfRing:
      return "add 2^(k-1) to an element";
    case TamperKind::kCancellingPair:
      return "add d to one element, -d to another";
  }
  return "?";
}

bool Tamper::apply(std::vector<std::byte>& m) {
  if (sent_ != plan_.message) return false;
  count(m.size());
  if (m.empty()) return false;  // nothing to change in an empty message
  fired_ = true;
  const std::vector<std::byte> before = m;
  change(m);
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i] != before[i]) changed_.push_back(i);
  return true;
}

void Tamper::change(std::vector<std::byte>& m) const {
  Prg prg = Prg::from_seed(plan_.seed);
  std::size_t size = static_cast<std::size_t>(plan_.element_bytes);
  if (m.size() % size != 0) size = m.size() % 8 == 0 ? 8 : 1;
  const std::size_t elements = m.size() / size;
  // The bytes of each element a change may touch: all, or the low ones.
  const std::size_t low =
      plan_.value_bytes > 0 ? std::min(size, static_cast<std::size_t>(plan_.value_bytes)) : size;
  const std::size_t first = prg.next_u64() % elements;
  switch (plan_.kind) {
    case TamperKind::kFlipByte: {
      std::size_t at = prg.next_u64() % m.size();
      if (low < size) at = at / size * size + at % size % low;
      m[at] ^= static_cast<std::byte>(1 + prg.next_u64() % 255);
      break;
    }
    case TamperKind::kAddHalfRing:
      m[first * size + low - 1] ^= std::byte{0x80};  // + 2^(8 low - 1)
      break;
    case TamperKind::kCancellingPair: {
      const std::uint64_t d = prg.next_u64() | 1;
      add_at(m, first * size, low, d, false);
      const std::size_t second =
          elements > 1 ? (first + 1 + prg.next_u64() % (elements - 1)) % elements : first;
      add_at(m, second * size, low, d, second != first);
      break;
    }
  }
}

void TamperChannel::send(std::span<const std::byte> message, std::uint64_t depth) {
  if (first_) {  // the configuration check: not a protocol message
    first_ = false;
    return inner_->send(message, depth);
  }
  if (!tamper_->next_is_target()) {
    tamper_->count(message.size());
    return inner_->send(message, depth);
  }
  std::vector<std::byte> copy(message.begin(), message.end());
  tamper_->apply(copy);
  inner_->send(copy, depth);
}

void wrap_with_tamper(ChannelRow& row, const std::shared_ptr<Tamper>& tamper) {
  for (auto& channel : row)
    if (channel) channel = std::make_unique<TamperChannel>(std::move(channel), tamper);
}

}  // namespace sqt
