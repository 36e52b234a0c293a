//===- GemmRun.cpp - running a planned GEMM on host matrices -------------===//
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::Expected<GemmRun> runGemm(Simulator &sim, const GemmPlan &plan,
                                llvm::ArrayRef<int8_t> a,
                                llvm::ArrayRef<int8_t> b,
                                llvm::ArrayRef<std::vector<int32_t>> operands,
                                TraceWriter *trace) {
  auto error = [](std::string message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  const GemmOp &op = plan.op;
  if (llvm::Error e = checkPlanConfig(sim.getConfig(), plan.config))
    return e;
  if (a.size() != size_t(op.m) * op.k || b.size() != size_t(op.k) * op.n)
    return error(fmt::format("gemm inputs must have {}x{} and {}x{} "
                             "elements (got {} and {})",
                             op.m, op.k, op.k, op.n, a.size(), b.size()));
  if (llvm::Error e =
          checkEpilogueOperands("gemm", operands, op.operands.size(),
                                [&](unsigned i) { return op.operandSize(i); }))
    return e;
  Dram dram;
  packGemm(dram, plan.config, op, plan.layout, a, b, operands, plan.uops);
  RunResult result = sim.run(plan.insns, dram, trace);
  if (!result.ok())
    return error("accelerator fault at " + formatFault(*result.fault));
  return GemmRun{unpackGemmResult(dram, plan.config, op, plan.layout),
                 result.stats};
}

} // namespace tdl::accel
