//===- Linearity.cpp - the linearity check of user derivative rules -------===//
//
// Per function and pattern of dependent arguments: clone the body, drop the
// ops that reach no result (eraseDeadOps), compute which values depend on the
// dependent arguments (all types, to a fixpoint over loops; calls by their
// callee's own analysis), which independent values are known zeros, then walk
// the ops in order and report the first one that is not linear in the
// dependent values. Integer and bool values computed from dependent ones
// (comparisons, casts to integers) are not errors themselves; their use as a
// condition, bound or index is, and so is turning them back into floats.
//
//===----------------------------------------------------------------------===//
#include "autodiff/Linearity.h"
#include "autodiff/IRHelpers.h"
#include "ssa_ir/OpAttrs.h"

#include "llvm/ADT/DenseSet.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace tdl::ad {

using namespace ir;

namespace {

bool isFloatTensor(const Type &t) {
  return t.isTensor() && isFloat(t.getDType());
}

bool isZeroConstant(const Operation &op) {
  const Attribute *a = ir::OpAttrs(op).valueIf();
  if (!a)
    return false;
  if (auto *i = a->getIf<int64_t>())
    return *i == 0;
  if (auto *d = a->getIf<double>())
    return *d == 0.0;
  if (auto *b = a->getIf<bool>())
    return !*b;
  if (auto *dense = a->getIf<DenseElements>()) {
    for (int64_t i = 0; i < dense->size(); ++i)
      if (dense->getAsDouble(i) != 0.0)
        return false;
    return true;
  }
  return false;
}

struct FunctionResult {
  std::optional<NonLinearity> bad;
  llvm::SmallVector<bool, 4> resultDependent;
};

class Checker {
public:
  Checker(Module &m, const LinearityQuery &q,
          const std::function<bool(Function &)> &fill)
      : module(m), query(q), fill(fill) {}

  FunctionResult check(Function &fn, llvm::ArrayRef<bool> depArgs, bool top);

private:
  struct State {
    llvm::DenseSet<const Value *> dep, zero;
  };
  bool propagate(State &s, Region &r);
  void markZeros(State &s, Region &r);
  std::optional<NonLinearity> checkRegion(State &s, Region &r);
  std::optional<NonLinearity> checkOp(State &s, Operation &op);
  std::optional<NonLinearity> checkResult(State &s, Operation &ret, Value *v);
  /// The callee of `call` with its body (a derived declaration is filled
  /// first), or null.
  Function *calleeOf(Operation &call);
  FunctionResult checkCall(State &s, Operation &call);

  NonLinearity at(const Operation &op, std::string why) {
    return NonLinearity{op.getLoc().pos, std::move(why), {}};
  }
  /// "a value that depends on it".
  std::string dependent() const {
    return "a value that depends on " + query.pronoun;
  }

  Module &module;
  const LinearityQuery &query;
  const std::function<bool(Function &)> &fill;
  std::map<std::string, FunctionResult> memo;
  std::set<std::string> active;
};

Function *Checker::calleeOf(Operation &call) {
  const SymbolRef *sym = ir::OpAttrs(call).calleeIf();
  Function *callee = sym ? module.lookup(sym->name) : nullptr;
  if (callee && callee->isDerivedDeclaration() && !fill(*callee))
    return nullptr;
  return callee;
}

FunctionResult Checker::checkCall(State &s, Operation &call) {
  llvm::SmallVector<bool, 6> pattern;
  bool any = false;
  for (Value *v : call.getOperands()) {
    pattern.push_back(s.dep.count(v));
    any |= pattern.back();
  }
  FunctionResult none;
  none.resultDependent.assign(call.getNumResults(), any);
  if (!any)
    return none;
  Function *callee = calleeOf(call);
  if (!callee || callee->getBody().empty())
    return none;
  return check(*callee, pattern, false);
}

bool Checker::propagate(State &s, Region &r) {
  bool changed = false;
  auto mark = [&](Value *v) { changed |= s.dep.insert(v).second; };
  auto d = [&](Value *v) { return s.dep.count(v) != 0; };
  for (auto &opPtr : r.getOps()) {
    Operation &op = *opPtr;
    for (unsigned i = 0; i < op.getNumRegions(); ++i)
      changed |= propagate(s, op.getRegion(i));
    switch (op.getOpcode()) {
    case Opcode::If:
      for (unsigned k = 0; k < op.getNumResults(); ++k)
        if (d(op.getOperand(0)) ||
            d(op.getRegion(0).getTerminator()->getOperand(k)) ||
            d(op.getRegion(1).getTerminator()->getOperand(k)))
          mark(op.getResult(k));
      break;
    case Opcode::For:
    case Opcode::While: {
      bool isFor = op.getOpcode() == Opcode::For;
      unsigned first = isFor ? 2 : 0;
      Region &body = op.getRegion(isFor ? 0 : 1);
      if (isFor && (d(op.getOperand(0)) || d(op.getOperand(1))))
        mark(body.getArgument(0));
      Operation *yield = body.getTerminator();
      for (unsigned k = 0; k < op.getNumResults(); ++k) {
        if (!d(op.getOperand(first + k)) && !d(yield->getOperand(k)))
          continue;
        mark(op.getResult(k));
        mark(body.getArgument(isFor ? k + 1 : k));
        if (!isFor)
          mark(op.getRegion(0).getArgument(k));
      }
      break;
    }
    case Opcode::Call: {
      FunctionResult fr = checkCall(s, op);
      for (unsigned k = 0; k < op.getNumResults(); ++k)
        if (fr.resultDependent[k])
          mark(op.getResult(k));
      break;
    }
    default:
      if (llvm::any_of(op.getOperands(), d))
        for (Value *res : op.getResults())
          mark(res);
      break;
    }
  }
  return changed;
}

void Checker::markZeros(State &s, Region &r) {
  auto z = [&](unsigned i, Operation &op) {
    return s.zero.count(op.getOperand(i)) != 0;
  };
  for (auto &opPtr : r.getOps()) {
    Operation &op = *opPtr;
    for (unsigned i = 0; i < op.getNumRegions(); ++i)
      markZeros(s, op.getRegion(i));
    if (op.getNumResults() != 1 || s.dep.count(op.getResult(0)))
      continue;
    bool isZero = false;
    switch (op.getOpcode()) {
    case Opcode::Constant:
      isZero = isZeroConstant(op);
      break;
    case Opcode::TapeNew:
      isZero = true;
      break;
    case Opcode::Neg:
    case Opcode::Broadcast:
    case Opcode::Reshape:
    case Opcode::Transpose:
    case Opcode::Flip:
    case Opcode::Slice:
    case Opcode::ReduceSum:
    case Opcode::Cast:
    case Opcode::DynamicSlice:
    case Opcode::Get:
    case Opcode::Div:
      isZero = z(0, op);
      break;
    case Opcode::Mul:
    case Opcode::Matmul:
    case Opcode::Conv2D:
    case Opcode::Conv2DGradInput:
    case Opcode::Conv2DGradFilter:
      isZero = z(0, op) || z(1, op);
      break;
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Pad:
      isZero = z(0, op) && z(1, op);
      break;
    case Opcode::Select:
      isZero = z(1, op) && z(2, op);
      break;
    case Opcode::DynamicUpdateSlice:
      isZero = z(0, op) && z(1, op);
      break;
    case Opcode::MaxPool2DGrad:
      isZero = z(2, op);
      break;
    case Opcode::AvgPool2DGrad:
      isZero = z(1, op);
      break;
    case Opcode::Concat:
    case Opcode::Tuple:
      isZero = true;
      for (unsigned i = 0; i < op.getNumOperands(); ++i)
        if (isDifferentiableType(op.getOperand(i)->getType()) && !z(i, op))
          isZero = false;
      break;
    default:
      break;
    }
    if (isZero)
      s.zero.insert(op.getResult(0));
  }
}

std::optional<NonLinearity> Checker::checkRegion(State &s, Region &r) {
  for (auto &op : r.getOps())
    if (auto bad = checkOp(s, *op))
      return bad;
  return std::nullopt;
}

std::optional<NonLinearity> Checker::checkOp(State &s, Operation &op) {
  auto d = [&](Value *v) { return s.dep.count(v) != 0; };
  // A float value that may be mixed with dependent ones: dependent itself,
  // or known to be zero.
  auto mixable = [&](Value *v) {
    return d(v) || s.zero.count(v) || !isDifferentiableType(v->getType());
  };
  std::string name = op.getName().str();
  std::string mixes = fmt::format("'{}' combines {} with a nonzero one that "
                                  "does not",
                                  name, dependent());
  bool anyDep = llvm::any_of(op.getOperands(), d);
  bool floatResult = op.getNumResults() == 1 &&
                     isDifferentiableType(op.getResult(0)->getType());

  switch (op.getOpcode()) {
  case Opcode::If:
    if (d(op.getOperand(0)))
      return at(op, fmt::format("the condition of 'if' depends on {}",
                                query.pronoun));
    for (unsigned k = 0; k < op.getNumResults(); ++k)
      if (d(op.getResult(k)))
        for (unsigned r = 0; r < 2; ++r)
          if (!mixable(op.getRegion(r).getTerminator()->getOperand(k)))
            return at(op, fmt::format("one branch of 'if' yields {} and the "
                                      "other a nonzero one that does not",
                                      dependent()));
    for (unsigned r = 0; r < 2; ++r)
      if (auto bad = checkRegion(s, op.getRegion(r)))
        return bad;
    return std::nullopt;
  case Opcode::For:
  case Opcode::While: {
    bool isFor = op.getOpcode() == Opcode::For;
    if (isFor && (d(op.getOperand(0)) || d(op.getOperand(1))))
      return at(op,
                fmt::format("the bounds of 'for' depend on {}", query.pronoun));
    if (!isFor && d(op.getRegion(0).getTerminator()->getOperand(0)))
      return at(op, fmt::format("the condition of 'while' depends on {}",
                                query.pronoun));
    unsigned first = isFor ? 2 : 0;
    Operation *yield = op.getRegion(isFor ? 0 : 1).getTerminator();
    for (unsigned k = 0; k < op.getNumResults(); ++k) {
      if (!d(op.getResult(k)))
        continue;
      if (!mixable(op.getOperand(first + k)))
        return at(op, fmt::format("'{}' starts {} from a nonzero one that "
                                  "does not",
                                  name, dependent()));
      if (!mixable(yield->getOperand(k)))
        return at(op, fmt::format("'{}' replaces {} by a nonzero one that "
                                  "does not",
                                  name, dependent()));
    }
    for (unsigned r = 0; r < op.getNumRegions(); ++r)
      if (auto bad = checkRegion(s, op.getRegion(r)))
        return bad;
    return std::nullopt;
  }
  case Opcode::Call: {
    if (!anyDep)
      return std::nullopt;
    FunctionResult fr = checkCall(s, op);
    if (!fr.bad)
      return std::nullopt;
    NonLinearity bad = *fr.bad;
    bad.calls.insert(bad.calls.begin(),
                     {op.getLoc().pos, ir::OpAttrs(op).callee().str()});
    return bad;
  }
  default:
    break;
  }
  if (!anyDep)
    return std::nullopt;

  switch (op.getOpcode()) {
  // Linear in every operand, or structural.
  case Opcode::Neg:
  case Opcode::Broadcast:
  case Opcode::Reshape:
  case Opcode::Transpose:
  case Opcode::Flip:
  case Opcode::Slice:
  case Opcode::ReduceSum:
  case Opcode::Tuple:
  case Opcode::Get:
  case Opcode::TapePush:
  case Opcode::TapeTop:
  case Opcode::TapePop:
  case Opcode::Print:
  case Opcode::Yield:
  case Opcode::Return:
    return std::nullopt;
  case Opcode::StopGradient:
    return at(op, fmt::format("'stop_gradient' of {} cannot be transposed",
                              dependent()));
  case Opcode::Cast:
    // float -> float is linear; to an integer it is decided where the
    // result is used; from an integer computed from dy it is not linear.
    if (!floatResult || isFloatTensor(op.getOperand(0)->getType()))
      return std::nullopt;
    break;
  case Opcode::Add:
  case Opcode::Sub:
    if (floatResult &&
        (!mixable(op.getOperand(0)) || !mixable(op.getOperand(1))))
      return at(op, mixes);
    return std::nullopt;
  case Opcode::Mul:
  case Opcode::Matmul:
  case Opcode::Conv2D:
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter:
    if (floatResult && d(op.getOperand(0)) && d(op.getOperand(1)))
      return at(op, fmt::format("'{}' multiplies two values that depend on {}",
                                name, query.pronoun));
    return std::nullopt;
  case Opcode::Div:
    if (floatResult && d(op.getOperand(1)))
      return at(op, fmt::format("'div' divides by {}", dependent()));
    return std::nullopt;
  case Opcode::Select:
    if (d(op.getOperand(0)))
      return at(op, fmt::format("the condition of 'select' depends on {}",
                                query.pronoun));
    if (floatResult &&
        (!mixable(op.getOperand(1)) || !mixable(op.getOperand(2))))
      return at(op, mixes);
    return std::nullopt;
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice: {
    unsigned data = op.getOpcode() == Opcode::DynamicSlice ? 1 : 2;
    for (unsigned i = data; i < op.getNumOperands(); ++i)
      if (d(op.getOperand(i)))
        return at(op, fmt::format("an index of '{}' depends on {}", name,
                                  query.pronoun));
    for (unsigned i = 0; i < data; ++i)
      if (!mixable(op.getOperand(i)))
        return at(op, mixes);
    return std::nullopt;
  }
  case Opcode::Concat:
  case Opcode::Pad:
    for (Value *v : op.getOperands())
      if (!mixable(v))
        return at(op, mixes);
    return std::nullopt;
  case Opcode::MaxPool2DGrad:
    if (!d(op.getOperand(0)) && !d(op.getOperand(1)))
      return std::nullopt;
    break;
  case Opcode::AvgPool2DGrad:
    if (!d(op.getOperand(0)))
      return std::nullopt;
    break;
  default:
    // Comparisons and the like: their integer / bool results are checked
    // where they are used.
    if (llvm::none_of(op.getResults(), [](Value *v) {
          return isDifferentiableType(v->getType());
        }))
      return std::nullopt;
    break;
  }
  return at(op, fmt::format("'{}' is applied to {}", name, dependent()));
}

std::optional<NonLinearity> Checker::checkResult(State &s, Operation &ret,
                                                 Value *v) {
  if (s.dep.count(v) || s.zero.count(v) || !isDifferentiableType(v->getType()))
    return std::nullopt;
  Operation *def = v->getDefiningOp();
  if (def && def->getOpcode() == Opcode::Tuple) {
    for (Value *e : def->getOperands())
      if (auto bad = checkResult(s, ret, e))
        return bad;
    return std::nullopt;
  }
  return at(ret, fmt::format("it returns a nonzero value that does not "
                             "depend on {}",
                             query.pronoun));
}

FunctionResult Checker::check(Function &fn, llvm::ArrayRef<bool> depArgs,
                              bool top) {
  std::string key = fn.getName().str() + (top ? "!" : ":");
  for (bool b : depArgs)
    key += b ? '1' : '0';
  if (auto it = memo.find(key); it != memo.end())
    return it->second;
  FunctionResult result;
  // A recursive call: assume linear, every result dependent.
  result.resultDependent.assign(fn.getResultTypes().size(),
                                llvm::is_contained(depArgs, true));
  if (!active.insert(key).second)
    return result;

  Function scratch(fn.getName().str(), fn.getArgTypes(), fn.getResultTypes(),
                   fn.getLoc());
  Region &body = scratch.getBody();
  ValueMap map;
  for (unsigned i = 0; i < fn.getArgTypes().size(); ++i)
    map[fn.getBody().getArgument(i)] = body.getArgument(i);
  Builder b(body);
  for (auto &op : fn.getBody().getOps())
    cloneOp(b, *op, map);
  eraseDeadOps(body);

  State s;
  for (unsigned i = 0; i < depArgs.size() && i < body.getNumArguments(); ++i)
    if (depArgs[i])
      s.dep.insert(body.getArgument(i));
  while (propagate(s, body)) {
  }
  markZeros(s, body);
  result.bad = checkRegion(s, body);
  Operation *ret = body.getTerminator();
  if (ret) {
    for (unsigned k = 0; k < ret->getNumOperands(); ++k)
      result.resultDependent[k] = s.dep.count(ret->getOperand(k));
    for (unsigned k = 0; top && !result.bad && k < ret->getNumOperands(); ++k) {
      Value *v = ret->getOperand(k);
      if (k < query.numPrimalResults) {
        if (s.dep.count(v))
          result.bad = at(*ret, fmt::format("the primal result it returns "
                                            "depends on {}",
                                            query.pronoun));
      } else {
        result.bad = checkResult(s, *ret, v);
      }
    }
  }
  for (auto &op : body.getOps())
    op->dropAllReferences();
  active.erase(key);
  memo[key] = result;
  return result;
}

} // namespace

std::optional<NonLinearity>
findNonLinearity(Module &m, Function &rule, const LinearityQuery &q,
                 const std::function<bool(Function &)> &fill) {
  Checker c(m, q, fill);
  llvm::SmallVector<bool, 8> depArgs(rule.getArgTypes().size(), false);
  for (unsigned i : q.linearArgs)
    depArgs[i] = true;
  return c.check(rule, depArgs, true).bad;
}

} // namespace tdl::ad
