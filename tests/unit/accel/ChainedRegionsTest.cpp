//===- ChainedRegionsTest.cpp - regions that feed each other --------------===//
//
// Offloaded regions whose results are other regions' operands, as in a
// whole network: every region is found before any is outlined, so the
// regions must be disjoint and a later region must take an earlier one's
// call result, not the value outlining erased (both once crashed
// partitionModule on two ResNet blocks in a row).
//
//===----------------------------------------------------------------------===//
#include "backends/accel/offload/Partition.h"
#include "backends/accel/offload/RegionMatcher.h"
#include "ssa_ir/Verifier.h"

#include "IrTestHelpers.h"

#include <gtest/gtest.h>

#include "llvm/ADT/DenseSet.h"

using namespace tdl;
using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

/// Two dense layers; the second's saturating residual is the first's
/// result. The first region's walk reaches past the second matmul (it adds
/// the second's widened result), so the second region must end at its
/// narrowing cast.
const char *kDenseChain = R"(
func @f(%x: i8[4,16], %w1: i8[16,16], %w2: i8[16,16]) -> i8[4,16] {
  %m1 = matmul %x, %w1 : i32[4,16]
  %lo = constant {value = -128} : i32[4,16]
  %hi = constant {value = 127} : i32[4,16]
  %a1 = max %m1, %lo : i32[4,16]
  %b1 = min %a1, %hi : i32[4,16]
  %d1 = cast %b1 {dtype = i8} : i8[4,16]
  %m2 = matmul %x, %w2 : i32[4,16]
  %a2 = max %m2, %lo : i32[4,16]
  %b2 = min %a2, %hi : i32[4,16]
  %d2 = cast %b2 {dtype = i8} : i8[4,16]
  %w = cast %d2 {dtype = i32} : i32[4,16]
  %r = cast %d1 {dtype = i32} : i32[4,16]
  %s = add %w, %r : i32[4,16]
  %a3 = max %s, %lo : i32[4,16]
  %b3 = min %a3, %hi : i32[4,16]
  %y = cast %b3 {dtype = i8} : i8[4,16]
  return %y
}
)";

/// Two 1x1 conv blocks with a residual each; the first block's output is
/// the second's conv input and its (absorbed, widened) residual.
const char *kConvChain = R"(
func @f(%x: i8[1,16,4,4], %w1: i8[16,16,1,1], %w2: i8[16,16,1,1]) -> i8[1,16,4,4] {
  %lo = constant {value = -128} : i32[1,16,4,4]
  %hi = constant {value = 127} : i32[1,16,4,4]
  %c1 = conv2d %x, %w1 : i32[1,16,4,4]
  %x1 = cast %x {dtype = i32} : i32[1,16,4,4]
  %s1 = add %c1, %x1 : i32[1,16,4,4]
  %a1 = max %s1, %lo : i32[1,16,4,4]
  %b1 = min %a1, %hi : i32[1,16,4,4]
  %y1 = cast %b1 {dtype = i8} : i8[1,16,4,4]
  %c2 = conv2d %y1, %w2 : i32[1,16,4,4]
  %x2 = cast %y1 {dtype = i32} : i32[1,16,4,4]
  %s2 = add %c2, %x2 : i32[1,16,4,4]
  %a2 = max %s2, %lo : i32[1,16,4,4]
  %b2 = min %a2, %hi : i32[1,16,4,4]
  %y2 = cast %b2 {dtype = i8} : i8[1,16,4,4]
  return %y2
}
)";

void expectDisjoint(const std::vector<CandidateRegion> &rs) {
  llvm::DenseSet<const ir::Operation *> seen;
  for (const CandidateRegion &r : rs) {
    EXPECT_TRUE(seen.insert(r.seed).second);
    for (const ir::Operation *op : r.steps)
      EXPECT_TRUE(seen.insert(op).second) << "an op in two regions";
  }
}

void expectOutlinedAndUnchanged(const char *text, size_t regions) {
  auto m = parse(text);
  ASSERT_TRUE(m);
  std::vector<ir::RuntimeValue> args = randomI8Args(*m->lookup("f"), 1);
  std::vector<double> before = run(*m, args);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  EXPECT_EQ(p.offloaded.size(), regions);
  std::vector<std::string> errors = ir::verifyModuleMessages(*m);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(run(*m, args), before);
}

TEST(ChainedRegions, AnEarlierRegionsWalkEndsALaterOne) {
  auto m = parse(kDenseChain);
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 2u);
  expectDisjoint(rs);
  // The first takes the second's result as its i8 residual.
  EXPECT_EQ(rs[0].operandValues.size(), 1u);
  EXPECT_EQ(rs[0].operandValues[0], rs[1].result);
  expectOutlinedAndUnchanged(kDenseChain, 2);
}

TEST(ChainedRegions, ALaterRegionTakesTheEarlierCallsResult) {
  auto m = parse(kConvChain);
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 2u);
  expectDisjoint(rs);
  EXPECT_EQ(rs[1].operandValues.size(), 1u);
  EXPECT_EQ(rs[1].operandValues[0], rs[0].result);
  expectOutlinedAndUnchanged(kConvChain, 2);
}

} // namespace
