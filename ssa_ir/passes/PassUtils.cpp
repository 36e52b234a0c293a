//===- PassUtils.cpp ------------------------------------------------------===//
#include "ssa_ir/passes/PassUtils.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

#include <cstring>

namespace tdl::ir {

Operation *getConstantOp(Value *v) {
  Operation *def = v->getDefiningOp();
  return def && def->getOpcode() == Opcode::Constant ? def : nullptr;
}

RuntimeValue evalConstant(const Operation &constantOp) {
  return kernels::evalCreation(constantOp, {});
}

bool isSplat(const RuntimeValue &v) {
  if (!v.getType().isTensor() || v.numElements() == 0)
    return false;
  size_t size = dtypeSize(v.getDType());
  const uint8_t *p = v.rawData();
  for (int64_t i = 1, n = v.numElements(); i < n; ++i)
    if (std::memcmp(p, p + i * size, size) != 0)
      return false;
  return true;
}

std::optional<RuntimeValue> getSplatScalar(Value *v) {
  Operation *c = getConstantOp(v);
  if (!c || !v->getType().isTensor() || v->getType().getNumElements() == 0)
    return std::nullopt;
  Type scalar = Type::scalar(v->getType().getDType());
  if (!OpAttrs(*c).value().is<DenseElements>()) {
    // A splat attribute: evaluate it at rank 0 (same kernel, no big buffer).
    auto probe =
        Operation::create(Opcode::Constant, {}, {scalar}, c->getAttrs());
    return kernels::evalCreation(*probe, {});
  }
  RuntimeValue val = evalConstant(*c);
  if (!isSplat(val))
    return std::nullopt;
  RuntimeValue first = RuntimeValue::zeros(scalar);
  std::memcpy(first.mutableRawData(), val.rawData(),
              dtypeSize(scalar.getDType()));
  return first;
}

bool isSplatConstantOf(Value *v, double x) {
  std::optional<RuntimeValue> s = getSplatScalar(v);
  if (!s)
    return false;
  return dispatchDType(s->getDType(), [&]<typename T>() {
    T want = T(x);
    return std::memcmp(s->rawData(), &want, sizeof(T)) == 0;
  });
}

std::optional<bool> getConstantBool(Value *v) {
  if (!v->getType().isTensor() || v->getType().getDType() != DType::Bool)
    return std::nullopt;
  std::optional<RuntimeValue> s = getSplatScalar(v);
  if (!s)
    return std::nullopt;
  return s->rawData()[0] != 0;
}

std::optional<int64_t> getConstantInt(Value *v) {
  if (!v->getType().isScalar() || !isInteger(v->getType().getDType()))
    return std::nullopt;
  std::optional<RuntimeValue> s = getSplatScalar(v);
  if (!s)
    return std::nullopt;
  return s->getScalarInt();
}

Value *materializeConstant(Builder &b, const RuntimeValue &value) {
  const Type &t = value.getType();
  DType dt = t.getDType();
  if (isSplat(value)) {
    if (isFloat(dt))
      return b.constant(t, value.getAsDouble(0));
    if (dt == DType::Bool)
      return b.constantBool(t, value.rawData()[0] != 0);
    return b.constantInt(t, dispatchDType(dt, [&]<typename T>() {
                           return int64_t(value.data<T>()[0]);
                         }));
  }
  DenseElements d;
  d.dtype = dt;
  d.bytes.assign(value.rawData(),
                 value.rawData() + value.numElements() * dtypeSize(dt));
  return b.constantDense(t, std::move(d));
}

void replaceOp(Operation *op, llvm::ArrayRef<Value *> values) {
  assert(values.size() == op->getNumResults() && "result count mismatch");
  for (unsigned i = 0; i < op->getNumResults(); ++i)
    if (op->getResult(i) != values[i])
      op->getResult(i)->replaceAllUsesWith(values[i]);
  op->erase();
}

llvm::SmallVector<Value *, 4> inlineRegionBefore(Region &region,
                                                 Operation *before,
                                                 llvm::ArrayRef<Value *> args) {
  for (unsigned i = 0; i < region.getNumArguments(); ++i)
    region.getArgument(i)->replaceAllUsesWith(args[i]);
  Operation *term = region.getTerminator();
  llvm::SmallVector<Value *, 4> produced(term->getOperands().begin(),
                                         term->getOperands().end());
  term->erase();
  Region *dest = before->getParentRegion();
  auto pos = std::find_if(dest->begin(), dest->end(),
                          [&](const auto &p) { return p.get() == before; });
  while (!region.empty())
    dest->insert(pos, region.remove(region.begin()->get()));
  return produced;
}

static Value *lookupOr(const ValueMap &map, Value *v) {
  auto it = map.find(v);
  return it == map.end() ? v : it->second;
}

Operation *cloneOp(const Operation &op, Region &dest, Region::iterator pos,
                   ValueMap &map) {
  llvm::SmallVector<Value *, 4> operands;
  for (Value *v : op.getOperands())
    operands.push_back(lookupOr(map, v));
  Operation *copy = dest.insert(
      pos, Operation::create(op.getOpcode(), operands, op.getResultTypes(),
                             op.getAttrs(), op.getLoc()));
  for (unsigned i = 0; i < op.getNumResults(); ++i) {
    map[op.getResult(i)] = copy->getResult(i);
    copy->getResult(i)->setNameHint(op.getResult(i)->getNameHint());
  }
  for (unsigned r = 0; r < op.getNumRegions(); ++r) {
    const Region &from = op.getRegion(r);
    Region &to = copy->getRegion(r);
    for (Value *arg : from.getArguments()) {
      Value *newArg = to.addArgument(arg->getType());
      newArg->setNameHint(arg->getNameHint());
      map[arg] = newArg;
    }
    for (const auto &inner : from.getOps())
      cloneOp(*inner, to, to.end(), map);
  }
  return copy;
}

bool hasSideEffects(const Operation &op) {
  if (op.getOpcode() == Opcode::Call || op.hasTrait(SideEffect))
    return true;
  for (unsigned i = 0; i < op.getNumRegions(); ++i)
    for (const auto &inner : op.getRegion(i).getOps())
      if (hasSideEffects(*inner))
        return true;
  return false;
}

bool isDefinedOutside(const Value *v, const Region &region) {
  return !v->getParentRegion()->isNestedIn(&region);
}

void walkPostOrder(Region &region,
                   llvm::function_ref<void(Operation *)> visit) {
  for (auto it = region.begin(); it != region.end();) {
    Operation *op = (it++)->get();
    for (unsigned k = 0; k < op->getNumRegions(); ++k)
      walkPostOrder(op->getRegion(k), visit);
    visit(op);
  }
}

} // namespace tdl::ir
