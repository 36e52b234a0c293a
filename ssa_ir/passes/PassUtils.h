//===- PassUtils.h - helpers shared by the optimization passes -----*- C++
//-*-===//
//
// Constants (recognize, evaluate with the interpreter's kernels, materialize),
// replacing an op by values, and moving a region's ops out of a structured op
// (used by canonicalize for `if`/`for` with constant conditions and by
// inline for call bodies).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_PASSES_PASSUTILS_H
#define TDL_SSA_IR_PASSES_PASSUTILS_H

#include "ssa_ir/Builder.h"
#include "ssa_ir/IR.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace tdl::ir {

/// The `constant` op defining `v`, or null.
Operation *getConstantOp(Value *v);
/// The value of a constant op, computed by the interpreter's kernel (so what
/// a pass sees is exactly what execution would produce).
RuntimeValue evalConstant(const Operation &constantOp);
/// True if every element of the tensor `v` is the same (bitwise).
bool isSplat(const RuntimeValue &v);
/// The element of a constant whose elements are all equal, as a scalar.
std::optional<RuntimeValue> getSplatScalar(Value *v);
/// If `v` is a constant whose elements all equal `x` converted to its dtype
/// (bitwise for floats, so -0.0 and 0.0 differ), true.
bool isSplatConstantOf(Value *v, double x);
/// The boolean value of a constant whose elements are all equal, if any.
std::optional<bool> getConstantBool(Value *v);
/// The value of a constant integer scalar, if any.
std::optional<int64_t> getConstantInt(Value *v);

/// A `constant` op holding `value` (a splat attribute when all elements
/// are equal, dense data otherwise), inserted at the builder's point.
Value *materializeConstant(Builder &b, const RuntimeValue &value);

/// Replaces every use of op's results by `values` and erases the op.
void replaceOp(Operation *op, llvm::ArrayRef<Value *> values);

/// Moves the ops of `region` (a single-block region) before `before`, with
/// its block arguments replaced by `args`; the terminator is erased and its
/// operands returned (the values the region produced).
llvm::SmallVector<Value *, 4> inlineRegionBefore(Region &region,
                                                 Operation *before,
                                                 llvm::ArrayRef<Value *> args);

using ValueMap = llvm::DenseMap<Value *, Value *>;

/// Clones `op` (with its regions) before `pos` in `dest`, remapping operands
/// through `map` (values not in it map to themselves) and recording the
/// clone's results and nested block arguments in `map`.
Operation *cloneOp(const Operation &op, Region &dest, Region::iterator pos,
                   ValueMap &map);

/// True if `op` or an op nested in its regions has a side effect (print,
/// call) that must neither be removed, duplicated nor reordered.
bool hasSideEffects(const Operation &op);

/// Calls `visit` on every op of `region` and of the regions nested in it,
/// each op after the ops of its own regions. The next op is taken before
/// `visit` runs, so `visit` may replace or erase the op it is given (not
/// others of the region).
void walkPostOrder(Region &region, llvm::function_ref<void(Operation *)> visit);

/// True if `v` is defined outside `region` (so it is available everywhere in
/// it): a value of an enclosing region.
bool isDefinedOutside(const Value *v, const Region &region);

} // namespace tdl::ir

#endif
