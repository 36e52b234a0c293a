//===- Trace.h - Chrome trace events of a simulator run -----------*- C++
//-*-===//
//
// The Trace Event Format (chrome://tracing, Perfetto): one thread track per
// module with an `X` (complete) event per instruction, and a `C` (counter)
// event of cumulative DRAM bytes per traffic kind after every DMA. Times are
// microseconds at clock_mhz (`ts = cycle / clock_mhz`).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_SIM_TRACE_H
#define TDL_BACKENDS_ACCEL_SIM_TRACE_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <array>

namespace tdl::accel {

class TraceWriter {
public:
  explicit TraceWriter(const Config &config);
  /// Cycles added to every later event, so that several programs run one
  /// after another (each simulated from cycle 0) chain into one timeline:
  /// set it to the sum of the cycles of the runs before.
  void setCycleOffset(uint64_t cycles) { offset = cycles; }
  uint64_t cycleOffset() const { return offset; }
  /// One executed instruction, [start, end) in cycles.
  void instruction(uint64_t index, const Instruction &insn, uint64_t start,
                   uint64_t end);
  /// A DMA of `bytes` that finished at cycle `end`.
  void dma(Traffic traffic, uint64_t bytes, uint64_t end);
  /// The whole trace as a JSON object {"traceEvents": [...]}.
  llvm::json::Value toJson() const;
  void write(llvm::raw_ostream &os) const;

private:
  double micros(uint64_t cycles) const { return double(cycles) / clockMhz; }
  double clockMhz;
  uint64_t offset = 0;
  llvm::json::Array events;
  std::array<uint64_t, NumTraffic> totals{};
};

} // namespace tdl::accel

#endif
