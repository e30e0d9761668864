#include "crypto/prg.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>

#include "core/error.h"

namespace sqt {
namespace {

// A parallel fill hands out slices of at least this many 16-byte blocks (1 MiB).
constexpr std::size_t kBlocksPerSlice = std::size_t{1} << 16;

// The keystream is the encryption of zeros, read from a small zero block
// (zeroing the output first would be one more pass over it).
constexpr std::uint8_t kZeros[1 << 14] = {};

void encrypt_zeros(evp_cipher_ctx_st* ctx, std::uint8_t* out, std::size_t n) {
  while (n > 0) {
    const std::size_t piece = std::min(n, sizeof kZeros);
    int written = 0;
    SQT_CHECK(EVP_EncryptUpdate(ctx, out, &written, kZeros, static_cast<int>(piece)) == 1,
              "OpenSSL: AES-CTR keystream generation failed");
    out += piece;
    n -= piece;
  }
}

// The counter block of keystream block `block`: the keystream starts from
// counter 0, which AES-CTR increments as one big-endian 128-bit number.
std::array<std::uint8_t, 16> counter_block(std::uint64_t block) {
  std::array<std::uint8_t, 16> iv{};
  for (int i = 0; i < 8; ++i) iv[15 - i] = static_cast<std::uint8_t>(block >> (8 * i));
  return iv;
}

}  // namespace

void Prg::CtxDeleter::operator()(evp_cipher_ctx_st* ctx) const {
  EVP_CIPHER_CTX_free(ctx);
}

Prg::Prg(const Key128& key) : ctx_(EVP_CIPHER_CTX_new()) {
  SQT_CHECK(ctx_ != nullptr, "OpenSSL: cannot allocate a cipher context");
  const auto iv = counter_block(0);
  SQT_CHECK(EVP_EncryptInit_ex(ctx_.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) == 1,
            "OpenSSL: cannot initialise AES-128-CTR");
}

Prg::~Prg() = default;
Prg::Prg(Prg&&) noexcept = default;
Prg& Prg::operator=(Prg&&) noexcept = default;

Prg Prg::from_os() {
  return Prg(os_random_key());
}

Prg Prg::from_seed(std::uint64_t seed) {
  Key128 key{};
  std::memcpy(key.data(), &seed, sizeof seed);
  key[15] = 0x5e;  // domain-separate seeded keys from an all-zero key
  return Prg(key);
}

void Prg::fill_bytes(void* out, std::size_t n) {
  auto* bytes = static_cast<std::uint8_t*>(out);
  if (pool_ == nullptr || pool_->size() == 1 || n < parallel_fill_bytes()) {
    encrypt_zeros(ctx_.get(), bytes, n);
    drawn_ += n;
    return;
  }
  // The head up to a block boundary from the running context, the rest in
  // slices of whole blocks, each from its own counter; then the running
  // context continues after the request.
  const std::size_t head = std::min<std::size_t>(n, (16 - drawn_ % 16) % 16);
  encrypt_zeros(ctx_.get(), bytes, head);
  const std::uint64_t start = drawn_ + head;
  const std::size_t rest = n - head;
  drawn_ += n;
  try {
    pool_->for_ranges((rest + 15) / 16, kBlocksPerSlice, [&](std::size_t begin, std::size_t end) {
      const std::size_t from = begin * 16, to = std::min(rest, end * 16);
      keystream_at(start + from, bytes + head + from, to - from);
    });
  } catch (...) {
    seek(drawn_);  // the stream stays in step with the other key holders'
    throw;
  }
  seek(drawn_);
}

void Prg::keystream_at(std::uint64_t position, std::uint8_t* out, std::size_t n) const {
  std::unique_ptr<evp_cipher_ctx_st, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  SQT_CHECK(ctx != nullptr, "OpenSSL: cannot allocate a cipher context");
  const auto iv = counter_block(position / 16);
  SQT_CHECK(EVP_CIPHER_CTX_copy(ctx.get(), ctx_.get()) == 1 &&
                EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv.data()) == 1,
            "OpenSSL: cannot set up an AES-128-CTR slice");
  encrypt_zeros(ctx.get(), out, n);
}

void Prg::seek(std::uint64_t position) {
  const auto iv = counter_block(position / 16);
  SQT_CHECK(EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv.data()) == 1,
            "OpenSSL: cannot reposition AES-128-CTR");
  std::uint8_t skipped[16];
  encrypt_zeros(ctx_.get(), skipped, position % 16);
}

}  // namespace sqt
