//===- DotWriter.h - Graphviz view of IR ---------------------------*- C++
//-*-===//
//
// One digraph per module: a cluster per function and per region, a box per
// op (`name : types`), an ellipse per block argument, an edge per data-flow
// use (definition -> user). Used by `tdl-opt --emit=dot` and `tdlc --emit=dot`.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_DOTWRITER_H
#define TDL_SSA_IR_DOTWRITER_H

#include "ssa_ir/IR.h"

namespace tdl::ir {

void writeDot(const Module &m, llvm::raw_ostream &os);

} // namespace tdl::ir

#endif
