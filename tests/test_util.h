// test_util.h — small helpers shared by the test files.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"

namespace sqt {

// The message of the sqt::Error that fn throws, or "(no error)".
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace sqt
