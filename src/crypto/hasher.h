// hasher.h — incremental SHA-256 (OpenSSL), for message checks.
//
// A Hasher absorbs any number of byte strings and gives their digest; it is
// how a party commits to everything it sent or was sent on one channel, so
// that two parties can compare 32 bytes instead of the messages themselves
// (rep4's joint-message check, the key-consistency check). Owned by one
// thread; movable, not copyable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

struct evp_md_ctx_st;

namespace sqt {

using Digest = std::array<std::uint8_t, 32>;

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::span<const std::byte> data);
  // The digest of everything absorbed so far; the hasher starts afresh.
  Digest finish();

 private:
  struct CtxDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
};

}  // namespace sqt
