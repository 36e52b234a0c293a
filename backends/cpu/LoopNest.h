//===- LoopNest.h - a group of ops as one loop nest (internal) -----*- C++
//-*-===//
//
// Lowers a `fused` group (ssa_ir/passes/Fusion.cpp), or a single
// elementwise op, to one loop nest that reads each input once per use and
// writes the root's buffer once: no intermediate is materialized. Member
// values are computed where they are needed, at an index map of the nest's
// loop variables (ssa_ir/FusedIndexing.h): splat constants are scalars,
// broadcasts/transposes/slices are index arithmetic, reductions are inner
// loops. A value whose index map reads only the loops already open is
// computed once, before the next inner loop opens (a row's max and sum in
// softmax are computed once per row), and every value is computed once per
// index map (memoized per loop scope).
//
// The innermost loop runs over the contiguous dim; scalar functions are the
// runtime's always-inlined `tdl_ew_*`, so LLVM's loop vectorizer turns it
// into vector code. Reductions follow the one order of docs/ir.md
// ("Reductions"): 16 lane accumulators over each run of trailing reduced
// elements, combined by halving, runs folded in row-major order; the lane
// loop is a plain elementwise loop over a local array, so it vectorizes
// without reassociation and gives the interpreter's bits on every
// instruction set.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPNEST_H
#define TDL_BACKENDS_CPU_LOOPNEST_H

#include "backends/cpu/FunctionEmitter.h"

namespace tdl::cpu {

/// Emits `root` (a member of `members`, which are the ops computed inside
/// the nest; any other value is read from its buffer) into `out`.
/// The runtime's scalar function for an elementwise op and its operand
/// dtype: `tdl_ew_<op>_<dtype>`, or `tdl_cast_<from>_<to>`.
std::string scalarFunctionName(const ir::Operation &op);

llvm::Error emitLoopNest(FunctionEmitter &fe,
                         llvm::ArrayRef<const ir::Operation *> members,
                         const ir::Operation &root, llvm::Value *out);

} // namespace tdl::cpu

#endif
