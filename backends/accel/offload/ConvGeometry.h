//===- ConvGeometry.h - conv2d regions as direct accelerator convs -*- C++
//-*-===//
//
// The alternative to the im2col GEMM for a conv2d region: one ConvPlan per
// group (planConv maps the convolution onto the ISA itself, with LOAD
// padding and no inflated input). The host only slices each group's
// channels out of the NCHW input, the OIHW weights and the epilogue
// operands, and writes the group's output channels back.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_CONVGEOMETRY_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_CONVGEOMETRY_H

#include "backends/accel/mapping/conv/ConvOp.h"
#include "backends/accel/offload/OffloadRegion.h"
#include "ssa_ir/interp/RuntimeValue.h"

namespace tdl::accel {

/// One group's convolution (groups == 1 in the ConvOp) with the region's
/// epilogue.
ConvOp convOpOf(const RegionShape &shape, const GemmOp &gemm);

/// Group g's input channels [N, C/groups, H, W] and weights
/// [O/groups, C/groups, KH, KW].
void gatherConvInputs(const RegionShape &shape, unsigned g,
                      const ir::RuntimeValue &x, const ir::RuntimeValue &w,
                      std::vector<int8_t> &xg, std::vector<int8_t> &wg);

/// Group g's part of an epilogue operand: its output channels' slice of a
/// Row vector, or [N, O/groups, OH, OW] of a Full tensor.
std::vector<int32_t> gatherConvOperand(const RegionShape &shape, unsigned g,
                                       OperandShape kind,
                                       const ir::RuntimeValue &value);

/// Writes group g's [N, O/groups, OH, OW] result into the NCHW result.
void scatterConvResult(const RegionShape &shape, unsigned g,
                       llvm::ArrayRef<int8_t> y, int8_t *result);

} // namespace tdl::accel

#endif
