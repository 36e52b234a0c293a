//===- TiledGemm.h - a reference tiled GEMM program --------------*- C++
//-*-===//
//
// Builds C[M,N] = A[M,K] · W[N,K]^T (i8 × i8 → i32, narrowed to i8) as an
// accelerator program with one fixed VTA-style schedule: output tiles of
// tileM × tileN blocks, a reduction in steps of tileK blocks, and optionally
// double buffering (two "virtual threads" alternate between two halves of
// INP, WGT and ACC so DMA overlaps compute). It is the baseline the
// compiler's mapping search is compared with, and the workload of the
// simulator's tests and benchmark.
//
// DRAM layouts (element addresses of each memory type):
//   A: INP elements, row-block mb, k-block kb at inpBase + mb*Kb + kb
//      (so a row-major i8 [M, K] matrix when batch = 1)
//   W: WGT elements (block_out × block_in, row-major) at wgtBase + nb*Kb + kb
//   C: OUT elements at outBase + mb*Nb + nb (row-major i8 [M, N], batch = 1)
//   micro-ops: uopBase (the table returned with the program)
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_TILEDGEMM_H
#define TDL_BACKENDS_ACCEL_MAPPING_TILEDGEMM_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

struct TiledGemmSpec {
  uint32_t mBlocks, nBlocks, kBlocks; // M/batch, N/block_out, K/block_in
  uint32_t tileM, tileN, tileK;       // tile sizes in blocks (must divide)
  bool doubleBuffer = true;
  uint32_t inpBase = 0, wgtBase = 0, outBase = 0, uopBase = 0;
  /// Optional epilogue before the store: ACC >>= shift, then clip to
  /// [-128, 127] with MAX/MIN (skipped when shift < 0).
  int32_t shift = -1;
};

struct TiledGemmProgram {
  std::vector<Instruction> insns;
  std::vector<MicroOp> uops; // to be placed at uopBase
};

/// Fails with a message when the tiles do not divide the problem or do not
/// fit the SRAMs of `config`.
llvm::Expected<TiledGemmProgram> buildTiledGemm(const Config &config,
                                                const TiledGemmSpec &spec);

} // namespace tdl::accel

#endif
