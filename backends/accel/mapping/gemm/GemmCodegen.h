//===- GemmCodegen.h - one GEMM schedule as a program -----------*- C++ -*-===//
//
// Given a schedule (GemmPlan.h), lays the SRAMs out (GemmTiling) and emits
// the instructions and micro-ops. Loop nest, for output tile (mt, nt) in the
// schedule's order:
//   compute: reset ACC slot (or LOAD ACC of a Full operand the epilogue
//            adds first), then per K step one GEMM over the whole tile
//   load:    per K step the A and B tiles the GEMM reads, into rotating
//            slots (a resident outer panel: once per outer tile)
//   compute: epilogue — one ALU per step over the tile (operands in ACC)
//   store:   the tile's OUT elements
// Tokens come from TokenSync: every instruction declares what it reads or
// overwrites and waits for the instruction that last wrote or read it.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMCODEGEN_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMCODEGEN_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// The schedule's sizes and SRAM layout (entries of each buffer).
struct GemmTiling {
  uint32_t mBlocks, nBlocks, kBlocks;
  uint32_t tileM, tileN, tileK; // clamped to the problem
  uint32_t mTiles, nTiles, kTiles;
  bool inpIsOuter; // the M loop is outer: A is the outer operand
  bool outerResident;
  // The outer operand's slots hold [tile × (resident ? K : tileK)] blocks,
  // the inner one's [tile × tileK]; each buffer starts at 0.
  uint32_t outerSlots, outerSlotSize, innerSlots, innerSlotSize;
  uint32_t accSlots, accSlotSize;
  uint32_t fullAreaBase, rowAreaBase, rowAreaSize; // ACC entries
  /// Row operands (a bias along N) run along the mapped M axis when the
  /// problem is transposed.
  bool rowAlongM;
  bool rowWhole; // Row operands cover the whole axis (loaded once)
  uint64_t inpEntries, wgtEntries, accEntries;
};

/// The sizes and SRAM layout of a schedule with positive sizes and slots,
/// whether it fits or not (the search's fast path).
GemmTiling computeTiling(const Config &config, const GemmOp &op,
                         const EpilogueUse &epilogue,
                         const GemmSchedule &schedule);
/// The same with the problem's blocks already known.
GemmTiling computeTiling(const Config &config, const MappedBlocks &blocks,
                         const EpilogueUse &epilogue,
                         const GemmSchedule &schedule);
/// Recomputes the slot-dependent part of `tiling` (SRAM entries) for the
/// slot counts of `schedule` (whose tile sizes and order it was made for).
void placeSlots(GemmTiling &tiling, const Config &config,
                const EpilogueUse &epilogue, const GemmSchedule &schedule);
bool tilingFits(const GemmTiling &tiling, const Config &config);
/// computeTiling, failing (naming the buffer) when it does not fit.
llvm::Expected<GemmTiling> tileGemm(const Config &config, const GemmOp &op,
                                    const EpilogueUse &epilogue,
                                    const GemmSchedule &schedule);

using GemmProgram = AccelProgram;

/// The program of `schedule`; `layout` gives the DRAM addresses (its uop
/// address does not depend on the number of micro-ops). Fails when the
/// schedule does not fit. Fields are in range by construction (sizes are
/// bounded by the SRAM depths, DRAM offsets are checked); planGemm still
/// encodes the chosen program to be sure.
llvm::Expected<GemmProgram> buildGemmProgram(const Config &config,
                                             const GemmOp &op,
                                             const GemmLayout &layout,
                                             const GemmSchedule &schedule);

} // namespace tdl::accel

#endif
