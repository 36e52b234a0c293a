//===- GemmRun.cpp - running a planned GEMM on host matrices -------------===//
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::Expected<PlanRun>
runGemm(Simulator &sim, const GemmPlan &plan, llvm::ArrayRef<int8_t> a,
        llvm::ArrayRef<int8_t> b, llvm::ArrayRef<std::vector<int32_t>> operands,
        TraceWriter *trace, const PackedWeightsIo &weights) {
  const GemmOp &op = plan.op;
  auto checkInputs = [&]() -> llvm::Error {
    if (a.size() != size_t(op.m) * op.k ||
        (!weights.packed && b.size() != size_t(op.k) * op.n))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("gemm inputs must have {}x{} and {}x{} elements (got "
                      "{} and {})",
                      op.m, op.k, op.k, op.n, a.size(), b.size()));
    return llvm::Error::success();
  };
  return runPlanned(
      sim, plan, "gemm", operands, checkInputs,
      [&](Dram &dram) {
        uint64_t bBytes =
            gemmBufferBytes(plan.config, op, plan.layout.transposed).b;
        packGemm(dram, plan.config, op, plan.layout, a, b, operands, plan.uops,
                 weights.packed ? weights.packed->data() : nullptr);
        if (weights.keep) {
          const uint8_t *bm = dram.data(plan.layout.bAddr);
          weights.keep->assign(bm, bm + bBytes);
        }
      },
      [&](const Dram &dram) {
        return unpackGemmResult(dram, plan.config, op, plan.layout);
      },
      trace);
}

} // namespace tdl::accel
