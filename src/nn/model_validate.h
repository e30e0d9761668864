// model_validate.h — one validation pass between parsing a model and using it.
//
// validate_layer_spec checks a layer's type and attributes (known keys only,
// each in range); validate_params checks a trained model's parameters
// against the architecture (every expected tensor present with the expected
// shape, nothing else, every value finite). Errors name the source (file),
// layer index and type, field, expected and found.
#pragma once

#include <string>

#include "nn/model_spec.h"
#include "nn/reference.h"

namespace sqt {

void validate_layer_spec(const LayerSpec& layer, std::size_t index, const std::string& source);

void validate_params(const ModelSpec& spec, const std::vector<reference::Params>& params,
                     const std::string& source);

}  // namespace sqt
