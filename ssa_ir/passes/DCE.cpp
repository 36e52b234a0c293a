//===- DCE.cpp - dead code elimination ------------------------------------===//
//
// Aggressive (mark and sweep) DCE per function, so chains of dead ops and
// loop-carried values that only feed themselves go away in one run:
//
//  0. Effects. A function "has effects" if it contains an op with the
//     SideEffect trait (print) or calls a function that has effects (a cycle
//     or a derived declaration counts as its base / as having effects).
//  1. Mark. Roots are `return` and every op that is not pure and has no
//     regions: print, and calls to functions with effects (a call to a
//     function without effects is removed when unused, like a pure op).
//     Marking an op marks its operands; marking a
//     value marks its definition. Structured ops are marked per result:
//       - result j of `if` marks the condition and operand j of both yields;
//       - result j of `for`, or its region argument j+1, marks init operand
//         j+2 and body yield operand j (plus the bounds: the loop must run);
//       - result j of `while`, or its argument j in either region, marks init
//         operand j, body yield operand j and the condition's yield.
//     A marked op inside a region marks its enclosing op's "structure"
//     (bounds / condition), so a loop containing a print stays. A `fused`
//     op is one unit: live, it marks all its inputs and yields.
//  2. Sweep. Drop the unmarked yield operands with their region arguments,
//     init operands and results; then erase every unmarked op (its users are
//     all unmarked too), innermost and last first.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace tdl::ir {

namespace {

/// Which functions may print (directly or through calls), memoized.
class EffectAnalysis {
public:
  explicit EffectAnalysis(const Module &m) : module(m) {}

  bool hasEffects(const Function *f) {
    auto it = state.find(f);
    if (it != state.end())
      return it->second != NoEffects; // InProgress (a cycle): assume effects
    state[f] = InProgress;
    bool effects = false;
    if (f->isDerivedDeclaration()) {
      const Function *base = module.lookup(f->getDerivedBase());
      effects = !base || hasEffects(base);
    } else {
      walk(const_cast<Region &>(f->getBody()), [&](Operation &op) {
        if (effects)
          return;
        if (op.hasTrait(SideEffect))
          effects = true;
        else if (op.getOpcode() == Opcode::Call)
          effects = callHasEffects(op);
      });
    }
    state[f] = effects ? HasEffects : NoEffects;
    return effects;
  }

  bool callHasEffects(const Operation &call) {
    const SymbolRef *callee = OpAttrs(call).calleeIf();
    const Function *f = callee ? module.lookup(callee->name) : nullptr;
    return !f || hasEffects(f);
  }

private:
  enum State { InProgress, NoEffects, HasEffects };
  const Module &module;
  llvm::DenseMap<const Function *, State> state;
};

class DeadCodeElimination {
public:
  explicit DeadCodeElimination(EffectAnalysis &effects) : effects(effects) {}

  void run(Function &f) {
    for (auto &op : f.getBody().getOps())
      findRoots(*op);
    while (!work.empty()) {
      const Value *v = work.back();
      work.pop_back();
      propagate(v);
    }
    pruneCarried(f.getBody());
    sweep(f.getBody());
  }

private:
  bool isRoot(const Operation &op) {
    if (op.getOpcode() == Opcode::Return)
      return true;
    if (op.getOpcode() == Opcode::Call)
      return effects.callHasEffects(op);
    return !op.hasTrait(Pure) && !op.hasTrait(Terminator) &&
           op.getNumRegions() == 0;
  }

  void findRoots(Operation &op) {
    if (isRoot(op))
      markOp(op);
    for (unsigned i = 0; i < op.getNumRegions(); ++i)
      for (auto &inner : op.getRegion(i).getOps())
        findRoots(*inner);
  }

  void markValue(const Value *v) {
    if (liveValues.insert(v).second)
      work.push_back(v);
  }

  void markYieldOperand(Region &r, unsigned j) {
    Operation *y = r.getTerminator();
    if (!y || j >= y->getNumOperands())
      return;
    if (liveYield.insert({&r, j}).second)
      markValue(y->getOperand(j));
  }

  /// Marks an op so it is kept; for structured ops only the operands that
  /// decide whether and how often the regions run.
  void markOp(Operation &op) {
    if (!liveOps.insert(&op).second)
      return;
    switch (op.getOpcode()) {
    case Opcode::If:
      markValue(op.getOperand(0));
      break;
    case Opcode::For:
      markValue(op.getOperand(0));
      markValue(op.getOperand(1));
      break;
    case Opcode::While:
      markYieldOperand(op.getRegion(0), 0);
      break;
    case Opcode::Fused: // all inputs, and every result the region yields
      for (Value *v : op.getOperands())
        markValue(v);
      for (unsigned j = 0; j < op.getNumResults(); ++j)
        markYieldOperand(op.getRegion(0), j);
      break;
    default:
      for (Value *v : op.getOperands())
        markValue(v);
      break;
    }
    if (Operation *parent = op.getParentOp())
      markOp(*parent);
  }

  void markCarried(Operation &op, unsigned j) {
    markOp(op);
    switch (op.getOpcode()) {
    case Opcode::If:
      markYieldOperand(op.getRegion(0), j);
      markYieldOperand(op.getRegion(1), j);
      break;
    case Opcode::For:
      markValue(op.getOperand(j + 2));
      markYieldOperand(op.getRegion(0), j);
      break;
    case Opcode::While:
      markValue(op.getOperand(j));
      markYieldOperand(op.getRegion(1), j);
      break;
    default:
      llvm_unreachable("not a structured op");
    }
  }

  void propagate(const Value *v) {
    if (Operation *def = v->getDefiningOp()) {
      if (def->getNumRegions() && def->getOpcode() != Opcode::Fused)
        markCarried(*def, v->getIndex());
      else
        markOp(*def);
      return;
    }
    Operation *parent = v->getOwnerRegion()->getParentOp();
    if (!parent)
      return; // a function argument
    if (parent->getOpcode() == Opcode::For) {
      if (v->getIndex() == 0)
        markOp(*parent); // the induction variable
      else
        markCarried(*parent, v->getIndex() - 1);
    } else if (parent->getOpcode() == Opcode::While) {
      markCarried(*parent, v->getIndex());
    }
  }

  /// Removes dead carried values of live structured ops (outermost first;
  /// the regions of an op are pruned after it).
  void pruneCarried(Region &r) {
    for (auto &opPtr : r.getOps()) {
      Operation &op = *opPtr;
      if (!liveOps.count(&op))
        continue;
      Opcode code = op.getOpcode();
      if (code == Opcode::If || code == Opcode::For || code == Opcode::While) {
        Region &yieldRegion =
            code == Opcode::While ? op.getRegion(1) : op.getRegion(0);
        for (int j = int(op.getNumResults()) - 1; j >= 0; --j) {
          if (liveYield.count({&yieldRegion, unsigned(j)}))
            continue;
          for (unsigned k = 0; k < op.getNumRegions(); ++k) {
            Region &reg = op.getRegion(k);
            if (code == Opcode::While && k == 0)
              continue; // the condition yields the bool, not carried values
            reg.getTerminator()->eraseOperand(unsigned(j));
          }
          deadCarried.push_back({&op, unsigned(j)});
        }
      }
      for (unsigned k = 0; k < op.getNumRegions(); ++k)
        pruneCarried(op.getRegion(k));
    }
  }

  void dropDead(Region &r) {
    for (auto &op : r.getOps()) {
      if (!liveOps.count(op.get()) && !op->hasTrait(Terminator))
        op->dropAllReferences();
      else
        for (unsigned k = 0; k < op->getNumRegions(); ++k)
          dropDead(op->getRegion(k));
    }
  }

  void eraseDead(Region &r) {
    for (auto it = r.getOps().begin(); it != r.getOps().end();) {
      Operation *op = (it++)->get();
      if (!liveOps.count(op) && !op->hasTrait(Terminator)) {
        r.remove(op); // destroyed here: nothing uses it any more
        continue;
      }
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        eraseDead(op->getRegion(k));
    }
  }

  void sweep(Region &body) {
    dropDead(body);
    // Carried values were recorded outermost first, higher index first
    // within an op, so indices stay valid. They go before eraseDead: the
    // init operand of a dead carried value is often defined by a dead op,
    // which must not be destroyed while the loop still uses it. Uses go
    // first, then the definitions: a dead result (or region argument) may
    // still feed the dead init operand of a later (or nested) loop, e.g. a
    // tape from a forward loop into a reverse loop.
    for (auto [op, j] : deadCarried)
      if (op->getOpcode() != Opcode::If)
        op->eraseOperand(op->getOpcode() == Opcode::For ? j + 2 : j);
    for (auto [op, j] : deadCarried) {
      switch (op->getOpcode()) {
      case Opcode::If:
        break;
      case Opcode::For:
        op->getRegion(0).eraseArgument(j + 1);
        break;
      case Opcode::While:
        op->getRegion(0).eraseArgument(j);
        op->getRegion(1).eraseArgument(j);
        break;
      default:
        llvm_unreachable("not a structured op");
      }
    }
    for (auto [op, j] : deadCarried)
      op->eraseResult(j);
    eraseDead(body);
  }

  EffectAnalysis &effects;
  llvm::DenseSet<const Value *> liveValues;
  llvm::DenseSet<const Operation *> liveOps;
  llvm::DenseSet<std::pair<const Region *, unsigned>> liveYield;
  std::vector<const Value *> work;
  std::vector<std::pair<Operation *, unsigned>> deadCarried;
};

class DCEPass : public Pass {
public:
  llvm::StringRef getName() const override { return "dce"; }
  bool run(Module &m, DiagnosticEngine &) override {
    EffectAnalysis effects(m);
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        DeadCodeElimination(effects).run(*f);
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createDCEPass() { return std::make_unique<DCEPass>(); }

} // namespace tdl::ir
