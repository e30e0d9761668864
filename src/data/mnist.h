// mnist.h — the IDX format of MNIST and Fashion-MNIST (raw or gzip).
#pragma once

#include <string>

#include "data/dataset.h"

namespace sqt {

// Parses an IDX image file (magic 2051) and label file (magic 2049).
Dataset parse_idx(const std::string& images_path, const std::string& labels_path,
                  const std::string& name);

// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-* in dir.
TrainTest load_mnist(const std::string& dir, const std::string& name);

}  // namespace sqt
