// json_file.h — reading a JSON file with errors that say where it is wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sqt {

// Parses the file; a syntax error names the file, line and column (and a
// truncated file says so). Throws sqt::Error.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace sqt
