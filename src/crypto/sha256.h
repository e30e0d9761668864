// sha256.h — SHA-256 (OpenSSL) as lowercase hex, for checksums and digests.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace sqt {

std::string sha256_hex(std::span<const std::byte> data);

}  // namespace sqt
