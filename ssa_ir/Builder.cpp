//===- Builder.cpp --------------------------------------------------------===//
#include "ssa_ir/Builder.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cassert>

namespace tdl::ir {

void Builder::setInsertionPoint(Operation *op) {
  region = op->getParentRegion();
  assert(region && "op is not in a region");
  point = std::find_if(region->begin(), region->end(),
                       [&](auto &p) { return p.get() == op; });
}

void Builder::setInsertionPointAfter(Operation *op) {
  setInsertionPoint(op);
  ++point;
}

Operation *Builder::insert(std::unique_ptr<Operation> op) {
  assert(region && "builder has no insertion point");
  return region->insert(point, std::move(op));
}

Operation *Builder::create(Opcode opcode, llvm::ArrayRef<Value *> operands,
                           AttrList attrs, llvm::ArrayRef<Type> resultTypes) {
  llvm::SmallVector<Type, 4> operandTypes;
  for (Value *v : operands)
    operandTypes.push_back(v->getType());
  TypeRuleResult r = inferResultTypes(opcode, operandTypes, attrs, resultTypes);
  if (!r.ok())
    llvm::report_fatal_error(llvm::Twine("builder: ill-typed '") +
                             getOpName(opcode) + "' op: " + r.error);
  return insert(
      Operation::create(opcode, operands, r.types, std::move(attrs), loc));
}

Value *Builder::constant(Type type, double v) {
  DType dt = type.getDType();
  if (isFloat(dt))
    return create1(Opcode::Constant, {}, {{"value", Attribute(v)}}, {type});
  if (dt == DType::Bool)
    return constantBool(type, v != 0);
  return constantInt(type, int64_t(v));
}

Value *Builder::constantInt(Type type, int64_t v) {
  if (isFloat(type.getDType()))
    return constant(type, double(v));
  return create1(Opcode::Constant, {}, {{"value", Attribute(v)}}, {type});
}

Value *Builder::constantBool(Type type, bool v) {
  return create1(Opcode::Constant, {}, {{"value", Attribute(v)}}, {type});
}

Value *Builder::constantDense(Type type, DenseElements data) {
  return create1(Opcode::Constant, {}, {{"value", Attribute(std::move(data))}},
                 {type});
}

Value *Builder::cast(Value *x, DType to) {
  return create1(Opcode::Cast, {x}, {{"dtype", Attribute(to)}});
}

Value *Builder::broadcast(Value *x, llvm::ArrayRef<int64_t> shape,
                          llvm::ArrayRef<int64_t> dims) {
  return create1(Opcode::Broadcast, {x},
                 {{"dims", Attribute(dims)}, {"shape", Attribute(shape)}});
}

Value *Builder::broadcastTo(Value *x, llvm::ArrayRef<int64_t> shape) {
  unsigned rank = x->getType().getRank();
  assert(rank <= shape.size() && "broadcastTo a lower rank");
  if (x->getType().getShape() == shape)
    return x;
  IntArray dims;
  for (unsigned i = 0; i < rank; ++i)
    dims.push_back(int64_t(shape.size() - rank + i));
  return broadcast(x, shape, dims);
}

Value *Builder::reshape(Value *x, llvm::ArrayRef<int64_t> shape) {
  return create1(Opcode::Reshape, {x}, {{"shape", Attribute(shape)}});
}

Value *Builder::reduce(Opcode op, Value *x, llvm::ArrayRef<int64_t> axes) {
  return create1(op, {x}, {{"axes", Attribute(axes)}});
}

Value *Builder::tuple(llvm::ArrayRef<Value *> elements) {
  return create1(Opcode::Tuple, elements);
}

Value *Builder::get(Value *tuple, int64_t index) {
  return create1(Opcode::Get, {tuple}, {{"index", Attribute(index)}});
}

Operation *Builder::call(const Function &callee, llvm::ArrayRef<Value *> args) {
  return create(Opcode::Call, args,
                {{"callee", Attribute(SymbolRef{callee.getName().str()})}},
                callee.getResultTypes());
}

Operation *Builder::print(Value *x) { return create(Opcode::Print, {x}); }
Operation *Builder::ret(llvm::ArrayRef<Value *> values) {
  return create(Opcode::Return, values);
}
Operation *Builder::yield(llvm::ArrayRef<Value *> values) {
  return create(Opcode::Yield, values);
}

Operation *Builder::createIf(Value *cond, llvm::ArrayRef<Type> resultTypes) {
  return create(Opcode::If, {cond}, {}, resultTypes);
}

Operation *Builder::createFor(Value *lb, Value *ub,
                              llvm::ArrayRef<Value *> inits) {
  llvm::SmallVector<Value *, 4> operands{lb, ub};
  operands.append(inits.begin(), inits.end());
  Operation *op = create(Opcode::For, operands);
  Region &body = op->getRegion(0);
  body.addArgument(Type::scalar(DType::I64));
  for (Value *v : inits)
    body.addArgument(v->getType());
  return op;
}

Operation *Builder::createWhile(llvm::ArrayRef<Value *> inits) {
  Operation *op = create(Opcode::While, inits);
  for (unsigned r = 0; r < 2; ++r)
    for (Value *v : inits)
      op->getRegion(r).addArgument(v->getType());
  return op;
}

} // namespace tdl::ir
