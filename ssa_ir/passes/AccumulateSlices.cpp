//===- AccumulateSlices.cpp - add a slice's cotangent into its accumulator ===//
//
// The pullback of `dynamic_slice` (an RNN reading xs[t]) is a full-size
// tensor: zeros with the slice's cotangent at its place. A loop's reverse
// pass adds one into the accumulated cotangent every iteration,
//
//   %d = dynamic_update_slice %zeros, %u, %i...
//   %s = add %acc, %d
//
// which touches the whole tensor per step: O(T^2) work and traffic for T
// steps. This pass rewrites it to touch the slice only,
//
//   %c = dynamic_slice %acc, %i... {sizes = shape of %u}
//   %e = add %c, %u
//   %s = dynamic_update_slice %acc, %e, %i...
//
// and the cpu backend updates %acc's buffer in place when %acc dies there
// (a loop-carried accumulator keeps its buffer: docs/cpu-backend.md).
//
// Exactness: inside the slice both forms compute acc + u with the operands
// in their order. Outside it the original computes acc + 0.0, which equals
// acc for every value except -0.0 (-0.0 + 0.0 = +0.0). So the rewrite is
// made only when the accumulator can never hold -0.0 (neverNegativeZero):
// integers; constants without -0.0; a sum with such an operand (x + y is
// -0.0 only when both are); slices, reshapes, broadcasts and transposes of
// such a value; a dynamic_update_slice of two such values; a
// loop-carried value whose initial value is such and whose next value is,
// assuming the carried value is (induction over the iterations). Bounds
// checks are the same: both ops check the indices against the same window
// and report the same message at the same location.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/DenseSet.h"

#include <cmath>

namespace tdl::ir {

namespace {

/// Whether `v` can never hold -0.0 in any element (module docs above).
class NegativeZeroAnalysis {
public:
  bool neverNegativeZero(Value *v, unsigned depth = 0) {
    if (!isFloat(v->getType().getDType()))
      return true;
    if (assumed.contains(v))
      return true;
    if (depth > 16)
      return false;
    if (v->isBlockArgument())
      return carriedNeverNegativeZero(v, depth);
    Operation *def = v->getDefiningOp();
    switch (def->getOpcode()) {
    case Opcode::Constant: {
      if (std::optional<RuntimeValue> s = getSplatScalar(v)) {
        double x = s->getAsDouble(0);
        return !(x == 0.0 && std::signbit(x));
      }
      return false;
    }
    case Opcode::Add:
      return neverNegativeZero(def->getOperand(0), depth + 1) ||
             neverNegativeZero(def->getOperand(1), depth + 1);
    case Opcode::DynamicSlice: // data movement: operand 0's elements
    case Opcode::Slice:
    case Opcode::Reshape:
    case Opcode::Broadcast:
    case Opcode::Transpose:
      return neverNegativeZero(def->getOperand(0), depth + 1);
    case Opcode::DynamicUpdateSlice:
      return neverNegativeZero(def->getOperand(0), depth + 1) &&
             neverNegativeZero(def->getOperand(1), depth + 1);
    default:
      return false;
    }
  }

private:
  /// A `for`/`while` carried value: its initial value and, assuming it, the
  /// value the body yields for it.
  bool carriedNeverNegativeZero(Value *arg, unsigned depth) {
    Region *r = arg->getOwnerRegion();
    Operation *loop = r ? r->getParentOp() : nullptr;
    if (!loop)
      return false;
    unsigned slot;
    Region *body;
    unsigned firstInit;
    if (loop->getOpcode() == Opcode::For) {
      if (arg->getIndex() == 0)
        return false; // the induction variable (an integer anyway)
      slot = arg->getIndex() - 1;
      body = &loop->getRegion(0);
      firstInit = 2;
    } else if (loop->getOpcode() == Opcode::While) {
      slot = arg->getIndex();
      body = &loop->getRegion(1);
      firstInit = 0;
    } else {
      return false;
    }
    if (!neverNegativeZero(loop->getOperand(firstInit + slot), depth + 1))
      return false;
    // Both regions of a while see the same carried values.
    llvm::SmallVector<Value *, 2> args;
    for (unsigned k = 0; k < loop->getNumRegions(); ++k)
      args.push_back(loop->getRegion(k).getArgument(arg->getIndex()));
    for (Value *a : args)
      assumed.insert(a);
    bool ok =
        neverNegativeZero(body->getTerminator()->getOperand(slot), depth + 1);
    for (Value *a : args)
      assumed.erase(a);
    return ok;
  }

  llvm::DenseSet<Value *> assumed;
};

/// `%d = dynamic_update_slice %zeros, %u, %i...` with a splat-zero base and
/// `%d`'s only use `user`.
Operation *sliceIntoZeros(Value *d, Operation *user) {
  Operation *def = d->getDefiningOp();
  if (!def || def->getOpcode() != Opcode::DynamicUpdateSlice ||
      d->getNumUses() != 1 || d->getUses()[0].user != user)
    return nullptr;
  return isSplatConstantOf(def->getOperand(0), 0.0) ? def : nullptr;
}

class AccumulateSlicesPass : public Pass {
public:
  llvm::StringRef getName() const override { return "accumulate-slices"; }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        walkPostOrder(f->getBody(), [&](Operation *op) {
          if (op->getOpcode() == Opcode::Add)
            tryRewrite(op);
        });
    return true;
  }

private:
  void tryRewrite(Operation *add) {
    for (unsigned side = 0; side < 2; ++side) {
      Operation *dus = sliceIntoZeros(add->getOperand(side), add);
      Value *acc = add->getOperand(1 - side);
      if (!dus || !analysis.neverNegativeZero(acc))
        continue;
      Value *u = dus->getOperand(1);
      llvm::SmallVector<Value *, 4> indices(dus->getOperands().drop_front(2));
      Builder b;
      b.setInsertionPoint(add);
      b.setLoc(dus->getLoc());
      llvm::SmallVector<Value *, 5> sliceOperands{acc};
      sliceOperands.append(indices);
      IntArray sizes(u->getType().getShape().begin(),
                     u->getType().getShape().end());
      Value *cur = b.create1(Opcode::DynamicSlice, sliceOperands,
                             AttrList{{"sizes", Attribute(sizes)}});
      b.setLoc(add->getLoc());
      Value *sum = side == 1 ? b.binary(Opcode::Add, cur, u)
                             : b.binary(Opcode::Add, u, cur);
      b.setLoc(dus->getLoc());
      llvm::SmallVector<Value *, 6> updateOperands{acc, sum};
      updateOperands.append(indices);
      Value *updated = b.create1(Opcode::DynamicUpdateSlice, updateOperands);
      replaceOp(add, {updated});
      dus->erase();
      return;
    }
  }

  NegativeZeroAnalysis analysis;
};

} // namespace

std::unique_ptr<Pass> createAccumulateSlicesPass() {
  return std::make_unique<AccumulateSlicesPass>();
}

} // namespace tdl::ir
