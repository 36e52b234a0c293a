//===- GemmKernel.cpp - the hot loop of the functional simulator ---------===//
//
// Compiled with -O3 (see CMakeLists.txt) so that the fixed-width dot products
// below are vectorized; block_in = 16 and 32 get compile-time trip counts.
// Each dot product of int8 values fits in i32 without overflow (|x·y| ≤ 2^14
// and block_in ≤ 2^16), so only the final accumulation has to wrap; it is
// done in uint32 where wrapping is defined.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/sim/GemmKernel.h"

#include <cstddef>

namespace tdl::accel {

namespace {

template <uint32_t BlockIn>
[[gnu::always_inline]] inline int32_t dotFixed(const int8_t *__restrict a,
                                               const int8_t *__restrict b) {
  int32_t sum = 0;
  for (uint32_t k = 0; k < BlockIn; ++k)
    sum += int32_t(a[k]) * int32_t(b[k]);
  return sum;
}

[[gnu::always_inline]] inline int32_t
dot(const int8_t *__restrict a, const int8_t *__restrict b, uint32_t n) {
  int32_t sum = 0;
  for (uint32_t k = 0; k < n; ++k)
    sum += int32_t(a[k]) * int32_t(b[k]);
  return sum;
}

template <uint32_t BlockIn>
[[gnu::always_inline]] inline void
blockFixed(int32_t *__restrict acc, const int8_t *__restrict inp,
           const int8_t *__restrict wgt, uint32_t batch, uint32_t blockOut) {
  for (uint32_t b = 0; b < batch; ++b) {
    const int8_t *row = inp + std::size_t(b) * BlockIn;
    uint32_t *out =
        reinterpret_cast<uint32_t *>(acc + std::size_t(b) * blockOut);
    for (uint32_t o = 0; o < blockOut; ++o)
      out[o] +=
          uint32_t(dotFixed<BlockIn>(row, wgt + std::size_t(o) * BlockIn));
  }
}

} // namespace

// One clone per ISA level, picked at load time (ifunc): AVX-512/AVX2 widen
// and multiply 32/16 int8 lanes at once where the host has them.
[[gnu::target_clones("arch=x86-64-v4", "avx2", "default")]] void
gemmBlock(int32_t *acc, const int8_t *inp, const int8_t *wgt, uint32_t batch,
          uint32_t blockIn, uint32_t blockOut) {
  switch (blockIn) {
  case 16:
    return blockFixed<16>(acc, inp, wgt, batch, blockOut);
  case 32:
    return blockFixed<32>(acc, inp, wgt, batch, blockOut);
  default:
    break;
  }
  for (uint32_t b = 0; b < batch; ++b) {
    const int8_t *row = inp + std::size_t(b) * blockIn;
    uint32_t *out =
        reinterpret_cast<uint32_t *>(acc + std::size_t(b) * blockOut);
    for (uint32_t o = 0; o < blockOut; ++o)
      out[o] += uint32_t(dot(row, wgt + std::size_t(o) * blockIn, blockIn));
  }
}

} // namespace tdl::accel
