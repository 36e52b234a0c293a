//===- GemmTestHelpers.h - random GEMM cases checked against the reference ===//
#ifndef TDL_TESTS_UNIT_ACCEL_GEMMTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_GEMMTESTHELPERS_H

#include "SimTestHelpers.h"

#include "backends/accel/mapping/gemm/GemmPlan.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

namespace tdl::accel::test {

/// Random inputs for `op`: A and B over the full i8 range (results wrap),
/// operands in [-2000, 2000].
struct GemmInputs {
  std::vector<int8_t> a, b;
  std::vector<std::vector<int32_t>> operands;
};
inline GemmInputs randomGemmInputs(const GemmOp &op, unsigned seed) {
  GemmInputs in;
  in.a = randomI8(size_t(op.m) * op.k, seed);
  in.b = randomI8(size_t(op.k) * op.n, seed + 1);
  for (unsigned i = 0; i < op.operands.size(); ++i)
    in.operands.push_back(
        randomI32(op.operandSize(i), seed + 2 + i, -2000, 2000));
  return in;
}

/// Runs `plan` on the functional + timing simulator and compares C with
/// referenceGemm; returns the run's stats.
inline RunStats expectPlanMatchesReference(const GemmPlan &plan,
                                           unsigned seed) {
  GemmInputs in = randomGemmInputs(plan.op, seed);
  Simulator sim(plan.config);
  llvm::Expected<GemmRun> run = runGemm(sim, plan, in.a, in.b, in.operands);
  if (!run) {
    ADD_FAILURE() << plan.op.describe() << " [" << plan.schedule.describe()
                  << "]: " << llvm::toString(run.takeError());
    return {};
  }
  std::vector<int8_t> want = referenceGemm(plan.op, in.a, in.b, in.operands);
  size_t wrong = 0, first = 0;
  for (size_t i = 0; i < want.size(); ++i)
    if (run->c[i] != want[i] && wrong++ == 0)
      first = i;
  EXPECT_EQ(wrong, 0u) << plan.op.describe() << " [" << plan.schedule.describe()
                       << "]: first difference at " << first << " (row "
                       << first / plan.op.n << ", col " << first % plan.op.n
                       << ")";
  // The timing of a run is the plan's estimate (timing-only mode).
  EXPECT_EQ(run->stats.cycles, plan.estimate.cycles);
  return run->stats;
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
