//===- LoopNestInterrupt.h - Ctrl-C checks in a loop nest -------*- C++ -*-===//
//
// With CodegenOptions::interruptible (the REPL's JIT), a loop nest
// (LoopNest.cpp) that does much work polls the runtime's Ctrl-C flag
// every block of iterations (never per element) and leaves the nest once
// it is set; the caller then fails with "interrupted".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_LOOPNESTINTERRUPT_H
#define TDL_BACKENDS_CPU_LOOPNESTINTERRUPT_H

#include "backends/cpu/FunctionEmitter.h"

#include <utility>

namespace tdl::cpu {

/// The Ctrl-C checks of one nest: where a set flag leaves to, in the
/// function being emitted (the nest's, or a parallel part's).
class NestInterrupts {
public:
  explicit NestInterrupts(FunctionEmitter &fe) : fe(fe), b(fe.b) {}

  /// Whether a loop doing `work` elements' work in all gets checks.
  bool checked(double work) const;

  /// for (iv = lo; iv < lo + count; ++iv) iteration(iv) (lo null: 0) as
  /// blocks of about kCheckWork / perIter iterations, each block first
  /// polling the Ctrl-C flag (one volatile load) and leaving the nest when
  /// it is set. The iterations and their order are those of one loop: the
  /// bits do not change, and each block's inner loop vectorizes as the
  /// loop did.
  void blockedLoop(llvm::Value *lo, llvm::Value *count, int64_t perIter,
                   llvm::function_ref<void(llvm::Value *)> iteration);

  /// Joins the early exit (if a check was emitted) with the normal end of
  /// the nest; returns whether there was one.
  bool joinBail();

  /// Around emitting a parallel part's function: its checks leave the
  /// part (which then returns early), not the enclosing function.
  llvm::BasicBlock *enterPart() { return std::exchange(bail, nullptr); }
  void leavePart(llvm::BasicBlock *enclosing) {
    joinBail(); // an interrupted part returns early
    bail = enclosing;
  }

  /// Whether some loop (maybe in a parallel part) polls.
  bool polled() const { return anyPolled; }

private:
  /// if (tdl_rt_interrupt_flag) goto the end of the nest (of the function
  /// being emitted: the nest's or a parallel part's).
  void pollBail();

  FunctionEmitter &fe;
  llvm::IRBuilder<> &b;
  /// Where a Ctrl-C check goes when the flag is set (pollBail).
  llvm::BasicBlock *bail = nullptr;
  bool anyPolled = false;
};

} // namespace tdl::cpu

#endif
