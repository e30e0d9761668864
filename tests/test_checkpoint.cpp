// Tests of checkpoints: the file store (atomic files, verification, listing,
// pruning), saving/resuming the training state of a model in the emulator
// and in rep3 (shares restored exactly; parties agree on the latest epoch
// that all of them have), and loading only the model from a checkpoint for
// inference (checkpoint_model.h), on both rings.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nn/checkpoint.h"
#include "nn/checkpoint_model.h"
#include "proto/local_run.h"
#include "proto/plain/plain.h"
#include "proto/rep3/rep3.h"
#include "test_util.h"

namespace sqt {
namespace {

namespace fs = std::filesystem;

Checkpoint sample_checkpoint(int party, int epoch) {
  Checkpoint c;
  c.header = {party, epoch, "00ff", checkpoint_digest("00ff", epoch, "{}"), 7, 8, {{2, 3}, {4}}};
  for (int i = 0; i < 80; ++i) c.payload.push_back(static_cast<std::byte>(i));
  return c;
}

TEST(CheckpointStore, WritesReadsListsAndPrunes) {
  TestDir dir;
  CheckpointStore store(dir.path.string(), 1);
  store.write(sample_checkpoint(1, 1));
  store.write(sample_checkpoint(1, 2));
  Checkpoint back = store.read(2);
  EXPECT_EQ(back.header.epoch, 2);
  EXPECT_EQ(back.header.optimizer_steps, 7);
  EXPECT_EQ(back.header.shapes, (std::vector<Shape>{{2, 3}, {4}}));
  EXPECT_EQ(back.payload, sample_checkpoint(1, 2).payload);
  EXPECT_EQ(store.list().size(), 2u);
  store.remove_before(2);
  ASSERT_EQ(store.list().size(), 1u);
  EXPECT_EQ(store.list()[0].epoch, 2);
  EXPECT_FALSE(fs::exists(store.path(2) + ".tmp"));
}

TEST(CheckpointStore, CorruptAndTruncatedFilesAreNamedAndSkipped) {
  TestDir dir;
  CheckpointStore store(dir.path.string(), 0);
  store.write(sample_checkpoint(0, 1));
  store.write(sample_checkpoint(0, 2));
  {
    std::fstream f(store.path(2), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(60);
    f.put('X');  // flip a byte in the middle
  }
  std::string error = error_of([&] { store.read(2); });
  EXPECT_NE(error.find("is corrupt: its SHA-256 does not match"), std::string::npos) << error;
  fs::resize_file(store.path(1), 30);
  error = error_of([&] { store.read(1); });
  EXPECT_NE(error.find("is not an sqt checkpoint (or is truncated)"), std::string::npos) << error;
  EXPECT_TRUE(store.list().empty());
}

// A small model trained one step; returns its opened parameters.
OptimizerOptions adam_options() {
  OptimizerOptions o;
  o.kind = "adam";
  o.lr = 0.01;
  o.momentum = 0.9;
  return o;
}

template <class P>
struct TinyRun {
  Sequential<P> model;
  Optimizer<P> optimizer{adam_options()};

  explicit TinyRun(P& p) {
    ModelSpec spec{"tiny",
                   {4},
                   {LayerSpec{"dense", {{"out", 3}}}, LayerSpec{"relu", {}},
                    LayerSpec{"dense", {{"out", 2}}}}};
    model = build_model<P>(spec);
    model.initialize(p);
  }

  void step(P& p, int seed) {
    Prg prg = Prg::from_seed(static_cast<std::uint64_t>(seed));
    Tensor<typename P::Ring> x({8, 4});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = prg.next_u64() % (std::uint64_t{1} << p.frac_bits());
    typename P::Share xs = p.input(0, p.party() == 0 ? x : Tensor<typename P::Ring>{}, {8, 4});
    typename P::Share out = model.forward(p, xs, true);
    model.backward(p, out);  // any gradient will do
    optimizer.step(p, model.params(), 3);
  }

  std::vector<typename P::Ring> opened(P& p) {
    std::vector<typename P::Ring> all;
    for (Param<P>* param : model.params()) {
      auto v = p.open(param->value);
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  }
};

TEST(Checkpoint, EmulatorStateRoundTripsExactly) {
  TestDir dir;
  SessionOptions options;
  options.frac_bits = 16;
  Session session(options);
  Plain<std::uint64_t> p(session);
  TinyRun<Plain<std::uint64_t>> run(p);
  run.step(p, 1);
  CheckpointStore store(dir.path.string(), 0);
  auto state = training_state(p, run.model, run.optimizer);
  save_checkpoint(p, store, 3, "cd", "{}", state, run.optimizer.steps());
  TinyRun<Plain<std::uint64_t>> fresh(p);
  auto fresh_state = training_state(p, fresh.model, fresh.optimizer);
  EXPECT_NE(fresh.opened(p), run.opened(p));
  EXPECT_EQ(load_checkpoint<Plain<std::uint64_t>>(store, 3, fresh_state), 1);
  EXPECT_EQ(fresh.opened(p), run.opened(p));
  for (std::size_t i = 0; i < fresh.optimizer.state().size(); ++i)
    EXPECT_EQ(fresh.optimizer.state()[i].s[0], run.optimizer.state()[i].s[0]);
}

TEST(Checkpoint, Rep3PartiesResumeFromTheLatestCommonEpochOnly) {
  TestDir dir;
  SessionOptions options;
  options.frac_bits = 16;
  using P = Rep3<std::uint64_t>;
  run_local<P>(options, [&](P& p) {
    TinyRun<P> run(p);
    run.step(p, 1);
    CheckpointStore store(dir.path.string(), p.party());
    auto state = training_state(p, run.model, run.optimizer);
    save_checkpoint(p, store, 1, "ab", "{}", state, run.optimizer.steps());
    confirm_checkpoint(p, store, 1);
    std::vector<std::uint64_t> after_one = run.opened(p);
    run.step(p, 2);
    // Party 2 crashes before writing epoch 2: the common epoch stays 1.
    if (p.party() != 2) save_checkpoint(p, store, 2, "ab", "{}", state, run.optimizer.steps());
    auto point = agree_resume_point(p, store, "{}");
    EXPECT_TRUE(point && point->epoch == 1);
    TinyRun<P> resumed(p);
    auto resumed_state = training_state(p, resumed.model, resumed.optimizer);
    EXPECT_EQ(load_checkpoint<P>(store, point->epoch, resumed_state), 1);
    EXPECT_EQ(resumed.opened(p), after_one);
    // Another configuration finds nothing to resume.
    EXPECT_FALSE(agree_resume_point(p, store, "{\"lr\":\"0.5\"}").has_value());
    return 0;
  });
}

// Trains two epochs, checkpointing each, and loads the model alone (the
// optimiser state behind it is skipped) as sqt infer --checkpoint-dir does.
template <RingElement R>
void model_loads_from_checkpoint() {
  TestDir dir;
  SessionOptions options;
  options.frac_bits = kDefaultFracBits<R>;
  using P = Rep3<R>;
  run_local<P>(options, [&](P& p) {
    TinyRun<P> run(p);
    CheckpointStore store(dir.path.string(), p.party());
    auto state = training_state(p, run.model, run.optimizer);
    std::vector<std::vector<R>> opened;
    for (int epoch = 1; epoch <= 2; ++epoch) {
      run.step(p, epoch);
      save_checkpoint(p, store, epoch, "ab", "{}", state, run.optimizer.steps());
      opened.push_back(run.opened(p));
    }
    TinyRun<P> latest(p), first(p);
    EXPECT_EQ(load_model_from_checkpoint(p, dir.path.string(), latest.model, std::nullopt), 2);
    EXPECT_EQ(latest.opened(p), opened[1]);
    EXPECT_EQ(load_model_from_checkpoint(p, dir.path.string(), first.model, 1), 1);
    EXPECT_EQ(first.opened(p), opened[0]);
    return 0;
  });
}

TEST(CheckpointModel, Rep3ModelLoadsAloneOnBothRings) {
  model_loads_from_checkpoint<std::uint64_t>();
  model_loads_from_checkpoint<u128>();
}

TEST(CheckpointModel, WrongArchitectureMissingEpochAndMissingDirectoryAreNamed) {
  TestDir dir;
  SessionOptions options;
  options.frac_bits = 16;
  using P = Rep3<std::uint64_t>;
  run_local<P>(options, [&](P& p) {
    TinyRun<P> run(p);
    CheckpointStore store(dir.path.string(), p.party());
    save_checkpoint(p, store, 1, "ab", "{}", training_state(p, run.model, run.optimizer), 0);
    Sequential<P> wider =
        build_model<P>(ModelSpec{"wider", {4}, {LayerSpec{"dense", {{"out", 5}}}}});
    wider.initialize(p);
    std::string error =
        error_of([&] { load_model_from_checkpoint(p, dir.path.string(), wider, std::nullopt); });
    EXPECT_NE(error.find("tensor 0 has shape [4, 3], the model expects [4, 5]"), std::string::npos)
        << error;
    error = error_of([&] { load_model_from_checkpoint(p, dir.path.string(), run.model, 7); });
    EXPECT_NE(error.find("no checkpoint of epoch 7 of party"), std::string::npos) << error;
    error = error_of([&] {
      load_model_from_checkpoint(p, (dir.path / "absent").string(), run.model, std::nullopt);
    });
    EXPECT_NE(error.find("does not exist"), std::string::npos) << error;
    return 0;
  });
}

}  // namespace
}  // namespace sqt
