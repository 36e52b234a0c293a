//===- StreamTest.cpp - runtime/cpu/Stream.cpp's tdl_rt_store_block -------===//
//
// Rows of every length up to a few lines at every offset from a cache line,
// written with streaming stores: the bytes arrive, nothing around them moves;
// and the threshold, read from TDL_STREAM_MIN_BYTES on first use.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int32_t tdl_rt_stream_wanted(int64_t total);
extern "C" void tdl_rt_store_block(char *dst, const char *src, int64_t bytes);

namespace {

TEST(CpuStream, EveryLengthAndOffset) {
  alignas(64) char src[512], dst[640];
  for (int i = 0; i < 512; ++i)
    src[i] = char(i * 7 + 1);
  for (int offset = 0; offset < 64; ++offset)
    for (int bytes = 0; bytes <= 300; ++bytes) {
      std::vector<char> want(sizeof dst, char(0x5a));
      for (char &c : dst)
        c = char(0x5a);
      tdl_rt_store_block(dst + offset, src + (bytes % 5), bytes);
      for (int i = 0; i < bytes; ++i)
        want[offset + i] = src[bytes % 5 + i];
      ASSERT_EQ(std::vector<char>(dst, dst + sizeof dst), want)
          << "offset " << offset << ", " << bytes << " bytes";
    }
}

TEST(CpuStream, ThresholdFromTheEnvironment) {
  ASSERT_EQ(setenv("TDL_STREAM_MIN_BYTES", "1000", 1), 0);
  EXPECT_EQ(tdl_rt_stream_wanted(999), 0);
  EXPECT_EQ(tdl_rt_stream_wanted(1000), 1);
  // Read once: later changes do not count.
  ASSERT_EQ(setenv("TDL_STREAM_MIN_BYTES", "0", 1), 0);
  EXPECT_EQ(tdl_rt_stream_wanted(999), 0);
}

} // namespace
