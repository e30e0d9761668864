#include "crypto/ot/ot_extension.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "crypto/ot/base_ot.h"

namespace sqt {
namespace {

constexpr int kKappa = 128;  // base OTs = matrix columns

std::size_t words_for(std::size_t bits) {
  return (bits + 63) / 64;
}

// Four 64-bit lanes (GCC vector extension: one AVX2 register, or two SSE2 ones).
using U64x4 = std::uint64_t __attribute__((vector_size(32)));

// One level of the transpose below: swaps the off-diagonal J x J blocks of
// every 2J x 2J block (J is a constant so that the loop unrolls).
template <int J>
void swap_blocks(U64x4 a[64], std::uint64_t mask) {
  for (int k = 0; k < 64; k = ((k | J) + 1) & ~J) {
    U64x4 t = ((a[k] >> J) ^ a[k | J]) & mask;
    a[k] ^= t << J;
    a[k | J] ^= t;
  }
}

// In-place transpose of four 64 x 64 bit matrices, one per lane (bit c of
// a[r] <-> bit r of a[c]).
void transpose64x4(U64x4 a[64]) {
  swap_blocks<32>(a, 0x00000000FFFFFFFFull);
  swap_blocks<16>(a, 0x0000FFFF0000FFFFull);
  swap_blocks<8>(a, 0x00FF00FF00FF00FFull);
  swap_blocks<4>(a, 0x0F0F0F0F0F0F0F0Full);
  swap_blocks<2>(a, 0x3333333333333333ull);
  swap_blocks<1>(a, 0x5555555555555555ull);
}

// Fixed-key AES-128-ECB context, one per thread (the key is public).
class FixedKeyAes {
 public:
  FixedKeyAes() : ctx_(EVP_CIPHER_CTX_new()) {
    static constexpr unsigned char kKey[16] = {0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3,
                                               0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x44};
    SQT_CHECK(
        ctx_ != nullptr && EVP_EncryptInit_ex(ctx_, EVP_aes_128_ecb(), nullptr, kKey, nullptr) == 1,
        "OpenSSL: cannot initialise AES-128-ECB");
    EVP_CIPHER_CTX_set_padding(ctx_, 0);
  }
  ~FixedKeyAes() { EVP_CIPHER_CTX_free(ctx_); }
  void encrypt(const Block* in, Block* out, std::size_t count) {
    int written = 0;
    SQT_CHECK(EVP_EncryptUpdate(ctx_, reinterpret_cast<unsigned char*>(out), &written,
                                reinterpret_cast<const unsigned char*>(in),
                                static_cast<int>(count * sizeof(Block))) == 1,
              "OpenSSL: AES-128-ECB failed");
  }

 private:
  EVP_CIPHER_CTX* ctx_;
};

// Sets bit (start + k) of words to the lowest bit of h[k].
void pack_low_bits(std::span<const Block> h, std::vector<std::uint64_t>& words, std::size_t start) {
  for (std::size_t k = 0; k < h.size(); ++k)
    words[(start + k) / 64] |= (h[k].lo & 1) << ((start + k) % 64);
}

std::vector<Prg> column_prgs(const std::vector<Block>& keys) {
  std::vector<Prg> prgs;
  prgs.reserve(keys.size());
  for (const Block& key : keys) prgs.emplace_back(key.to_key());
  return prgs;
}

}  // namespace

void transpose_128xn(std::span<const std::uint64_t> columns, std::size_t words,
                     std::span<Block> rows) {
  SQT_CHECK(columns.size() == kKappa * words && rows.size() <= 64 * words,
            "transpose_128xn: {} words for {} rows do not fit 128 columns of {} words",
            columns.size(), rows.size(), words);
  U64x4 tile[2][64];
  // Words w..w+3 of every column at once; lanes past the last word are zero.
  for (std::size_t w = 0; w * 64 < rows.size(); w += 4) {
    std::size_t lanes = std::min<std::size_t>(4, words - w);
    for (int r = 0; r < kKappa; ++r) {
      U64x4& x = tile[r / 64][r % 64];
      x = U64x4{};
      std::memcpy(&x, &columns[r * words + w], lanes * sizeof(std::uint64_t));
    }
    transpose64x4(tile[0]);
    transpose64x4(tile[1]);
    std::size_t count = std::min<std::size_t>(256, rows.size() - 64 * w);
    for (std::size_t i = 0; i < count; ++i)
      rows[64 * w + i] = {tile[0][i % 64][i / 64], tile[1][i % 64][i / 64]};
  }
}

void cr_hash(std::span<const Block> in, std::uint64_t tweak_base, std::span<Block> out) {
  SQT_CHECK(in.size() == out.size(), "cr_hash: {} inputs but {} outputs", in.size(), out.size());
  thread_local FixedKeyAes aes;
  constexpr std::size_t kBatch = 1024;
  Block sigma[kBatch], x[kBatch];
  for (std::size_t start = 0; start < in.size(); start += kBatch) {
    std::size_t m = std::min(kBatch, in.size() - start);
    for (std::size_t k = 0; k < m; ++k) {
      const Block& v = in[start + k];
      sigma[k] = {v.hi, v.hi ^ v.lo};
      x[k] = sigma[k] ^ Block { tweak_base + start + k, 0 };
    }
    aes.encrypt(x, out.data() + start, m);
    for (std::size_t k = 0; k < m; ++k) out[start + k] ^= sigma[k];
  }
}

OtExtSender::OtExtSender(Network& net, int peer) : net_(net), peer_(peer) {}

void OtExtSender::setup() {
  if (!columns_.empty()) return;
  Prg rng = Prg::from_os();
  rng.fill_bytes(&delta_, sizeof delta_);
  std::vector<bool> choices(kKappa);
  for (int j = 0; j < kKappa; ++j) choices[j] = delta_.bit(j);
  columns_ = column_prgs(base_ot_receive(net_, peer_, choices, rng));
}

std::vector<Block> OtExtSender::extend(std::size_t n) {
  setup();
  std::vector<Block> q(n);
  for (std::size_t start = 0; start < n; start += kOtExtChunk) {
    std::size_t m = std::min(kOtExtChunk, n - start), words = words_for(m);
    q_.resize(kKappa * words);
    u_.resize(kKappa * words);
    net_.recv_values(peer_, std::span(u_));
    for (int j = 0; j < kKappa; ++j) {
      std::uint64_t* qj = q_.data() + j * words;
      const std::uint64_t* uj = u_.data() + j * words;
      columns_[j].fill_bytes(qj, words * sizeof *qj);
      if (delta_.bit(j))
        for (std::size_t w = 0; w < words; ++w) qj[w] ^= uj[w];
    }
    transpose_128xn(q_, words, std::span(q).subspan(start, m));
  }
  ots_done_ += n;
  return q;
}

OtExtReceiver::OtExtReceiver(Network& net, int peer) : net_(net), peer_(peer) {}

void OtExtReceiver::setup() {
  if (!columns0_.empty()) return;
  Prg rng = Prg::from_os();
  std::vector<Block> keys0, keys1;
  for (const auto& pair : base_ot_send(net_, peer_, kKappa, rng)) {
    keys0.push_back(pair[0]);
    keys1.push_back(pair[1]);
  }
  columns0_ = column_prgs(keys0);
  columns1_ = column_prgs(keys1);
}

std::vector<Block> OtExtReceiver::extend(const std::vector<std::uint64_t>& choice_words,
                                         std::size_t n) {
  SQT_CHECK(choice_words.size() >= words_for(n), "OT extension: {} choice words for {} OTs",
            choice_words.size(), n);
  setup();
  std::vector<Block> t(n);
  for (std::size_t start = 0; start < n; start += kOtExtChunk) {
    std::size_t m = std::min(kOtExtChunk, n - start), words = words_for(m);
    std::vector<std::uint64_t> r(choice_words.begin() + start / 64,
                                 choice_words.begin() + start / 64 + words);
    if (m % 64 != 0) r.back() &= (std::uint64_t{1} << (m % 64)) - 1;  // drop bits past n
    t_.resize(kKappa * words);
    u_.resize(kKappa * words);
    for (int j = 0; j < kKappa; ++j) {
      std::uint64_t* tj = t_.data() + j * words;
      std::uint64_t* uj = u_.data() + j * words;
      columns0_[j].fill_bytes(tj, words * sizeof *tj);
      columns1_[j].fill_bytes(uj, words * sizeof *uj);
      for (std::size_t w = 0; w < words; ++w) uj[w] ^= tj[w] ^ r[w];
    }
    net_.send_values(peer_, std::span<const std::uint64_t>(u_));
    transpose_128xn(t_, words, std::span(t).subspan(start, m));
  }
  ots_done_ += n;
  return t;
}

BitRotSender random_bit_ots_send(OtExtSender& sender, std::size_t n) {
  BitRotSender out{std::vector<std::uint64_t>(words_for(n)),
                   std::vector<std::uint64_t>(words_for(n))};
  for (std::size_t start = 0; start < n; start += kOtExtChunk) {
    std::size_t m = std::min(kOtExtChunk, n - start);
    std::uint64_t tweak = sender.ots_done();
    std::vector<Block> q = sender.extend(m), h(m);
    cr_hash(q, tweak, h);
    pack_low_bits(h, out.m0, start);
    for (Block& x : q) x ^= sender.delta();
    cr_hash(q, tweak, h);
    pack_low_bits(h, out.m1, start);
  }
  return out;
}

BitRotReceiver random_bit_ots_receive(OtExtReceiver& receiver, std::size_t n, Prg& rng) {
  BitRotReceiver out{std::vector<std::uint64_t>(words_for(n)),
                     std::vector<std::uint64_t>(words_for(n))};
  rng.fill_bytes(out.choice.data(), out.choice.size() * sizeof(std::uint64_t));
  if (n % 64 != 0) out.choice.back() &= (std::uint64_t{1} << (n % 64)) - 1;
  for (std::size_t start = 0; start < n; start += kOtExtChunk) {
    std::size_t m = std::min(kOtExtChunk, n - start);
    std::vector<std::uint64_t> c(out.choice.begin() + start / 64,
                                 out.choice.begin() + start / 64 + words_for(m));
    std::uint64_t tweak = receiver.ots_done();
    std::vector<Block> t = receiver.extend(c, m);
    cr_hash(t, tweak, t);
    pack_low_bits(t, out.chosen, start);
  }
  return out;
}

}  // namespace sqt
