#include "nn/json_file.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace sqt {

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream file(path);
  SQT_CHECK(file.good(), "cannot open {} '{}'", what, path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    if (e.byte >= text.size())
      fail("{} '{}' ends early at line {}, column {}: truncated or unbalanced JSON", what, path,
           line, column);
    fail("{} '{}' is not valid JSON at line {}, column {} (byte {})", what, path, line, column,
         e.byte);
  }
}

}  // namespace sqt
