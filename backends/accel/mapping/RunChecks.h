//===- RunChecks.h - running a planned program on host tensors --*- C++ -*-===//
//
// Running a GEMM plan (gemm/GemmRun.cpp) or a conv plan (conv/ConvRun.cpp)
// on host tensors is one sequence (runPlanned): check that the simulator is
// the machine the plan was made for, the main inputs (their shapes are the
// family's own) and the epilogue operands the operator declares, pack a
// fresh DRAM, run, unpack. The two families reject bad input with the same
// words and report a fault the same way; each supplies its input check,
// packing and unpacking.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_RUNCHECKS_H
#define TDL_BACKENDS_ACCEL_MAPPING_RUNCHECKS_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/sim/Fault.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <ctime>
#include <vector>

namespace tdl::accel {

/// Success when the simulator's configuration is the plan's: a program's
/// sizes and addresses are only valid on the machine it was planned for.
llvm::Error checkPlanConfig(const Config &simConfig, const Config &planConfig);

/// Success when there are `count` operands and operand i has
/// `expectedSize(i)` elements; `family` ("gemm", "conv") names the
/// operator in the message.
llvm::Error checkEpilogueOperands(
    llvm::StringRef family, llvm::ArrayRef<std::vector<int32_t>> operands,
    size_t count, llvm::function_ref<uint64_t(unsigned)> expectedSize);

/// Writes `v` as the 4 little-endian bytes of an ACC element's lane at
/// `p`, whatever the host's byte order (packing epilogue operands).
void writeAccI32(uint8_t *p, int32_t v);

/// Writes `uops` encoded, 4 bytes each, at `address` (a plan's micro-op
/// table).
void writeUops(Dram &dram, uint64_t address, llvm::ArrayRef<MicroOp> uops);

/// Weights packed once: a caller running the same plan on the same weights
/// again keeps their packed DRAM bytes. When `packed` is set, those bytes
/// are copied as they are and the weights are not read (may be empty);
/// when `keep` is set, it receives the packed bytes.
struct PackedWeightsIo {
  const std::vector<uint8_t> *packed = nullptr;
  std::vector<uint8_t> *keep = nullptr;
};

/// The calling thread's CPU time in seconds: what the host's layout
/// conversions are timed with (single-threaded loops; on a shared machine
/// other processes' load does not inflate it as it does wall time).
inline double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

/// A planned program's run on host tensors: the result in the family's
/// host layout (row-major C, NCHW y) and the run's statistics.
struct PlanRun {
  std::vector<int8_t> out;
  RunStats stats;
  /// Host thread CPU time of pack and unpack: the layout conversions.
  double hostSeconds = 0;
};

/// Runs `plan` (a MappedPlan) on `sim` (functional + timing): the checks
/// above and `checkInputs()` (-> llvm::Error) first, then `pack(dram)`
/// into a fresh Dram, the program, and `unpack(dram)` (-> the result). A
/// simulator fault becomes an error naming the instruction; `family`
/// ("gemm", "conv") names the operator in the operand check.
template <typename Plan, typename CheckInputs, typename Pack, typename Unpack>
llvm::Expected<PlanRun>
runPlanned(Simulator &sim, const Plan &plan, llvm::StringRef family,
           llvm::ArrayRef<std::vector<int32_t>> operands,
           CheckInputs checkInputs, Pack pack, Unpack unpack,
           TraceWriter *trace) {
  if (llvm::Error e = checkPlanConfig(sim.getConfig(), plan.config))
    return e;
  if (llvm::Error e = checkInputs())
    return e;
  if (llvm::Error e = checkEpilogueOperands(
          family, operands, plan.op.operands.size(),
          [&](unsigned i) { return plan.op.operandSize(i); }))
    return e;
  Dram dram;
  double t0 = threadCpuSeconds();
  pack(dram);
  double packed = threadCpuSeconds() - t0;
  RunResult result = sim.run(plan.insns, dram, trace);
  if (!result.ok())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "accelerator fault at " +
                                       formatFault(*result.fault));
  double t1 = threadCpuSeconds();
  PlanRun run{unpack(dram), result.stats};
  run.hostSeconds = packed + (threadCpuSeconds() - t1);
  return run;
}

} // namespace tdl::accel

#endif
