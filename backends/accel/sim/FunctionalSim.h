//===- FunctionalSim.h - exact semantics of one instruction -------*- C++
//-*-===//
//
// The on-chip state (INP, WGT, ACC, UOP SRAMs) and the exact effect of each
// instruction on it and on DRAM (ACCEL.md §3). The timing model decides the
// order; this class only computes results, checking every index first so a
// faulting instruction changes nothing.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_SIM_FUNCTIONALSIM_H
#define TDL_BACKENDS_ACCEL_SIM_FUNCTIONALSIM_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/sim/Fault.h"

#include <optional>
#include <vector>

namespace tdl::accel {

class FunctionalSim {
public:
  explicit FunctionalSim(const Config &config);

  /// Executes one instruction; on a fault nothing is modified.
  /// `index` is only used to name the instruction in the fault.
  std::optional<Fault> execute(const Instruction &insn, uint64_t index,
                               Dram &dram);

  /// Zeroes every SRAM (the state at power-on).
  void reset();

  // Read access for tests: element `i` of each SRAM, as a flat array.
  const int8_t *inpEntry(uint32_t i) const {
    return &inp[size_t(i) * config.inpElemBytes()];
  }
  const int8_t *wgtEntry(uint32_t i) const {
    return &wgt[size_t(i) * config.wgtElemBytes()];
  }
  const int32_t *accEntry(uint32_t i) const { return &acc[size_t(i) * accLen]; }
  const MicroOp &uopEntry(uint32_t i) const { return uop[i]; }

private:
  std::optional<Fault> load(const Instruction &insn, uint64_t index,
                            Dram &dram);
  std::optional<Fault> store(const Instruction &insn, uint64_t index,
                             Dram &dram);
  std::optional<Fault> gemm(const GemmInsn &g, uint64_t index);
  std::optional<Fault> alu(const AluInsn &a, uint64_t index);
  /// Checks the micro-op range and that every index the loop nest reaches
  /// stays inside its SRAM (`wgt` is null for ALU, `checkSrc` false with an
  /// immediate).
  std::optional<Fault> checkLoop(const LoopNest &loop, uint64_t index,
                                 bool srcIsInp, bool checkSrc,
                                 const GemmInsn *wgt);

  Config config;
  size_t accLen; // i32 values per ACC entry: batch * block_out
  std::vector<int8_t> inp, wgt;
  std::vector<int32_t> acc;
  std::vector<MicroOp> uop;
};

} // namespace tdl::accel

#endif
