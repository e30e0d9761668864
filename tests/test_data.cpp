// Dataset loaders: the real MNIST and partial CIFAR-10 copies from
// $SQT_DATA_DIR (default ../shared/data), raw and gzip input, and malformed
// files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/cifar10.h"
#include "data/mnist.h"
#include "test_util.h"

namespace sqt {
namespace {

std::string data_dir() {
  const char* env = std::getenv("SQT_DATA_DIR");
  return env ? env : std::string(SQT_SOURCE_DIR) + "/../shared/data";
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() / ("sqt-data-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

TEST(Data, MnistLoadsCompletelyWithTheDocumentedLabelCounts) {
  TrainTest mnist = load_mnist(data_dir() + "/mnist", "mnist");
  EXPECT_EQ(mnist.train.count(), 60000u);
  EXPECT_EQ(mnist.test.count(), 10000u);
  EXPECT_EQ(mnist.train.sample_shape, (Shape{1, 28, 28}));
  std::vector<int> counts(10, 0);
  for (auto label : mnist.test.labels) ++counts[label];
  EXPECT_EQ(counts, (std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
}

TEST(Data, PartialCifarTakesTheRecordCountFromTheFileSize) {
  TrainTest cifar = load_cifar10(data_dir() + "/cifar10");
  EXPECT_EQ(cifar.train.count(), 4000u + 4 * 1017u);
  EXPECT_EQ(cifar.test.count(), 1017u);
  EXPECT_EQ(cifar.train.sample_shape, (Shape{3, 32, 32}));
}

TEST(Data, RawAndGzipFilesReadTheSame) {
  TempDir dir;
  std::vector<std::uint8_t> bytes(5000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7);
  std::string raw = dir.file("plain.bin", bytes);
  std::string gz = raw + ".gz";
  gzFile out = gzopen(gz.c_str(), "wb");
  gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(out);
  EXPECT_EQ(read_maybe_gzip(raw), bytes);
  EXPECT_EQ(read_maybe_gzip(gz), bytes);
}

TEST(Data, MalformedCifarRecordsAreNamed) {
  TempDir dir;
  std::string short_file = dir.file("short.bin", std::vector<std::uint8_t>(3073 + 5, 1));
  EXPECT_NE(error_of([&] {
              parse_cifar10({short_file});
            }).find("3078 bytes is not a whole number of 3073-byte CIFAR-10 records"),
            std::string::npos);
  std::vector<std::uint8_t> record(2 * 3073, 0);
  record[3073] = 11;
  std::string bad_label = dir.file("label.bin", record);
  EXPECT_NE(error_of([&] {
              parse_cifar10({bad_label});
            }).find("label 11 of record 1 is out of range 0..9"),
            std::string::npos);
}

TEST(Data, MalformedIdxHeadersAreNamed) {
  TempDir dir;
  std::string images =
      dir.file("images", {0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4});
  std::string labels = dir.file("labels", {0, 0, 8, 1, 0, 0, 0, 1, 3});
  EXPECT_NE(
      error_of([&] { parse_idx(images, labels, "x"); }).find("magic number is 2052, expected 2051"),
      std::string::npos);
  images = dir.file("images2", {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4});
  labels = dir.file("labels2", {0, 0, 8, 1, 0, 0, 0, 2, 3, 4});
  EXPECT_NE(error_of([&] { parse_idx(images, labels, "x"); }).find("has 2 labels but"),
            std::string::npos);
  labels = dir.file("labels3", {0, 0, 8, 1, 0, 0, 0, 1, 3});
  EXPECT_EQ(parse_idx(images, labels, "x").count(), 1u);
}

}  // namespace
}  // namespace sqt

#include "data/fetch.h"

namespace sqt {
namespace {

TEST(Fetch, MnistFromAMirrorIsVerifiedAndLoadable) {
  TempDir dir;
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("sqt-fetch-" + std::to_string(::getpid()));
  FetchOptions options{"mnist", root.string(), "file://" + data_dir() + "/mnist", 60};
  EXPECT_NE(fetch_dataset(options).find("verified"), std::string::npos);
  EXPECT_EQ(load_dataset("mnist", root.string()).train.count(), 60000u);
  std::filesystem::remove_all(root);
}

TEST(Fetch, ATamperedFileIsRejectedAndNothingIsLeft) {
  std::filesystem::path mirror =
      std::filesystem::temp_directory_path() / ("sqt-mirror-" + std::to_string(::getpid()));
  std::filesystem::path root = mirror / "root";
  std::filesystem::create_directories(mirror);
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
    std::filesystem::copy_file(data_dir() + "/mnist/" + name, mirror / name);
  // Replace the test labels with other (valid gzip) content.
  gzFile out = gzopen((mirror / "t10k-labels-idx1-ubyte.gz").string().c_str(), "wb");
  gzwrite(out, "tampered", 8);
  gzclose(out);
  FetchOptions options{"mnist", root.string(), "file://" + mirror.string(), 60};
  std::string error = error_of([&] { fetch_dataset(options); });
  EXPECT_NE(error.find("checksum mismatch for file://"), std::string::npos) << error;
  EXPECT_NE(error.find("t10k-labels-idx1-ubyte.gz"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(root / "mnist" / "t10k-labels-idx1-ubyte.gz"));
  EXPECT_FALSE(std::filesystem::exists(root / "mnist" / "t10k-labels-idx1-ubyte.gz.part"));
  std::filesystem::remove_all(mirror);
}

TEST(Fetch, AnUnreachableHostGivesAClearOfflineError) {
  FetchOptions options{"cifar10", std::filesystem::temp_directory_path().string() + "/sqt-offline",
                       "https://sqt-no-such-host.invalid/", 20};
  std::string error = error_of([&] { fetch_dataset(options); });
  EXPECT_NE(error.find("cannot download https://sqt-no-such-host.invalid/cifar-10-binary.tar.gz"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("no network?"), std::string::npos) << error;
  std::filesystem::remove_all(options.data_dir);
}

TEST(Fetch, CifarBatchesAreExtractedFromATarArchive) {
  std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("sqt-tar-" + std::to_string(::getpid()));
  std::filesystem::create_directories(work / "cifar-10-batches-bin");
  std::vector<std::string> names{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                 "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
  for (std::size_t i = 0; i < names.size(); ++i)
    std::ofstream(work / "cifar-10-batches-bin" / names[i])
        << std::string(3073 * (i + 1), static_cast<char>(i));
  std::ofstream(work / "cifar-10-batches-bin" / "batches.meta.txt") << "airplane\n";
  ASSERT_EQ(0, std::system(("tar -C " + work.string() + " -cf " + (work / "a.tar").string() +
                            " cifar-10-batches-bin")
                               .c_str()));
  std::ifstream in(work / "a.tar", std::ios::binary);
  std::vector<std::uint8_t> tar((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::filesystem::create_directories(work / "out");
  extract_cifar_batches(tar, (work / "out").string(), "a.tar");
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(std::filesystem::file_size(work / "out" / names[i]), 3073 * (i + 1)) << names[i];
  EXPECT_FALSE(std::filesystem::exists(work / "out" / "batches.meta.txt"));
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace sqt
