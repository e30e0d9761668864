// os_random.h — bytes and keys from the operating system's CSPRNG.
//
// All long-term secrets (PRG keys, masks that seed protocol randomness) come
// from getrandom(2). Nothing here is seeded deterministically.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sqt {

using Key128 = std::array<std::uint8_t, 16>;

// Fills out[0..n) from getrandom(2); throws Error if the kernel refuses.
void os_random_bytes(void* out, std::size_t n);

// A fresh AES-128 key from the OS CSPRNG.
Key128 os_random_key();

}  // namespace sqt
