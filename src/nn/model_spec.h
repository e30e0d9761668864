// model_spec.h — protocol-independent description of a network.
//
// A ModelSpec lists layers by type with integer attributes; the built-in
// networks (REFERENCE.md section 3) and user files (JSON) both produce one,
// and build_model<P>() (model.h) turns it into layers for a protocol,
// checking every shape on the way.
//
// JSON model file:
//   {"name": "my-net", "input": [1, 28, 28],
//    "layers": [{"type": "flatten"}, {"type": "dense", "out": 128},
//               {"type": "relu"}, {"type": "dense", "out": 10}]}
// Dense layers take their input size from the previous layer's output.
// conv2d: out, kernel, stride (1), padding (0); maxpool2d / avgpool2d: size,
// stride (= size); batchnorm (features from the input's first axis);
// dropout: percent (50).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace sqt {

struct LayerSpec {
  std::string type;                   // dense | relu | flatten | conv2d | maxpool2d | avgpool2d
  std::map<std::string, long> attrs;  // e.g. {"out", 128}

  long attr(const std::string& key, long fallback) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? fallback : it->second;
  }
};

struct ModelSpec {
  std::string name;
  Shape input;  // one sample (channels, height, width)
  std::vector<LayerSpec> layers;
};

// "A", "B", "C" (LeNet), "D", "alexnet" (REFERENCE.md section 3) for the given input shape.
ModelSpec builtin_model(const std::string& name, const Shape& input);
bool is_builtin_model(const std::string& name);

// Parses a JSON model file; errors name the file and the layer.
ModelSpec parse_model_file(const std::string& path);

}  // namespace sqt
