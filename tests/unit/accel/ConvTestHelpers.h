//===- ConvTestHelpers.h - random conv cases checked against the reference ===//
#ifndef TDL_TESTS_UNIT_ACCEL_CONVTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_CONVTESTHELPERS_H

#include "SimTestHelpers.h"

#include "backends/accel/mapping/conv/ConvPlan.h"

#include "gtest/gtest.h"

#include <vector>

namespace tdl::accel::test {

struct ConvInputs {
  std::vector<int8_t> x, w;
  std::vector<std::vector<int32_t>> operands;
};
inline ConvInputs randomConvInputs(const ConvOp &op, unsigned seed) {
  ConvInputs in;
  in.x = randomI8(size_t(op.n) * op.c * op.h * op.w, seed);
  in.w = randomI8(size_t(op.o) * op.c * op.kh * op.kw, seed + 1);
  for (unsigned i = 0; i < op.operands.size(); ++i)
    in.operands.push_back(
        randomI32(op.operandSize(i), seed + 2 + i, -2000, 2000));
  return in;
}

/// Runs `plan` (functional + timing) and compares y with referenceConv;
/// the run's cycles must be the plan's timing-only estimate.
inline RunStats expectConvMatchesReference(const ConvPlan &plan,
                                           unsigned seed) {
  ConvInputs in = randomConvInputs(plan.op, seed);
  Simulator sim(plan.config);
  llvm::Expected<ConvRun> run = runConv(sim, plan, in.x, in.w, in.operands);
  if (!run) {
    ADD_FAILURE() << plan.describe() << ": " << llvm::toString(run.takeError());
    return {};
  }
  std::vector<int8_t> want = referenceConv(plan.op, in.x, in.w, in.operands);
  size_t wrong = 0, first = 0;
  for (size_t i = 0; i < want.size(); ++i)
    if (run->y[i] != want[i] && wrong++ == 0)
      first = i;
  EXPECT_EQ(wrong, 0u) << plan.describe() << ": first difference at " << first;
  EXPECT_EQ(run->stats.cycles, plan.estimate.cycles) << plan.describe();
  EXPECT_EQ(run->stats.totalBytes(), plan.estimate.totalBytes());
  EXPECT_EQ(run->stats.macs, plan.estimate.macs);
  return run->stats;
}

/// + bias[O], + rounding, >> shift, clamp to i8.
inline std::vector<EpilogueStep> requantizeSteps() {
  return {{AluOp::Add, false, 0, 0},
          {AluOp::Add, true, 32, 0},
          {AluOp::Shr, true, 6, 0},
          {AluOp::Max, true, -128, 0},
          {AluOp::Min, true, 127, 0}};
}

inline ConvOp convOp(uint32_t n, uint32_t c, uint32_t h, uint32_t w, uint32_t o,
                     uint32_t kh, uint32_t kw, uint32_t stride = 1,
                     uint32_t pad = 0, uint32_t dilation = 1) {
  ConvOp op;
  op.n = n, op.c = c, op.h = h, op.w = w, op.o = o, op.kh = kh, op.kw = kw;
  op.strideH = op.strideW = stride;
  op.dilationH = op.dilationW = dilation;
  op.padTop = op.padBottom = op.padLeft = op.padRight = pad;
  return op;
}

inline ConvOp requantized(ConvOp op) {
  op.operands = {OperandShape::Row};
  op.epilogue = requantizeSteps();
  return op;
}

} // namespace tdl::accel::test

#endif
