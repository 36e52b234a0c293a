//===- PlanTestHelpers.h - what GEMM and conv plan tests check alike -----===//
//
// A GEMM plan and a conv plan are checked the same way: random inputs run
// through the plan must give the reference result at the plan's estimated
// cycles, and the plan's .tasm form must assemble back to its program.
// GemmTestHelpers.h and ConvTestHelpers.h supply each family's sizes and
// reference.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_UNIT_ACCEL_PLANTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_PLANTESTHELPERS_H

#include "AsmTestHelpers.h"
#include "SimTestHelpers.h"

#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/sim/Fault.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include "gtest/gtest.h"

#include <cstring>
#include <string>
#include <vector>

namespace tdl::accel::test {

/// Random inputs of a plan: the two i8 tensors (A and B, or x and w) over
/// the full i8 range (results wrap), epilogue operands in [-2000, 2000].
struct PlanInputs {
  std::vector<int8_t> lhs, rhs;
  std::vector<std::vector<int32_t>> operands;
};
template <typename Op>
PlanInputs randomPlanInputs(const Op &op, size_t lhsSize, size_t rhsSize,
                            unsigned seed) {
  PlanInputs in;
  in.lhs = randomI8(lhsSize, seed);
  in.rhs = randomI8(rhsSize, seed + 1);
  for (unsigned i = 0; i < op.operands.size(); ++i)
    in.operands.push_back(
        randomI32(op.operandSize(i), seed + 2 + i, -2000, 2000));
  return in;
}

/// Checks `run` of `plan` (`what` names it) against `want`, the reference
/// result (`where(i)` places element i in a message), and its cycles, DRAM
/// bytes and MACs against the plan's timing-only estimate. Returns the
/// run's stats.
template <typename Plan>
RunStats expectRunMatches(const Plan &plan, llvm::Expected<PlanRun> run,
                          const std::vector<int8_t> &want,
                          const std::string &what,
                          llvm::function_ref<std::string(size_t)> where) {
  if (!run) {
    ADD_FAILURE() << what << ": " << llvm::toString(run.takeError());
    return {};
  }
  size_t wrong = 0, first = 0;
  for (size_t i = 0; i < want.size(); ++i)
    if (run->out[i] != want[i] && wrong++ == 0)
      first = i;
  EXPECT_EQ(wrong, 0u) << what << ": first difference at " << where(first);
  EXPECT_EQ(run->stats.cycles, plan.estimate.cycles) << what;
  EXPECT_EQ(run->stats.totalBytes(), plan.estimate.totalBytes()) << what;
  EXPECT_EQ(run->stats.macs, plan.estimate.macs) << what;
  return run->stats;
}

/// Checks that `text`, the .tasm form of `plan`, assembles to the plan's
/// instructions, with its buffers at `addresses` (the micro-op table last,
/// decoding to plan.uops), and runs in the estimated cycles.
template <typename Plan>
void expectAsmIsPlan(const std::string &text, const Plan &plan,
                     llvm::ArrayRef<uint64_t> addresses) {
  const Config &config = plan.config;
  std::unique_ptr<Assembled> as = assembleText(text, config);
  ASSERT_TRUE(as->program.has_value())
      << (as->diagnostics.empty() ? "" : as->diagnostics[0]) << "\n"
      << text;
  EXPECT_EQ(as->program->insns, plan.insns);
  const std::vector<AsmBuffer> &buffers = as->program->buffers;
  ASSERT_EQ(buffers.size(), addresses.size());
  for (size_t i = 0; i < addresses.size(); ++i)
    EXPECT_EQ(buffers[i].address, addresses[i]) << "buffer " << i;
  const AsmBuffer &uops = buffers.back();
  ASSERT_EQ(uops.data.size(), plan.uops.size() * 4);
  for (size_t i = 0; i < plan.uops.size(); ++i) {
    uint32_t word;
    std::memcpy(&word, uops.data.data() + 4 * i, 4);
    EXPECT_EQ(decodeUop(word), plan.uops[i]);
  }
  // And it runs on the simulator as `tdlc sim` would.
  Dram dram;
  as->program->loadInto(dram, config);
  Simulator sim(config);
  RunResult r = sim.run(as->program->insns, dram);
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  EXPECT_EQ(r.stats.cycles, plan.estimate.cycles);
}

} // namespace tdl::accel::test

#endif
