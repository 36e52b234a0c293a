//===- DepthwiseTest.cpp - depthwise convs as block-diagonal groups -------===//
//
// backends/accel/offload/Depthwise.h on hand-written IR: which convs are
// rewritten and with what block, that the rewritten module computes what
// the original computed (the interpreter runs both), that undoing restores
// the conv, and that partitionModule offloads the rewritten form but
// leaves a depthwise conv it keeps on the host as written.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/offload/Depthwise.h"
#include "backends/accel/offload/Partition.h"
#include "ssa_ir/OpParams.h"
#include "ssa_ir/Verifier.h"

#include "IrTestHelpers.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

/// A depthwise conv of C channels (stride 2, padding 1) narrowed to i8.
std::string depthwise(int c) {
  std::string t = "i8[1," + std::to_string(c);
  return "func @f(%x: " + t + ",9,9], %w: " + t.substr(0, 3) +
         std::to_string(c) + ",1,3,3]) -> " + t + ",5,5] {\n" +
         "  %c = conv2d %x, %w {groups = " + std::to_string(c) +
         ", padding = [1, 1, 1, 1], stride = [2, 2]} : i32[1," +
         std::to_string(c) + ",5,5]\n" + "  %n = cast %c {dtype = i8} : " + t +
         ",5,5]\n  return %n\n}\n";
}

ir::Operation *convOf(ir::Module &m) {
  for (auto &op : m.lookup("f")->getBody().getOps())
    if (op->getOpcode() == ir::Opcode::Conv2D)
      return op.get();
  return nullptr;
}

int64_t groupsOf(const ir::Operation &conv) {
  ir::Conv2DParams p;
  EXPECT_TRUE(ir::getConv2DParams(conv.getAttrs(), p).empty());
  return p.groups;
}

TEST(Depthwise, BlockIsTheLargestPowerOfTwoDividingTheChannels) {
  for (auto [c, block] : {std::pair{48, 16}, {32, 16}, {8, 8}, {12, 4}}) {
    auto m = parse(depthwise(c));
    ASSERT_TRUE(m);
    std::vector<ir::RuntimeValue> args = randomI8Args(*m->lookup("f"), 7);
    std::vector<double> before = run(*m, args);
    ir::Operation *conv = convOf(*m);
    std::optional<DepthwiseRewrite> r = blockDiagonalDepthwise(*conv, 16);
    ASSERT_TRUE(r) << c;
    EXPECT_EQ(r->block, block);
    EXPECT_EQ(groupsOf(*conv), c / block);
    EXPECT_EQ(conv->getOperand(1)->getType().getShape()[1], block);
    std::vector<std::string> errors = ir::verifyModuleMessages(*m);
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(run(*m, args), before) << c; // the same arithmetic
    undoDepthwise(*r);
    EXPECT_EQ(groupsOf(*conv), c);
    EXPECT_EQ(conv->getOperand(1), m->lookup("f")->getBody().getArgument(1));
  }
}

TEST(Depthwise, LeavesOtherConvsAlone) {
  // Odd channel count: no block of two or more.
  auto odd = parse(depthwise(7));
  ASSERT_TRUE(odd);
  EXPECT_FALSE(blockDiagonalDepthwise(*convOf(*odd), 16));
  // A grouped conv with two channels per group is not depthwise.
  auto grouped = parse(R"(
func @f(%x: i8[1,8,6,6], %w: i8[8,2,3,3]) -> i32[1,8,4,4] {
  %c = conv2d %x, %w {groups = 4} : i32[1,8,4,4]
  return %c
}
)");
  ASSERT_TRUE(grouped);
  EXPECT_FALSE(blockDiagonalDepthwise(*convOf(*grouped), 16));
}

TEST(Depthwise, PartitionOffloadsTheBlockDiagonalForm) {
  auto m = parse(depthwise(32));
  ASSERT_TRUE(m);
  std::vector<ir::RuntimeValue> args = randomI8Args(*m->lookup("f"), 7);
  std::vector<double> before = run(*m, args);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 1u);
  EXPECT_EQ(p.offloaded[0].depthwiseBlock, 16);
  EXPECT_EQ(p.offloaded[0].shape.numGemms, 2u); // 2 groups, not 32
  std::vector<std::string> errors = ir::verifyModuleMessages(*m);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(run(*m, args), before);
}

TEST(Depthwise, AConvKeptOnTheHostStaysAsWritten) {
  auto m = parse(depthwise(32));
  ASSERT_TRUE(m);
  // A 32x5x5 depthwise conv is far cheaper on the host.
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Auto);
  ASSERT_EQ(p.offloaded.size(), 0u);
  ASSERT_EQ(p.kept.size(), 1u);
  ir::Operation *conv = convOf(*m);
  EXPECT_EQ(groupsOf(*conv), 32);
  EXPECT_EQ(conv->getOperand(1), m->lookup("f")->getBody().getArgument(1));
}

} // namespace
