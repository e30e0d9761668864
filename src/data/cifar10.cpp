#include "data/cifar10.h"

#include "core/error.h"

namespace sqt {

Dataset parse_cifar10(const std::vector<std::string>& paths) {
  constexpr std::size_t kRecord = 3073, kPixels = 3072;
  Dataset data;
  data.name = "cifar10";
  data.sample_shape = {3, 32, 32};
  for (const std::string& path : paths) {
    std::vector<std::uint8_t> bytes = read_maybe_gzip(path);
    SQT_CHECK(!bytes.empty() && bytes.size() % kRecord == 0,
              "{}: {} bytes is not a whole number of 3073-byte CIFAR-10 records (truncated or "
              "corrupt)",
              path, bytes.size());
    for (std::size_t r = 0; r < bytes.size() / kRecord; ++r) {
      const std::uint8_t* record = bytes.data() + r * kRecord;
      SQT_CHECK(record[0] < 10, "{}: label {} of record {} is out of range 0..9", path,
                int{record[0]}, r);
      data.labels.push_back(record[0]);
      data.pixels.insert(data.pixels.end(), record + 1, record + 1 + kPixels);
    }
  }
  return data;
}

TrainTest load_cifar10(const std::string& dir) {
  std::vector<std::string> train;
  for (int i = 1; i <= 5; ++i)
    train.push_back(find_file(dir, "data_batch_" + std::to_string(i) + ".bin"));
  return {parse_cifar10(train), parse_cifar10({find_file(dir, "test_batch.bin")})};
}

}  // namespace sqt
