//===- EpilogueAlu.h - the epilogue's ALU instructions on a tile -*- C++
//-*-===//
//
// GEMM and convolution programs end every output tile the same way: one
// ALU instruction per epilogue step (after the fused init), reading an
// immediate, a Full operand area laid out like the tile, or a Row operand
// (a bias) broadcast along one axis of the tile. Both code generators call
// this one emitter so that a change to how the steps are applied is made
// once; it lives beside the epilogue analysis (GemmEpilogue.h) whose result
// it reads, and convolution builds on this library already.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_EPILOGUEALU_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_EPILOGUEALU_H

#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace tdl::accel {

/// Where one output tile and the epilogue's ACC areas are. The tile is
/// `outer` × `inner` ACC entries in row-major order from `accBase`.
struct EpilogueTile {
  uint32_t accBase = 0;
  uint32_t outer = 1, inner = 1;
  /// Full areas: area i at fullAreaBase + i * fullAreaSize, laid out like
  /// the tile.
  uint32_t fullAreaBase = 0, fullAreaSize = 0;
  /// Row areas: area i at rowAreaBase + i * rowAreaSize + rowOffset (the
  /// tile's start along the row axis when the areas hold the whole axis).
  uint32_t rowAreaBase = 0, rowAreaSize = 0, rowOffset = 0;
  /// A Row operand varies along the outer loop (else along the inner one).
  bool rowAlongOuter = false;
};

/// Emits the ALU instruction of every step of `epi` after the fused init,
/// in order, and returns the last one (or `last` when there is none).
/// `singleUop(dst, src)` returns the index of a one-entry micro-op set:
/// each code generator keeps its own deduplicating table.
TokenSyncBuilder::Id
emitEpilogueAlu(TokenSyncBuilder &prog, const EpilogueUse &epi,
                llvm::ArrayRef<OperandShape> operands, const EpilogueTile &tile,
                llvm::function_ref<uint32_t(uint32_t, uint32_t)> singleUop,
                TokenSyncBuilder::Id last);

} // namespace tdl::accel

#endif
