//===- OffloadRegion.h - a region of the IR run on the accelerator -*- C++
//-*-===//
//
// The accelerator backend (ACCEL.md §6) outlines each offloadable region of
// the SSA IR -- an int8 `matmul` or `conv2d` followed by i32 elementwise
// epilogue steps and a narrowing `cast` to i8 -- into a function of its own
// (`@f.accel0`), and replaces the region with a call (BYOC style, as TVM's
// partitioner does). The outlined function keeps its IR body, so the
// reference interpreter can still run it; the description below is what the
// accelerator runs instead (RegionProgram: one or more GEMMs of the same
// shape, host/RegionProgram.h).
//
// Outlined function arguments: 0 = the matmul lhs / conv input, 1 = the
// matmul rhs / conv weights, 2 + i = the tensor behind epilogue operand i
// (i8 for a residual: RegionProgram::operandI8). The region may go on past
// the narrowing cast (i8 residual steps, a fused pool: RegionMatcher.h).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_OFFLOADREGION_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_OFFLOADREGION_H

#include "backends/accel/host/RegionProgram.h"
#include "ssa_ir/IR.h"

#include <string>

namespace tdl::accel {

struct OffloadRegion : RegionProgram {
  std::string function; // the outlined function
  std::string parent;   // the function it was outlined from
  ir::Location loc;     // the matmul / conv2d
  /// The cost model's estimates, in accelerator cycles for all GEMMs.
  uint64_t acceleratorCycles = 0, hostCycles = 0;
  /// A depthwise conv run as block-diagonal groups of this many channels
  /// (Depthwise.h); 0 otherwise.
  int64_t depthwiseBlock = 0;
  /// For a conv2d run as the im2col GEMM: its direct conv plan, which
  /// BlockedChain.h may switch to when the region's input can stay in DRAM
  /// blocked (cycles for all groups).
  std::optional<ConvPlan> directAlternative;
  uint64_t directAlternativeCycles = 0;
};

} // namespace tdl::accel

#endif
