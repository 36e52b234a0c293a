//===- Executor.h - run offloaded regions on the simulator -------*- C++
//-*-===//
//
// `tdlc run --backend=accel`: the host part of the program runs on the
// reference interpreter; a call to an outlined region is handed to the
// executor (InterpreterOptions::externalCall), which lays the operands out
// for the region's GEMMs, runs each GEMM's program on the bundled simulator
// (functional + timing) and assembles the result. Statistics and the trace
// accumulate over every program run.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_EXECUTOR_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_EXECUTOR_H

#include "backends/accel/offload/Partition.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Trace.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace tdl::accel {

class Executor {
public:
  Executor(const Config &config, const Partition &partition, bool traced);

  /// Runs `callee` on the accelerator if it is an offloaded region: fills
  /// `results` and returns true; false for any other function.
  llvm::Expected<bool> call(const ir::Function &callee,
                            llvm::ArrayRef<ir::RuntimeValue> args,
                            std::vector<ir::RuntimeValue> &results);

  /// Totals over every program run so far.
  const RunStats &totals() const { return total; }
  uint64_t programsRun() const { return programs; }
  /// The Chrome trace of every program, one after the other (when traced).
  const TraceWriter *trace() const { return tracer ? &*tracer : nullptr; }

  /// `--stats`: what was offloaded and kept, then the totals. `where`
  /// renders a location as `file:line:col`.
  void
  printStats(llvm::raw_ostream &os,
             llvm::function_ref<std::string(const ir::Location &)> where) const;

private:
  Config config;
  const Partition &partition;
  Simulator simulator;
  std::optional<TraceWriter> tracer;
  RunStats total;
  uint64_t programs = 0;
  std::vector<uint64_t> callsPerRegion;
};

} // namespace tdl::accel

#endif
