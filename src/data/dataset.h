// dataset.h — an in-memory image classification dataset.
//
// Pixels stay as bytes (0..255) until a batch is formed; labels are class
// indices. Loaders (mnist.h, cifar10.h) validate their files and throw
// sqt::Error naming the file, the field, and what was expected and found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace sqt {

struct Dataset {
  std::string name;
  Shape sample_shape;  // e.g. {1, 28, 28} (channels, height, width)
  int classes = 10;
  std::vector<std::uint8_t> pixels;  // count * size(sample_shape)
  std::vector<std::uint8_t> labels;  // count

  std::size_t count() const { return labels.size(); }
  std::size_t sample_size() const { return shape_size(sample_shape); }
  // Keeps the first n samples (all if n is 0 or larger than the count).
  void truncate(std::size_t n);
};

struct TrainTest {
  Dataset train, test;
};

// The data root: --data-dir if given, else $SQT_DATA_DIR, else an error
// explaining both.
std::string resolve_data_dir(const std::string& flag);

// Loads "mnist", "fashion-mnist" or "cifar10" from the data root.
TrainTest load_dataset(const std::string& name, const std::string& data_dir);

// The shape of one sample of a named dataset, known without its files (the
// computing parties build the model from it when a holder has the data).
Shape dataset_sample_shape(const std::string& name);

// The whole content of a file, gunzipped if it is gzip-compressed.
std::vector<std::uint8_t> read_maybe_gzip(const std::string& path);

// The first of path and path + ".gz" that exists, or an error naming both.
std::string find_file(const std::string& dir, const std::string& name);

}  // namespace sqt
