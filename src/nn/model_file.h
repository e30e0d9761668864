// model_file.h — saving and loading trained models (JSON, "sqt-model-1").
//
// {"format": "sqt-model-1", "name": "A", "input": [1, 28, 28],
//  "ring": 64, "frac_bits": 16,
//  "layers": [{"type": "flatten"},
//             {"type": "dense", "out": 128,
//              "params": {"weights": {"shape": [784, 128], "values": [...]},
//                         "bias": {"shape": [128], "values": [...]}}}, ...]}
// Values are the revealed fixed-point numbers as decimals.
#pragma once

#include <string>

#include "nn/reference.h"

namespace sqt {

void save_model_file(const std::string& path, const reference::Model& model, int ring,
                     int frac_bits);
reference::Model load_model_file(const std::string& path);

}  // namespace sqt
