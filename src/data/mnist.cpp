#include "data/mnist.h"

#include "core/error.h"

namespace sqt {
namespace {

std::uint32_t big_endian(const std::vector<std::uint8_t>& data, std::size_t offset) {
  return (std::uint32_t{data[offset]} << 24) | (std::uint32_t{data[offset + 1]} << 16) |
         (std::uint32_t{data[offset + 2]} << 8) | std::uint32_t{data[offset + 3]};
}

}  // namespace

Dataset parse_idx(const std::string& images_path, const std::string& labels_path,
                  const std::string& name) {
  std::vector<std::uint8_t> images = read_maybe_gzip(images_path);
  std::vector<std::uint8_t> labels = read_maybe_gzip(labels_path);
  SQT_CHECK(images.size() >= 16, "{}: {} bytes is too short for an IDX image header (16 bytes)",
            images_path, images.size());
  SQT_CHECK(labels.size() >= 8, "{}: {} bytes is too short for an IDX label header (8 bytes)",
            labels_path, labels.size());
  std::uint32_t magic = big_endian(images, 0);
  SQT_CHECK(magic == 2051, "{}: magic number is {}, expected 2051 (IDX images)", images_path,
            magic);
  magic = big_endian(labels, 0);
  SQT_CHECK(magic == 2049, "{}: magic number is {}, expected 2049 (IDX labels)", labels_path,
            magic);
  std::size_t count = big_endian(images, 4), rows = big_endian(images, 8),
              cols = big_endian(images, 12);
  std::size_t label_count = big_endian(labels, 4);
  SQT_CHECK(rows > 0 && cols > 0 && rows <= 4096 && cols <= 4096, "{}: image size {}x{} is invalid",
            images_path, rows, cols);
  SQT_CHECK(images.size() == 16 + count * rows * cols,
            "{}: header announces {} images of {}x{} ({} bytes) but the file has {} bytes "
            "(truncated or corrupt)",
            images_path, count, rows, cols, 16 + count * rows * cols, images.size());
  SQT_CHECK(labels.size() == 8 + label_count,
            "{}: header announces {} labels ({} bytes) but the file has {} bytes (truncated or "
            "corrupt)",
            labels_path, label_count, 8 + label_count, labels.size());
  SQT_CHECK(label_count == count, "{} has {} labels but {} has {} images", labels_path, label_count,
            images_path, count);
  Dataset data;
  data.name = name;
  data.sample_shape = {1, rows, cols};
  data.pixels.assign(images.begin() + 16, images.end());
  data.labels.assign(labels.begin() + 8, labels.end());
  for (std::size_t i = 0; i < count; ++i)
    SQT_CHECK(data.labels[i] < data.classes, "{}: label {} of sample {} is out of range 0..{}",
              labels_path, int{data.labels[i]}, i, data.classes - 1);
  return data;
}

TrainTest load_mnist(const std::string& dir, const std::string& name) {
  return {parse_idx(find_file(dir, "train-images-idx3-ubyte"),
                    find_file(dir, "train-labels-idx1-ubyte"), name),
          parse_idx(find_file(dir, "t10k-images-idx3-ubyte"),
                    find_file(dir, "t10k-labels-idx1-ubyte"), name)};
}

}  // namespace sqt
