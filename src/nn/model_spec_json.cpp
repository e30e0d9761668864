#include "nn/model_spec_json.h"

#include "core/error.h"
#include "nn/model_validate.h"

namespace sqt {

nlohmann::json model_spec_to_json(const ModelSpec& spec) {
  nlohmann::json j{{"name", spec.name}, {"input", spec.input}, {"layers", nlohmann::json::array()}};
  for (const LayerSpec& l : spec.layers) {
    nlohmann::json layer(l.attrs);
    layer["type"] = l.type;
    j["layers"].push_back(layer);
  }
  return j;
}

ModelSpec model_spec_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    ModelSpec spec{j.at("name").get<std::string>(), j.at("input").get<Shape>(), {}};
    for (const auto& l : j.at("layers")) {
      LayerSpec layer{l.at("type").get<std::string>(), {}};
      for (auto& [key, value] : l.items())
        if (key != "type") layer.attrs[key] = value.get<long>();
      validate_layer_spec(layer, spec.layers.size(), source);
      spec.layers.push_back(layer);
    }
    return spec;
  } catch (const nlohmann::json::exception&) {
    fail("{}: malformed model architecture", source);
  }
}

}  // namespace sqt
