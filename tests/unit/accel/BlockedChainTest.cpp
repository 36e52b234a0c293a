//===- BlockedChainTest.cpp - activations kept blocked between regions ----===//
//
// partitionModule marks an offloaded direct conv whose result feeds only
// other offloaded direct convs' inputs (BlockedChain.h): the producer
// leaves its result in DRAM blocked, the consumers read it there. Running
// the marked regions one after the other through the runtime's blocked
// tensors gives the interpreter's result.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/host/RegionProgram.h"
#include "backends/accel/offload/Partition.h"

#include "IrTestHelpers.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

/// conv 3x3 (requantized) -> depthwise 3x3 (requantized) -> conv 1x1.
const char *kThreeConvs = R"(
func @f(%x: i8[1,32,6,6], %w1: i8[32,32,3,3], %w2: i8[32,1,3,3], %w3: i8[24,32,1,1]) -> i8[1,24,6,6] {
  %s = constant {value = 7} : i32[1,32,6,6]
  %lo = constant {value = -128} : i32[1,32,6,6]
  %hi = constant {value = 127} : i32[1,32,6,6]
  %c1 = conv2d %x, %w1 {padding = [1, 1, 1, 1]} : i32[1,32,6,6]
  %h1 = shr %c1, %s : i32[1,32,6,6]
  %a1 = max %h1, %lo : i32[1,32,6,6]
  %b1 = min %a1, %hi : i32[1,32,6,6]
  %y1 = cast %b1 {dtype = i8} : i8[1,32,6,6]
  %c2 = conv2d %y1, %w2 {groups = 32, padding = [1, 1, 1, 1]} : i32[1,32,6,6]
  %h2 = shr %c2, %s : i32[1,32,6,6]
  %y2 = cast %h2 {dtype = i8} : i8[1,32,6,6]
  %c3 = conv2d %y2, %w3 : i32[1,24,6,6]
  %y3 = cast %c3 {dtype = i8} : i8[1,24,6,6]
  return %y3
}
)";

/// conv -> conv, whose first result is also returned.
const char *kAlsoReturned = R"(
func @f(%x: i8[1,16,4,4], %w1: i8[16,16,3,3], %w2: i8[16,16,3,3]) -> (i8[1,16,4,4], i8[1,16,4,4]) {
  %c1 = conv2d %x, %w1 {padding = [1, 1, 1, 1]} : i32[1,16,4,4]
  %y1 = cast %c1 {dtype = i8} : i8[1,16,4,4]
  %c2 = conv2d %y1, %w2 {padding = [1, 1, 1, 1]} : i32[1,16,4,4]
  %y2 = cast %c2 {dtype = i8} : i8[1,16,4,4]
  return %y2, %y1
}
)";

/// Two 3x3 convs with a 4-channel-block activation between them.
const char *kTwoConvs = R"(
func @f(%x: i8[1,24,7,7], %w1: i8[64,24,3,3], %w2: i8[40,64,3,3]) -> i8[1,40,4,4] {
  %s = constant {value = 6} : i32[1,64,7,7]
  %c1 = conv2d %x, %w1 {padding = [1, 1, 1, 1]} : i32[1,64,7,7]
  %h1 = shr %c1, %s : i32[1,64,7,7]
  %y1 = cast %h1 {dtype = i8} : i8[1,64,7,7]
  %c2 = conv2d %y1, %w2 {padding = [1, 1, 1, 1], stride = [2, 2]} : i32[1,40,4,4]
  %y2 = cast %c2 {dtype = i8} : i8[1,40,4,4]
  return %y2
}
)";

TEST(BlockedChain, MarksConvsFeedingConvs) {
  auto m = parse(kThreeConvs);
  ASSERT_TRUE(m);
  std::vector<ir::RuntimeValue> args = randomI8Args(*m->lookup("f"), 3);
  std::vector<double> before = run(*m, args);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 3u);
  const RegionShape &a = p.offloaded[0].shape, &b = p.offloaded[1].shape,
                    &c = p.offloaded[2].shape;
  std::string mappings;
  for (const OffloadRegion &r : p.offloaded)
    mappings += r.function + ": " + r.describeMapping() + "\n";
  SCOPED_TRACE(mappings);
  EXPECT_FALSE(a.inputBlocked);
  EXPECT_TRUE(a.resultBlocked);
  EXPECT_EQ(a.blockedReaders, 1u);
  EXPECT_TRUE(b.inputBlocked); // the depthwise conv, 2 groups of 16
  EXPECT_TRUE(b.resultBlocked);
  EXPECT_TRUE(c.inputBlocked);
  EXPECT_FALSE(c.resultBlocked);
  EXPECT_TRUE(p.offloaded[0].convPlan->op.yChannelMajor);
  EXPECT_EQ(p.offloaded[0].convPlan->schedule.tileO, 1u);
  EXPECT_NE(p.offloaded[0].describeMapping().find("result left blocked"),
            std::string::npos);
  EXPECT_EQ(run(*m, args), before); // the outlined IR is unchanged
}

TEST(BlockedChain, NotWhenTheHostReadsTheResult) {
  auto m = parse(kAlsoReturned);
  ASSERT_TRUE(m);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 2u);
  for (const OffloadRegion &r : p.offloaded) {
    EXPECT_FALSE(r.shape.resultBlocked) << r.function;
    EXPECT_FALSE(r.shape.inputBlocked) << r.function;
  }
}

TEST(BlockedChain, NotWhenDisabled) {
  auto m = parse(kThreeConvs);
  ASSERT_TRUE(m);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always,
                                /*blockedLayouts=*/false);
  ASSERT_EQ(p.offloaded.size(), 3u);
  for (const OffloadRegion &r : p.offloaded) {
    EXPECT_FALSE(r.shape.resultBlocked) << r.function;
    EXPECT_FALSE(r.shape.inputBlocked) << r.function;
    if (r.convPlan)
      EXPECT_FALSE(r.convPlan->op.yChannelMajor);
  }
}

TEST(BlockedChain, RegionsRunThroughDramEqualTheInterpreter) {
  auto m = parse(kTwoConvs);
  ASSERT_TRUE(m);
  std::vector<ir::RuntimeValue> args = randomI8Args(*m->lookup("f"), 11);
  std::vector<double> want = run(*m, args);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 2u);
  const OffloadRegion &a = p.offloaded[0], &b = p.offloaded[1];
  ASSERT_TRUE(a.shape.resultBlocked && b.shape.inputBlocked);
  Simulator sim(a.config());
  BlockedTensors blocked;
  // The consumer alone finds no input in DRAM: an error, not garbage.
  std::vector<int8_t> mid(1 * 64 * 7 * 7, 0), out(1 * 40 * 4 * 4, 0);
  RegionBuffers second{mid.data(), args[2].data<int8_t>(), {}, out.data()};
  llvm::Expected<RegionTotals> early =
      runRegion(sim, b, second, nullptr, 0, &blocked);
  ASSERT_FALSE(bool(early));
  EXPECT_NE(llvm::toString(early.takeError()).find("not left in DRAM"),
            std::string::npos);
  RegionBuffers first{
      args[0].data<int8_t>(), args[1].data<int8_t>(), {}, mid.data()};
  llvm::Expected<RegionTotals> ra =
      runRegion(sim, a, first, nullptr, 0, &blocked);
  ASSERT_TRUE(bool(ra)) << llvm::toString(ra.takeError());
  EXPECT_EQ(ra->blockedResults, 1u);
  EXPECT_EQ(blocked.size(), 1u);
  llvm::Expected<RegionTotals> rb =
      runRegion(sim, b, second, nullptr, 0, &blocked);
  ASSERT_TRUE(bool(rb)) << llvm::toString(rb.takeError());
  EXPECT_EQ(rb->blockedInputs, 1u);
  EXPECT_TRUE(blocked.empty()); // its one reader took it
  ASSERT_EQ(out.size(), want.size());
  size_t bad = 0;
  for (size_t i = 0; i < out.size(); ++i)
    bad += double(out[i]) != want[i];
  EXPECT_EQ(bad, 0u);
}

} // namespace
