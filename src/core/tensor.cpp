#include "core/tensor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sqt {

std::string shape_string(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

void check_same_shape(const Shape& a, const Shape& b, const char* what) {
  SQT_CHECK(a == b, "{}: shapes differ: {} vs {}", what, shape_string(a), shape_string(b));
}

}  // namespace sqt
