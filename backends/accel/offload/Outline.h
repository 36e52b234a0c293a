//===- Outline.h - move a region into a function of its own ------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_OUTLINE_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_OUTLINE_H

#include "backends/accel/offload/RegionMatcher.h"

namespace tdl::accel {

/// Moves `region`'s ops into a new function `name` of `m` (arguments: the
/// seed's two operands, then the epilogue operands' values; constants and
/// Row broadcasts are copied in) and replaces them by a call to it. Values
/// only the region used are left for DCE. Returns the call's result, which
/// replaces `region.result` (erased with the region's ops).
ir::Value *outlineRegion(ir::Module &m, const CandidateRegion &region,
                         std::string name);

} // namespace tdl::accel

#endif
