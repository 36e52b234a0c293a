//===- RegionLayout.h - a region's host tensors as GEMM operands -*- C++
//-*-===//
//
// How an offloaded region's matmul or conv2d becomes GEMMs of one shape, and
// the host's part of running them: gathering each GEMM's row-major A [m, k]
// and B [k, n] from the region's tensors (conv2d: implicit GEMM by im2col,
// with the convolution's zero padding written by the host), laying epilogue
// operands over the GEMM's [m, n] result, and scattering the i8 result back
// into the region result's layout. For a direct convolution (ConvPlan), the
// host only slices each group's channels.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_HOST_REGIONLAYOUT_H
#define TDL_BACKENDS_ACCEL_HOST_REGIONLAYOUT_H

#include "backends/accel/host/RegionProgram.h"

namespace tdl::accel {

/// The result dim that indexes GEMM columns: a `Row` epilogue operand is a
/// vector along it, broadcast over the others.
unsigned columnAxis(const RegionShape &shape);

/// GEMM g's inputs, row-major: a [m, k] and b [k, n] (b left empty when
/// `rhs` is null: its packed bytes are kept, PackedRegionWeights).
void gatherGemmInputs(const RegionShape &shape, unsigned g, const int8_t *lhs,
                      const int8_t *rhs, std::vector<int8_t> &a,
                      std::vector<int8_t> &b);

/// GEMM g's view of an epilogue operand: `Row` gives its [n] slice of the
/// vector along the column axis, `Full` the [m, n] matrix of a tensor of the
/// result's shape.
std::vector<int32_t> gatherGemmOperand(const RegionShape &shape, unsigned g,
                                       OperandShape kind, const int32_t *value);

/// Writes GEMM g's row-major [m, n] result into the region's result.
void scatterGemmResult(const RegionShape &shape, unsigned g,
                       llvm::ArrayRef<int8_t> c, int8_t *result);

/// One group's convolution (groups == 1 in the ConvOp) with the region's
/// epilogue.
ConvOp convOpOf(const RegionShape &shape, const GemmOp &gemm);

/// Group g's input channels [N, C/groups, H, W] and weights
/// [O/groups, C/groups, KH, KW] (none when `w` is null).
void gatherConvInputs(const RegionShape &shape, unsigned g, const int8_t *x,
                      const int8_t *w, std::vector<int8_t> &xg,
                      std::vector<int8_t> &wg);

/// Group g's weights [O/groups, C/groups, KH, KW].
void gatherConvWeights(const RegionShape &shape, unsigned g, const int8_t *w,
                       std::vector<int8_t> &wg);

/// Group g's slab of a blocked activation (nb, cb, h, w) of `blocks`
/// channel blocks in all: `groupBlocks` blocks from g·groupBlocks, per
/// image block; `elemBytes` bytes per element, `plane` elements per block.
/// `toGroup` copies from the whole into `part`, else back.
void copyBlockedSlab(std::vector<uint8_t> &whole, std::vector<uint8_t> &part,
                     uint64_t imageBlocks, uint64_t blocks,
                     uint64_t groupBlocks, unsigned g, uint64_t plane,
                     uint64_t elemBytes, bool toGroup);

/// Group g's part of an epilogue operand: its output channels' slice of a
/// Row vector, or [N, O/groups, OH, OW] of a Full tensor.
std::vector<int32_t> gatherConvOperand(const RegionShape &shape, unsigned g,
                                       OperandShape kind, const int32_t *value);

/// Writes group g's [N, O/groups, OH, OW] result into the NCHW result.
void scatterConvResult(const RegionShape &shape, unsigned g,
                       llvm::ArrayRef<int8_t> y, int8_t *result);

} // namespace tdl::accel

#endif
