//===- CSE.cpp - common subexpression elimination -------------------------===//
//
// A dominance-scoped walk per function: the ops of a region are visited in
// order with a table of the expressions seen so far; entering a nested
// region pushes a scope, leaving it pops the scope. So a value computed in
// an enclosing region before the structured op is reused inside it, but a
// value computed inside a region is never reused outside (or in a sibling
// region).
//
// An expression is (opcode, operands, attributes, result types); operands of
// commutative ops (add, mul, max, min, eq, ne, and, or, xor) are sorted so
// `add %a, %b` and `add %b, %a` are the same expression. Candidates are pure
// ops without regions, and calls to pure functions (no print reached through
// their bodies or their callees; derived declarations and recursion count as
// impure). print and calls to impure functions are never merged.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <unordered_map>

namespace tdl::ir {

namespace {

/// Which functions are pure: memoized, with an in-progress mark so a
/// recursive cycle is treated as impure.
class FunctionPurity {
public:
  explicit FunctionPurity(const Module &m) : module(m) {}

  bool isPure(llvm::StringRef name) {
    auto it = state.find(name);
    if (it != state.end())
      return it->second == State::Pure;
    const Function *f = module.lookup(name);
    if (!f || f->isDerivedDeclaration())
      return false;
    state[name] = State::InProgress;
    bool pure = regionIsPure(f->getBody());
    state[name] = pure ? State::Pure : State::Impure;
    return pure;
  }

  bool opIsPure(const Operation &op) {
    if (op.getOpcode() == Opcode::Call)
      return isPure(OpAttrs(op).callee());
    if (op.hasTrait(SideEffect))
      return false;
    for (unsigned i = 0; i < op.getNumRegions(); ++i)
      if (!regionIsPure(op.getRegion(i)))
        return false;
    return true;
  }

private:
  enum class State { InProgress, Pure, Impure };
  bool regionIsPure(const Region &r) {
    for (const auto &op : r.getOps())
      if (!opIsPure(*op))
        return false;
    return true;
  }
  const Module &module;
  llvm::StringMap<State> state;
};

class CommonSubexpressions {
public:
  explicit CommonSubexpressions(FunctionPurity &purity) : purity(purity) {}

  bool run(Function &f) {
    visitRegion(f.getBody());
    return changed;
  }

private:
  bool isCandidate(const Operation &op) {
    if (op.getNumRegions() || op.hasTrait(Terminator) ||
        op.getNumResults() == 0)
      return false;
    if (op.getOpcode() == Opcode::Call)
      return purity.opIsPure(op);
    return op.hasTrait(Pure);
  }

  static std::string keyOf(const Operation &op) {
    std::string key;
    llvm::raw_string_ostream os(key);
    os << op.getName() << '(';
    llvm::SmallVector<const Value *, 4> operands(op.getOperands().begin(),
                                                 op.getOperands().end());
    if (op.hasTrait(Commutative))
      std::sort(operands.begin(), operands.end());
    for (const Value *v : operands)
      os << static_cast<const void *>(v) << ',';
    os << "){";
    for (const NamedAttribute &a : op.getAttrs().entries()) {
      os << a.name << '=';
      a.value.print(os);
      os << ',';
    }
    os << "}:";
    for (const Type &t : op.getResultTypes())
      os << t << ',';
    return key;
  }

  void visitRegion(Region &r) {
    std::vector<std::string> scope; // keys added in this region
    for (auto it = r.begin(); it != r.end();) {
      Operation *op = (it++)->get();
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        visitRegion(op->getRegion(k));
      if (!isCandidate(*op))
        continue;
      std::string key = keyOf(*op);
      auto [found, inserted] = table.try_emplace(key, op);
      if (inserted) {
        scope.push_back(std::move(key));
        continue;
      }
      replaceOp(op, found->second->getResults());
      changed = true;
    }
    for (const std::string &key : scope)
      table.erase(key);
  }

  FunctionPurity &purity;
  std::unordered_map<std::string, Operation *> table;
  bool changed = false;
};

class CSEPass : public Pass {
public:
  llvm::StringRef getName() const override { return "cse"; }
  bool run(Module &m, DiagnosticEngine &) override {
    FunctionPurity purity(m);
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        CommonSubexpressions(purity).run(*f);
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createCSEPass() { return std::make_unique<CSEPass>(); }

} // namespace tdl::ir
