//===- OffloadTest.cpp - region matching and partitioning on small IR -----===//
//
// backends/accel/offload/ on hand-written IR: which regions RegionMatcher
// finds (an i8 x i8 -> i32 matmul / conv2d, its i32 epilogue steps, the
// narrowing cast, an i8 clamp after it) and which it must not, and what
// partitionModule does with them under each policy: the outlined function,
// the call left in its place, and a module that verifies and computes what
// it computed before (the outlined body is still IR the interpreter runs).
//
//===----------------------------------------------------------------------===//
#include "backends/accel/offload/Partition.h"
#include "backends/accel/offload/RegionMatcher.h"
#include "basic/Diagnostic.h"
#include "basic/SourceManager.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/interp/Interpreter.h"

#include "IrTestHelpers.h"

#include <gtest/gtest.h>

#include <random>

using namespace tdl;
using namespace tdl::accel;
using tdl::accel::test::run;

namespace {

std::unique_ptr<ir::Module> parse(const std::string &text) {
  SourceManager sources;
  DiagnosticEngine diags(sources);
  unsigned id = sources.addBuffer("test.tir", text);
  std::unique_ptr<ir::Module> m = ir::parseModule(id, diags);
  EXPECT_TRUE(m) << text;
  if (m) {
    std::vector<std::string> errors = ir::verifyModuleMessages(*m);
    EXPECT_TRUE(errors.empty()) << errors.front();
  }
  return m;
}

std::string print(const ir::Module &m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  ir::printModule(m, os);
  return s;
}

/// The epilogue qdense + qrelu lower to
/// (tests/lit/accel-backend/partition.tdl).
const char *kDense = R"(
func @f(%x: i8[16,64], %w: i8[64,32], %b: i32[32]) -> i8[16,32] {
  %m = matmul %x, %w : i32[16,32]
  %bb = broadcast %b {dims = [1], shape = [16, 32]} : i32[16,32]
  %a = add %m, %bb : i32[16,32]
  %r = constant {value = 64} : i32[16,32]
  %a2 = add %a, %r : i32[16,32]
  %s = constant {value = 7} : i32[16,32]
  %sh = shr %a2, %s : i32[16,32]
  %lo = constant {value = -128} : i32[16,32]
  %c1 = max %sh, %lo : i32[16,32]
  %hi = constant {value = 127} : i32[16,32]
  %c2 = min %c1, %hi : i32[16,32]
  %n = cast %c2 {dtype = i8} : i8[16,32]
  %z = constant {value = 0} : i8[16,32]
  %y = max %n, %z : i8[16,32]
  return %y
}
)";

TEST(RegionMatcher, MatmulWithEpilogueCastAndClamp) {
  auto m = parse(kDense);
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 1u);
  const CandidateRegion &r = rs[0];
  EXPECT_EQ(r.seed->getOpcode(), ir::Opcode::Matmul);
  // add bias, add, shr, max, min, the cast, the i8 relu after the clamp
  ASSERT_EQ(r.steps.size(), 7u);
  EXPECT_EQ(r.steps[5]->getOpcode(), ir::Opcode::Cast);
  // The returned value.
  EXPECT_EQ(r.result, m->lookup("f")->getBody().getOps().back()->getOperand(0));
  EXPECT_EQ(r.shape.kind, RegionKind::Matmul);
  EXPECT_EQ(r.shape.m, 16u);
  EXPECT_EQ(r.shape.n, 32u);
  EXPECT_EQ(r.shape.k, 64u);
  EXPECT_EQ(r.shape.numGemms, 1u);
}

TEST(RegionMatcher, ConvWithCast) {
  auto m = parse(R"(
func @f(%x: i8[1,4,8,8], %w: i8[8,4,3,3]) -> i8[1,8,6,6] {
  %c = conv2d %x, %w : i32[1,8,6,6]
  %n = cast %c {dtype = i8} : i8[1,8,6,6]
  return %n
}
)");
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].seed->getOpcode(), ir::Opcode::Conv2D);
  EXPECT_EQ(rs[0].shape.kind, RegionKind::Conv2D);
  ASSERT_EQ(rs[0].steps.size(), 1u); // the cast
  EXPECT_TRUE(rs[0].gemm.epilogue.empty());
}

/// A residual block's tail after the requantizing clamp: the i8 add of the
/// block's input (wrapping) and a ReLU. The add only needs the low byte; the
/// ReLU compares, so the accumulator's low byte is sign-extended first.
TEST(RegionMatcher, WrappingResidualAddAndRelu) {
  auto m = parse(R"(
func @f(%x: i8[1,8,6,6], %w: i8[8,8,1,1]) -> i8[1,8,6,6] {
  %c = conv2d %x, %w : i32[1,8,6,6]
  %s = constant {value = 4} : i32[1,8,6,6]
  %sh = shr %c, %s : i32[1,8,6,6]
  %lo = constant {value = -128} : i32[1,8,6,6]
  %c1 = max %sh, %lo : i32[1,8,6,6]
  %hi = constant {value = 127} : i32[1,8,6,6]
  %c2 = min %c1, %hi : i32[1,8,6,6]
  %n = cast %c2 {dtype = i8} : i8[1,8,6,6]
  %r = add %n, %x : i8[1,8,6,6]
  %z = constant {value = 0} : i8[1,8,6,6]
  %y = max %r, %z : i8[1,8,6,6]
  return %y
}
)");
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 1u);
  const CandidateRegion &r = rs[0];
  EXPECT_EQ(r.result, m->lookup("f")->getBody().getOps().back()->getOperand(0));
  ASSERT_EQ(r.operandI8, std::vector<bool>{true});
  EXPECT_EQ(r.gemm.operands, std::vector<OperandShape>{OperandShape::Full});
  std::vector<EpilogueStep> want = {
      {AluOp::Shr, true, 4, 0},   {AluOp::Max, true, -128, 0},
      {AluOp::Min, true, 127, 0}, {AluOp::Add, false, 0, 0},
      {AluOp::Shr, true, -24, 0}, {AluOp::Shr, true, 24, 0},
      {AluOp::Max, true, 0, 0}};
  EXPECT_EQ(r.gemm.epilogue, want);
}

/// The saturating residual (std.quant's qadd): widen, add the widened
/// input, clamp, narrow, ReLU. The input's widening cast joins the region
/// (the host passes the i8 tensor); every clamp keeps the accumulator in
/// the i8 range, so no sign extension is needed.
TEST(RegionMatcher, SaturatingResidualAbsorbsTheWidening) {
  auto m = parse(R"(
func @f(%x: i8[1,8,6,6], %w: i8[8,8,1,1]) -> i8[1,8,6,6] {
  %c = conv2d %x, %w : i32[1,8,6,6]
  %lo = constant {value = -128} : i32[1,8,6,6]
  %c1 = max %c, %lo : i32[1,8,6,6]
  %hi = constant {value = 127} : i32[1,8,6,6]
  %c2 = min %c1, %hi : i32[1,8,6,6]
  %n = cast %c2 {dtype = i8} : i8[1,8,6,6]
  %nw = cast %n {dtype = i32} : i32[1,8,6,6]
  %xw = cast %x {dtype = i32} : i32[1,8,6,6]
  %a = add %nw, %xw : i32[1,8,6,6]
  %a1 = max %a, %lo : i32[1,8,6,6]
  %a2 = min %a1, %hi : i32[1,8,6,6]
  %y = cast %a2 {dtype = i8} : i8[1,8,6,6]
  return %y
}
)");
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 1u);
  const CandidateRegion &r = rs[0];
  EXPECT_EQ(r.operandI8, std::vector<bool>{true});
  EXPECT_EQ(r.operandValues[0], m->lookup("f")->getBody().getArgument(0));
  std::vector<EpilogueStep> want = {{AluOp::Max, true, -128, 0},
                                    {AluOp::Min, true, 127, 0},
                                    {AluOp::Add, false, 0, 0},
                                    {AluOp::Max, true, -128, 0},
                                    {AluOp::Min, true, 127, 0}};
  EXPECT_EQ(r.gemm.epilogue, want);
  // Partitioned, the module still computes what it computed before.
  std::string before = print(*m);
  Partition p = partitionModule(*m, Config(), OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 1u);
  EXPECT_EQ(p.offloaded[0].operandI8, std::vector<bool>{true});
  EXPECT_TRUE(ir::verifyModuleMessages(*m).empty()) << print(*m);
  EXPECT_NE(print(*m), before);
}

/// A walk that widens again but never narrows ends at the last i8 value.
TEST(RegionMatcher, EndsAtTheLastI8Value) {
  auto m = parse(R"(
func @f(%x: i8[16,16], %w: i8[16,16], %t: i32[16,16]) -> i32[16,16] {
  %m = matmul %x, %w : i32[16,16]
  %n = cast %m {dtype = i8} : i8[16,16]
  %nw = cast %n {dtype = i32} : i32[16,16]
  %a = add %nw, %t : i32[16,16]
  return %a
}
)");
  ASSERT_TRUE(m);
  std::vector<CandidateRegion> rs = findOffloadableRegions(*m->lookup("f"));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].steps.size(), 1u);
  EXPECT_TRUE(rs[0].gemm.epilogue.empty());
  EXPECT_TRUE(rs[0].operandI8.empty());
}

TEST(RegionMatcher, WhatItMustNotMatch) {
  // Each function holds a matmul the accelerator cannot run as a region.
  auto m = parse(R"(
func @no_cast(%x: i8[16,16], %w: i8[16,16]) -> i32[16,16] {
  %m = matmul %x, %w : i32[16,16]
  return %m
}
func @float(%x: f32[16,16], %w: f32[16,16]) -> f32[16,16] {
  %m = matmul %x, %w : f32[16,16]
  return %m
}
func @no_alu_op(%x: i8[16,16], %w: i8[16,16]) -> i8[16,16] {
  %m = matmul %x, %w : i32[16,16]
  %d = constant {value = 3} : i32[16,16]
  %q = div %m, %d : i32[16,16]
  %n = cast %q {dtype = i8} : i8[16,16]
  return %n
}
func @two_uses(%x: i8[16,16], %w: i8[16,16]) -> (i8[16,16], i32[16,16]) {
  %m = matmul %x, %w : i32[16,16]
  %n = cast %m {dtype = i8} : i8[16,16]
  return %n, %m
}
)");
  ASSERT_TRUE(m);
  for (const char *fn : {"no_cast", "float", "no_alu_op", "two_uses"})
    EXPECT_TRUE(findOffloadableRegions(*m->lookup(fn)).empty()) << fn;
}

ir::RuntimeValue randomI8(std::mt19937 &rng, const ir::Type &t) {
  std::vector<int8_t> v(t.getNumElements());
  for (int8_t &x : v)
    x = int8_t(int(rng() % 256) - 128);
  return ir::RuntimeValue::fromVector<int8_t>(t, v);
}

std::vector<ir::RuntimeValue> denseArgs() {
  std::mt19937 rng(3);
  std::vector<int32_t> bias(32);
  for (size_t i = 0; i < bias.size(); ++i)
    bias[i] = int32_t(i) * 37 - 500;
  return {randomI8(rng, ir::Type::tensor(ir::DType::I8, {16, 64})),
          randomI8(rng, ir::Type::tensor(ir::DType::I8, {64, 32})),
          ir::RuntimeValue::fromVector<int32_t>(
              ir::Type::tensor(ir::DType::I32, {32}), bias)};
}

TEST(Partition, AlwaysOutlinesTheRegionAndKeepsTheResult) {
  auto m = parse(kDense);
  ASSERT_TRUE(m);
  std::vector<double> before = run(*m, denseArgs());
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Always);
  ASSERT_EQ(p.offloaded.size(), 1u);
  EXPECT_TRUE(p.kept.empty());
  const OffloadRegion &r = p.offloaded[0];
  EXPECT_EQ(r.function, "f.accel0");
  EXPECT_EQ(r.parent, "f");
  EXPECT_EQ(p.lookup("f.accel0"), &r);
  EXPECT_FALSE(p.lookup("f"));
  ASSERT_TRUE(m->lookup("f.accel0"));
  std::vector<std::string> errors = ir::verifyModuleMessages(*m);
  EXPECT_TRUE(errors.empty()) << errors.front();
  // @f now calls the outlined function in the region's place.
  bool calls = false;
  for (const auto &op : m->lookup("f")->getBody().getOps())
    calls |= op->getOpcode() == ir::Opcode::Call;
  EXPECT_TRUE(calls) << print(*m);
  EXPECT_EQ(run(*m, denseArgs()), before);
}

TEST(Partition, NeverLeavesTheModuleAlone) {
  auto m = parse(kDense);
  ASSERT_TRUE(m);
  std::string before = print(*m);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Never);
  EXPECT_TRUE(p.offloaded.empty());
  EXPECT_EQ(print(*m), before);
}

TEST(Partition, AutoKeepsASmallLayerOnTheHost) {
  // Transfers cost more than the host's MACs for 16x64x32
  // (tests/lit/accel-backend/partition.tdl checks the same with --stats).
  auto m = parse(kDense);
  ASSERT_TRUE(m);
  Partition p = partitionModule(*m, Config{}, OffloadPolicy::Auto);
  EXPECT_TRUE(p.offloaded.empty());
  ASSERT_EQ(p.kept.size(), 1u);
  EXPECT_EQ(p.kept[0].parent, "f");
  EXPECT_NE(p.kept[0].reason.find("cheaper on the host"), std::string::npos)
      << p.kept[0].reason;
}

} // namespace
