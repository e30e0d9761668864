#include "crypto/prg.h"

#include <openssl/evp.h>

#include <climits>
#include <cstring>

#include "core/error.h"

namespace sqt {

void Prg::CtxDeleter::operator()(evp_cipher_ctx_st* ctx) const {
  EVP_CIPHER_CTX_free(ctx);
}

Prg::Prg(const Key128& key) : ctx_(EVP_CIPHER_CTX_new()) {
  SQT_CHECK(ctx_ != nullptr, "OpenSSL: cannot allocate a cipher context");
  std::uint8_t iv[16] = {};
  SQT_CHECK(EVP_EncryptInit_ex(ctx_.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv) == 1,
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
  drawn_ += n;
  // The keystream is the encryption of zeros, read from a small zero block
  // (zeroing the output first would be one more pass over it).
  static constexpr std::uint8_t kZeros[1 << 14] = {};
  constexpr std::size_t kChunk = sizeof kZeros;
  while (n > 0) {
    std::size_t piece = n < kChunk ? n : kChunk;
    int written = 0;
    SQT_CHECK(EVP_EncryptUpdate(ctx_.get(), bytes, &written, kZeros, static_cast<int>(piece)) == 1,
              "OpenSSL: AES-CTR keystream generation failed");
    bytes += piece;
    n -= piece;
  }
}

}  // namespace sqt
