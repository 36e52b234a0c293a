//===- RegionProgramTest.cpp - region programs and their descriptions -----===//
//
// A region's description (RegionJson.h) rebuilds exactly the program the
// compiler planned, and runRegion on host tensors equals the reference
// semantics (referenceGemm / referenceConv) for matmul and conv regions.
//
//===----------------------------------------------------------------------===//
#include "GemmTestHelpers.h"

#include "backends/accel/host/RegionJson.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/mapping/conv/ConvOp.h"

#include "gtest/gtest.h"

namespace tdl::accel {
namespace {

using test::randomI32;
using test::randomI8;

/// A matmul region [m, k] x [k, n] + bias row, requantized.
RegionProgram matmulRegion(uint32_t m, uint32_t n, uint32_t k) {
  RegionProgram r;
  r.shape.kind = RegionKind::Matmul;
  r.shape.lhs = {m, k};
  r.shape.rhs = {k, n};
  r.shape.result = {m, n};
  r.shape.m = m, r.shape.n = n, r.shape.k = k;
  r.gemm = test::requantizedGemm(m, n, k);
  r.operandNegated = {false};
  llvm::Expected<GemmPlan> plan = planGemm(Config(), r.gemm);
  EXPECT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  r.plan = std::move(*plan);
  return r;
}

/// A grouped conv2d region (stride 2, padding 1), directly mapped.
RegionProgram convRegion() {
  RegionProgram r;
  RegionShape &s = r.shape;
  s.kind = RegionKind::Conv2D;
  s.lhs = {2, 8, 9, 9};
  s.rhs = {16, 4, 3, 3}; // 2 groups
  s.conv.stride = {2, 2};
  s.conv.padding = {1, 1, 1, 1};
  s.conv.groups = 2;
  s.result = {2, 16, 5, 5};
  s.numGemms = 2;
  s.m = 2 * 5 * 5, s.n = 8, s.k = 4 * 3 * 3;
  r.gemm = test::requantizedGemm(s.m, s.n, s.k);
  r.operandNegated = {true};
  llvm::Expected<ConvPlan> plan = planConv(Config(), convOpOf(s, r.gemm));
  EXPECT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  r.convPlan = std::move(*plan);
  return r;
}

std::vector<InsnWord> encodeAll(llvm::ArrayRef<Instruction> insns) {
  std::vector<InsnWord> out;
  for (const Instruction &i : insns)
    out.push_back(llvm::cantFail(encode(i)));
  return out;
}

TEST(RegionJsonTest, MatmulRebuildsThePlannedProgram) {
  RegionProgram r = matmulRegion(64, 48, 80);
  std::string json = regionToJson(r, "@f.accel0 (m.tdl:3:9)");
  llvm::Expected<DescribedRegion> back = regionFromJson(json);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->label, "@f.accel0 (m.tdl:3:9)");
  EXPECT_EQ(back->program.describeMapping(), r.describeMapping());
  EXPECT_EQ(back->program.gemm, r.gemm);
  EXPECT_EQ(encodeAll(back->program.plan.insns), encodeAll(r.plan.insns));
  EXPECT_EQ(back->program.plan.uops.size(), r.plan.uops.size());
  // Printing the rebuilt program describes it the same way.
  EXPECT_EQ(regionToJson(back->program, back->label), json);
}

TEST(RegionJsonTest, ConvRebuildsThePlannedProgram) {
  RegionProgram r = convRegion();
  std::string json = regionToJson(r, "conv");
  llvm::Expected<DescribedRegion> back = regionFromJson(json);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  ASSERT_TRUE(back->program.convPlan.has_value());
  EXPECT_EQ(back->program.convPlan->op, r.convPlan->op);
  EXPECT_EQ(encodeAll(back->program.convPlan->insns),
            encodeAll(r.convPlan->insns));
  EXPECT_EQ(back->program.operandNegated, r.operandNegated);
  EXPECT_EQ(back->program.operandI8, std::vector<bool>{false});
}

TEST(RegionJsonTest, BadDescriptionsAreErrors) {
  std::string good = regionToJson(matmulRegion(16, 16, 16), "x");
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"kind\":\"matmul\"", "\"kind\":\"pool\""},
           {"\"gemms\":1", "\"gemms\":\"one\""},
           {"\"negated\":[false]", "\"negated\":[]"},
           {"\"i8_operands\":[false]", "\"i8_operands\":[]"},
           // An i8 operand is a residual of the result's shape, never a row.
           {"\"i8_operands\":[false]", "\"i8_operands\":[true]"},
           {"\"op\":\"ADD\"", "\"op\":\"XOR\""},
           {"\"tile\":[", "\"tile\":7,\"x\":["},
           {"{", "["}}) {
    std::string bad = good;
    size_t at = bad.find(from);
    ASSERT_NE(at, std::string::npos) << from << " in " << good;
    bad.replace(at, from.size(), to);
    llvm::Expected<DescribedRegion> r = regionFromJson(bad);
    ASSERT_FALSE(bool(r)) << bad;
    EXPECT_NE(llvm::toString(r.takeError()).find("invalid region"),
              std::string::npos);
  }
  llvm::Expected<DescribedRegion> truncated = regionFromJson("{\"label\":");
  EXPECT_FALSE(bool(truncated));
  llvm::consumeError(truncated.takeError());
}

/// A residual operand arrives as i8 and reaches runRegion widened; i32
/// operands pass through untouched.
TEST(RegionOperandsTest, WidensI8Operands) {
  RegionProgram r;
  r.shape.result = {2, 3};
  r.gemm.operands = {OperandShape::Row, OperandShape::Full};
  r.operandI8 = {false, true};
  std::vector<int32_t> bias = {1, 2, 3};
  std::vector<int8_t> residual = {-128, -1, 0, 1, 127, 5};
  const void *inputs[] = {bias.data(), residual.data()};
  std::vector<std::vector<int32_t>> widened;
  std::vector<const int32_t *> ops = regionOperands(r, inputs, widened);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0], bias.data());
  EXPECT_EQ(std::vector<int32_t>(ops[1], ops[1] + 6),
            (std::vector<int32_t>{-128, -1, 0, 1, 127, 5}));
}

TEST(RunRegionTest, MatmulEqualsTheReference) {
  RegionProgram r = matmulRegion(40, 24, 56);
  std::vector<int8_t> x = randomI8(40 * 56, 1), w = randomI8(56 * 24, 2);
  std::vector<int32_t> bias = randomI32(24, 3, -2000, 2000);
  std::vector<int8_t> y(40 * 24);
  RegionBuffers buffers{x.data(), w.data(), {bias.data()}, y.data()};
  Simulator sim(r.config());
  llvm::Expected<RegionTotals> run = runRegion(sim, r, buffers);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  const RegionTotals &totals = *run;
  EXPECT_EQ(y, referenceGemm(r.gemm, x, w, {bias}));
  EXPECT_EQ(totals.programs, 1u);
  // The hardware's MACs: N and K padded to whole 16-wide blocks.
  EXPECT_EQ(totals.stats.macs, 40u * 32 * 64);
}

TEST(RunRegionTest, GroupedConvEqualsTheReference) {
  RegionProgram r = convRegion();
  const RegionShape &s = r.shape;
  std::vector<int8_t> x = randomI8(2 * 8 * 9 * 9, 4), w = randomI8(16 * 36, 5);
  std::vector<int32_t> bias = randomI32(16, 6, -2000, 2000);
  std::vector<int8_t> y(2 * 16 * 5 * 5);
  RegionBuffers buffers{x.data(), w.data(), {bias.data()}, y.data()};
  Simulator sim(r.config());
  llvm::Expected<RegionTotals> run = runRegion(sim, r, buffers);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  const RegionTotals &totals = *run;
  EXPECT_EQ(totals.programs, 2u);
  // The reference per group, with the negated bias the host applies.
  for (unsigned g = 0; g < 2; ++g) {
    ConvOp op = convOpOf(s, r.gemm);
    std::vector<int8_t> xg, wg;
    gatherConvInputs(s, g, x.data(), w.data(), xg, wg);
    std::vector<int32_t> bg(bias.begin() + g * 8, bias.begin() + g * 8 + 8);
    for (int32_t &v : bg)
      v = -v;
    std::vector<int8_t> want = referenceConv(op, xg, wg, {bg});
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t o = 0; o < 8; ++o)
        for (int64_t p = 0; p < 25; ++p)
          ASSERT_EQ(y[(n * 16 + g * 8 + o) * 25 + p],
                    want[(n * 8 + o) * 25 + p])
              << "group " << g << " image " << n << " channel " << o;
  }
}

} // namespace
} // namespace tdl::accel
