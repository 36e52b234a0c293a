//===- GemmEpilogue.h - the epilogue the program applies --------*- C++ -*-===//
//
// The GemmOp's epilogue, rewritten into what the accelerator runs (every
// rewrite is exact under wrapping i32 arithmetic):
//   - in a run of consecutive ADD steps, the immediates are folded into an
//     operand added in the same run that no other step reads: the host adds
//     them while packing that operand (a rounding constant rides on the
//     bias: one ALU pass per output block less);
//   - if the run that directly follows the GEMM adds a Full operand, that
//     step moves to the front and becomes the initial accumulator: LOAD ACC
//     of the operand replaces the reset (additions commute);
// and the ACC areas the remaining operand steps read.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMEPILOGUE_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMEPILOGUE_H

#include "backends/accel/mapping/gemm/GemmOp.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

struct EpilogueUse {
  /// The steps the program applies, in order; with fusedInit, steps[0] is
  /// the Full-operand ADD done by loading the operand into ACC.
  std::vector<EpilogueStep> steps;
  bool fusedInit = false;
  /// Per operand: a constant the host adds (wrapping) to every element
  /// when packing it (folded ADD immediates).
  std::vector<int32_t> packAdd;
  /// Per operand: its ACC area index among Full (resp. Row) areas, or -1
  /// when no step after the fused init reads it.
  std::vector<int> fullArea, rowArea;
  unsigned numFull = 0, numRow = 0;
};
EpilogueUse analyzeEpilogue(const GemmOp &op);

} // namespace tdl::accel

#endif
