#include "crypto/hasher.h"

#include <openssl/evp.h>

#include "core/error.h"

namespace sqt {
namespace {

void start(EVP_MD_CTX* ctx) {
  SQT_CHECK(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1, "SHA-256: initialisation failed");
}

}  // namespace

void Hasher::CtxDeleter::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

Hasher::Hasher() : ctx_(EVP_MD_CTX_new()) {
  SQT_CHECK(ctx_ != nullptr, "SHA-256: out of memory");
  start(ctx_.get());
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::span<const std::byte> data) {
  if (data.empty()) return;
  SQT_CHECK(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1, "SHA-256: update failed");
}

Digest Hasher::finish() {
  Digest out{};
  unsigned int length = 0;
  SQT_CHECK(EVP_DigestFinal_ex(ctx_.get(), out.data(), &length) == 1 && length == out.size(),
            "SHA-256: finalisation failed");
  start(ctx_.get());
  return out;
}

}  // namespace sqt
