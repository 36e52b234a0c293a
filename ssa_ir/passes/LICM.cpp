//===- LICM.cpp - loop-invariant code motion ------------------------------===//
//
// For every `for` and `while` (innermost first, so code hoisted out of an
// inner loop can leave the outer one too), walks the ops of the loop's
// regions in order and moves before the loop each op that
//   * is pure and has no regions (print, calls and nested control flow
//     stay), and
//   * has all operands defined outside the loop (values of enclosing
//     regions, or ops already hoisted), and
//   * cannot fail at run time, or is certain to run: ops that may trap
//     (integer div/rem by zero, dynamic_slice / dynamic_update_slice out of
//     range, tape_top / tape_pop of an empty tape) are hoisted only out of a
//     `for` with constant bounds that runs at least once, or out of a
//     `while` condition (which always runs once). Otherwise a loop that runs
//     zero times would fail where the original program did not.
// Only the loop's own top-level ops move, not ops nested in an `if` inside
// the loop (those run conditionally).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

namespace tdl::ir {

namespace {

bool mayTrap(const Operation &op) {
  switch (op.getOpcode()) {
  case Opcode::Div:
  case Opcode::Rem:
    return !isFloat(op.getOperand(0)->getType().getDType());
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice:
  case Opcode::TapeTop:
  case Opcode::TapePop:
    return true;
  default:
    return false;
  }
}

/// True if the `for` op runs its body at least once.
bool runsAtLeastOnce(Operation &loop) {
  if (loop.getOpcode() != Opcode::For)
    return false;
  std::optional<int64_t> lb = getConstantInt(loop.getOperand(0));
  std::optional<int64_t> ub = getConstantInt(loop.getOperand(1));
  return lb && ub && *lb < *ub;
}

class LoopInvariantCodeMotion {
public:
  void visitRegion(Region &r) {
    walkPostOrder(r, [&](Operation *op) {
      if (op->getOpcode() == Opcode::For)
        hoistFrom(*op, op->getRegion(0), runsAtLeastOnce(*op));
      else if (op->getOpcode() == Opcode::While) {
        hoistFrom(*op, op->getRegion(0), /*alwaysRuns=*/true);
        hoistFrom(*op, op->getRegion(1), /*alwaysRuns=*/false);
      }
    });
  }
  unsigned numHoisted = 0;

private:
  void hoistFrom(Operation &loop, Region &body, bool alwaysRuns) {
    Region &outer = *loop.getParentRegion();
    auto loopPos = std::find_if(outer.begin(), outer.end(), [&](const auto &p) {
      return p.get() == &loop;
    });
    for (auto it = body.begin(); it != body.end();) {
      Operation *op = (it++)->get();
      if (!op->hasTrait(Pure) || op->getNumRegions() ||
          op->hasTrait(Terminator))
        continue;
      if (mayTrap(*op) && !alwaysRuns)
        continue;
      bool invariant = llvm::all_of(op->getOperands(), [&](Value *v) {
        return isDefinedOutside(v, body);
      });
      if (!invariant)
        continue;
      outer.insert(loopPos, body.remove(op));
      ++numHoisted;
    }
  }
};

class LICMPass : public Pass {
public:
  llvm::StringRef getName() const override { return "licm"; }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        LoopInvariantCodeMotion().visitRegion(f->getBody());
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createLICMPass() { return std::make_unique<LICMPass>(); }

} // namespace tdl::ir
