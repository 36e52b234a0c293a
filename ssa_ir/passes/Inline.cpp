//===- Inline.cpp - cost-based function inlining --------------------------===//
//
// Replaces `call @f(args)` by a copy of f's body (arguments mapped to the
// call's operands, the `return` operands replacing the call's results).
// Callees are processed bottom-up in call order, so a small function's calls
// are already inlined when its own size is measured. A call is inlined when
// the callee
//   * is a definition (not a derived declaration still waiting for autodiff)
//     that cannot reach itself through calls (no recursion), and
//   * has no custom_vjp / custom_jvp (inlining would hide the user's
//     derivative rule from autodiff), and
//   * is small (at most kAlwaysInlineOps ops), or has a single call site in
//     the module, or all its call sites together grow the module by at most
//     kGrowthBudget ops.
// A function whose every call was inlined is erased unless it is exported,
// is the base of a derived-function declaration, or is some function's
// custom_vjp or custom_jvp: those are still needed by name. Functions never
// called are kept (they are entry points).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace tdl::ir {

namespace {

constexpr unsigned kAlwaysInlineOps = 12;
constexpr unsigned kGrowthBudget = 200;

unsigned countOps(const Region &r) {
  unsigned n = 0;
  for (const auto &op : r.getOps()) {
    if (op->hasTrait(Terminator))
      continue;
    ++n;
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      n += countOps(op->getRegion(i));
  }
  return n;
}

llvm::StringRef calleeOf(const Operation &call) {
  return OpAttrs(call).callee();
}

class Inliner {
public:
  explicit Inliner(Module &m) : module(m) {
    for (auto &f : m.getFunctions()) {
      if (f->isDerivedDeclaration())
        neededByName.insert(f->getDerivedBase());
      if (!f->getCustomVjp().empty())
        neededByName.insert(f->getCustomVjp());
      if (!f->getCustomJvp().empty())
        neededByName.insert(f->getCustomJvp());
    }
  }

  void run() {
    // Bottom-up: callees before callers (post-order over the call graph).
    llvm::StringSet<> visited;
    std::vector<Function *> order;
    for (auto &f : module.getFunctions())
      postOrder(*f, visited, order);
    for (Function *f : order)
      inlineCallsIn(*f);
    eraseFullyInlined();
  }

private:
  void collectCalls(Region &r, std::vector<Operation *> &calls) {
    walk(r, [&](Operation &op) {
      if (op.getOpcode() == Opcode::Call)
        calls.push_back(&op);
    });
  }

  void postOrder(Function &f, llvm::StringSet<> &visited,
                 std::vector<Function *> &order) {
    if (!visited.insert(f.getName()).second || f.isDerivedDeclaration())
      return;
    std::vector<Operation *> calls;
    collectCalls(f.getBody(), calls);
    for (Operation *call : calls)
      if (Function *callee = module.lookup(calleeOf(*call)))
        postOrder(*callee, visited, order);
    order.push_back(&f);
  }

  /// True if `from` can reach `target` through calls.
  bool reaches(const Function &from, llvm::StringRef target,
               llvm::StringSet<> &seen) {
    if (from.isDerivedDeclaration() || !seen.insert(from.getName()).second)
      return false;
    bool found = false;
    walk(const_cast<Region &>(from.getBody()), [&](Operation &op) {
      if (found || op.getOpcode() != Opcode::Call)
        return;
      llvm::StringRef callee = calleeOf(op);
      if (callee == target)
        found = true;
      else if (const Function *g = module.lookup(callee))
        found = reaches(*g, target, seen);
    });
    return found;
  }

  unsigned countCallSites(llvm::StringRef name) {
    unsigned n = 0;
    walk(module, [&](Operation &op) {
      if (op.getOpcode() == Opcode::Call && calleeOf(op) == name)
        ++n;
    });
    return n;
  }

  bool shouldInline(Function &callee) {
    if (callee.isDerivedDeclaration() || callee.hasCustomRule())
      return false;
    llvm::StringSet<> seen;
    if (reaches(callee, callee.getName(), seen))
      return false;
    unsigned size = countOps(callee.getBody());
    unsigned sites = countCallSites(callee.getName());
    return size <= kAlwaysInlineOps || sites == 1 ||
           size * (sites - 1) <= kGrowthBudget;
  }

  void inlineCallsIn(Function &caller) {
    std::vector<Operation *> calls;
    collectCalls(caller.getBody(), calls);
    for (Operation *call : calls) {
      Function *callee = module.lookup(calleeOf(*call));
      if (!callee || callee == &caller || !shouldInline(*callee))
        continue;
      inlineCall(call, *callee);
      calledBefore.insert(callee->getName());
    }
  }

  void inlineCall(Operation *call, const Function &callee) {
    ValueMap map;
    const Region &body = callee.getBody();
    for (unsigned i = 0; i < body.getNumArguments(); ++i)
      map[body.getArgument(i)] = call->getOperand(i);
    Region &dest = *call->getParentRegion();
    auto pos = std::find_if(dest.begin(), dest.end(),
                            [&](const auto &p) { return p.get() == call; });
    llvm::SmallVector<Value *, 4> results;
    for (const auto &op : body.getOps()) {
      if (op->getOpcode() == Opcode::Return) {
        for (Value *v : op->getOperands())
          results.push_back(map.lookup(v) ? map.lookup(v) : v);
        break;
      }
      Operation *copy = cloneOp(*op, dest, pos, map);
      llvm::SMLoc site = call->getLoc().inlinedAt.isValid()
                             ? call->getLoc().inlinedAt
                             : call->getLoc().pos;
      auto mark = [&](Operation &inlined) {
        Location loc = inlined.getLoc();
        loc.inlinedAt = site;
        inlined.setLoc(std::move(loc));
      };
      mark(*copy);
      for (unsigned r = 0; r < copy->getNumRegions(); ++r)
        walk(copy->getRegion(r), mark);
    }
    replaceOp(call, results);
  }

  void eraseFullyInlined() {
    for (const auto &entry : calledBefore) {
      Function *f = module.lookup(entry.getKey());
      if (!f || f->isExported() || neededByName.contains(f->getName()) ||
          countCallSites(f->getName()) != 0)
        continue;
      module.eraseFunction(f);
    }
  }

  Module &module;
  llvm::StringSet<> neededByName;
  llvm::StringSet<> calledBefore; // callees that had a call inlined
};

class InlinePass : public Pass {
public:
  llvm::StringRef getName() const override { return "inline"; }
  bool run(Module &m, DiagnosticEngine &) override {
    Inliner(m).run();
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createInlinePass() {
  return std::make_unique<InlinePass>();
}

} // namespace tdl::ir
