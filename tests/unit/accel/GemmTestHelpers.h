//===- GemmTestHelpers.h - random GEMM cases checked against the reference ===//
#ifndef TDL_TESTS_UNIT_ACCEL_GEMMTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_GEMMTESTHELPERS_H

#include "PlanTestHelpers.h"

#include "backends/accel/mapping/gemm/GemmPlan.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

namespace tdl::accel::test {

/// Random A [M, K] and B [K, N] (PlanInputs::lhs, rhs) for `op`.
inline PlanInputs randomGemmInputs(const GemmOp &op, unsigned seed) {
  return randomPlanInputs(op, size_t(op.m) * op.k, size_t(op.k) * op.n, seed);
}

/// Runs `plan` on the functional + timing simulator and compares C with
/// referenceGemm; returns the run's stats.
inline RunStats expectPlanMatchesReference(const GemmPlan &plan,
                                           unsigned seed) {
  PlanInputs in = randomGemmInputs(plan.op, seed);
  Simulator sim(plan.config);
  return expectRunMatches(
      plan, runGemm(sim, plan, in.lhs, in.rhs, in.operands),
      referenceGemm(plan.op, in.lhs, in.rhs, in.operands),
      plan.op.describe() + " [" + plan.schedule.describe() + "]",
      [&](size_t i) {
        return std::to_string(i) + " (row " + std::to_string(i / plan.op.n) +
               ", col " + std::to_string(i % plan.op.n) + ")";
      });
}

/// A requantization epilogue: + bias[N], + rounding, >> shift, clamp.
inline GemmOp requantizedGemm(uint32_t m, uint32_t n, uint32_t k) {
  GemmOp op{m, n, k, {OperandShape::Row}, {}};
  op.epilogue = {{AluOp::Add, false, 0, 0},
                 {AluOp::Add, true, 32, 0},
                 {AluOp::Shr, true, 6, 0},
                 {AluOp::Max, true, -128, 0},
                 {AluOp::Min, true, 127, 0}};
  return op;
}

inline Config smallConfig(uint32_t batch, uint32_t blockIn, uint32_t blockOut,
                          uint32_t inpDepth, uint32_t wgtDepth,
                          uint32_t accDepth, uint32_t uopDepth = 8192) {
  Config c;
  c.batch = batch, c.blockIn = blockIn, c.blockOut = blockOut;
  c.inpDepth = inpDepth, c.wgtDepth = wgtDepth, c.accDepth = accDepth;
  c.uopDepth = uopDepth;
  return c;
}

} // namespace tdl::accel::test

#endif
