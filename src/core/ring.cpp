#include "core/ring.h"

namespace sqt {

std::string to_string_signed(i128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  u128 magnitude =
      negative ? static_cast<u128>(0) - static_cast<u128>(value) : static_cast<u128>(value);
  std::string digits;
  while (magnitude != 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  return negative ? "-" + digits : digits;
}

}  // namespace sqt
