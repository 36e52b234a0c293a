//===- Executor.cpp - run offloaded regions on the simulator --------------===//
#include "backends/accel/offload/Executor.h"
#include "backends/accel/offload/ConvGeometry.h"
#include "backends/accel/offload/GemmGeometry.h"

#include <fmt/format.h>

namespace tdl::accel {

Executor::Executor(const Config &config, const Partition &partition,
                   bool traced)
    : config(config), partition(partition), simulator(config),
      callsPerRegion(partition.offloaded.size(), 0) {
  if (traced)
    tracer.emplace(config);
}

static void accumulate(RunStats &into, const RunStats &run) {
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

llvm::Expected<bool> Executor::call(const ir::Function &callee,
                                    llvm::ArrayRef<ir::RuntimeValue> args,
                                    std::vector<ir::RuntimeValue> &results) {
  const OffloadRegion *region = partition.lookup(callee.getName());
  if (!region)
    return false;
  ++callsPerRegion[region - partition.offloaded.data()];
  const RegionShape &shape = region->shape;
  ir::RuntimeValue out = ir::RuntimeValue::zeros(callee.getResultTypes()[0]);
  std::vector<int8_t> a, b;
  for (unsigned g = 0; g < shape.numGemms; ++g) {
    std::vector<std::vector<int32_t>> operands;
    for (size_t i = 0; i < region->gemm.operands.size(); ++i) {
      OperandShape kind = region->gemm.operands[i];
      operands.push_back(region->convPlan
                             ? gatherConvOperand(shape, g, kind, args[2 + i])
                             : gatherGemmOperand(shape, g, kind, args[2 + i]));
      if (region->operandNegated[i])
        for (int32_t &v : operands.back()) // wrapping, as i32 `sub` is
          v = int32_t(0u - uint32_t(v));
    }
    if (tracer)
      tracer->setCycleOffset(total.cycles);
    TraceWriter *trace = tracer ? &*tracer : nullptr;
    std::vector<int8_t> c;
    RunStats stats;
    llvm::Error err = llvm::Error::success();
    if (region->convPlan) {
      gatherConvInputs(shape, g, args[0], args[1], a, b);
      llvm::Expected<ConvRun> run =
          runConv(simulator, *region->convPlan, a, b, operands, trace);
      if (run) {
        c = std::move(run->y);
        stats = run->stats;
      } else {
        err = run.takeError();
      }
    } else {
      gatherGemmInputs(shape, g, args[0], args[1], a, b);
      llvm::Expected<GemmRun> run =
          runGemm(simulator, region->plan, a, b, operands, trace);
      if (run) {
        c = std::move(run->c);
        stats = run->stats;
      } else {
        err = run.takeError();
      }
    }
    if (err)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(), "accelerator program for '%s': %s",
          region->function.c_str(), llvm::toString(std::move(err)).c_str());
    accumulate(total, stats);
    ++programs;
    if (region->convPlan)
      scatterConvResult(shape, g, c, out.mutableData<int8_t>());
    else
      scatterGemmResult(shape, g, c, out.mutableData<int8_t>());
  }
  results.push_back(std::move(out));
  return true;
}

void Executor::printStats(
    llvm::raw_ostream &os,
    llvm::function_ref<std::string(const ir::Location &)> where) const {
  os << fmt::format("accelerator: {} region(s) offloaded, {} kept on the "
                    "host, {} program run(s)\n",
                    partition.offloaded.size(), partition.kept.size(),
                    programs);
  for (size_t i = 0; i < partition.offloaded.size(); ++i) {
    const OffloadRegion &r = partition.offloaded[i];
    os << fmt::format("  @{} ({}): {} as {}, {} call(s)\n", r.function,
                      where(r.loc),
                      r.shape.kind == RegionKind::Conv2D ? "conv2d" : "matmul",
                      r.describeMapping(), callsPerRegion[i]);
  }
  for (const KeptRegion &k : partition.kept)
    os << fmt::format("  kept on the host ({} in @{}): {}\n", where(k.loc),
                      k.parent, k.reason);
  accel::printStats(os, total, config);
}

} // namespace tdl::accel
