#include "interop/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <fstream>

#include "core/error.h"

namespace sqt {
namespace {

constexpr int kOpsetVersion = 13;

void add_int_attribute(onnx::NodeProto& node, const std::string& name, long value) {
  onnx::AttributeProto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void add_ints_attribute(onnx::NodeProto& node, const std::string& name,
                        const std::vector<long>& values) {
  onnx::AttributeProto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (long v : values) a->add_ints(v);
}

void add_float_tensor(onnx::GraphProto& graph, const std::string& name, const Shape& shape,
                      const std::vector<double>& values) {
  onnx::TensorProto* t = graph.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (std::size_t d : shape) t->add_dims(static_cast<std::int64_t>(d));
  for (double v : values) t->add_float_data(static_cast<float>(v));
}

// [batch, dims...] with a symbolic batch axis.
void add_value_info(onnx::ValueInfoProto& info, const std::string& name, const Shape& dims) {
  info.set_name(name);
  onnx::TypeProto_Tensor* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (std::size_t d : dims) shape->add_dim()->set_dim_value(static_cast<std::int64_t>(d));
}

onnx::NodeProto& add_node(onnx::GraphProto& graph, const std::string& op, std::size_t layer,
                          std::vector<std::string> inputs, const std::string& output) {
  onnx::NodeProto* node = graph.add_node();
  node->set_op_type(op);
  node->set_name(fmt::format("layer{}_{}", layer, op));
  for (const std::string& in : inputs) node->add_input(in);
  node->add_output(output);
  return *node;
}

// sqt stores conv weights as [C*k*k, O] (row (c*k + ky)*k + kx); ONNX wants [O, C, k, k].
std::vector<double> conv_weights_ocKK(const Tensor<double>& w, std::size_t out) {
  const std::size_t taps = w.dim(0);
  std::vector<double> values(w.size());
  for (std::size_t t = 0; t < taps; ++t)
    for (std::size_t o = 0; o < out; ++o) values[o * taps + t] = w[t * out + o];
  return values;
}

// Appends the node(s) of layer i reading `x`; returns the name of its output.
// `flat` says whether x is [batch, features]; a dense layer flattens its input first if not.
std::string add_layer(onnx::GraphProto& graph, const reference::Model& model, std::size_t i,
                      std::string x, bool& flat) {
  const LayerSpec& l = model.spec.layers[i];
  if (l.type == "dense" && !flat) {
    const std::string flattened = fmt::format("layer{}_flat", i);
    add_int_attribute(add_node(graph, "Flatten", i, {x}, flattened), "axis", 1);
    x = flattened;
  }
  flat = l.type == "relu" ? flat : (l.type == "flatten" || l.type == "dense");
  const std::string y = fmt::format("layer{}_out", i);
  const std::string w = fmt::format("layer{}_weights", i), b = fmt::format("layer{}_bias", i);
  if (l.type == "flatten") {
    add_int_attribute(add_node(graph, "Flatten", i, {x}, y), "axis", 1);
  } else if (l.type == "relu") {
    add_node(graph, "Relu", i, {x}, y);
  } else if (l.type == "dense") {
    const Tensor<double>& weights = model.params[i].at("weights");
    add_float_tensor(graph, w, weights.shape(), weights.to_vector());
    add_float_tensor(graph, b, model.params[i].at("bias").shape(),
                     model.params[i].at("bias").to_vector());
    add_node(graph, "Gemm", i, {x, w, b}, y);
  } else if (l.type == "conv2d") {
    const Tensor<double>& weights = model.params[i].at("weights");
    const std::size_t out = static_cast<std::size_t>(l.attr("out", 0));
    const std::size_t k = static_cast<std::size_t>(l.attr("kernel", 0));
    const std::size_t channels = weights.dim(0) / (k * k);
    add_float_tensor(graph, w, {out, channels, k, k}, conv_weights_ocKK(weights, out));
    add_float_tensor(graph, b, {out}, model.params[i].at("bias").to_vector());
    onnx::NodeProto& node = add_node(graph, "Conv", i, {x, w, b}, y);
    const long stride = l.attr("stride", 1), pad = l.attr("padding", 0);
    add_ints_attribute(node, "kernel_shape", {static_cast<long>(k), static_cast<long>(k)});
    add_ints_attribute(node, "strides", {stride, stride});
    add_ints_attribute(node, "pads", {pad, pad, pad, pad});
  } else if (l.type == "maxpool2d") {
    const long size = l.attr("size", 0), stride = l.attr("stride", size);
    onnx::NodeProto& node = add_node(graph, "MaxPool", i, {x}, y);
    add_ints_attribute(node, "kernel_shape", {size, size});
    add_ints_attribute(node, "strides", {stride, stride});
  } else {
    fail(
        "sqt export: layer {} has type '{}', which has no ONNX mapping in sqt (supported: "
        "flatten, dense, relu, conv2d, maxpool2d)",
        i, l.type);
  }
  return y;
}

// The shape of one sample's output, from a forward pass of one zero sample.
Shape output_shape(const reference::Model& model) {
  Shape one{1};
  one.insert(one.end(), model.spec.input.begin(), model.spec.input.end());
  Shape out = model.forward(Tensor<double>(one, 0.0)).shape();
  return Shape(out.begin() + 1, out.end());
}

}  // namespace

void export_onnx(const reference::Model& model, const std::string& source,
                 const std::string& path) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("sqt");
  proto.set_producer_version("0.1.0");
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);

  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name(model.spec.name.empty() ? "sqt_model" : model.spec.name);
  graph.set_doc_string(fmt::format(
      "Exported by sqt from {}. input: pixels / 255 in [0, 1], shape [batch, {}]; output: "
      "logits [batch, classes] (argmax is the predicted class).",
      source, shape_string(model.spec.input)));
  add_value_info(*graph.add_input(), "input", model.spec.input);

  std::string x = "input";
  bool flat = model.spec.input.size() == 1;
  for (std::size_t i = 0; i < model.spec.layers.size(); ++i)
    x = add_layer(graph, model, i, x, flat);
  // Rename the last node's output to the graph output's name.
  SQT_CHECK(graph.node_size() > 0, "sqt export: the model has no layers");
  graph.mutable_node(graph.node_size() - 1)->set_output(0, "logits");
  add_value_info(*graph.add_output(), "logits", output_shape(model));

  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  SQT_CHECK(file.good(), "cannot write ONNX file '{}'", path);
  SQT_CHECK(proto.SerializeToOstream(&file) && file.good(),
            "cannot write ONNX file '{}' (disk full?)", path);
}

}  // namespace sqt
