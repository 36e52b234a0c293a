//===- AsmEmitter.h - `--emit=accel-asm`: the offloaded programs -*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_ASMEMITTER_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_ASMEMITTER_H

#include "backends/accel/offload/Partition.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace tdl::accel {

/// Prints one .tasm program per offloaded region (each assembles and runs
/// with `tdlc sim`; its inputs are seeded random fills standing in for the
/// run-time operands) and a comment per region kept on the host. `where`
/// renders a location as `file:line:col`.
void printAcceleratorPrograms(
    llvm::raw_ostream &os, const Partition &partition,
    llvm::function_ref<std::string(const ir::Location &)> where);

} // namespace tdl::accel

#endif
