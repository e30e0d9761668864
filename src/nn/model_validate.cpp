#include "nn/model_validate.h"

#include <cmath>

#include "core/error.h"
#include "nn/model.h"
#include "proto/plain/plain.h"

namespace sqt {
namespace {

struct AttrRule {
  const char* key;
  long min, max;
  bool required;
};

// Attribute rules per layer type; sizes up to 2^20 keep every product of
// sizes far from overflow.
const std::map<std::string, std::vector<AttrRule>>& layer_rules() {
  constexpr long kBig = 1L << 20;
  static const std::map<std::string, std::vector<AttrRule>> rules = {
      {"dense", {{"out", 1, kBig, true}}},
      {"relu", {}},
      {"flatten", {}},
      {"batchnorm", {}},
      {"dropout", {{"percent", 1, 99, false}}},
      {"conv2d",
       {{"out", 1, kBig, true},
        {"kernel", 1, 1024, true},
        {"stride", 1, 1024, false},
        {"padding", 0, 1024, false}}},
      {"maxpool2d", {{"size", 1, 1024, true}, {"stride", 1, 1024, false}}},
      {"avgpool2d", {{"size", 1, 1024, true}, {"stride", 1, 1024, false}}},
  };
  return rules;
}

std::string known_types() {
  std::string text;
  for (const auto& [type, rules] : layer_rules()) text += (text.empty() ? "" : ", ") + type;
  return text;
}

}  // namespace

void validate_layer_spec(const LayerSpec& layer, std::size_t index, const std::string& source) {
  auto it = layer_rules().find(layer.type);
  SQT_CHECK(it != layer_rules().end(), "{}: layer {}: unknown type '{}' (known: {})", source, index,
            layer.type, known_types());
  const auto& rules = it->second;
  for (const auto& [key, value] : layer.attrs) {
    const AttrRule* rule = nullptr;
    for (const auto& r : rules)
      if (key == r.key) rule = &r;
    if (rule == nullptr) {
      std::string allowed;
      for (const auto& r : rules) allowed += (allowed.empty() ? "" : ", ") + std::string(r.key);
      fail("{}: layer {} ({}): unknown attribute '{}' (allowed: {})", source, index, layer.type,
           key, allowed.empty() ? "none" : allowed);
    }
    SQT_CHECK(value >= rule->min && value <= rule->max,
              "{}: layer {} ({}): '{}' is {}, expected {} to {}", source, index, layer.type, key,
              value, rule->min, rule->max);
  }
  for (const auto& r : rules)
    SQT_CHECK(!r.required || layer.attrs.count(r.key), "{}: layer {} ({}): missing '{}'", source,
              index, layer.type, r.key);
}

void validate_params(const ModelSpec& spec, const std::vector<reference::Params>& params,
                     const std::string& source) {
  SQT_CHECK(params.size() == spec.layers.size(), "{}: {} parameter entries for {} layers", source,
            params.size(), spec.layers.size());
  Sequential<Plain<std::uint64_t>> model = build_model<Plain<std::uint64_t>>(spec);
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    auto expected = model.layers()[i]->params();
    const std::string where =
        fmt::format("{}: layer {} ({})", source, i, model.layers()[i]->name());
    for (const auto& [name, tensor] : params[i]) {
      bool known = false;
      for (auto* p : expected) known |= p->name == name;
      SQT_CHECK(known, "{}: unexpected parameter '{}'", where, name);
    }
    for (auto* p : expected) {
      auto found = params[i].find(p->name);
      SQT_CHECK(found != params[i].end(), "{}: parameter '{}' is missing", where, p->name);
      SQT_CHECK(found->second.shape() == p->shape, "{}: parameter '{}' has shape {}, expected {}",
                where, p->name, shape_string(found->second.shape()), shape_string(p->shape));
      for (std::size_t j = 0; j < found->second.size(); ++j)
        SQT_CHECK(std::isfinite(found->second[j]), "{}: parameter '{}' value {} is not finite",
                  where, p->name, j);
    }
  }
}

}  // namespace sqt
