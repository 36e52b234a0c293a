//===- RegionProgram.cpp - running one region's programs ------------------===//
#include "backends/accel/host/RegionProgram.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/sim/Trace.h"

#include <fmt/format.h>

#include <algorithm>

namespace tdl::accel {

std::string RegionProgram::describeMapping() const {
  std::string text =
      convPlan ? fmt::format("direct conv x{}, {}", shape.numGemms,
                             convPlan->schedule.describe())
               : fmt::format("{} x{} {}x{}x{}, {}",
                             shape.kind == RegionKind::Conv2D ? "im2col GEMM"
                                                              : "GEMM",
                             shape.numGemms, shape.m, shape.n, shape.k,
                             plan.describeSchedule());
  // What the program does beyond the epilogue, so --stats shows it.
  unsigned residuals =
      unsigned(std::count(operandI8.begin(), operandI8.end(), true));
  if (residuals)
    text += fmt::format(", {} i8 residual(s) added", residuals);
  if (const ConvPool &p = shape.pool; p.present())
    text += fmt::format(", {} {}x{} stride {}x{} fused",
                        p.average ? "avg_pool2d" : "max_pool2d", p.kh, p.kw,
                        p.strideH, p.strideW);
  return text;
}

std::vector<int64_t> regionOutput(const RegionShape &shape) {
  std::vector<int64_t> out = shape.result;
  const ConvPool &p = shape.pool;
  if (p.present() && out.size() == 4) {
    out[2] =
        pooledSize(uint32_t(out[2]), p.kh, p.strideH, p.padTop, p.padBottom);
    out[3] =
        pooledSize(uint32_t(out[3]), p.kw, p.strideW, p.padLeft, p.padRight);
  }
  return out;
}

void accumulateStats(RunStats &into, const RunStats &run) {
  into.cycles += run.cycles;
  for (unsigned i = 0; i < NumModules; ++i) {
    into.modules[i].instructions += run.modules[i].instructions;
    into.modules[i].busyCycles += run.modules[i].busyCycles;
    into.modules[i].stallTokenCycles += run.modules[i].stallTokenCycles;
    into.modules[i].stallDramCycles += run.modules[i].stallDramCycles;
  }
  for (unsigned i = 0; i < NumTraffic; ++i)
    into.bytes[i] += run.bytes[i];
  into.macs += run.macs;
}

std::vector<const int32_t *>
regionOperands(const RegionProgram &region, const void *const *inputs,
               std::vector<std::vector<int32_t>> &widened) {
  std::vector<const int32_t *> out;
  widened.assign(region.gemm.operands.size(), {});
  for (size_t i = 0; i < region.gemm.operands.size(); ++i) {
    if (i >= region.operandI8.size() || !region.operandI8[i]) {
      out.push_back(static_cast<const int32_t *>(inputs[i]));
      continue;
    }
    // An i8 operand is a residual of the result's shape (Full).
    const int8_t *p = static_cast<const int8_t *>(inputs[i]);
    uint64_t n = 1;
    for (int64_t d : region.shape.result)
      n *= uint64_t(d);
    widened[i].assign(p, p + n);
    out.push_back(widened[i].data());
  }
  return out;
}

llvm::Expected<RegionTotals> runRegion(Simulator &sim,
                                       const RegionProgram &region,
                                       const RegionBuffers &buffers,
                                       TraceWriter *trace,
                                       uint64_t traceStart) {
  const RegionShape &shape = region.shape;
  RegionTotals totals;
  std::vector<int8_t> a, b;
  for (unsigned g = 0; g < shape.numGemms; ++g) {
    std::vector<std::vector<int32_t>> operands;
    for (size_t i = 0; i < region.gemm.operands.size(); ++i) {
      OperandShape kind = region.gemm.operands[i];
      const int32_t *value = buffers.operands[i];
      operands.push_back(region.convPlan
                             ? gatherConvOperand(shape, g, kind, value)
                             : gatherGemmOperand(shape, g, kind, value));
      if (region.operandNegated[i])
        for (int32_t &v : operands.back()) // wrapping, as i32 `sub` is
          v = int32_t(0u - uint32_t(v));
    }
    if (trace)
      trace->setCycleOffset(traceStart + totals.stats.cycles);
    if (region.convPlan)
      gatherConvInputs(shape, g, buffers.lhs, buffers.rhs, a, b);
    else
      gatherGemmInputs(shape, g, buffers.lhs, buffers.rhs, a, b);
    llvm::Expected<PlanRun> run =
        region.convPlan ? runConv(sim, *region.convPlan, a, b, operands, trace)
                        : runGemm(sim, region.plan, a, b, operands, trace);
    if (!run)
      return run.takeError();
    accumulateStats(totals.stats, run->stats);
    ++totals.programs;
    if (region.convPlan)
      scatterConvResult(shape, g, run->out, buffers.result);
    else
      scatterGemmResult(shape, g, run->out, buffers.result);
  }
  return totals;
}

} // namespace tdl::accel
