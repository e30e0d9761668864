// cmd_export.cpp — `sqt export`: a revealed model as an ONNX file.
#include <fmt/core.h>

#include <memory>

#include "app/commands.h"
#include "interop/onnx_export.h"
#include "nn/model_file.h"

namespace sqt {

void add_export_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "export", "Write a saved (revealed) model as ONNX (input: pixels / 255, output: logits)");
  auto model_file = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  command->add_option("--model-file", *model_file, "Model saved by sqt train --save-model")
      ->required();
  command->add_option("-o,--output", *output, "ONNX file to write (e.g. a.onnx)")->required();
  command->callback([model_file, output] {
    reference::Model model = load_model_file(*model_file);
    export_onnx(model, *model_file, *output);
    fmt::print("wrote {} ({} layers, ONNX opset 13)\n", *output, model.spec.layers.size());
  });
}

}  // namespace sqt
