//===- LoopNestParallel.h - a loop nest's parts on the thread pool -*- C++
//-*-===//
//
// A loop nest (LoopNest.cpp) with enough work runs on the runtime's thread
// pool (runtime/cpu/Parallel.cpp): each part, a range of the outermost
// loop, is outlined into a function of its own. Every element is computed
// by exactly one part, the same way: the bits do not depend on the thread
// count.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPNESTPARALLEL_H
#define TDL_BACKENDS_CPU_LOOPNESTPARALLEL_H

#include "backends/cpu/FunctionEmitter.h"

namespace tdl::cpu {

/// The outermost loop's range per part, or 0 to stay serial: nests doing
/// at least kParallelElements elements' work with an outermost loop to
/// split (a flat loop in multiples of 64 elements).
int64_t parallelChunk(const FunctionEmitter &fe, int64_t work, int64_t outer,
                      bool flatLoop);

/// Outlines `emitPart(lo, hi, out)` into `void tdl.nest(ptr ctx, i64
/// part)` over [part * chunk, min(n, (part + 1) * chunk)) and calls it
/// through the runtime's thread pool (runtime/cpu/Parallel.cpp). The
/// buffers the nest reads (`inputs`) and writes (`out`) travel in ctx.
void emitParallelParts(
    FunctionEmitter &fe, llvm::ArrayRef<const ir::Value *> inputs, int64_t n,
    int64_t chunk, llvm::Value *out,
    llvm::function_ref<void(llvm::Value *, llvm::Value *, llvm::Value *)>
        emitPart);

} // namespace tdl::cpu

#endif
