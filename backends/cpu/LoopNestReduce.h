//===- LoopNestReduce.h - a reduction run inside a loop nest ----*- C++ -*-===//
//
// How a loop nest (LoopNest.cpp) reduces a run of elements: kLanes
// accumulators in the defined order of runtime/kernels/Reduce.h, emitted
// inline as lane loops LLVM vectorizes, with the fast paths for float max
// and min. The nest provides the loops and the loop variables (NestLoops);
// the run's elements come from a callback.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPNESTREDUCE_H
#define TDL_BACKENDS_CPU_LOOPNESTREDUCE_H

#include "backends/cpu/FunctionEmitter.h"

#include "runtime/kernels/Reduce.h"

namespace tdl::cpu {

/// Lanes of a reduction run: the defined order (docs/ir.md "Reductions").
constexpr int64_t kLanes = tdl::kernels::kReduceLanes;

/// What a run reduction needs from its loop nest.
class NestLoops {
public:
  virtual ~NestLoops() = default;
  /// A fresh loop variable.
  virtual int newVar() = 0;
  /// for (iv = 0; iv < n; ++iv) body(), `var` bound to iv; `lanes`: a lane
  /// loop to vectorize; `perIter`: about how many elements' work one
  /// iteration does (for the Ctrl-C checks).
  virtual void loop(int64_t n, int var, llvm::function_ref<void()> body,
                    bool lanes = false, int64_t perIter = 0) = 0;
  /// The value a variable is bound to (null: unbound).
  virtual llvm::Value *&var(int v) = 0;
};

/// The reduction's identity (0, 1, -inf / the smallest integer, ...).
llvm::Value *reductionIdentity(FunctionEmitter &fe, const ir::Operation &r);

/// a (+) x: the runtime's add/mul/max/min for the dtype (wrapping integers,
/// NaN-propagating max/min), the interpreter's combine.
llvm::Value *reductionCombine(FunctionEmitter &fe, const ir::Operation &r,
                              llvm::Value *a, llvm::Value *x);

class RunReducer {
public:
  RunReducer(FunctionEmitter &fe, NestLoops &loops)
      : fe(fe), b(fe.b), loops(loops) {}

  llvm::Value *run(const ir::Operation &r, int64_t n, int runVar,
                   llvm::function_ref<llvm::Value *()> element);

private:
  using Combine =
      llvm::function_ref<llvm::Value *(llvm::Value *, llvm::Value *)>;
  llvm::Value *lanes(const ir::Operation &r, int64_t n, int runVar,
                     llvm::function_ref<llvm::Value *()> element, Combine op,
                     int64_t chunks, llvm::AllocaInst *mags);

  FunctionEmitter &fe;
  llvm::IRBuilder<> &b;
  NestLoops &loops;
};

} // namespace tdl::cpu

#endif
