//===- SimplifyShapes.cpp - sink transposes and reshapes through elementwise ops
//
// Layout changes between elementwise ops keep a transpose (or reshape) and
// its inverse apart: `transpose(exp(neg(transpose(x, p))), p^-1)`. This pass
// sinks them below elementwise ops,
//
//   f(transpose(a, p), transpose(b, p), splat) -> transpose(f(a, b, splat'), p)
//   f(reshape(a), reshape(b), splat)           -> reshape(f(a, b, splat'))
//                                                 (a, b of one shape)
//
// where splat' is the splat constant at the pre-transpose shape, until the
// layout change meets its inverse; canonicalize then folds
// transpose(transpose) and reshape(reshape) into nothing. A transpose or
// reshape is sunk only when the elementwise op is its only user (otherwise
// both layouts would be computed). Elementwise ops compute each element
// independently, so the rewrite is exact.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

namespace tdl::ir {

namespace {

class ShapeSinking {
public:
  void visitRegion(Region &r) {
    walkPostOrder(r, [&](Operation *op) {
      if (op->hasTrait(Elementwise) && op->getNumResults() == 1)
        trySink(op);
    });
  }

private:
  /// The layout op feeding operand `v` if it can be sunk through its user.
  static Operation *layoutOp(Value *v) {
    Operation *def = v->getDefiningOp();
    if (!def || v->getNumUses() != 1)
      return nullptr;
    Opcode c = def->getOpcode();
    return c == Opcode::Transpose || c == Opcode::Reshape ? def : nullptr;
  }

  void trySink(Operation *op) {
    Operation *first = nullptr;
    for (Value *v : op->getOperands()) {
      if (Operation *l = layoutOp(v)) {
        if (!first) {
          first = l;
          continue;
        }
        // Every layout operand must be the same change of the same shape.
        if (l->getOpcode() != first->getOpcode() ||
            !(l->getAttrs() == first->getAttrs()) ||
            l->getOperand(0)->getType().getShape() !=
                first->getOperand(0)->getType().getShape())
          return;
      } else if (!getSplatScalar(v)) {
        return;
      }
    }
    if (!first)
      return;
    llvm::ArrayRef<int64_t> srcShape =
        first->getOperand(0)->getType().getShape();
    Builder b;
    b.setInsertionPoint(op);
    b.setLoc(op->getLoc());
    llvm::SmallVector<Value *, 3> operands;
    for (Value *v : op->getOperands()) {
      if (Operation *l = layoutOp(v)) {
        operands.push_back(l->getOperand(0));
        continue;
      }
      // A splat constant, re-spelled at the source shape.
      Operation *c = v->getDefiningOp();
      operands.push_back(b.create1(Opcode::Constant, {}, c->getAttrs(),
                                   {v->getType().withShape(srcShape)}));
    }
    Value *inner = b.create1(op->getOpcode(), operands, op->getAttrs());
    Value *moved = b.create1(first->getOpcode(), {inner}, first->getAttrs());
    llvm::SmallVector<Operation *, 3> layouts;
    for (Value *v : op->getOperands())
      if (Operation *l = layoutOp(v))
        layouts.push_back(l);
    replaceOp(op, {moved});
    for (Operation *l : layouts)
      if (l->getResult(0)->use_empty())
        l->erase();
  }
};

class SimplifyShapesPass : public Pass {
public:
  llvm::StringRef getName() const override { return "simplify-shapes"; }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        ShapeSinking().visitRegion(f->getBody());
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createSimplifyShapesPass() {
  return std::make_unique<SimplifyShapesPass>();
}

} // namespace tdl::ir
