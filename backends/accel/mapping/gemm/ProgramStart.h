//===- ProgramStart.h - the first instructions of a program -----*- C++ -*-===//
//
// GEMM and convolution programs begin alike: the LOAD of the micro-op
// table, then, when the epilogue's Row areas hold their whole axis, each
// Row operand (a bias) loaded once for every tile; when they do not, each
// tile loads its part of the axis with the same loads. Both code
// generators call these emitters; they live beside the epilogue analysis
// (GemmEpilogue.h) that says which operands have Row areas.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_PROGRAMSTART_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_PROGRAMSTART_H

#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace tdl::accel {

/// Where the Row areas are in ACC: area i at base + i * size.
struct RowAreas {
  uint32_t base = 0, size = 0;
  /// The areas hold the whole axis (else each tile loads its part).
  bool whole = false;
};

/// Loads, for every operand that has a Row area, its `count` ACC elements
/// from element `start` of its axis (address `opElem[o]` + start) into
/// the start of its area: the whole axis once per program, or a tile's
/// part when the areas do not hold the whole axis.
void emitRowOperandLoads(TokenSyncBuilder &prog, const EpilogueUse &epi,
                         llvm::ArrayRef<uint64_t> opElem, const RowAreas &rows,
                         uint32_t start, uint32_t count);

/// Emits the micro-op LOAD from DRAM byte `uopAddr` (its count is patched
/// by TokenSyncBuilder::finish) and returns it; with `rows.whole`, then
/// loads every operand that has a Row area from its ACC element address
/// `opElem[o]`.
TokenSyncBuilder::Id emitProgramStart(TokenSyncBuilder &prog, uint64_t uopAddr,
                                      const EpilogueUse &epi,
                                      llvm::ArrayRef<uint64_t> opElem,
                                      const RowAreas &rows);

} // namespace tdl::accel

#endif
