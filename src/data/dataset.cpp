#include "data/dataset.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "data/cifar10.h"
#include "data/mnist.h"

namespace sqt {

void Dataset::truncate(std::size_t n) {
  if (n == 0 || n >= count()) return;
  labels.resize(n);
  pixels.resize(n * sample_size());
}

std::string resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("SQT_DATA_DIR");
  SQT_CHECK(env != nullptr && *env != '\0',
            "no data directory: pass --data-dir DIR or set SQT_DATA_DIR (it should hold mnist/ "
            "and cifar10/; `sqt data fetch mnist` downloads one)");
  return env;
}

std::string find_file(const std::string& dir, const std::string& name) {
  namespace fs = std::filesystem;
  for (const std::string& candidate : {dir + "/" + name, dir + "/" + name + ".gz"})
    if (fs::exists(candidate)) return candidate;
  fail("missing data file: neither {0}/{1} nor {0}/{1}.gz exists", dir, name);
}

std::vector<std::uint8_t> read_maybe_gzip(const std::string& path) {
  // gzopen reads plain files transparently as well.
  gzFile file = gzopen(path.c_str(), "rb");
  SQT_CHECK(file != nullptr, "cannot open '{}': {}", path, errno_text(errno));
  gzbuffer(file, 1 << 20);
  std::vector<std::uint8_t> data;
  std::uint8_t buffer[1 << 16];
  while (true) {
    int got = gzread(file, buffer, sizeof buffer);
    if (got < 0) {
      int code = 0;
      std::string message = gzerror(file, &code);
      gzclose(file);
      fail("cannot read '{}': {} (corrupt or truncated gzip data)", path, message);
    }
    if (got == 0) break;
    data.insert(data.end(), buffer, buffer + got);
  }
  gzclose(file);
  return data;
}

TrainTest load_dataset(const std::string& name, const std::string& data_dir) {
  if (name == "mnist") return load_mnist(data_dir + "/mnist", "mnist");
  if (name == "fashion-mnist") return load_mnist(data_dir + "/fashion-mnist", "fashion-mnist");
  if (name == "cifar10") return load_cifar10(data_dir + "/cifar10");
  fail("unknown dataset '{}': expected mnist, fashion-mnist or cifar10", name);
}

Shape dataset_sample_shape(const std::string& name) {
  if (name == "mnist" || name == "fashion-mnist") return {1, 28, 28};
  if (name == "cifar10") return {3, 32, 32};
  fail("unknown dataset '{}': expected mnist, fashion-mnist or cifar10", name);
}

}  // namespace sqt
