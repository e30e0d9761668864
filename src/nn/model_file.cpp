#include "nn/model_file.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "nn/json_file.h"
#include "nn/model_validate.h"

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
      layer["params"][name]["values"] = tensor.to_vector();
    }
    j["layers"].push_back(layer);
  }
  std::ofstream file(path);
  SQT_CHECK(file.good(), "cannot write model file '{}'", path);
  file << j.dump() << "\n";
  SQT_CHECK(file.good(), "cannot write model file '{}' (disk full?)", path);
}

reference::Model load_model_file(const std::string& path) {
  nlohmann::json j = read_json_file(path, "model file");
  SQT_CHECK(j.is_object(), "{}: expected a JSON object (a model saved by sqt train --save-model)",
            path);
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
      SQT_CHECK(layer["params"].is_object(), "{}: layer {}: 'params' must be an object", path, i);
      for (auto& [name, p] : layer["params"].items()) {
        SQT_CHECK(p.is_object() && p.contains("shape") && p.contains("values") &&
                      p["shape"].is_array() && p["values"].is_array(),
                  "{}: layer {}: parameter '{}' needs 'shape' and 'values' lists", path, i, name);
        Shape shape;
        for (const auto& d : p["shape"]) {
          SQT_CHECK(d.is_number_unsigned() && d.get<std::size_t>() <= (1u << 30),
                    "{}: layer {}: parameter '{}': 'shape' must list sizes", path, i, name);
          shape.push_back(d.get<std::size_t>());
        }
        std::vector<double> values;
        for (const auto& v : p["values"]) {
          SQT_CHECK(v.is_number(), "{}: layer {}: parameter '{}': 'values' must be numbers", path,
                    i, name);
          values.push_back(v.get<double>());
        }
        SQT_CHECK(values.size() == shape_size(shape),
                  "{}: layer {} param '{}' has {} values for shape {}", path, i, name,
                  values.size(), shape_string(shape));
        params.emplace(name, Tensor<double>(shape, std::move(values)));
      }
    }
    model.params.push_back(std::move(params));
  }
  validate_params(model.spec, model.params, path);
  return model;
}

}  // namespace sqt
