//===- IRHelpers.h - IR building blocks the AD transforms share -----*- C++
//-*-===//
//
// Cloning ops into another function (with a value map), zero constants for
// tensors and tuples, adjoint accumulation where a null Value means "symbolic
// zero" (never materialized), NumPy-style un-broadcasting, and the scatter
// that undoes a strided slice (used by slice and pooling adjoints).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_IRHELPERS_H
#define TDL_AUTODIFF_IRHELPERS_H

#include "ssa_ir/Builder.h"

#include "llvm/ADT/DenseMap.h"

namespace tdl::ad {

using ValueMap = llvm::DenseMap<ir::Value *, ir::Value *>;

/// Looks `v` up in `map`; values defined outside the cloned code (or not
/// remapped) map to themselves.
ir::Value *lookupOr(const ValueMap &map, ir::Value *v);

/// Clones `op` (and its regions, recursively) at the builder's insertion
/// point, remapping operands through `map` and recording the new results
/// (and nested block arguments) in it. Returns the clone.
ir::Operation *cloneOp(ir::Builder &b, ir::Operation &op, ValueMap &map);

/// Erases the ops of `r` (nested regions included) whose results are unused
/// and that have no effect: pure ops, and region ops (`if`, loops) holding
/// only such ops. The loop reversal runs it before deciding what to store.
void eraseDeadOps(ir::Region &r);

/// True for the types that carry derivatives: float tensors and tuples with
/// at least one float leaf.
bool isDifferentiableType(const ir::Type &t);

/// A zero of type `t` (a tuple of zeros for a tuple type).
ir::Value *zerosOf(ir::Builder &b, const ir::Type &t);
/// A splat constant shaped like `like`.
ir::Value *splatLike(ir::Builder &b, ir::Value *like, double v);

/// a + b where null means zero; returns null only if both are null.
ir::Value *addOrNull(ir::Builder &b, ir::Value *a, ir::Value *b2);
/// `v` or a materialized zero of type `t` when v is null.
ir::Value *orZeros(ir::Builder &b, ir::Value *v, const ir::Type &t);

/// Sums `v` (shape `from`) down to `to` under NumPy broadcasting rules:
/// leading extra dims and dims where `to` has size 1 are reduced.
ir::Value *unbroadcastTo(ir::Builder &b, ir::Value *v,
                         llvm::ArrayRef<int64_t> to);

/// The adjoint of `slice {start, limit, stride}` from a tensor of shape
/// `full`: scatters `dy` back into zeros of shape `full` (zero-interleaving
/// for strides, then padding), using only reshape/concat/slice/pad.
ir::Value *unslice(ir::Builder &b, ir::Value *dy, llvm::ArrayRef<int64_t> full,
                   llvm::ArrayRef<int64_t> start, llvm::ArrayRef<int64_t> limit,
                   llvm::ArrayRef<int64_t> stride);

/// slice with unit stride.
ir::Value *sliceRange(ir::Builder &b, ir::Value *x,
                      llvm::ArrayRef<int64_t> start,
                      llvm::ArrayRef<int64_t> limit);

/// Transposes the last two dims.
ir::Value *transposeLast2(ir::Builder &b, ir::Value *x);

} // namespace tdl::ad

#endif
