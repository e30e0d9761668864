// onnx_export.h — writes a revealed model (reference::Model) as an ONNX file.
//
// The graph takes "input" [batch, C, H, W] as float pixels scaled to [0, 1]
// (the pixel / 255 that `sqt eval` and training use) and returns "logits"
// [batch, classes]. Layers map one to one onto ONNX operators of opset 13:
// flatten -> Flatten(axis 1), dense -> Gemm, relu -> Relu, conv2d -> Conv,
// maxpool2d -> MaxPool. Weights become float initializers; sqt's conv
// weights [C*k*k, O] are rearranged into ONNX's [O, C, k, k]. Any other
// layer type is refused with an error naming the layer. The protobuf
// message is built with Debian's libonnx (onnx-ml.proto), not by hand.
#pragma once

#include <string>

#include "nn/reference.h"

namespace sqt {

// Writes `model` to `path`; `source` (the model file's name) goes into the
// graph's documentation. Throws sqt::Error on an unsupported layer or an
// unwritable file.
void export_onnx(const reference::Model& model, const std::string& source, const std::string& path);

}  // namespace sqt
