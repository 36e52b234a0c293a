//===- OffloadRegion.h - a region of the IR run on the accelerator -*- C++
//-*-===//
//
// The accelerator backend (ACCEL.md §6) outlines each offloadable region of
// the SSA IR -- an int8 `matmul` or `conv2d` followed by i32 elementwise
// epilogue steps and a narrowing `cast` to i8 -- into a function of its own
// (`@f.accel0`), and replaces the region with a call (BYOC style, as TVM's
// partitioner does). The outlined function keeps its IR body, so the
// reference interpreter can still run it; the description below is what the
// accelerator runs instead: one or more GEMMs of the same shape.
//
// Outlined function arguments: 0 = the matmul lhs / conv input, 1 = the
// matmul rhs / conv weights, 2 + i = the tensor behind epilogue operand i.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_OFFLOADREGION_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_OFFLOADREGION_H

#include "backends/accel/mapping/conv/ConvPlan.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"
#include "ssa_ir/IR.h"
#include "ssa_ir/OpParams.h"

#include <optional>
#include <string>
#include <vector>

namespace tdl::accel {

enum class RegionKind : uint8_t { Matmul, Conv2D };

/// Where the region's GEMMs come from and how the host lays the operands
/// out for them (GemmGeometry.cpp).
struct RegionShape {
  RegionKind kind = RegionKind::Matmul;
  std::vector<int64_t> lhs, rhs, result; // the IR shapes
  ir::Conv2DParams conv;                 // for Conv2D
  /// Matmul: GEMMs = batch slices of a batched rhs (1 when the rhs is a
  /// matrix or vector: the lhs batch dims are flattened into M).
  /// Conv2D: GEMMs = groups.
  uint32_t numGemms = 1;
  /// Per GEMM: rows, columns, reduction.
  uint32_t m = 0, n = 0, k = 0;
};

struct OffloadRegion {
  std::string function; // the outlined function
  std::string parent;   // the function it was outlined from
  ir::Location loc;     // the matmul / conv2d
  RegionShape shape;
  GemmOp gemm; // one GEMM with its epilogue
  /// Per epilogue operand: negated by the host (the region subtracts it).
  std::vector<bool> operandNegated;
  GemmPlan plan; // the GEMM mapping (the im2col GEMM for a conv2d)
  /// For a conv2d, when the direct mapping (planConv, one program per
  /// group, no im2col) is estimated faster than the im2col GEMM: it runs
  /// instead of `plan`.
  std::optional<ConvPlan> convPlan;
  /// "im2col GEMM 2048x32x144, tiles ..." / "direct conv, tiles ...".
  std::string describeMapping() const;
  /// The cost model's estimates, in accelerator cycles for all GEMMs.
  uint64_t acceleratorCycles = 0, hostCycles = 0;
};

} // namespace tdl::accel

#endif
