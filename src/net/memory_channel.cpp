#include "net/memory_channel.h"

#include <fmt/format.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>

#include "core/error.h"

namespace sqt {

void fail_size_mismatch(const std::string& peer, std::size_t expected, std::size_t got) {
  fail(
      "{} sent a {}-byte message where {} bytes were expected: the parties are not running "
      "the same computation (check that every party uses the same options)",
      peer, got, expected);
}

namespace {

struct Message {
  std::vector<std::byte> bytes;
  std::uint64_t depth;
};

// One direction between two parties.
struct Pipe {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Message> queue;
  bool closed = false;
  std::string stop_reason;  // set when the writer aborted
};

class MemoryChannel final : public Channel {
 public:
  MemoryChannel(std::shared_ptr<Pipe> out, std::shared_ptr<Pipe> in, int peer,
                std::chrono::milliseconds timeout)
      : out_(std::move(out)),
        in_(std::move(in)),
        name_(fmt::format("party {}", peer)),
        timeout_(timeout) {}
  ~MemoryChannel() override { close(); }

  void send(std::span<const std::byte> message, std::uint64_t depth) override {
    {
      std::lock_guard lock(out_->mutex);
      if (!out_->closed) {
        out_->queue.push_back({std::vector<std::byte>(message.begin(), message.end()), depth});
        out_->ready.notify_one();
        return;
      }
    }
    // Either side closed; if the peer stopped with a reason, name it.
    std::lock_guard lock(in_->mutex);
    if (!in_->stop_reason.empty()) fail("{} stopped: {}", name_, in_->stop_reason);
    fail("{} disconnected", name_);
  }

  std::uint64_t recv(std::span<std::byte> out) override {
    Message message = pop();
    if (message.bytes.size() != out.size())
      fail_size_mismatch(name_, out.size(), message.bytes.size());
    if (!out.empty()) std::memcpy(out.data(), message.bytes.data(), out.size());
    return message.depth;
  }

  std::vector<std::byte> recv_any() override { return pop().bytes; }

  void close() override {
    for (Pipe* pipe : {out_.get(), in_.get()}) {
      std::lock_guard lock(pipe->mutex);
      pipe->closed = true;
      pipe->ready.notify_all();
    }
  }

  void abort(const std::string& reason) override {
    {
      std::lock_guard lock(out_->mutex);
      if (!out_->closed) out_->stop_reason = reason;
    }
    close();
  }

  const std::string& peer_name() const override { return name_; }

 private:
  Message pop() {
    std::unique_lock lock(in_->mutex);
    bool ready =
        in_->ready.wait_for(lock, timeout_, [&] { return !in_->queue.empty() || in_->closed; });
    if (!ready) fail("no message from {} for {} s (timeout)", name_, timeout_.count() / 1000.0);
    if (in_->queue.empty()) {
      if (!in_->stop_reason.empty()) fail("{} stopped: {}", name_, in_->stop_reason);
      fail("{} disconnected", name_);
    }
    Message message = std::move(in_->queue.front());
    in_->queue.pop_front();
    return message;
  }

  std::shared_ptr<Pipe> out_, in_;
  std::string name_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::vector<ChannelRow> make_memory_mesh(int parties, std::chrono::milliseconds recv_timeout) {
  std::vector<ChannelRow> mesh(parties);
  for (auto& row : mesh) row.resize(parties);
  for (int i = 0; i < parties; ++i) {
    for (int j = i + 1; j < parties; ++j) {
      auto i_to_j = std::make_shared<Pipe>();
      auto j_to_i = std::make_shared<Pipe>();
      mesh[i][j] = std::make_unique<MemoryChannel>(i_to_j, j_to_i, j, recv_timeout);
      mesh[j][i] = std::make_unique<MemoryChannel>(j_to_i, i_to_j, i, recv_timeout);
    }
  }
  return mesh;
}

}  // namespace sqt
