//===- SourceSignatures.h - exported signatures for the header ----*- C++
//-*-===//
#ifndef TDL_SEMA_IRGEN_SOURCESIGNATURES_H
#define TDL_SEMA_IRGEN_SOURCESIGNATURES_H

#include "sema/Program.h"
#include "ssa_ir/IR.h"

namespace tdl::irgen {

/// Records on every exported IR function how its leaves group into the
/// source's parameters, structs and tuples (ssa_ir/SourceSignature.h).
void recordSourceSignatures(const sema::Program &program, ir::Module &module);

} // namespace tdl::irgen

#endif
