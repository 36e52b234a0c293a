//===- TapeRules.cpp - reverse mode over tape ops (higher order) ----------===//
//
// The derivative of a function with a loop has tapes (ReverseLoops.cpp);
// differentiating it again in reverse mode needs their pullbacks. The
// adjoint of a tape is the tape of the adjoints of its elements, same
// length, same order:
//   t' = tape_push t, v     dv = tape_top dt',  dt = tape_pop dt'
//   v = tape_top t; r = tape_pop t      dt = tape_push dr, dv
// The top/pop pair of one tape is reversed as a unit (by whichever of them
// is visited first in reverse, when the adjoints of both results are
// complete). A zero tape adjoint is materialized as the empty tape; that is
// exact only where the primal tape is empty too, which the loop reversal
// guarantees (docs/autodiff.md, "Higher order through loops").
//
//===----------------------------------------------------------------------===//
#include "autodiff/ReverseEmitter.h"

#include "llvm/ADT/DenseMap.h"

namespace tdl::ad {

using namespace ir;

namespace {

/// `user` or its ancestor directly in `r`, or null.
Operation *ancestorIn(Operation *user, Region *r) {
  for (; user; user = user->getParentOp())
    if (user->getParentRegion() == r)
      return user;
  return nullptr;
}

/// Adds `dt` to the adjoint of tape `t`. Tapes have no `add`: a tape whose
/// adjoint comes from two places (read twice) is not supported.
bool accumulateTape(ReverseEmitter &e, Builder &b, Operation &op, Value *t,
                    Value *dt) {
  if (!e.getActivity().isVaried(t))
    return true;
  if (e.getAdjoint(b, t)) {
    e.getContext().reportUnsupported(
        op, "reverse mode over a tape read by more than one op");
    return false;
  }
  e.accumulate(b, t, dt);
  return true;
}

/// tape_top / tape_pop of one tape: reversed together into one tape_push.
bool reverseTopPop(ReverseEmitter &e, Builder &b, Operation &op) {
  Value *t = op.getOperand(0);
  Region *r = op.getParentRegion();
  llvm::DenseMap<Operation *, unsigned> pos;
  unsigned n = 0;
  for (auto &o : r->getOps())
    pos[o.get()] = n++;
  llvm::SmallVector<Operation *, 2> tops, pops;
  for (const Use &u : t->getUses()) {
    Operation *m = u.user;
    if (m->getParentRegion() != r)
      continue;
    if (m->getOpcode() == Opcode::TapeTop)
      tops.push_back(m);
    if (m->getOpcode() == Opcode::TapePop)
      pops.push_back(m);
  }
  // The member visited first (the last one with an adjoint) does the work.
  auto hasAdjoint = [&](Operation *m) {
    return e.getAdjoint(b, m->getResult(0)) != nullptr;
  };
  for (Operation *m : llvm::concat<Operation *>(tops, pops))
    if (pos[m] > pos[&op] && hasAdjoint(m))
      return true;
  // Every read of the results must already have been reversed.
  for (Operation *m : llvm::concat<Operation *>(tops, pops))
    for (const Use &u : m->getResult(0)->getUses()) {
      Operation *a = ancestorIn(u.user, r);
      if (!a || pos[a] < pos[&op]) {
        e.getContext().reportUnsupported(
            op, "reverse mode over tape_top/tape_pop of one tape whose "
                "results are read between them");
        return false;
      }
    }
  Value *dv = nullptr, *drest = nullptr;
  for (Operation *m : tops)
    dv = addOrNull(b, dv, e.getAdjoint(b, m->getResult(0)));
  for (Operation *m : pops) {
    Value *d = e.getAdjoint(b, m->getResult(0));
    if (d && drest) {
      e.getContext().reportUnsupported(
          op, "reverse mode over a tape popped more than once");
      return false;
    }
    drest = drest ? drest : d;
  }
  if (!dv && !drest)
    return true;
  const Type &tapeType = t->getType();
  Value *dt =
      b.create1(Opcode::TapePush, {orZeros(b, drest, tapeType),
                                   orZeros(b, dv, tapeType.getTapeElement())});
  return accumulateTape(e, b, op, t, dt);
}

} // namespace

bool reverseTapeOp(ReverseEmitter &e, Builder &b, Operation &op) {
  b.setLoc(op.getLoc());
  switch (op.getOpcode()) {
  case Opcode::TapeNew:
    return true;
  case Opcode::TapePush: {
    Value *dnext = e.getAdjoint(b, op.getResult(0));
    if (!dnext)
      return true;
    // Pop first: then no read of the top's result sits between the two,
    // so this pair can itself be reversed as a unit (third order).
    Value *dt = b.create1(Opcode::TapePop, {dnext});
    e.accumulate(b, op.getOperand(1), b.create1(Opcode::TapeTop, {dnext}));
    return accumulateTape(e, b, op, op.getOperand(0), dt);
  }
  case Opcode::TapeTop:
  case Opcode::TapePop:
    return reverseTopPop(e, b, op);
  default:
    llvm_unreachable("not a tape op");
  }
}

} // namespace tdl::ad
