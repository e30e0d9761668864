// model_spec_json.h — a ModelSpec as JSON, to send an architecture between
// nodes ({"name", "input", "layers": [{"type", attrs...}]}, the layout of
// model files without parameters). Parsing validates every layer and names
// `source` in errors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "nn/model_spec.h"

namespace sqt {

nlohmann::json model_spec_to_json(const ModelSpec& spec);
ModelSpec model_spec_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace sqt
