//===- RegionShapeOf.h - the GEMMs of an IR matmul or conv2d -------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_REGIONSHAPEOF_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_REGIONSHAPEOF_H

#include "backends/accel/host/RegionProgram.h"
#include "ssa_ir/IR.h"

#include <optional>

namespace tdl::accel {

/// The GEMMs of an i8 x i8 -> i32 `matmul` or `conv2d`, or nullopt when the
/// op is of another kind or dtype.
std::optional<RegionShape> regionShapeOf(const ir::Operation &op);

} // namespace tdl::accel

#endif
