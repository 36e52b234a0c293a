//===- RuntimeTest.cpp - the C host API ----------------------------------===//
#include "backends/accel/driver/AccelRuntime.h"

#include "backends/accel/isa/Encoding.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <vector>

using namespace tdl::accel;

namespace {

TEST(RuntimeTest, GemmThroughTheCApi) {
  TdlAccelDevice *dev = tdl_accel_create(nullptr, nullptr);
  ASSERT_TRUE(dev);
  std::vector<int8_t> inp(2 * 16), wgt(256);
  for (int i = 0; i < 32; ++i)
    inp[i] = int8_t(i - 16);
  for (int i = 0; i < 256; ++i)
    wgt[i] = int8_t((i * 7) % 11 - 5);
  uint64_t a = tdl_accel_alloc(dev, inp.size(), 0);
  uint64_t w = tdl_accel_alloc(dev, wgt.size(), 0);
  uint64_t u = tdl_accel_alloc(dev, 4, 0);
  uint64_t c = tdl_accel_alloc(dev, 32, 0);
  ASSERT_EQ(tdl_accel_copy_in(dev, a, inp.data(), inp.size()), 0);
  ASSERT_EQ(tdl_accel_copy_in(dev, w, wgt.data(), wgt.size()), 0);
  const uint32_t uop[3] = {0, 0, 0};
  ASSERT_EQ(tdl_accel_write_uops(dev, u, uop, 1), 0);

  GemmInsn g;
  g.loop = LoopNest{0, 1, 2, 1, 1, 0, 1, 0};
  std::vector<Instruction> program = {
      Instruction::load(MemType::Uop, 0, uint32_t(u / 4), 1, 1, 1),
      Instruction::load(MemType::Inp, 0, uint32_t(a / 16), 1, 2, 2),
      Instruction::load(MemType::Wgt, 0, uint32_t(w / 256), 1, 1, 1),
      Instruction::gemmOp(g),
      Instruction::store(0, uint32_t(c / 16), 1, 2, 2),
      Instruction::finish()};
  program[2].deps.pushNext = true;
  program[3].deps.popPrev = true;
  program[3].deps.pushNext = true;
  program[4].deps.popPrev = true;
  std::vector<InsnWord> words;
  for (const Instruction &i : program)
    words.push_back(cantFail(encode(i)));
  ASSERT_EQ(tdl_accel_submit(dev, words.data(), words.size()), 0);
  ASSERT_EQ(tdl_accel_run(dev), 0) << tdl_accel_last_error(dev);

  std::vector<int8_t> out(32);
  ASSERT_EQ(tdl_accel_copy_out(dev, out.data(), c, 32), 0);
  for (int r = 0; r < 2; ++r)
    for (int o = 0; o < 16; ++o) {
      int sum = 0;
      for (int k = 0; k < 16; ++k)
        sum += inp[r * 16 + k] * wgt[o * 16 + k];
      EXPECT_EQ(out[r * 16 + o], int8_t(uint8_t(sum)));
    }
  TdlAccelStats stats;
  ASSERT_EQ(tdl_accel_get_stats(dev, &stats), 0);
  EXPECT_EQ(stats.macs, 2u * 256);
  EXPECT_GT(stats.cycles, 0u);
  EXPECT_EQ(stats.dram_bytes[0], 32u);  // inp
  EXPECT_EQ(stats.dram_bytes[1], 256u); // wgt
  EXPECT_EQ(stats.dram_bytes[4], 32u);  // out
  tdl_accel_destroy(dev);
}

TEST(RuntimeTest, ErrorsAreReported) {
  char *error = nullptr;
  EXPECT_FALSE(tdl_accel_create(R"({"batch": 3})", &error));
  ASSERT_TRUE(error);
  EXPECT_STREQ(error, "'batch' must be a power of two (got 3)");
  std::free(error);

  TdlAccelDevice *dev = tdl_accel_create(R"({"dram_latency": 10})", nullptr);
  ASSERT_TRUE(dev);
  EXPECT_STREQ(tdl_accel_last_error(dev), "");
  uint64_t a = tdl_accel_alloc(dev, 16, 0);
  char buf[32];
  EXPECT_EQ(tdl_accel_copy_out(dev, buf, a, 32), -1);
  EXPECT_STREQ(tdl_accel_last_error(dev),
               "dram range [0, +32) is outside the 16 allocated bytes");
  EXPECT_EQ(tdl_accel_alloc(dev, 16, 3), UINT64_MAX);
  // A program without FINISH is a fault naming the instruction.
  InsnWord load =
      cantFail(encode(Instruction::load(MemType::Inp, 0, 0, 1, 1, 1)));
  ASSERT_EQ(tdl_accel_submit(dev, &load, 1), 0);
  EXPECT_EQ(tdl_accel_run(dev), -1);
  EXPECT_STREQ(tdl_accel_last_error(dev),
               "instruction 0: the program does not end with FINISH "
               "[missing-finish]");
  tdl_accel_destroy(dev);
}

} // namespace
