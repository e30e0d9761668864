// Seeded mutation tests ("fuzzing" without a fuzzer) of every parser that
// reads outside input: IDX (MNIST), CIFAR-10 records, model files, saved
// models, checkpoints and the start-up configuration frame. Each starts from
// a valid input, applies random byte flips, truncations, insertions and
// duplications, and requires that the parser either accepts the input or
// throws sqt::Error: no crash, no other exception, no hang. CI also runs
// these under AddressSanitizer and UndefinedBehaviorSanitizer
// (scripts/sqt.sh sanitize), which turns any out-of-bounds read into a
// failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "crypto/prg.h"
#include "data/cifar10.h"
#include "data/mnist.h"
#include "nn/checkpoint_store.h"
#include "nn/model_file.h"
#include "nn/model_spec.h"
#include "proto/local_run.h"
#include "proto/session.h"
#include "test_util.h"

namespace sqt {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

constexpr int kIterations = 300;

Bytes mutate(const Bytes& input, Prg& prg) {
  Bytes out = input;
  int edits = 1 + static_cast<int>(prg.next_u64() % 4);
  for (int e = 0; e < edits; ++e) {
    std::size_t at = out.empty() ? 0 : prg.next_u64() % out.size();
    switch (prg.next_u64() % 5) {
      case 0:  // flip a byte
        if (!out.empty()) out[at] ^= static_cast<std::uint8_t>(1 + prg.next_u64() % 255);
        break;
      case 1:  // truncate
        out.resize(at);
        break;
      case 2:  // insert random bytes
        for (int i = 0, n = 1 + static_cast<int>(prg.next_u64() % 16); i < n; ++i)
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(std::min(at, out.size())),
                     static_cast<std::uint8_t>(prg.next_u64()));
        break;
      case 3:  // an interesting value (sizes, signs)
        if (out.size() >= at + 4) {
          std::uint32_t values[] = {0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 60000};
          std::uint32_t v = values[prg.next_u64() % 6];
          std::memcpy(out.data() + at, &v, 4);
        }
        break;
      default:  // duplicate a slice
        if (!out.empty()) {
          std::size_t n = std::min<std::size_t>(out.size() - at, 1 + prg.next_u64() % 64);
          Bytes slice(out.begin() + static_cast<std::ptrdiff_t>(at),
                      out.begin() + static_cast<std::ptrdiff_t>(at + n));
          out.insert(out.end(), slice.begin(), slice.end());
        }
    }
  }
  return out;
}

void write(const std::string& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

Bytes text_bytes(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

// Runs `parse` on kIterations mutations of `seed_input`; counts outcomes.
void fuzz(const Bytes& seed_input, std::uint64_t seed,
          const std::function<void(const Bytes&)>& parse) {
  Prg prg = Prg::from_seed(seed);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < kIterations; ++i) {
    Bytes input = mutate(seed_input, prg);
    try {
      parse(input);
      ++accepted;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "iteration " << i << ": not an sqt::Error: " << e.what();
    }
  }
  EXPECT_GT(rejected, 0) << "no mutation was rejected: the test exercises nothing";
  ::testing::Test::RecordProperty("accepted", accepted);
}

Bytes be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

TEST(Fuzz, IdxReader) {
  TestDir dir;
  Bytes images = be32(2051), labels = be32(2049);
  for (std::uint32_t v : {3u, 4u, 4u}) {
    auto b = be32(v);
    images.insert(images.end(), b.begin(), b.end());
  }
  for (int i = 0; i < 48; ++i) images.push_back(static_cast<std::uint8_t>(i * 5));
  auto count = be32(3);
  labels.insert(labels.end(), count.begin(), count.end());
  labels.insert(labels.end(), {1, 7, 9});
  write(dir.file("labels"), labels);
  write(dir.file("images"), images);
  ASSERT_NO_THROW(parse_idx(dir.file("images"), dir.file("labels"), "fuzz"));
  fuzz(images, 1, [&](const Bytes& input) {
    write(dir.file("images"), input);
    parse_idx(dir.file("images"), dir.file("labels"), "fuzz");
  });
  write(dir.file("images"), images);
  fuzz(labels, 2, [&](const Bytes& input) {
    write(dir.file("labels"), input);
    parse_idx(dir.file("images"), dir.file("labels"), "fuzz");
  });
}

TEST(Fuzz, CifarReader) {
  TestDir dir;
  Bytes records;
  for (int r = 0; r < 2; ++r) {
    records.push_back(static_cast<std::uint8_t>(r * 3));
    for (int i = 0; i < 3072; ++i) records.push_back(static_cast<std::uint8_t>(i));
  }
  write(dir.file("batch.bin"), records);
  ASSERT_NO_THROW(parse_cifar10({dir.file("batch.bin")}));
  fuzz(records, 3, [&](const Bytes& input) {
    write(dir.file("batch.bin"), input);
    parse_cifar10({dir.file("batch.bin")});
  });
}

const char* kModelFile = R"({"name": "f", "input": [1, 6, 6], "layers": [
  {"type": "conv2d", "out": 2, "kernel": 3, "stride": 1, "padding": 1},
  {"type": "maxpool2d", "size": 2}, {"type": "relu"}, {"type": "flatten"},
  {"type": "dense", "out": 3}]})";

TEST(Fuzz, ModelFileParser) {
  TestDir dir;
  write(dir.file("m.json"), text_bytes(kModelFile));
  ASSERT_NO_THROW(parse_model_file(dir.file("m.json")));
  fuzz(text_bytes(kModelFile), 4, [&](const Bytes& input) {
    write(dir.file("m.json"), input);
    ModelSpec spec = parse_model_file(dir.file("m.json"));
  });
}

TEST(Fuzz, SavedModelLoader) {
  TestDir dir;
  std::string saved =
      R"({"format": "sqt-model-1", "name": "t", "input": [1, 2, 2], "ring": 64, "frac_bits": 16,
      "layers": [{"type": "flatten"}, {"type": "dense", "out": 2, "params": {
      "weights": {"shape": [4, 2], "values": [1, 0, 0, 0, 0, 0, 0, 0.5]},
      "bias": {"shape": [2], "values": [0, -1]}}}]})";
  write(dir.file("s.json"), text_bytes(saved));
  ASSERT_NO_THROW(load_model_file(dir.file("s.json")));
  fuzz(text_bytes(saved), 5, [&](const Bytes& input) {
    write(dir.file("s.json"), input);
    reference::Model model = load_model_file(dir.file("s.json"));
    Tensor<double> x({1, 1, 2, 2}, 0.5);
    model.forward(x);  // a model that loads must evaluate without reading out of bounds
  });
}

TEST(Fuzz, CheckpointReader) {
  TestDir dir;
  CheckpointStore store(dir.path.string(), 0);
  Checkpoint c;
  c.header = {0, 1, "ab", "cd", 3, 8, {{2}, {3}}};
  c.payload.resize(40, std::byte{7});
  store.write(c);
  std::ifstream in(store.path(1), std::ios::binary);
  Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fuzz(file, 6, [&](const Bytes& input) {
    write(store.path(1), input);
    store.read(1);
  });
}

TEST(Fuzz, StartUpConfigurationFrame) {
  // Party 1 sends mutated configuration frames; party 0 must reject or
  // accept them with an sqt::Error, never crash.
  std::string config = R"({"frac_bits":"16","ring":"64","rounding":"probabilistic"})";
  Prg prg = Prg::from_seed(7);
  int rejected = 0;
  for (int i = 0; i < 60; ++i) {
    Bytes frame = mutate(text_bytes(config), prg);
    auto mesh = make_memory_mesh(2, std::chrono::milliseconds(2000));
    std::string error;
    std::jthread peer([&] {
      Network net(1, std::move(mesh[1]));
      net.send(0, std::as_bytes(std::span(frame)));
      std::vector<std::byte> ignored = net.recv_any(0);
    });
    try {
      SessionOptions options;
      options.agreed = {{"ring", "64"}};
      Session session(std::make_unique<Network>(0, std::move(mesh[0])), options);
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an sqt::Error: " << e.what();
    }
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace sqt
