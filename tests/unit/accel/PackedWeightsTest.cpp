//===- PackedWeightsTest.cpp - a region's weights packed once -------------===//
//
// runRegion with PackedRegionWeights keeps each GEMM's packed weight bytes:
// a second call with the same weights reuses them (a GRU's steps), one
// with other weights packs again; every result is the interpreter's.
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

/// A batched matmul (4 GEMMs) and a grouped conv (2 groups).
const char *kModules[] = {R"(
func @f(%x: i8[4,8,40], %w: i8[4,40,24]) -> i8[4,8,24] {
  %m = matmul %x, %w : i32[4,8,24]
  %y = cast %m {dtype = i8} : i8[4,8,24]
  return %y
}
)",
                          R"(
func @f(%x: i8[1,32,6,6], %w: i8[32,16,3,3]) -> i8[1,32,6,6] {
  %c = conv2d %x, %w {groups = 2, padding = [1, 1, 1, 1]} : i32[1,32,6,6]
  %y = cast %c {dtype = i8} : i8[1,32,6,6]
  return %y
}
)"};

std::vector<double> runOnce(const OffloadRegion &r, PackedRegionWeights &pw,
                            const std::vector<ir::RuntimeValue> &args,
                            uint64_t &reused) {
  Simulator sim(r.config());
  std::vector<int8_t> out(args[0].getType().getNumElements() * 4, 0);
  RegionBuffers b{
      args[0].data<int8_t>(), args[1].data<int8_t>(), {}, out.data()};
  llvm::Expected<RegionTotals> t =
      runRegion(sim, r, b, nullptr, 0, nullptr, &pw);
  if (!t) {
    ADD_FAILURE() << llvm::toString(t.takeError());
    return {};
  }
  reused = t->weightsReused;
  uint64_t n = 1;
  for (int64_t d : regionOutput(r.shape))
    n *= uint64_t(d);
  return std::vector<double>(out.begin(), out.begin() + n);
}

TEST(PackedWeights, ReusedWhileTheBytesStay) {
  for (const char *text : kModules) {
    auto m = parse(text);
    ASSERT_TRUE(m);
    std::vector<ir::RuntimeValue> a = randomI8Args(*m->lookup("f"), 5),
                                  b = randomI8Args(*m->lookup("f"), 6);
    std::vector<double> wantA = run(*m, a), wantB = run(*m, b);
    // The same weights with another input.
    std::vector<ir::RuntimeValue> c = {b[0], a[1]};
    std::vector<double> wantC = run(*m, c);
    Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
    ASSERT_EQ(p.offloaded.size(), 1u);
    const OffloadRegion &r = p.offloaded[0];
    PackedRegionWeights pw;
    uint64_t reused = 9;
    EXPECT_EQ(runOnce(r, pw, a, reused), wantA);
    EXPECT_EQ(reused, 0u);
    EXPECT_EQ(pw.packed.size(), r.shape.numGemms);
    EXPECT_EQ(runOnce(r, pw, c, reused), wantC); // weights reused
    EXPECT_EQ(reused, 1u);
    EXPECT_EQ(runOnce(r, pw, b, reused), wantB); // other weights: packed
    EXPECT_EQ(reused, 0u);
    EXPECT_EQ(runOnce(r, pw, b, reused), wantB);
    EXPECT_EQ(reused, 1u);
    EXPECT_EQ(pw.reused, 2u);
  }
}

} // namespace
