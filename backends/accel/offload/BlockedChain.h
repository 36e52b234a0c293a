//===- BlockedChain.h - activations kept blocked between regions -*- C++
//-*-===//
//
// Layouts chosen across regions (docs/accel-backend.md, "Layouts across
// regions"): when an offloaded direct conv's result feeds only the inputs
// of offloaded direct convs (in the same block), the producer stores it in
// DRAM channel-major, which is the consumers' blocked input layout, and
// the host neither unpacks nor re-packs it. The producer's mapping is
// re-planned under that layout (one o block per output tile) and the
// change is kept when the constrained plan costs no more than the free one
// plus the host conversion it saves (HostLayoutBytesPerSecond).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_BLOCKEDCHAIN_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_BLOCKEDCHAIN_H

#include "backends/accel/offload/Partition.h"

namespace tdl::accel {

/// Marks the chains of `f`'s offloaded regions (their RegionShape's
/// inputBlocked / resultBlocked) and re-plans their producers.
void chainBlockedLayouts(ir::Function &f, Partition &partition,
                         const Config &config);

} // namespace tdl::accel

#endif
