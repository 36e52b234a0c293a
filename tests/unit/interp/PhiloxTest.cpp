//===- PhiloxTest.cpp - Philox4x32-10 known-answer vectors ----------------===//
//
// From Random123's kat_vectors (philox4x32_10).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/Philox.h"

#include <gtest/gtest.h>

namespace {

void expectPhilox(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key,
                  std::array<uint32_t, 4> want) {
  uint32_t out[4];
  tdl_philox4x32_10(ctr.data(), key.data(), out);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(out[i], want[i]) << "word " << i;
}

TEST(Philox, ZeroCounterZeroKey) {
  expectPhilox({0, 0, 0, 0}, {0, 0},
               {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
}

TEST(Philox, AllOnes) {
  expectPhilox({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
               {0xffffffff, 0xffffffff},
               {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
}

TEST(Philox, PiDigits) {
  expectPhilox({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
               {0xa4093822, 0x299f31d0},
               {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST(Philox, BlockCounterAndSeedKeyLayout) {
  // Block b is the counter {lo32(b), hi32(b), 0, 0}; the seed is the key
  // {lo32(seed), hi32(seed)}.
  uint32_t direct[4], viaBlock[4];
  uint32_t ctr[4] = {0x89abcdefu, 0x01234567u, 0, 0};
  uint32_t key[2] = {0x9abcdef0u, 0x12345678u};
  tdl_philox4x32_10(ctr, key, direct);
  tdl_philox_block(int64_t(0x123456789abcdef0LL), 0x0123456789abcdefULL,
                   viaBlock);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(direct[i], viaBlock[i]);
}

} // namespace
