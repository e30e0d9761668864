#include "crypto/os_random.h"

#include <sys/random.h>

#include <cerrno>

#include "core/error.h"

namespace sqt {

void os_random_bytes(void* out, std::size_t n) {
  auto* bytes = static_cast<std::uint8_t*>(out);
  while (n > 0) {
    ssize_t got = getrandom(bytes, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("getrandom failed: {}", errno_text(errno));
    }
    bytes += got;
    n -= static_cast<std::size_t>(got);
  }
}

Key128 os_random_key() {
  Key128 key;
  os_random_bytes(key.data(), key.size());
  return key;
}

}  // namespace sqt
