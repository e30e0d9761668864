#include "nn/checkpoint_store.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/error.h"
#include "crypto/sha256.h"

namespace sqt {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kMagic = "sqt-checkpoint-1\n";
constexpr std::size_t kDigestHex = 64;

void append_u64(std::vector<std::byte>& out, std::uint64_t value) {
  const auto* bytes = reinterpret_cast<const std::byte*>(&value);
  out.insert(out.end(), bytes, bytes + 8);
}

void append_text(std::vector<std::byte>& out, std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::byte*>(text.data());
  out.insert(out.end(), bytes, bytes + text.size());
}

std::string header_json(const CheckpointHeader& h) {
  nlohmann::json j{{"party", h.party},
                   {"epoch", h.epoch},
                   {"run_id", h.run_id},
                   {"digest", h.digest},
                   {"optimizer_steps", h.optimizer_steps},
                   {"word_bytes", h.word_bytes},
                   {"shapes", h.shapes}};
  return j.dump();
}

void write_fully(int fd, const std::vector<std::byte>& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    SQT_CHECK(n > 0, "cannot write checkpoint '{}': {}", path, errno_text(errno));
    done += static_cast<std::size_t>(n);
  }
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Reads a u64 at `offset`, checking that the file is long enough.
std::uint64_t read_u64(const std::vector<std::byte>& data, std::size_t offset,
                       const std::string& path) {
  SQT_CHECK(offset + 8 <= data.size(), "checkpoint '{}' is truncated", path);
  std::uint64_t value;
  std::memcpy(&value, data.data() + offset, 8);
  return value;
}

CheckpointHeader parse_header(const std::string& text, const std::string& path) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  SQT_CHECK(j.is_object(), "checkpoint '{}' has a malformed header", path);
  try {
    CheckpointHeader h;
    h.party = j.at("party").get<int>();
    h.epoch = j.at("epoch").get<int>();
    h.run_id = j.at("run_id").get<std::string>();
    h.digest = j.at("digest").get<std::string>();
    h.optimizer_steps = j.at("optimizer_steps").get<long>();
    h.word_bytes = j.at("word_bytes").get<int>();
    h.shapes = j.at("shapes").get<std::vector<Shape>>();
    return h;
  } catch (const nlohmann::json::exception& e) {
    fail("checkpoint '{}' has a malformed header: {}", path, e.what());
  }
}

}  // namespace

CheckpointStore::CheckpointStore(std::string dir, int party) : dir_(std::move(dir)), party_(party) {
  std::error_code error;
  fs::create_directories(dir_, error);
  SQT_CHECK(!error && fs::is_directory(dir_), "cannot create checkpoint directory '{}': {}", dir_,
            error ? error.message() : "not a directory");
}

std::string CheckpointStore::path(int epoch) const {
  return (fs::path(dir_) / fmt::format("party{}-epoch{}.sqtckpt", party_, epoch)).string();
}

void CheckpointStore::write(const Checkpoint& checkpoint) const {
  std::vector<std::byte> data;
  append_text(data, kMagic);
  std::string header = header_json(checkpoint.header);
  append_u64(data, header.size());
  append_text(data, header);
  append_u64(data, checkpoint.payload.size());
  data.insert(data.end(), checkpoint.payload.begin(), checkpoint.payload.end());
  append_text(data, sha256_hex(data));
  std::string final_path = path(checkpoint.header.epoch), temporary = final_path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  SQT_CHECK(fd >= 0, "cannot create checkpoint '{}': {}", temporary, errno_text(errno));
  try {
    write_fully(fd, data, temporary);
    SQT_CHECK(::fsync(fd) == 0, "cannot sync checkpoint '{}': {}", temporary, errno_text(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  SQT_CHECK(std::rename(temporary.c_str(), final_path.c_str()) == 0,
            "cannot rename checkpoint '{}' to '{}': {}", temporary, final_path, errno_text(errno));
  fsync_path(dir_, O_RDONLY | O_DIRECTORY);
}

Checkpoint CheckpointStore::read(int epoch) const {
  std::string file = path(epoch);
  std::ifstream in(file, std::ios::binary);
  SQT_CHECK(in.good(), "cannot open checkpoint '{}'", file);
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> data(raw.size());
  if (!raw.empty()) std::memcpy(data.data(), raw.data(), raw.size());
  SQT_CHECK(data.size() >= kMagic.size() + 16 + kDigestHex &&
                std::memcmp(data.data(), kMagic.data(), kMagic.size()) == 0,
            "'{}' is not an sqt checkpoint (or is truncated)", file);
  std::size_t body = data.size() - kDigestHex;
  std::string stored(reinterpret_cast<const char*>(data.data() + body), kDigestHex);
  SQT_CHECK(sha256_hex(std::span(data.data(), body)) == stored,
            "checkpoint '{}' is corrupt: its SHA-256 does not match (truncated or altered)", file);
  std::size_t offset = kMagic.size();
  std::uint64_t header_size = read_u64(data, offset, file);
  offset += 8;
  SQT_CHECK(header_size <= body - offset, "checkpoint '{}' is truncated", file);
  Checkpoint checkpoint;
  checkpoint.header = parse_header(
      std::string(reinterpret_cast<const char*>(data.data() + offset), header_size), file);
  offset += header_size;
  std::uint64_t payload_size = read_u64(data, offset, file);
  offset += 8;
  SQT_CHECK(payload_size == body - offset, "checkpoint '{}' has {} payload bytes, expected {}",
            file, body - offset, payload_size);
  checkpoint.payload.assign(data.begin() + static_cast<std::ptrdiff_t>(offset),
                            data.begin() + static_cast<std::ptrdiff_t>(body));
  SQT_CHECK(checkpoint.header.party == party_ && checkpoint.header.epoch == epoch,
            "checkpoint '{}' belongs to party {} epoch {}", file, checkpoint.header.party,
            checkpoint.header.epoch);
  return checkpoint;
}

std::vector<int> CheckpointStore::epochs_on_disk() const {
  std::vector<int> epochs;
  std::regex pattern(fmt::format("party{}-epoch([0-9]+)\\.sqtckpt", party_));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::smatch match;
    std::string name = entry.path().filename().string();
    if (std::regex_match(name, match, pattern)) epochs.push_back(std::stoi(match[1].str()));
  }
  std::sort(epochs.begin(), epochs.end());
  return epochs;
}

std::vector<CheckpointHeader> CheckpointStore::list() const {
  std::vector<CheckpointHeader> headers;
  for (int epoch : epochs_on_disk()) {
    try {
      headers.push_back(read(epoch).header);
    } catch (const Error& e) {
      fmt::print(stderr, "sqt: party {}: skipping checkpoint: {}\n", party_, e.what());
    }
  }
  return headers;
}

void CheckpointStore::remove_before(int epoch) const {
  for (int old : epochs_on_disk()) {
    if (old < epoch) fs::remove(path(old));
  }
}

}  // namespace sqt
