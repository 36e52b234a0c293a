//===- IR.cpp - IR structure: uses, insertion, erasure --------------------===//
#include "ssa_ir/IR.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <cassert>
#include <functional>

namespace tdl::ir {

//===- Value --------------------------------------------------------------===//

Region *Value::getParentRegion() const {
  return defOp ? defOp->getParentRegion() : ownerRegion;
}

void Value::removeUse(Operation *user, unsigned i) {
  for (auto it = uses.begin(); it != uses.end(); ++it)
    if (it->user == user && it->operandIndex == i) {
      uses.erase(it);
      return;
    }
  assert(false && "removing a use that is not recorded");
}

void Value::replaceAllUsesWith(Value *other) {
  assert(other != this && "replacing a value with itself");
  while (!uses.empty()) {
    Use u = uses.back();
    u.user->setOperand(u.operandIndex, other);
  }
}

//===- Region -------------------------------------------------------------===//

Region::~Region() {
  // Drop all references first so ops can be destroyed in any order.
  for (auto &op : ops)
    op->dropAllReferences();
  ops.clear();
}

Value *Region::addArgument(Type t) {
  args.push_back(std::unique_ptr<Value>(
      new Value(std::move(t), nullptr, this, unsigned(args.size()))));
  argPtrs.push_back(args.back().get());
  return args.back().get();
}

void Region::eraseArgument(unsigned i) {
  assert(args[i]->use_empty() && "erasing a used block argument");
  args.erase(args.begin() + i);
  argPtrs.erase(argPtrs.begin() + i);
  for (unsigned j = i; j < args.size(); ++j)
    args[j]->index = j;
}

llvm::SmallVector<Type, 4> Region::getArgumentTypes() const {
  llvm::SmallVector<Type, 4> ts;
  for (Value *a : argPtrs)
    ts.push_back(a->getType());
  return ts;
}

Operation *Region::insert(iterator pos, std::unique_ptr<Operation> op) {
  assert(!op->parentRegion && "op is already in a region");
  Operation *raw = op.get();
  raw->parentRegion = this;
  raw->selfIt = ops.insert(pos, std::move(op));
  return raw;
}

std::unique_ptr<Operation> Region::remove(Operation *op) {
  assert(op->parentRegion == this && "op is not in this region");
  std::unique_ptr<Operation> owned = std::move(*op->selfIt);
  ops.erase(op->selfIt);
  op->parentRegion = nullptr;
  return owned;
}

Operation *Region::getTerminator() const {
  if (ops.empty() || !ops.back()->hasTrait(Terminator))
    return nullptr;
  return ops.back().get();
}

Function *Region::getParentFunction() const {
  const Region *r = this;
  while (r->parentOp) {
    r = r->parentOp->getParentRegion();
    if (!r)
      return nullptr;
  }
  return r->parentFunction;
}

bool Region::isNestedIn(const Region *other) const {
  for (const Region *r = this; r;) {
    if (r == other)
      return true;
    if (!r->parentOp)
      return false;
    r = r->parentOp->getParentRegion();
  }
  return false;
}

//===- Operation ----------------------------------------------------------===//

std::unique_ptr<Operation> Operation::create(Opcode opcode,
                                             llvm::ArrayRef<Value *> operands,
                                             llvm::ArrayRef<Type> resultTypes,
                                             AttrList attrs, Location loc) {
  std::unique_ptr<Operation> op(new Operation(opcode, std::move(loc)));
  op->setOperands(operands);
  for (const Type &t : resultTypes)
    op->addResult(t);
  op->attrs = std::move(attrs);
  for (unsigned i = 0; i < getOpInfo(opcode).numRegions; ++i) {
    op->regions.push_back(std::make_unique<Region>());
    op->regions.back()->parentOp = op.get();
  }
  return op;
}

Operation::~Operation() {
  dropAllReferences();
  regions.clear();
}

llvm::SmallVector<Type, 4> Operation::getOperandTypes() const {
  llvm::SmallVector<Type, 4> ts;
  for (Value *v : operands)
    ts.push_back(v->getType());
  return ts;
}

void Operation::setOperand(unsigned i, Value *v) {
  assert(v && "null operand");
  if (operands[i])
    operands[i]->removeUse(this, i);
  operands[i] = v;
  v->addUse(this, i);
}

void Operation::setOperands(llvm::ArrayRef<Value *> vs) {
  for (unsigned i = 0; i < operands.size(); ++i)
    if (operands[i])
      operands[i]->removeUse(this, i);
  operands.assign(vs.size(), nullptr);
  for (unsigned i = 0; i < vs.size(); ++i)
    setOperand(i, vs[i]);
}

void Operation::eraseOperand(unsigned i) {
  llvm::SmallVector<Value *, 4> vs(operands.begin(), operands.end());
  vs.erase(vs.begin() + i);
  setOperands(vs);
}

llvm::SmallVector<Value *, 2> Operation::getResults() const {
  llvm::SmallVector<Value *, 2> rs;
  for (auto &r : results)
    rs.push_back(r.get());
  return rs;
}

llvm::SmallVector<Type, 2> Operation::getResultTypes() const {
  llvm::SmallVector<Type, 2> ts;
  for (auto &r : results)
    ts.push_back(r->getType());
  return ts;
}

void Operation::eraseResult(unsigned i) {
  assert(results[i]->use_empty() && "erasing a used result");
  results.erase(results.begin() + i);
  for (unsigned j = i; j < results.size(); ++j)
    results[j]->index = j;
}

void Operation::addResult(Type t) {
  results.push_back(std::unique_ptr<Value>(
      new Value(std::move(t), this, nullptr, unsigned(results.size()))));
}

Operation *Operation::getParentOp() const {
  return parentRegion ? parentRegion->getParentOp() : nullptr;
}

Function *Operation::getParentFunction() const {
  return parentRegion ? parentRegion->getParentFunction() : nullptr;
}

void Operation::erase() {
  for (auto &r : results)
    assert(r->use_empty() && "erasing an op whose result is used");
  assert(parentRegion && "erase() is for ops in a region; a detached op is "
                         "owned by its unique_ptr");
  dropAllReferences();
  parentRegion->remove(this); // the returned unique_ptr deletes it
}

void Operation::dropAllReferences() {
  for (unsigned i = 0; i < operands.size(); ++i)
    if (operands[i]) {
      operands[i]->removeUse(this, i);
      operands[i] = nullptr;
    }
  for (auto &r : regions)
    for (auto &op : r->getOps())
      op->dropAllReferences();
}

//===- Function / Module --------------------------------------------------===//

llvm::StringRef derivedKindName(DerivedKind k) {
  switch (k) {
  case DerivedKind::None:
    return "";
  case DerivedKind::Grad:
    return "grad";
  case DerivedKind::ValueAndGrad:
    return "value_and_grad";
  case DerivedKind::Vjp:
    return "vjp";
  case DerivedKind::Jvp:
    return "jvp";
  case DerivedKind::Checkpoint:
    return "checkpoint";
  }
  llvm_unreachable("bad derived kind");
}

std::optional<DerivedKind> parseDerivedKind(llvm::StringRef name) {
  for (DerivedKind k :
       {DerivedKind::Grad, DerivedKind::ValueAndGrad, DerivedKind::Vjp,
        DerivedKind::Jvp, DerivedKind::Checkpoint})
    if (derivedKindName(k) == name)
      return k;
  return std::nullopt;
}

Function::Function(std::string name, llvm::ArrayRef<Type> argTypes,
                   llvm::ArrayRef<Type> resultTypes, Location loc)
    : name(std::move(name)), argTypes(argTypes.begin(), argTypes.end()),
      resultTypes(resultTypes.begin(), resultTypes.end()), loc(std::move(loc)) {
  body.parentFunction = this;
  for (const Type &t : argTypes)
    body.addArgument(t);
}

Function::Function(std::string name, DerivedKind kind, std::string base,
                   llvm::ArrayRef<int64_t> wrt, Location loc)
    : name(std::move(name)), derivedKind(kind), derivedBase(std::move(base)),
      derivedWrt(wrt.begin(), wrt.end()), loc(std::move(loc)) {
  body.parentFunction = this;
}

void Function::setSignature(llvm::ArrayRef<Type> args,
                            llvm::ArrayRef<Type> results) {
  argTypes.assign(args.begin(), args.end());
  resultTypes.assign(results.begin(), results.end());
}

Function *Module::addFunction(std::unique_ptr<Function> f) {
  assert(!byName.count(f->getName()) && "function name already used");
  f->parent = this;
  byName[f->getName()] = f.get();
  functions.push_back(std::move(f));
  return functions.back().get();
}

void Module::eraseFunction(Function *f) {
  byName.erase(f->getName());
  for (auto it = functions.begin(); it != functions.end(); ++it)
    if (it->get() == f) {
      functions.erase(it);
      return;
    }
}

std::string computeDerivedSignature(DerivedKind kind, const Function &base,
                                    llvm::ArrayRef<int64_t> wrt,
                                    llvm::SmallVectorImpl<Type> &args,
                                    llvm::SmallVectorImpl<Type> &results) {
  llvm::ArrayRef<Type> baseArgs = base.getArgTypes();
  llvm::ArrayRef<Type> baseResults = base.getResultTypes();
  if (kind == DerivedKind::Checkpoint) {
    if (!wrt.empty())
      return "'checkpoint' takes no wrt list";
    args.assign(baseArgs.begin(), baseArgs.end());
    results.assign(baseResults.begin(), baseResults.end());
    return "";
  }
  llvm::SmallVector<Type, 4> wrtTypes;
  for (size_t i = 0; i < wrt.size(); ++i) {
    int64_t w = wrt[i];
    if (w < 0 || w >= int64_t(baseArgs.size()))
      return fmt::format("wrt index {} is out of range: '@{}' has {} "
                         "parameters",
                         w, base.getName().str(), baseArgs.size());
    for (size_t j = 0; j < i; ++j)
      if (wrt[j] == w)
        return fmt::format("wrt index {} is listed twice", w);
    const Type &t = baseArgs[w];
    // Tuples (lowered structs) are differentiated leaf by leaf: they need a
    // floating-point leaf; their cotangent has the tuple type itself.
    std::function<bool(const Type &)> hasFloatLeaf = [&](const Type &x) {
      if (x.isTensor())
        return isFloat(x.getDType());
      if (x.isTape()) // a tape's tangent is a tape of its elements' tangents
        return hasFloatLeaf(x.getTapeElement());
      return llvm::any_of(x.getElements(), hasFloatLeaf);
    };
    if (!hasFloatLeaf(t))
      return fmt::format("parameter {} of '@{}' has type {}, not a "
                         "floating-point tensor",
                         w, base.getName().str(), t.str());
    wrtTypes.push_back(t);
  }
  if (wrt.empty())
    return "wrt list is empty";
  args.clear();
  results.clear();
  args.append(baseArgs.begin(), baseArgs.end());
  switch (kind) {
  case DerivedKind::None:
    return "not a derived function";
  case DerivedKind::Grad:
  case DerivedKind::ValueAndGrad:
    if (baseResults.size() != 1 || !baseResults[0].isScalar() ||
        !isFloat(baseResults[0].getDType()))
      return fmt::format("'{}' needs '@{}' to return one floating-point "
                         "scalar, it returns {}",
                         derivedKindName(kind).str(), base.getName().str(),
                         typeListToString(baseResults));
    if (kind == DerivedKind::ValueAndGrad)
      results.push_back(baseResults[0]);
    results.append(wrtTypes.begin(), wrtTypes.end());
    return "";
  case DerivedKind::Vjp:
    args.append(baseResults.begin(), baseResults.end());
    results.append(wrtTypes.begin(), wrtTypes.end());
    return "";
  case DerivedKind::Jvp:
    args.append(wrtTypes.begin(), wrtTypes.end());
    results.append(baseResults.begin(), baseResults.end());
    results.append(baseResults.begin(), baseResults.end());
    return "";
  case DerivedKind::Checkpoint:
    break; // handled above
  }
  llvm_unreachable("bad derived kind");
}

llvm::Error Module::resolveDerivedSignatures() {
  // 0 = not visited, 1 = in progress, 2 = done.
  llvm::DenseMap<Function *, int> state;
  std::function<llvm::Error(Function *)> resolve =
      [&](Function *f) -> llvm::Error {
    if (!f->isDerivedDeclaration() || state[f] == 2)
      return llvm::Error::success();
    if (state[f] == 1)
      return llvm::createStringError(fmt::format(
          "derived function '@{}' depends on itself", f->getName().str()));
    state[f] = 1;
    Function *base = lookup(f->getDerivedBase());
    if (!base)
      return llvm::createStringError(
          fmt::format("derived function '@{}': unknown function '@{}'",
                      f->getName().str(), f->getDerivedBase().str()));
    if (llvm::Error e = resolve(base))
      return e;
    llvm::SmallVector<Type, 4> args, results;
    std::string err = computeDerivedSignature(
        f->getDerivedKind(), *base, f->getDerivedWrt(), args, results);
    if (!err.empty())
      return llvm::createStringError(
          fmt::format("derived function '@{}': {}", f->getName().str(), err));
    f->setSignature(args, results);
    state[f] = 2;
    return llvm::Error::success();
  };
  for (auto &f : functions)
    if (llvm::Error e = resolve(f.get()))
      return e;
  return llvm::Error::success();
}

void walk(Region &region, llvm::function_ref<void(Operation &)> fn) {
  for (auto &op : region.getOps()) {
    fn(*op);
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      walk(op->getRegion(i), fn);
  }
}

void walk(Module &module, llvm::function_ref<void(Operation &)> fn) {
  for (auto &f : module.getFunctions())
    walk(f->getBody(), fn);
}

} // namespace tdl::ir
