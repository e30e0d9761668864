// prg.h — AES-128-CTR pseudo-random generator.
//
// A Prg expands a 128-bit key into a keystream (AES-128 in counter mode from
// counter 0, through OpenSSL's EVP, which uses AES-NI/VAES). Two parties that
// hold the same key and draw the same amounts in the same order get the same
// values: this is how replicated sharing makes random and zero sharings
// without communication. A Prg is owned by one thread at a time; given a
// thread pool (use_pool; a Session gives its own to every Prg it owns), it
// computes large requests on the pool's threads, each from its own counter
// position, with the same output as one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/ring.h"
#include "core/tensor.h"
#include "core/thread_pool.h"
#include "crypto/os_random.h"

struct evp_cipher_ctx_st;

namespace sqt {

class Prg {
 public:
  explicit Prg(const Key128& key);
  ~Prg();
  Prg(Prg&&) noexcept;
  Prg& operator=(Prg&&) noexcept;

  // A Prg keyed from the OS CSPRNG (private randomness).
  static Prg from_os();
  // A Prg keyed by a public 64-bit seed (insecure: for the emulator's
  // reproducible randomness and for tests only).
  static Prg from_seed(std::uint64_t seed);

  // Requests of at least parallel_fill_bytes() run on `pool` (not owned; it
  // must outlive this Prg's use); nullptr: always on the calling thread.
  void use_pool(ThreadPool* pool) { pool_ = pool; }
  // (Two slices of at least 1 MiB each.)
  static constexpr std::size_t parallel_fill_bytes() { return std::size_t{2} << 20; }

  // Overwrites out[0..n) with the next n keystream bytes.
  void fill_bytes(void* out, std::size_t n);

  template <RingWord R>
  void fill(std::span<R> out) {
    fill_bytes(out.data(), out.size_bytes());
  }

  template <RingWord R>
  Tensor<R> random(Shape shape) {
    Tensor<R> t(std::move(shape), kUninitialized);
    fill(t.span());
    return t;
  }

  std::uint64_t next_u64() {
    std::uint64_t x;
    fill_bytes(&x, sizeof x);
    return x;
  }

  // Bytes drawn so far (for tests of key synchronisation).
  std::uint64_t bytes_drawn() const { return drawn_; }

 private:
  struct CtxDeleter {
    void operator()(evp_cipher_ctx_st* ctx) const;
  };
  // The keystream from byte `position` on (a multiple of 16), with a copy of
  // the running context (the key schedule, not the key: the key itself is
  // not kept) set to that counter: a slice of a parallel fill.
  void keystream_at(std::uint64_t position, std::uint8_t* out, std::size_t n) const;
  // Sets the context to continue the keystream at byte `position`.
  void seek(std::uint64_t position);

  std::unique_ptr<evp_cipher_ctx_st, CtxDeleter> ctx_;
  std::uint64_t drawn_ = 0;
  ThreadPool* pool_ = nullptr;
};

}  // namespace sqt
