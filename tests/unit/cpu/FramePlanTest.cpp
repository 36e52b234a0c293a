//===- FramePlanTest.cpp - the compile-time frame layout ------------------===//
#include "backends/cpu/FramePlan.h"

#include <gtest/gtest.h>

using tdl::cpu::FramePlan;

namespace {

TEST(FramePlan, BuffersAreAlignedAndDisjointWhileLive) {
  FramePlan p;
  unsigned a = p.allocate(100), b = p.allocate(1), c = p.allocate(64);
  EXPECT_EQ(p.offset(a), 0);
  EXPECT_EQ(p.size(a), 128);
  EXPECT_EQ(p.offset(b), 128);
  EXPECT_EQ(p.offset(c), 192);
  EXPECT_EQ(p.peak(), 256);
  EXPECT_EQ(p.liveBytes(), 256);
}

TEST(FramePlan, ReleasedBytesAreReused) {
  FramePlan p;
  unsigned a = p.allocate(1024);
  unsigned b = p.allocate(1024);
  p.release(a);
  unsigned c = p.allocate(512); // first fit: a's bytes
  EXPECT_EQ(p.offset(c), 0);
  unsigned d = p.allocate(512); // the rest of a's bytes
  EXPECT_EQ(p.offset(d), 512);
  EXPECT_EQ(p.peak(), 2048);
  (void)b;
}

TEST(FramePlan, NeighbouringFreeRangesMerge) {
  FramePlan p;
  unsigned a = p.allocate(256), b = p.allocate(256), c = p.allocate(256);
  unsigned guard = p.allocate(64);
  p.release(a);
  p.release(c);
  p.release(b); // a, b, c form one range of 768 bytes
  unsigned big = p.allocate(768);
  EXPECT_EQ(p.offset(big), 0);
  EXPECT_EQ(p.peak(), 832);
  (void)guard;
}

TEST(FramePlan, LastFreeRangeGrowsAtThePeak) {
  FramePlan p;
  unsigned a = p.allocate(128), b = p.allocate(128);
  p.release(b);
  unsigned c = p.allocate(512); // reuses b's bytes and extends the frame
  EXPECT_EQ(p.offset(c), 128);
  EXPECT_EQ(p.peak(), 640);
  (void)a;
}

TEST(FramePlan, ReferencesKeepABufferUntilTheLastDrops) {
  FramePlan p;
  unsigned a = p.allocate(256);
  p.addRef(a); // the value
  p.addRef(a); // an alias of it (reshape)
  p.dropRef(a);
  EXPECT_TRUE(p.isLive(a));
  p.dropRef(a);
  EXPECT_FALSE(p.isLive(a));
  EXPECT_EQ(p.liveBytes(), 0);
}

TEST(FramePlan, ReleasingTwiceFreesOnce) {
  // A scope's end releases every buffer it placed, also those whose values
  // already died: the second release must not free the bytes again (they
  // may belong to a newer buffer by then).
  FramePlan p;
  unsigned a = p.allocate(256);
  p.release(a);
  unsigned b = p.allocate(256);
  EXPECT_EQ(p.offset(b), p.offset(a));
  p.release(a);
  EXPECT_TRUE(p.isLive(b));
  unsigned c = p.allocate(256);
  EXPECT_NE(p.offset(c), p.offset(b));
  EXPECT_EQ(p.liveBytes(), 512);
}

} // namespace
