//===- Builder.h - creating ops at an insertion point -------------*- C++
//-*-===//
//
// The API IR generation, autodiff, passes and tests use to make IR:
//
//   Builder b(fn->getBody());              // insert at the end of the body
//   b.setLoc(loc);                         // location for the ops that follow
//   Value *y = b.binary(Opcode::Add, x, w);  // result type from the op's rule
//   Operation *loop = b.createFor(lb, ub, {acc0});
//   Builder inner(loop->getRegion(0));     // fill the loop body
//
// Result types come from the op's type rule; creating an ill-typed op is a
// bug in the caller and aborts with the rule's message (user errors are
// caught earlier, by sema).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_BUILDER_H
#define TDL_SSA_IR_BUILDER_H

#include "ssa_ir/IR.h"

namespace tdl::ir {

class Builder {
public:
  Builder() = default;
  explicit Builder(Region &region) { setInsertionPointToEnd(region); }

  void setInsertionPointToEnd(Region &r) {
    region = &r;
    point = r.end();
  }
  /// Inserts before `op`.
  void setInsertionPoint(Operation *op);
  /// Inserts after `op`.
  void setInsertionPointAfter(Operation *op);
  Region *getInsertionRegion() const { return region; }

  void setLoc(Location l) { loc = std::move(l); }
  const Location &getLoc() const { return loc; }

  /// Creates an op; result types are inferred by the type rule, or, for ops
  /// that need them (call, if, constant), taken from `resultTypes` (checked).
  Operation *create(Opcode op, llvm::ArrayRef<Value *> operands,
                    AttrList attrs = {}, llvm::ArrayRef<Type> resultTypes = {});
  /// As create, for single-result ops: returns the result.
  Value *create1(Opcode op, llvm::ArrayRef<Value *> operands,
                 AttrList attrs = {}, llvm::ArrayRef<Type> resultTypes = {}) {
    return create(op, operands, std::move(attrs), resultTypes)->getResult(0);
  }

  // Conveniences.
  Value *unary(Opcode op, Value *x) { return create1(op, {x}); }
  Value *binary(Opcode op, Value *a, Value *b) { return create1(op, {a, b}); }
  /// A splat constant (every element `v`, converted to the dtype).
  Value *constant(Type type, double v);
  Value *constantInt(Type type, int64_t v);
  Value *constantBool(Type type, bool v);
  /// Dense data (its size must match the type's element count).
  Value *constantDense(Type type, DenseElements data);
  Value *cast(Value *x, DType to);
  /// broadcast_in_dim: operand dim i goes to result dim dims[i].
  Value *broadcast(Value *x, llvm::ArrayRef<int64_t> shape,
                   llvm::ArrayRef<int64_t> dims);
  /// NumPy broadcasting of x to `shape` (trailing dims aligned).
  Value *broadcastTo(Value *x, llvm::ArrayRef<int64_t> shape);
  Value *reshape(Value *x, llvm::ArrayRef<int64_t> shape);
  Value *reduce(Opcode op, Value *x, llvm::ArrayRef<int64_t> axes);
  Value *tuple(llvm::ArrayRef<Value *> elements);
  Value *get(Value *tuple, int64_t index);
  Operation *call(const Function &callee, llvm::ArrayRef<Value *> args);
  Operation *print(Value *x);
  Operation *ret(llvm::ArrayRef<Value *> values);
  Operation *yield(llvm::ArrayRef<Value *> values);

  /// `if`: two empty regions (then, else) to fill, each ending in a yield of
  /// `resultTypes`.
  Operation *createIf(Value *cond, llvm::ArrayRef<Type> resultTypes);
  /// `for`: one region with arguments (%i: i64, carried...).
  Operation *createFor(Value *lb, Value *ub, llvm::ArrayRef<Value *> inits);
  /// `while`: region 0 (condition) and region 1 (body) both take the carried
  /// values as arguments; the condition yields a bool scalar, the body yields
  /// the next carried values.
  Operation *createWhile(llvm::ArrayRef<Value *> inits);

private:
  Operation *insert(std::unique_ptr<Operation> op);

  Region *region = nullptr;
  Region::iterator point;
  Location loc;
};

} // namespace tdl::ir

#endif
