#include "net/socket_channel.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/error.h"

namespace sqt {
namespace {

constexpr std::size_t kHeaderBytes = 16;
constexpr std::uint64_t kHeartbeatDepth = ~std::uint64_t{0};
constexpr std::uint64_t kAbortDepth = ~std::uint64_t{0} - 1;
constexpr std::uint64_t kMaxPayload = std::uint64_t{1} << 34;         // 16 GiB
constexpr std::uint64_t kTrustedAllocation = std::uint64_t{1} << 26;  // 64 MB before bytes arrive
constexpr std::size_t kMaxAbortReason = 4096;
constexpr std::size_t kWriteChunk = std::size_t{1} << 18;  // per write attempt
constexpr int kReadsPerPass = 64;                          // then give writes a turn
// An emulated link (net/link_pacer.h) releases bytes in pieces of this size,
// or of what it carries in a millisecond if less (so that a slow link still
// writes, and heartbeats follow, often), or the message's rest: waking for
// every byte the bandwidth allows wrote records of a few bytes in a busy
// loop (at 1 Gbit/s a party spent twice its computing time on them).
constexpr std::size_t kPaceQuantum = std::size_t{1} << 16;

UninitVector<std::byte> make_frame(std::span<const std::byte> payload, std::uint64_t depth) {
  UninitVector<std::byte> frame(kHeaderBytes + payload.size());
  std::uint64_t header[2] = {payload.size(), depth};
  std::memcpy(frame.data(), header, kHeaderBytes);
  if (!payload.empty()) std::memcpy(frame.data() + kHeaderBytes, payload.data(), payload.size());
  return frame;
}

double seconds(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

// Keeps printable ASCII of a peer's text, so a peer cannot inject control
// sequences into our terminal or logs.
std::string printable(std::span<const std::byte> bytes) {
  std::string text;
  for (std::byte b : bytes) {
    char c = static_cast<char>(b);
    text += (c >= 32 && c < 127) ? c : '?';
  }
  return text;
}

}  // namespace

std::string SocketChannel::disconnected(const IoResult& result) const {
  if (result.error.empty()) return fmt::format("{} disconnected", name_);
  return fmt::format("{} disconnected ({})", name_, result.error);
}

// The I/O thread's next reasons to wake: socket readiness and a time.
struct SocketChannel::Wakeup {
  bool want_write = false;  // poll for POLLOUT
  Clock::time_point at = Clock::time_point::max();
  void no_later_than(Clock::time_point t) { at = std::min(at, t); }
};

SocketChannel::SocketChannel(std::unique_ptr<Connection> connection, LinkOptions options)
    : connection_(std::move(connection)),
      name_(connection_->peer_name()),
      options_(options),
      pacer_(options.emulation) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  SQT_CHECK(wake_fd_ >= 0, "cannot create an event descriptor: {}", errno_text(errno));
  auto now = Clock::now();
  last_sent_ = last_received_ = write_progress_ = now;
  io_ = std::thread([this] { io_loop(); });
}

SocketChannel::~SocketChannel() {
  close();
  ::close(wake_fd_);
}

void SocketChannel::wake_io() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(wake_fd_, &one, sizeof one);
}

void SocketChannel::queue(Bytes frame, Clock::time_point release) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) throw Error(failure_);
    SQT_CHECK(!closing_, "the channel to {} is closed", name_);
    outbox_.push_back({std::move(frame), release});
  }
  wake_io();
}

void SocketChannel::send(std::span<const std::byte> message, std::uint64_t depth) {
  auto now = Clock::now();
  Clock::time_point release = now;
  if (options_.emulation.active()) {
    std::lock_guard lock(mutex_);
    release = pacer_.schedule(now, message.size());
  }
  queue(make_frame(message, depth), release);
}

SocketChannel::Incoming SocketChannel::pop() {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, options_.io_timeout,
                    [&] { return !inbox_.empty() || !failure_.empty(); });
  if (!inbox_.empty()) {
    Incoming message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }
  if (!failure_.empty()) throw Error(failure_);
  fail("no message from {} for {} s (timeout)", name_, seconds(options_.io_timeout));
}

std::uint64_t SocketChannel::recv(std::span<std::byte> out) {
  Incoming message = pop();
  if (message.payload.size() != out.size())
    fail_size_mismatch(name_, out.size(), message.payload.size());
  if (!out.empty()) std::memcpy(out.data(), message.payload.data(), out.size());
  return message.depth;
}

std::vector<std::byte> SocketChannel::recv_any() {
  Bytes payload = pop().payload;
  return std::vector<std::byte>(payload.begin(), payload.end());
}

void SocketChannel::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_io();
  if (io_.joinable()) io_.join();
}

void SocketChannel::abort(const std::string& reason) {
  std::string text = reason.substr(0, kMaxAbortReason);
  try {
    queue(make_frame(std::as_bytes(std::span(text)), kAbortDepth), Clock::now());
  } catch (const Error&) {
    // Already failed or closed: nothing more to tell this peer.
  }
  close();
}

void SocketChannel::set_failure(std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (failure_.empty()) failure_ = std::move(text);
  }
  arrived_.notify_all();
}

bool SocketChannel::failed() const {
  std::lock_guard lock(mutex_);
  return !failure_.empty();
}

void SocketChannel::io_loop() {
  while (true) {
    auto now = Clock::now();
    Wakeup next;
    if (!pump_reads(now, next) || !pump_writes(now, next)) break;
    bool closing;
    {
      std::lock_guard lock(mutex_);
      closing = closing_ && outbox_.empty() && !writing_;
    }
    if (closing) {
      linger();
      break;
    }
    if (!check_deadlines(now, next)) break;
    pollfd fds[2] = {
        {connection_->fd(), static_cast<short>(POLLIN | (next.want_write ? POLLOUT : 0)), 0},
        {wake_fd_, POLLIN, 0}};
    // ppoll: nanosecond timeouts, so emulated delays below a millisecond hold.
    auto wait = std::clamp<Clock::duration>(next.at - Clock::now(), Clock::duration::zero(),
                                            std::chrono::seconds(60));
    auto wait_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    timespec timeout{static_cast<time_t>(wait_ns / 1'000'000'000),
                     static_cast<long>(wait_ns % 1'000'000'000)};
    if (::ppoll(fds, 2, &timeout, nullptr) < 0 && errno != EINTR) {
      set_failure(fmt::format("waiting for {}: {}", name_, errno_text(errno)));
      break;
    }
    if (fds[1].revents & POLLIN) {
      std::uint64_t count;
      [[maybe_unused]] auto ignored = ::read(wake_fd_, &count, sizeof count);
    }
  }
  if (failed()) connection_->abort();
}

bool SocketChannel::pump_reads(Clock::time_point now, Wakeup& next) {
  for (int pass = 0; pass < kReadsPerPass; ++pass) {
    bool in_header = header_got_ < kHeaderBytes;
    std::byte* target = in_header ? reinterpret_cast<std::byte*>(header_) + header_got_
                                  : payload_.data() + payload_got_;
    std::size_t wanted = in_header ? kHeaderBytes - header_got_ : payload_.size() - payload_got_;
    IoResult result = connection_->read_some(target, wanted);
    switch (result.status) {
      case IoStatus::progress:
        last_received_ = now;
        (in_header ? header_got_ : payload_got_) += result.bytes;
        break;
      case IoStatus::want_read:
        return true;
      case IoStatus::want_write:
        next.want_write = true;
        return true;
      case IoStatus::closed:
        set_failure(disconnected(result));
        return false;
      case IoStatus::failed:
        set_failure(fmt::format("{} disconnected ({})", name_, result.error));
        return false;
    }
    if (header_got_ == kHeaderBytes && !advance_payload()) return false;
  }
  next.no_later_than(now);  // TLS may hold decrypted bytes that poll() cannot see
  return true;
}

// After the header: allocates the payload as its bytes arrive (at most
// kTrustedAllocation ahead of them, so a peer that announces a huge message
// and sends nothing cannot make us allocate it) and delivers it when whole.
// Returns false once the channel has failed.
bool SocketChannel::advance_payload() {
  const std::uint64_t length = header_[0];
  try {
    if (!payload_started_) {
      if (length > kMaxPayload) {
        set_failure(fmt::format("{} announced a {}-byte message, more than the {}-byte limit",
                                name_, length, kMaxPayload));
        return false;
      }
      payload_started_ = true;
      payload_.resize(std::min<std::uint64_t>(length, kTrustedAllocation));
    } else if (payload_got_ == payload_.size() && payload_got_ < length) {
      payload_.resize(std::min<std::uint64_t>(length, 2 * payload_.size()));
    }
  } catch (const std::bad_alloc&) {
    set_failure(fmt::format("out of memory for a {}-byte message from {}", length, name_));
    return false;
  }
  return payload_got_ < length || finish_frame();
}

// Delivers the complete frame; returns false if it was the peer's abort.
bool SocketChannel::finish_frame() {
  std::uint64_t depth = header_[1];
  Bytes payload = std::move(payload_);
  payload_.clear();
  header_got_ = payload_got_ = 0;
  payload_started_ = false;
  if (depth == kHeartbeatDepth) return true;
  if (depth == kAbortDepth) {
    set_failure(fmt::format("{} stopped: {}", name_, printable(payload)));
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back({std::move(payload), depth});
  }
  arrived_.notify_all();
  return true;
}

bool SocketChannel::take_next(Clock::time_point now, Wakeup& next) {
  std::lock_guard lock(mutex_);
  if (outbox_.empty()) return false;
  if (outbox_.front().release > now) {
    next.no_later_than(outbox_.front().release);
    return false;
  }
  current_ = std::move(outbox_.front());
  outbox_.pop_front();
  writing_ = true;
  written_ = 0;
  write_progress_ = now;
  return true;
}

bool SocketChannel::pump_writes(Clock::time_point now, Wakeup& next) {
  while (true) {
    if (!writing_ && !take_next(now, next)) {
      if (now - last_sent_ < options_.heartbeat_interval) return true;
      current_ = {make_frame({}, kHeartbeatDepth), now};
      writing_ = true;
      written_ = 0;
      write_progress_ = now;
    }
    std::size_t remaining = current_.frame.size() - written_;
    std::size_t allowed = std::min(remaining, kWriteChunk);
    bool paced = options_.emulation.gbit > 0 && current_.frame.size() > kHeaderBytes;
    if (paced) {
      std::size_t budget = pacer_.allowance(current_.release, now);
      std::size_t released = budget > written_ ? budget - written_ : 0;
      std::size_t quantum = std::min({remaining, kPaceQuantum, pacer_.bytes_per_millisecond()});
      if (released < quantum && retry_length_ == 0) {
        next.no_later_than(pacer_.time_for(current_.release, written_ + quantum));
        return true;
      }
      allowed = std::min(allowed, released);  // a pending retry replaces it below
    }
    if (retry_length_ > 0) allowed = retry_length_;  // OpenSSL: repeat the same write
    IoResult result = connection_->write_some(current_.frame.data() + written_, allowed);
    switch (result.status) {
      case IoStatus::progress:
        written_ += result.bytes;
        retry_length_ = 0;
        last_sent_ = write_progress_ = now;
        if (written_ == current_.frame.size()) {
          writing_ = false;  // I/O thread state: no lock
          current_.frame = {};
        }
        break;
      case IoStatus::want_write:
        next.want_write = true;
        [[fallthrough]];
      case IoStatus::want_read:
        retry_length_ = allowed;
        return true;
      case IoStatus::closed:
        set_failure(disconnected(result));
        return false;
      case IoStatus::failed:
        set_failure(fmt::format("{} disconnected (send failed: {})", name_, result.error));
        return false;
    }
  }
}

bool SocketChannel::check_deadlines(Clock::time_point now, Wakeup& next) {
  if (now - last_received_ > options_.peer_timeout) {
    set_failure(fmt::format(
        "{} stopped responding: no data and no heartbeat for {} s (killed, stopped or its host "
        "unreachable)",
        name_, seconds(options_.peer_timeout)));
    return false;
  }
  next.no_later_than(last_received_ + options_.peer_timeout + std::chrono::milliseconds(1));
  next.no_later_than(last_sent_ + options_.heartbeat_interval);
  if (writing_) {
    if (now - write_progress_ > options_.io_timeout) {
      set_failure(fmt::format("could not send to {} for {} s (timeout)", name_,
                              seconds(options_.io_timeout)));
      return false;
    }
    next.no_later_than(write_progress_ + options_.io_timeout + std::chrono::milliseconds(1));
  }
  return true;
}

// After our last byte: half-close, then read (and drop) until the peer closes
// too or the linger time passes, so that our close never resets a connection
// whose last messages the peer has not read yet.
void SocketChannel::linger() {
  connection_->shutdown_write();
  auto deadline = Clock::now() + options_.linger;
  std::byte scratch[16384];
  while (Clock::now() < deadline) {
    IoResult result = connection_->read_some(scratch, sizeof scratch);
    if (result.status == IoStatus::closed || result.status == IoStatus::failed) return;
    if (result.status == IoStatus::progress) continue;
    if (!connection_->wait(result.status, deadline)) return;
  }
}

}  // namespace sqt
