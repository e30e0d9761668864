#include "nn/model_file.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace sqt {

void save_model_file(const std::string& path, const reference::Model& model, int ring,
                     int frac_bits) {
  nlohmann::ordered_json j;
  j["format"] = "sqt-model-1";
  j["name"] = model.spec.name;
  j["input"] = model.spec.input;
  j["ring"] = ring;
  j["frac_bits"] = frac_bits;
  j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < model.spec.layers.size(); ++i) {
    nlohmann::ordered_json layer;
    layer["type"] = model.spec.layers[i].type;
    for (auto& [key, value] : model.spec.layers[i].attrs) layer[key] = value;
    for (auto& [name, tensor] : model.params[i]) {
      layer["params"][name]["shape"] = tensor.shape();
      layer["params"][name]["values"] = tensor.vector();
    }
    j["layers"].push_back(layer);
  }
  std::ofstream file(path);
  SQT_CHECK(file.good(), "cannot write model file '{}'", path);
  file << j.dump() << "\n";
  SQT_CHECK(file.good(), "cannot write model file '{}' (disk full?)", path);
}

reference::Model load_model_file(const std::string& path) {
  std::ifstream file(path);
  SQT_CHECK(file.good(), "cannot open model file '{}'", path);
  nlohmann::json j = nlohmann::json::parse(file, nullptr, false);
  SQT_CHECK(!j.is_discarded() && j.is_object(), "{}: not a JSON object", path);
  SQT_CHECK(j.value("format", "") == "sqt-model-1",
            "{}: field 'format' is '{}', expected 'sqt-model-1' (a model saved by sqt train "
            "--save-model)",
            path, j.value("format", ""));
  reference::Model model;
  model.spec = parse_model_file(path);
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    reference::Params params;
    const auto& layer = j["layers"][i];
    if (layer.contains("params")) {
      for (auto& [name, p] : layer["params"].items()) {
        Shape shape = p.at("shape").get<Shape>();
        std::vector<double> values = p.at("values").get<std::vector<double>>();
        SQT_CHECK(values.size() == shape_size(shape),
                  "{}: layer {} param '{}' has {} values for shape {}", path, i, name,
                  values.size(), shape_string(shape));
        params.emplace(name, Tensor<double>(shape, std::move(values)));
      }
    }
    model.params.push_back(std::move(params));
  }
  return model;
}

}  // namespace sqt
