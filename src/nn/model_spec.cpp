#include "nn/model_spec.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "nn/json_file.h"
#include "nn/model_validate.h"

namespace sqt {
namespace {

LayerSpec layer(std::string type, std::map<std::string, long> attrs = {}) {
  return {std::move(type), std::move(attrs)};
}

}  // namespace

bool is_builtin_model(const std::string& name) {
  return name == "A" || name == "B" || name == "C" || name == "D" || name == "alexnet";
}

ModelSpec builtin_model(const std::string& name, const Shape& input) {
  if (name == "A") {
    // SecureNN network A: 784-128-128-10 with ReLU.
    return {"A",
            input,
            {layer("flatten"), layer("dense", {{"out", 128}}), layer("relu"),
             layer("dense", {{"out", 128}}), layer("relu"), layer("dense", {{"out", 10}})}};
  }
  auto conv = [](long out, long kernel, long stride = 1, long padding = 0) {
    return layer("conv2d",
                 {{"out", out}, {"kernel", kernel}, {"stride", stride}, {"padding", padding}});
  };
  auto maxpool = [](long size) { return layer("maxpool2d", {{"size", size}, {"stride", size}}); };
  if (name == "B") {
    return {"B",
            input,
            {conv(16, 5), maxpool(2), layer("relu"), conv(16, 5), maxpool(2), layer("relu"),
             layer("flatten"), layer("dense", {{"out", 100}}), layer("relu"),
             layer("dense", {{"out", 10}})}};
  }
  if (name == "C") {  // LeNet; pooling before ReLU (same result, fewer comparisons)
    return {"C",
            input,
            {conv(20, 5), maxpool(2), layer("relu"), conv(50, 5), maxpool(2), layer("relu"),
             layer("flatten"), layer("dense", {{"out", 500}}), layer("relu"),
             layer("dense", {{"out", 10}})}};
  }
  if (name == "D") {
    return {"D",
            input,
            {conv(5, 5, 2, 2), layer("relu"), layer("flatten"), layer("dense", {{"out", 100}}),
             layer("relu"), layer("dense", {{"out", 10}})}};
  }
  if (name == "alexnet") {  // Falcon's CIFAR-10 variant
    auto pool = [](long size, long stride) {
      return layer("maxpool2d", {{"size", size}, {"stride", stride}});
    };
    return {"alexnet", input, {conv(96, 11, 4, 9), layer("relu"),
                               pool(3, 2),         layer("batchnorm"),
                               conv(256, 5, 1, 1), layer("relu"),
                               layer("batchnorm"), pool(2, 1),
                               conv(384, 3, 1, 1), layer("relu"),
                               conv(384, 3, 1, 1), layer("relu"),
                               conv(256, 3, 1, 1), layer("relu"),
                               layer("flatten"),   layer("dense", {{"out", 256}}),
                               layer("relu"),      layer("dense", {{"out", 256}}),
                               layer("relu"),      layer("dense", {{"out", 10}})}};
  }
  fail("unknown model '{}': expected A, B, C, D, alexnet or a model file (.json)", name);
}

ModelSpec parse_model_file(const std::string& path) {
  nlohmann::json j = read_json_file(path, "model file");
  SQT_CHECK(j.is_object(), "{}: expected a JSON object with 'input' and 'layers'", path);
  for (auto& [key, value] : j.items()) {
    static const std::set<std::string> known = {"name",   "input", "layers",
                                                "format", "ring",  "frac_bits"};
    SQT_CHECK(known.count(key),
              "{}: unknown field '{}' (known: name, input, layers; saved "
              "models also have format, ring, frac_bits)",
              path, key);
  }
  ModelSpec spec;
  spec.name = j.value("name", path);
  SQT_CHECK(j.contains("input") && j["input"].is_array() && !j["input"].empty(),
            "{}: field 'input' must be a list of sizes, e.g. [1, 28, 28]", path);
  for (auto& d : j["input"]) {
    SQT_CHECK(d.is_number_integer() && d.get<long>() > 0,
              "{}: 'input' sizes must be positive integers", path);
    spec.input.push_back(d.get<std::size_t>());
  }
  SQT_CHECK(j.contains("layers") && j["layers"].is_array() && !j["layers"].empty(),
            "{}: field 'layers' must be a non-empty list", path);
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    const auto& l = j["layers"][i];
    SQT_CHECK(l.is_object() && l.contains("type") && l["type"].is_string(),
              "{}: layer {} needs a string field 'type'", path, i);
    LayerSpec layer_spec{l["type"].get<std::string>(), {}};
    for (auto& [key, value] : l.items()) {
      if (key == "type" || key == "params") continue;
      SQT_CHECK(value.is_number_integer(), "{}: layer {} ({}): attribute '{}' must be an integer",
                path, i, layer_spec.type, key);
      layer_spec.attrs[key] = value.get<long>();
    }
    validate_layer_spec(layer_spec, i, path);
    spec.layers.push_back(std::move(layer_spec));
  }
  return spec;
}

}  // namespace sqt
