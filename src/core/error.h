// error.h — the one error type sqt throws, and helpers to build its messages.
//
// Errors cross system boundaries (files, sockets, command line) as sqt::Error
// carrying a complete, user-facing sentence. Code inside the engine throws it;
// the CLI catches it in main() and prints it on one line.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace sqt {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error with a fmt-formatted message.
template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// Throws Error(message) unless condition holds.
#define SQT_CHECK(condition, ...) \
  do {                            \
    if (!(condition)) {           \
      ::sqt::fail(__VA_ARGS__);   \
    }                             \
  } while (false)

// The text of errno as a string, for system-call failures.
std::string errno_text(int err);

}  // namespace sqt
