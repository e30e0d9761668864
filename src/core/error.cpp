#include "core/error.h"

#include <cstring>

namespace sqt {

std::string errno_text(int err) {
  char buffer[256];
  // GNU strerror_r returns a pointer that may or may not be buffer.
  return std::string(strerror_r(err, buffer, sizeof buffer));
}

}  // namespace sqt
