//===- LoopNestStream.h - large nest results written past the caches -*- C++
//-*-===//
//
// An elementwise loop nest whose result is large, and which is memory-bound
// (no transcendental function: LoopNest.cpp decides), is emitted twice,
// behind the runtime's choice (runtime/cpu/Stream.cpp): for a result of at
// least
// half the last-level cache, each row (its last dim) is computed into a
// buffer on the stack, which stays in L1, and handed to tdl_rt_store_block,
// which writes it with streaming stores, sparing the read for ownership of
// every line an ordinary store does (one fence per nest and thread);
// otherwise the nest stores directly.
// Values and order are the same either way.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPNESTSTREAM_H
#define TDL_BACKENDS_CPU_LOOPNESTSTREAM_H

#include "backends/cpu/FunctionEmitter.h"

namespace tdl::cpu {

/// Elements per row of a streamed result of type `t` (its last dim; for
/// rank 1, blocks of kStreamBlockBytes, which must divide it), or 0 to store
/// directly: results under kStreamMinBytes (which can stay in cache
/// whatever the machine), scalars, or rows outside [kStreamRowMinBytes,
/// kStreamRowMaxBytes] (the per-row call must pay off; the row buffer must
/// fit L1).
int64_t streamedRowElements(FunctionEmitter &fe, const ir::Type &t);

/// tdl_rt_stream_wanted(totalBytes) != 0: whether this machine streams a
/// result that large (half its last-level cache, runtime/cpu/Stream.cpp).
llvm::Value *emitStreamWanted(FunctionEmitter &fe, int64_t totalBytes);

/// tdl_rt_store_block(dst, src, bytes): one row with streaming stores.
void emitStoreRow(FunctionEmitter &fe, llvm::Value *dst, llvm::Value *src,
                  int64_t bytes);

/// tdl_rt_stream_fence(): after the rows a thread stored (an sfence).
void emitStreamFence(FunctionEmitter &fe);

} // namespace tdl::cpu

#endif
