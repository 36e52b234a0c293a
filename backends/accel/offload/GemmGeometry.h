//===- GemmGeometry.h - matmul / conv2d as GEMMs, host-side layouts -*- C++
//-*-===//
//
// How an offloaded region's matmul or conv2d becomes GEMMs of one shape, and
// the host's part of running them: gathering each GEMM's row-major A [m, k]
// and B [k, n] from the IR operands (conv2d: implicit GEMM by im2col, with
// the convolution's zero padding written by the host), laying epilogue
// operands over the GEMM's [m, n] result, and scattering the i8 result back
// into the IR result's layout.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_GEMMGEOMETRY_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_GEMMGEOMETRY_H

#include "backends/accel/offload/OffloadRegion.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include <optional>

namespace tdl::accel {

/// The GEMMs of an i8 x i8 -> i32 `matmul` or `conv2d`, or nullopt when the
/// op is of another kind or dtype.
std::optional<RegionShape> regionShapeOf(const ir::Operation &op);

/// The result dim that indexes GEMM columns: a `Row` epilogue operand is a
/// vector along it, broadcast over the others.
unsigned columnAxis(const RegionShape &shape);

/// GEMM g's inputs, row-major: a [m, k] and b [k, n].
void gatherGemmInputs(const RegionShape &shape, unsigned g,
                      const ir::RuntimeValue &lhs, const ir::RuntimeValue &rhs,
                      std::vector<int8_t> &a, std::vector<int8_t> &b);

/// GEMM g's view of an epilogue operand: `Row` gives its [n] slice of the
/// vector along the column axis, `Full` the [m, n] matrix of a tensor of the
/// result's shape.
std::vector<int32_t> gatherGemmOperand(const RegionShape &shape, unsigned g,
                                       OperandShape kind,
                                       const ir::RuntimeValue &value);

/// Writes GEMM g's row-major [m, n] result into the region's result.
void scatterGemmResult(const RegionShape &shape, unsigned g,
                       llvm::ArrayRef<int8_t> c, int8_t *result);

} // namespace tdl::accel

#endif
