#include "data/fetch.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "crypto/sha256.h"
#include "data/dataset.h"

namespace sqt {
namespace {

struct RemoteFile {
  std::string name;    // name at the source
  std::string sha256;  // of the uncompressed content (IDX) or of the archive (CIFAR-10)
};

struct Source {
  std::string directory;  // under the data root
  std::string base_url;
  std::vector<RemoteFile> files;
  bool archive = false;  // CIFAR-10: one tar.gz holding the batch files
};

Source source_for(const std::string& dataset) {
  if (dataset == "mnist") {
    // SHA-256 of the uncompressed files (shared/data/README.md); the original
    // yann.lecun.com host is often unavailable, this mirror serves the same files.
    return {"mnist",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            {{"train-images-idx3-ubyte.gz",
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
             {"train-labels-idx1-ubyte.gz",
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
             {"t10k-images-idx3-ubyte.gz",
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
             {"t10k-labels-idx1-ubyte.gz",
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"}}};
  }
  if (dataset == "fashion-mnist") {
    // SHA-256 of the uncompressed files, as shipped by Debian's dataset-fashion-mnist.
    return {"fashion-mnist",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
            {{"train-images-idx3-ubyte.gz",
              "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"},
             {"train-labels-idx1-ubyte.gz",
              "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"},
             {"t10k-images-idx3-ubyte.gz",
              "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"},
             {"t10k-labels-idx1-ubyte.gz",
              "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"}}};
  }
  if (dataset == "cifar10") {
    return {"cifar10",
            "https://www.cs.toronto.edu/~kriz/",
            {{"cifar-10-binary.tar.gz",
              "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"}},
            true};
  }
  fail("unknown dataset '{}': expected mnist, fashion-mnist or cifar10", dataset);
}

std::string sha256_hex(const std::vector<std::uint8_t>& data) {
  return sqt::sha256_hex(std::as_bytes(std::span(data)));
}

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  auto* bytes = static_cast<std::vector<std::uint8_t>*>(out);
  bytes->insert(bytes->end(), data, data + size * count);
  return size * count;
}

std::vector<std::uint8_t> download(const std::string& url, long timeout_s) {
  CURL* curl = curl_easy_init();
  SQT_CHECK(curl != nullptr, "cannot initialise libcurl");
  std::vector<std::uint8_t> bytes;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &bytes);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    std::string reason = error[0] ? error : curl_easy_strerror(code);
    bool offline = code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
                   code == CURLE_OPERATION_TIMEDOUT;
    fail("cannot download {}: {}{}", url, reason,
         offline ? " (no network? fetch on a machine with internet access and copy the data "
                   "directory, or pass --from with a local mirror)"
                 : "");
  }
  return bytes;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  SQT_CHECK(out.good(), "cannot write '{}'", path);
}

// Writes each verified IDX file; the content hash is taken after gunzip.
void fetch_idx(const Source& source, const std::string& base, const std::string& dir,
               long timeout) {
  for (const RemoteFile& file : source.files) {
    std::vector<std::uint8_t> bytes = download(base + file.name, timeout);
    std::string part = dir + "/" + file.name + ".part";
    write_file(part, bytes.data(), bytes.size());
    std::string got;
    try {
      got = sha256_hex(read_maybe_gzip(part));
    } catch (...) {
      std::filesystem::remove(part);
      throw;
    }
    if (got != file.sha256) {
      std::filesystem::remove(part);
      fail(
          "checksum mismatch for {}{}: SHA-256 of the content is {}, expected {}; nothing was "
          "written",
          base, file.name, got, file.sha256);
    }
    std::filesystem::rename(part, dir + "/" + file.name);
  }
}

// Extracts the six CIFAR-10 batch files from the verified archive (ustar).
void fetch_cifar(const Source& source, const std::string& base, const std::string& dir,
                 long timeout) {
  const RemoteFile& file = source.files[0];
  std::vector<std::uint8_t> archive = download(base + file.name, timeout);
  std::string got = sha256_hex(archive);
  SQT_CHECK(got == file.sha256,
            "checksum mismatch for {}{}: SHA-256 is {}, expected {}; nothing was written", base,
            file.name, got, file.sha256);
  std::string part = dir + "/archive.part";
  write_file(part, archive.data(), archive.size());
  std::vector<std::uint8_t> tar = read_maybe_gzip(part);
  std::filesystem::remove(part);
  extract_cifar_batches(tar, dir, file.name);
}

}  // namespace

void extract_cifar_batches(const std::vector<std::uint8_t>& tar, const std::string& dir,
                           const std::string& archive_name) {
  std::vector<std::string> written;
  for (std::size_t offset = 0; offset + 512 <= tar.size();) {
    const std::uint8_t* header = tar.data() + offset;
    if (header[0] == 0) break;
    std::string name(reinterpret_cast<const char*>(header),
                     strnlen(reinterpret_cast<const char*>(header), 100));
    std::size_t size = std::strtoull(
        std::string(reinterpret_cast<const char*>(header) + 124, 12).c_str(), nullptr, 8);
    SQT_CHECK(offset + 512 + size <= tar.size(), "{}: truncated archive member '{}'", archive_name,
              name);
    std::string base_name = std::filesystem::path(name).filename().string();
    if (base_name.ends_with(".bin") &&
        (base_name.starts_with("data_batch_") || base_name == "test_batch.bin")) {
      write_file(dir + "/" + base_name + ".part", header + 512, size);
      written.push_back(base_name);
    }
    offset += 512 + (size + 511) / 512 * 512;
  }
  if (written.size() != 6) {
    for (const std::string& name : written) std::filesystem::remove(dir + "/" + name + ".part");
    fail("{}: expected 6 batch files in the archive, found {}", archive_name, written.size());
  }
  for (const std::string& name : written)
    std::filesystem::rename(dir + "/" + name + ".part", dir + "/" + name);
}

std::string fetch_dataset(const FetchOptions& options) {
  Source source = source_for(options.dataset);
  std::string base = options.source.empty() ? source.base_url : options.source;
  if (!base.ends_with("/")) base += "/";
  std::string dir = options.data_dir + "/" + source.directory;
  std::filesystem::create_directories(dir);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (source.archive) {
    fetch_cifar(source, base, dir, options.timeout_s);
  } else {
    fetch_idx(source, base, dir, options.timeout_s);
  }
  return fmt::format("{} downloaded from {} and verified (SHA-256) into {}", options.dataset, base,
                     dir);
}

}  // namespace sqt
