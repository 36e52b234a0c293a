//===- Simulator.h - the timing model driving the functional core -*- C++
//-*-===//
//
// One run both computes results and times them (ACCEL.md §4). The model is
// event-driven: it repeatedly picks, among the three modules (LOAD, COMPUTE,
// STORE, each in order), the one whose next instruction can start earliest —
// its module is free and every token it pops is available — executes it on
// the FunctionalSim, and advances that module's clock to the finish time. So
// no idle cycle is ever simulated one by one, and instructions execute in
// the order of their start times (the DRAM channel's request order).
//
//   start  = max(module free, arrival of every popped token)
//   DMA    : grant = max(start, channel free)
//            end   = grant + dram_latency + ceil(bytes / dram_bytes_per_cycle)
//            (the channel is held from grant to end)
//   GEMM   : end = start + iter_out*iter_in*(uop_end-uop_bgn)*gemm_ii
//                  + PipelineDepth
//   ALU    : same with alu_ii_imm / alu_ii_tensor
//   x_size == 0 and FINISH take 0 cycles; pushed tokens arrive at `end`.
//
// Token queues are unbounded. If no module can start, the run faults with a
// deadlock that names what every blocked module waits for.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_SIM_SIMULATOR_H
#define TDL_BACKENDS_ACCEL_SIM_SIMULATOR_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/sim/Fault.h"
#include "backends/accel/sim/FunctionalSim.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>

namespace tdl::accel {

class TraceWriter;

struct RunResult {
  RunStats stats;             // up to the fault, if any
  std::optional<Fault> fault; // set when the program broke a rule
  bool ok() const { return !fault; }
};

/// The four dependency-token queues (ACCEL.md §2).
enum class TokenQueue : uint8_t { L2C, C2L, C2S, S2C };
llvm::StringRef tokenQueueName(TokenQueue q); // "l2c", ...

class Simulator {
public:
  /// Cycles a GEMM or ALU instruction takes on top of its iterations
  /// (fill and drain of the MAC/ALU pipeline).
  static constexpr uint64_t PipelineDepth = 4;

  explicit Simulator(const Config &config);

  /// Runs a program (it must end with FINISH). SRAM contents persist from
  /// run to run, as on the hardware.
  RunResult run(llvm::ArrayRef<Instruction> program, Dram &dram,
                TraceWriter *trace = nullptr);
  /// The timing model alone: the same cycle accounting and RunStats as
  /// `run`, but no instruction is executed (no DRAM, SRAMs untouched), so
  /// faults that depend on data or addresses are not detected — only a
  /// missing FINISH, bad flags and deadlock. The compiler's mapping search
  /// uses it as a fast cost model.
  RunResult runTimingOnly(llvm::ArrayRef<Instruction> program,
                          TraceWriter *trace = nullptr);
  /// Decodes and runs a binary program; a word that does not decode is a
  /// BadEncoding fault naming its index.
  RunResult runBinary(llvm::ArrayRef<InsnWord> program, Dram &dram,
                      TraceWriter *trace = nullptr);

  /// A run stops with a BudgetExceeded fault, before executing it, at the
  /// first instruction that would end after `maxCycles` simulated cycles
  /// (0: no limit). The functional work of an instruction is proportional
  /// to its cycles, so this bounds how long any program can take to
  /// simulate — a GEMM's loop counts alone allow ~2^40 cycles.
  void setCycleBudget(uint64_t maxCycles) { cycleBudget = maxCycles; }
  /// `tdlc sim`'s default: 10^9 cycles, 10 s of device time at 100 MHz
  /// (~60x a whole ResNet-50 at full utilization), minutes of simulation.
  static constexpr uint64_t DefaultCycleBudget = 1000000000;

  /// Cycles of a DMA of `bytes` once it holds the channel.
  uint64_t dmaCycles(uint64_t bytes) const;
  /// Cycles of a GEMM or ALU instruction.
  uint64_t computeCycles(const Instruction &insn) const;
  /// Bytes a LOAD/STORE moves between DRAM and SRAM (padding is not moved).
  uint64_t transferBytes(const Instruction &insn) const;

  FunctionalSim &state() { return functional; }
  const Config &getConfig() const { return config; }

private:
  /// `run` with functional execution on `dram`, `runTimingOnly` with null.
  RunResult simulate(llvm::ArrayRef<Instruction> program, Dram *dram,
                     TraceWriter *trace);
  Config config;
  FunctionalSim functional;
  uint64_t cycleBudget = 0;
};

} // namespace tdl::accel

#endif
