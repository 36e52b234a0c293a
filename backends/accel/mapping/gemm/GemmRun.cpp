//===- GemmRun.cpp - running a planned GEMM on host matrices -------------===//
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
  // The program's sizes and addresses are only valid on the machine it
  // was planned for.
  if (configToJson(sim.getConfig()) != configToJson(plan.config))
    return error("the simulator's configuration differs from the plan's");
  if (a.size() != size_t(op.m) * op.k || b.size() != size_t(op.k) * op.n)
    return error(fmt::format("gemm inputs must have {}x{} and {}x{} "
                             "elements (got {} and {})",
                             op.m, op.k, op.k, op.n, a.size(), b.size()));
  if (operands.size() != op.operands.size())
    return error(fmt::format("the gemm has {} epilogue operands (got {})",
                             op.operands.size(), operands.size()));
  for (size_t i = 0; i < operands.size(); ++i)
    if (operands[i].size() != op.operandSize(unsigned(i)))
      return error(fmt::format("epilogue operand {} must have {} elements "
                               "(got {})",
                               i, op.operandSize(unsigned(i)),
                               operands[i].size()));
  Dram dram;
  packGemm(dram, plan.config, op, plan.layout, a, b, operands, plan.uops);
  RunResult result = sim.run(plan.insns, dram, trace);
  if (!result.ok())
    return error("accelerator fault at " + formatFault(*result.fault));
  return GemmRun{unpackGemmResult(dram, plan.config, op, plan.layout),
                 result.stats};
}

} // namespace tdl::accel
