//===- SramFit.h - whether a tiling fits the on-chip buffers ----*- C++ -*-===//
//
// A GEMM or conv tiling (gemm/GemmCodegen.h, conv/ConvCodegen.h) needs a
// number of INP, WGT and ACC entries; a schedule whose tiling needs more
// than a buffer holds is rejected with the same message in both families.
// The check lives here once, in the layer both families build on.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_SRAMFIT_H
#define TDL_BACKENDS_ACCEL_MAPPING_SRAMFIT_H

#include "backends/accel/isa/Config.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace tdl::accel {

/// Success when `inp`, `wgt` and `acc` entries fit the INP, WGT and ACC
/// buffers of `config`; else an error naming the first buffer that is too
/// small and the schedule (`describe()`, called only then: search checks
/// many schedules).
llvm::Error checkSramFits(const Config &config,
                          llvm::function_ref<std::string()> describe,
                          uint64_t inp, uint64_t wgt, uint64_t acc);

} // namespace tdl::accel

#endif
