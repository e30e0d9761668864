// gf2_kernels_portable.cpp — the portable build of gf2_kernels.h (any CPU).
#include "kernels/gf2_kernels_impl.h"
#include "kernels/gf2_kernels_variants.h"

namespace sqt::kernels {
namespace {

struct PortableClmul {
  using Acc = Gf128;
  using Acc256 = Gf256Unreduced;
  static Acc zero() { return {}; }
  static std::uint64_t load_rho(std::uint64_t rho) { return rho; }
  static void mac(Acc& acc, std::uint64_t rho, std::uint64_t w) { acc += clmul64_portable(rho, w); }
  static Gf128 get(const Acc& acc) { return acc; }
  static Acc256 zero256() { return {}; }
  static void mac256(Acc256& acc, const Gf128& x, const Gf128& y) {
    acc += gf128_mul_unreduced_portable(x, y);
  }
  static Gf256Unreduced get256(const Acc256& acc) { return acc; }
  static Gf256Unreduced mul_word(std::uint64_t w, const Gf128& x) {
    // w x = w x.lo + (w x.hi) X^64.
    return gf256_from_parts(clmul64_portable(w, x.lo), clmul64_portable(w, x.hi), Gf128{});
  }
};

}  // namespace

const Gf2KernelTable& gf2_kernels_portable() {
  static const Gf2KernelTable table{"portable",
                                    mul_impl<PortableClmul>,
                                    bit_gram_impl<PortableClmul>,
                                    bit_weighted_sums_impl<PortableClmul>,
                                    bit_fold_left_impl<PortableClmul>,
                                    bit_fold_right_impl<PortableClmul>,
                                    gram_impl<PortableClmul>,
                                    fold_impl<PortableClmul>};
  return table;
}

}  // namespace sqt::kernels
