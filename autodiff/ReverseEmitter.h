//===- ReverseEmitter.h - adjoint code for one region ---------------*- C++
//-*-===//
//
// The pullback half of reverse mode. The forward half has already cloned the
// primal ops (so `fwd` maps every primal value to the value computing it in
// the derived function); the emitter walks primal ops backwards and emits
// their pullbacks at the builder's insertion point (always the end of a
// region). Adjoints are kept per primal value; a missing entry is a symbolic
// zero that is never materialized. Tuple adjoints are kept per element.
//
// Regions: an `if` is reversed by an `if` on the same condition whose
// branches run the branch's pullback; the branch values it reads are extra
// results of the forward `if`. Loops are reversed in ReverseLoops.cpp with a
// tape of per-iteration values.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_REVERSEEMITTER_H
#define TDL_AUTODIFF_REVERSEEMITTER_H

#include "autodiff/ADContext.h"
#include "autodiff/Activity.h"
#include "autodiff/IRHelpers.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace tdl::ad {

class ReverseEmitter {
public:
  ReverseEmitter(ADContext &ctx, const Activity &act, ValueMap &fwd)
      : ctx(ctx), act(act), fwd(fwd) {}

  /// Adds `a` (a value of the derived function, or null) to the adjoint of
  /// primal value `v`. Ignored for values that are not varied.
  void accumulate(ir::Builder &b, ir::Value *v, ir::Value *a);
  /// The adjoint of `v`, materialized (tuples built from their elements), or
  /// null if it is zero.
  ir::Value *getAdjoint(ir::Builder &b, ir::Value *v);
  /// Forgets the adjoint of `v` (region boundaries).
  void clearAdjoint(ir::Value *v);

  /// Emits the pullback of every op of `r` except its terminator, last op
  /// first. False after a reported error.
  bool reverseRegion(ir::Builder &b, ir::Region &r);

  ADContext &getContext() { return ctx; }
  const Activity &getActivity() const { return act; }
  ValueMap &getForwardMap() { return fwd; }
  /// The derived-function value computing primal value `v`.
  ir::Value *primal(ir::Value *v) { return lookupOr(fwd, v); }

  /// Varied outer values read inside `op`'s regions (defined outside op),
  /// in first-use order: the values whose adjoints a region op produces.
  llvm::SmallVector<ir::Value *, 4> capturedVaried(ir::Operation &op);

  /// A loop reversal erased the forward loop `old` and computes its primal
  /// results with `now` (a checkpointed loop's sweep): an `if` reversal
  /// that re-emitted `old` in its reverse branch treats `now` as that copy.
  void noteReplaced(ir::Operation *old, ir::Operation *now) {
    replaced[old] = now;
  }

private:
  bool reverseOp(ir::Builder &b, ir::Operation &op);
  bool reverseCall(ir::Builder &b, ir::Operation &op);
  bool reverseIf(ir::Builder &b, ir::Operation &op);
  void
  exportNeededValues(ir::Operation &op, unsigned r,
                     const llvm::SmallPtrSetImpl<ir::Operation *> &recomputed,
                     ValueMap &forwardValue);
  void
  forwardAugmentedOps(ir::Operation &op, unsigned r,
                      const llvm::SmallPtrSetImpl<ir::Operation *> &recomputed,
                      ValueMap &forwardValue);

  ADContext &ctx;
  const Activity &act;
  ValueMap &fwd;
  llvm::DenseMap<ir::Operation *, ir::Operation *> replaced;
  llvm::DenseMap<ir::Value *, ir::Value *> adj;
  llvm::DenseMap<ir::Value *, llvm::SmallVector<ir::Value *, 4>> tupleAdj;
};

/// Reverses a `for` or `while` op (ReverseLoops.cpp).
bool reverseLoop(ReverseEmitter &e, ir::Builder &b, ir::Operation &loop);
/// Reverses tape_new / tape_push / tape_top / tape_pop (TapeRules.cpp).
bool reverseTapeOp(ReverseEmitter &e, ir::Builder &b, ir::Operation &op);

} // namespace tdl::ad

#endif
