//===- ConvTestHelpers.h - random conv cases checked against the reference ===//
#ifndef TDL_TESTS_UNIT_ACCEL_CONVTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_CONVTESTHELPERS_H

#include "PlanTestHelpers.h"

#include "backends/accel/mapping/conv/ConvPlan.h"

#include "gtest/gtest.h"

#include <vector>

namespace tdl::accel::test {

/// Random x [N, C, H, W] and w [O, C, KH, KW] (PlanInputs::lhs, rhs).
inline PlanInputs randomConvInputs(const ConvOp &op, unsigned seed) {
  return randomPlanInputs(op, size_t(op.n) * op.c * op.h * op.w,
                          size_t(op.o) * op.c * op.kh * op.kw, seed);
}

/// Runs `plan` (functional + timing) and compares y with referenceConv;
/// the run's cycles must be the plan's timing-only estimate.
inline RunStats expectConvMatchesReference(const ConvPlan &plan,
                                           unsigned seed) {
  PlanInputs in = randomConvInputs(plan.op, seed);
  Simulator sim(plan.config);
  return expectRunMatches(plan, runConv(sim, plan, in.lhs, in.rhs, in.operands),
                          referenceConv(plan.op, in.lhs, in.rhs, in.operands),
                          plan.describe(),
                          [](size_t i) { return std::to_string(i); });
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
