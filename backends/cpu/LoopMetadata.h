//===- LoopMetadata.h - vectorization metadata of lane loops ----*- C++ -*-===//
//
// The 16-iteration loops over a reduction's lane accumulators (LoopNest.cpp)
// must each become one vector operation: LLVM would otherwise unroll them
// first and leave NaN-aware max/min as scalar code.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPMETADATA_H
#define TDL_BACKENDS_CPU_LOOPMETADATA_H

#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/Metadata.h"

namespace tdl::cpu {

/// The llvm.loop metadata of the lane loop whose body starts at `first` and
/// whose back edge leaves `latch`: no unrolling, vectorized `width` wide,
/// and, when the body is straight-line code, its accesses declared parallel
/// (the accesses get their access group here).
llvm::MDNode *laneLoopMetadata(llvm::BasicBlock *first, llvm::BasicBlock *latch,
                               int64_t width);

} // namespace tdl::cpu

#endif
