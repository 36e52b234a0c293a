//===- ReverseLoops.cpp - reverse mode through for and while --------------===//
//
// The forward loop (already cloned) is extended with a tape, and a `while`
// also counts its iterations. The reverse loop runs that many iterations
// backwards; its body is the pullback of the loop body, which reads the
// values of the forward iteration it reverses. Those values (carried values
// and intermediates, only the ones the pullback reads) are pushed onto the
// tape as one tuple per iteration and read back after tape_top: nothing of
// the primal body is recomputed, and memory is proportional to the
// iterations. Adjoints of the carried values and of the varied outer values
// the body reads are loop-carried in the reverse loop.
//
// Nested loops: an inner loop's forward part runs once, inside the outer
// forward loop; its tape is carried through the outer loops (both forward
// and reverse) rather than stored on the outer tape, so tapes never hold
// tapes (which keeps the adjoint of every tape exact for higher order, see
// TapeRules.cpp).
//
//===----------------------------------------------------------------------===//
#include "autodiff/LoopCheckpoint.h"
#include "autodiff/ReverseEmitter.h"

#include "llvm/ADT/SetVector.h"

namespace tdl::ad {

using namespace ir;

namespace {

struct LoopShape {
  bool isFor;
  Region *body;
  unsigned firstInit; // operand index of the first init value
  unsigned firstArg;  // body argument index of the first carried value
  unsigned numCarried;
};

LoopShape shapeOf(Operation &loop) {
  bool isFor = loop.getOpcode() == Opcode::For;
  return {isFor, &loop.getRegion(isFor ? 0 : 1), isFor ? 2u : 0u,
          isFor ? 1u : 0u, loop.getNumResults()};
}

/// Adds a loop-carried value to a loop op: init operand, region argument(s),
/// yielded value (from `makeNext`, built before the body's yield) and result.
Value *addCarried(Operation &loop, Value *init,
                  llvm::function_ref<Value *(Builder &, Value *)> makeNext) {
  LoopShape s = shapeOf(loop);
  llvm::SmallVector<Value *, 6> ops(loop.getOperands());
  ops.push_back(init);
  loop.setOperands(ops);
  if (!s.isFor)
    loop.getRegion(0).addArgument(init->getType());
  Value *arg = s.body->addArgument(init->getType());
  Operation *yield = s.body->getTerminator();
  Builder b;
  b.setInsertionPoint(yield);
  b.setLoc(loop.getLoc());
  Value *next = makeNext(b, arg);
  llvm::SmallVector<Value *, 6> outs(yield->getOperands());
  outs.push_back(next);
  yield->setOperands(outs);
  loop.addResult(init->getType());
  return loop.getResult(loop.getNumResults() - 1);
}

bool isInside(Operation *op, Operation *ancestor) {
  for (; op; op = op->getParentOp())
    if (op == ancestor)
      return true;
  return false;
}

/// True if `r` (nested regions included) reads a tape: such a loop is the
/// reverse loop of a derivative. An outermost one runs its tapes down to
/// empty; an inner one pops only its part of a shared tape, but its final
/// tape is carried by the enclosing reverse loop, so it always has an
/// adjoint (never a materialized zero).
bool consumesTapes(Region &r) {
  bool any = false;
  walk(r, [&](Operation &op) {
    any |=
        op.getOpcode() == Opcode::TapeTop || op.getOpcode() == Opcode::TapePop;
  });
  return any;
}

/// The init operand of `loop` that carried result `k` starts from.
unsigned initOperand(Operation &loop, unsigned k) {
  return shapeOf(loop).firstInit + k;
}

/// Replaces the uses of `v` made inside `scope` (not the others) by `with`.
void replaceUsesInside(Value *v, Operation *scope, Value *with) {
  llvm::SmallVector<Use, 4> uses(v->getUses().begin(), v->getUses().end());
  for (const Use &u : uses)
    if (isInside(u.user, scope))
      u.user->setOperand(u.operandIndex, with);
}

/// The tape (and trip counter) one loop reversal adds, and the loops.
struct LoopTape {
  Operation *fwdLoop, *rev;
  Region *fbody, *rbody;
  Value *tape0, *fwdTapeArg, *pushed, *tapeEnd, *rest;
  Value *elem;        // tape_top, made once the element type is known
  Value *condTapeArg; // the tape in a `while` condition region, or null
};

/// Where the forward tape `v` (of the outer body, or of an `if` branch in
/// it) starts empty: the uses of the tape_new ops it is built from, if `v`
/// is the end state of a loop carrying a tape from tape_new, or an `if`
/// result each branch of which is such a value or a tape_new (the branch
/// without the loop). Every value on the way is read once. False otherwise.
bool findTapeStarts(
    Value *v, llvm::SmallVectorImpl<std::pair<Operation *, unsigned>> &starts) {
  Operation *def = v->getDefiningOp();
  if (!def)
    return false;
  if (def->getOpcode() == Opcode::For || def->getOpcode() == Opcode::While) {
    unsigned idx = initOperand(*def, v->getIndex());
    Value *init = def->getOperand(idx);
    Operation *newOp = init->getDefiningOp();
    if (!newOp || newOp->getOpcode() != Opcode::TapeNew ||
        init->getNumUses() != 1)
      return false;
    starts.push_back({def, idx});
    return true;
  }
  if (def->getOpcode() != Opcode::If)
    return false;
  for (unsigned r = 0; r < 2; ++r) {
    Operation *yield = def->getRegion(r).getTerminator();
    Value *y = yield->getOperand(v->getIndex());
    Operation *yDef = y->getDefiningOp();
    if (y->getNumUses() != 1 || !yDef ||
        yDef->getParentRegion() != &def->getRegion(r))
      return false;
    if (yDef->getOpcode() == Opcode::TapeNew)
      starts.push_back({yield, v->getIndex()});
    else if (!findTapeStarts(y, starts))
      return false;
  }
  return true;
}

/// The `if` ops between `op` and region `r` (innermost first), with the
/// branch each one holds `op` in; false if another op is in between.
bool ifsUpTo(Operation *op, Region *r,
             llvm::SmallVectorImpl<std::pair<Operation *, unsigned>> &ifs) {
  while (op->getParentRegion() != r) {
    Operation *p = op->getParentOp();
    if (!p || p->getOpcode() != Opcode::If)
      return false;
    ifs.push_back({p, op->getParentRegion() == &p->getRegion(0) ? 0u : 1u});
    op = p;
  }
  return true;
}

/// Adds a result to `ifOp`: branch `r` yields `inBranch`, the other one
/// `passed` (a value the `if` can read).
Value *threadThroughIf(Operation *ifOp, unsigned r, Value *inBranch,
                       Value *passed) {
  ifOp->addResult(inBranch->getType());
  for (unsigned k = 0; k < 2; ++k) {
    Operation *yield = ifOp->getRegion(k).getTerminator();
    llvm::SmallVector<Value *, 6> outs(yield->getOperands());
    outs.push_back(k == r ? inBranch : passed);
    yield->setOperands(outs);
  }
  return ifOp->getResult(ifOp->getNumResults() - 1);
}

/// An inner loop of the body that got its own tape (an escaping tape `v`,
/// the end state of the inner forward loop) shares one tape across the
/// outer iterations instead: the outer forward loop carries it into the
/// inner forward loop and out again, and the outer reverse loop carries it
/// into the inner reverse loop, which pops exactly what the inner forward
/// loop pushed in the same outer iteration. The inner forward loop runs
/// once per outer iteration; tapes are never elements of a tape.
///
/// The inner loop may sit in `if` branches (its reversal moved it into the
/// forward `if`, which exports its tape, ReverseEmitter.cpp): then the
/// forward `if`s pass the carried tape through the branch without the loop
/// (instead of starting an empty one), and the reverse `if`s around the
/// inner reverse loop thread it the same way, so the reverse branch pops
/// what the forward branch pushed and the other one leaves it alone.
bool shareInnerTape(LoopTape &lt, Value *v) {
  Operation *def = v->getDefiningOp();
  if (!def || def->getParentRegion() != lt.fbody || v->getNumUses() != 1)
    return false;
  llvm::SmallVector<std::pair<Operation *, unsigned>, 4> starts, ifs;
  if (!findTapeStarts(v, starts))
    return false;
  const Use &use = v->getUses()[0];
  Operation *revInner = use.user;
  unsigned revIdx = use.operandIndex;
  if (revInner->getOpcode() != Opcode::For || revIdx < 2 ||
      !isInside(revInner, lt.rev) || !ifsUpTo(revInner, lt.rbody, ifs))
    return false;
  Builder pre;
  pre.setInsertionPoint(lt.fwdLoop);
  pre.setLoc(lt.fwdLoop->getLoc());
  Value *start = pre.create1(Opcode::TapeNew, {}, {}, {v->getType()});
  Value *fwdArg = nullptr;
  Value *shared = addCarried(*lt.fwdLoop, start, [&](Builder &, Value *a) {
    fwdArg = a;
    return v;
  });
  for (auto [user, idx] : starts) {
    Operation *newOp = user->getOperand(idx)->getDefiningOp();
    user->setOperand(idx, fwdArg);
    newOp->erase();
  }
  addCarried(*lt.rev, shared, [&](Builder &, Value *a) {
    revInner->setOperand(revIdx, a);
    Value *out = revInner->getResult(revIdx - 2);
    for (auto [ifOp, r] : ifs)
      out = threadThroughIf(ifOp, r, out, a);
    return out;
  });
  return true;
}

/// Makes the reverse loop read the values of the forward iteration it
/// reverses: every forward-body value the reverse body uses is pushed onto
/// the tape (a tuple per iteration) and read back after tape_top, except
/// inner tapes, which are shared (above). Retypes the tape values for the
/// element tuple. Returns the offending value if one cannot be stored.
Value *storeEscapingValues(LoopTape &lt) {
  llvm::SetVector<Value *> escaping;
  walk(*lt.rbody, [&](Operation &op) {
    for (Value *v : op.getOperands()) {
      Region *def = v->getParentRegion();
      if (def && def->isNestedIn(lt.fbody))
        escaping.insert(v);
    }
  });
  llvm::SmallVector<Value *, 8> stored;
  Builder rb;
  rb.setInsertionPoint(lt.rest->getDefiningOp());
  for (Value *v : escaping) {
    if (v->getType().isTape() && shareInnerTape(lt, v))
      continue;
    // Constants are rebuilt in the reverse body, not stored per iteration.
    Operation *def = v->getDefiningOp();
    if (def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
        def->hasTrait(Pure) && def->getNumResults() == 1 &&
        def->getOpcode() != Opcode::TapeNew) {
      ValueMap map;
      replaceUsesInside(v, lt.rev, cloneOp(rb, *def, map)->getResult(0));
      continue;
    }
    // Other tapes (none in generated code) are stored like any value:
    // exact at first order; see TapeRules.cpp for higher order.
    if (v->getParentRegion() != lt.fbody)
      return v;
    stored.push_back(v);
  }
  Operation *tupleOp =
      lt.pushed->getDefiningOp()->getOperand(1)->getDefiningOp();
  tupleOp->setOperands(stored);
  llvm::SmallVector<Type, 8> types;
  for (Value *v : stored)
    types.push_back(v->getType());
  Type elemType = Type::tuple(types);
  tupleOp->getResult(0)->setType(elemType);
  Type tapeType = Type::tape(elemType);
  for (Value *t : {lt.tape0, lt.fwdTapeArg, lt.pushed, lt.tapeEnd,
                   lt.rbody->getArgument(1), lt.rest, lt.rev->getResult(0)})
    t->setType(tapeType);
  if (lt.condTapeArg)
    lt.condTapeArg->setType(tapeType);
  Builder b;
  b.setInsertionPoint(lt.rest->getDefiningOp());
  b.setLoc(lt.rev->getLoc());
  lt.elem = b.create1(Opcode::TapeTop, {lt.rbody->getArgument(1)});
  b.setInsertionPointAfter(lt.rest->getDefiningOp());
  for (size_t i = 0; i < stored.size(); ++i)
    replaceUsesInside(stored[i], lt.rev, b.get(lt.elem, i));
  return nullptr;
}

} // namespace

bool reverseLoop(ReverseEmitter &e, Builder &b, Operation &loop) {
  const Activity &act = e.getActivity();
  ValueMap &fwd = e.getForwardMap();
  LoopShape s = shapeOf(loop);
  Region &body = *s.body;
  LoopTape lt{};
  lt.fwdLoop = e.primal(loop.getResult(0))->getDefiningOp();
  assert(lt.fwdLoop && lt.fwdLoop->getOpcode() == loop.getOpcode() &&
         "the forward clone of a loop is a loop");
  lt.fbody = &lt.fwdLoop->getRegion(s.isFor ? 0 : 1);

  llvm::SmallVector<Value *, 4> caps = e.capturedVaried(loop);
  for (Value *c : caps)
    if (c->getType().isTape()) { // its adjoint would be a sum of tapes
      e.getContext().reportUnsupported(
          loop, "reverse mode over a loop reading a tape defined outside it");
      return false;
    }

  // Under a memory budget a loop may be checkpointed (LoopCheckpoint.cpp):
  // its primal sweep is a copy of the forward loop before it gets a tape.
  ForReversal fr;
  int64_t budget = loopBudget(e.getContext(), loop);
  if (budget >= 0 && isCheckpointable(loop)) {
    Builder sb;
    sb.setInsertionPoint(lt.fwdLoop);
    ValueMap copy;
    fr.sweep = cloneOp(sb, *lt.fwdLoop, copy);
  }

  // Forward: push a tuple per iteration (its elements are decided at the
  // end, when the reverse body is known; `tape<()>` until then).
  Type placeholder = Type::tape(Type::tuple({}));
  Builder pre;
  pre.setInsertionPoint(lt.fwdLoop);
  pre.setLoc(loop.getLoc());
  lt.tape0 = pre.create1(Opcode::TapeNew, {}, {}, {placeholder});
  // Its iterations now push cells that outlive them (a checkpointed
  // segment loop differentiated again).
  lt.fwdLoop->getAttrs().erase("reclaim_tapes");
  lt.tapeEnd = addCarried(*lt.fwdLoop, lt.tape0, [&](Builder &ib, Value *t) {
    lt.fwdTapeArg = t;
    lt.pushed = ib.create1(Opcode::TapePush, {t, ib.tuple({})});
    return lt.pushed;
  });
  if (!s.isFor)
    lt.condTapeArg = lt.fwdLoop->getRegion(0).getArgument(
        lt.fwdLoop->getRegion(0).getNumArguments() - 1);
  Value *count = nullptr;
  if (s.isFor) {
    count = b.binary(Opcode::Sub, e.primal(loop.getOperand(1)),
                     e.primal(loop.getOperand(0)));
  } else {
    Value *zero = pre.constantInt(Type::scalar(DType::I64), 0);
    count = addCarried(*lt.fwdLoop, zero, [&](Builder &ib, Value *c) {
      return ib.binary(Opcode::Add, c,
                       ib.constantInt(Type::scalar(DType::I64), 1));
    });
  }

  // Reverse loop state: tape, adjoints of varied carried values, adjoints
  // of captured varied outer values. A carried tape nothing reads the
  // adjoint of stays a symbolic zero, unless the body pops it (a reverse
  // loop of a derivative, whose final tape is empty, so the empty tape is
  // its exact zero adjoint).
  llvm::SmallVector<unsigned, 4> activeK;
  for (unsigned k = 0; k < s.numCarried; ++k) {
    Value *res = loop.getResult(k);
    if (!act.isVaried(body.getArgument(s.firstArg + k)))
      continue;
    if (res->getType().isTape() && !e.getAdjoint(b, res) &&
        !consumesTapes(body))
      continue;
    activeK.push_back(k);
  }
  llvm::SmallVector<Value *, 8> inits{lt.tapeEnd};
  for (unsigned k : activeK)
    inits.push_back(orZeros(b, e.getAdjoint(b, loop.getResult(k)),
                            loop.getResult(k)->getType()));
  for (Value *c : caps)
    inits.push_back(zerosOf(b, c->getType()));
  Value *zero = b.constantInt(Type::scalar(DType::I64), 0);
  lt.rev = b.createFor(zero, count, inits);
  lt.rev->setLoc(loop.getLoc());
  lt.rbody = &lt.rev->getRegion(0);
  Region &rbody = *lt.rbody;
  Builder rb(rbody);
  rb.setLoc(loop.getLoc());
  Value *tape = rbody.getArgument(1);
  lt.rest = rb.create1(Opcode::TapePop, {tape}); // tape_top: at the end
  // The pullback reads the forward iteration's values directly (`fwd` maps
  // the body to the forward loop's body); storeEscapingValues then routes
  // them through the tape. The induction variable is recomputed instead:
  // i = ub - 1 - j.
  if (s.isFor) {
    Value *one = rb.constantInt(Type::scalar(DType::I64), 1);
    Value *last = rb.binary(Opcode::Sub, e.primal(loop.getOperand(1)), one);
    fwd[body.getArgument(0)] =
        rb.binary(Opcode::Sub, last, rbody.getArgument(0));
    fr.last = last;
  }

  // Outer adjoints are accumulated by the loop: start them at zero inside.
  llvm::DenseMap<Value *, Value *> saved;
  for (Value *c : caps) {
    saved[c] = e.getAdjoint(b, c);
    e.clearAdjoint(c);
  }
  for (unsigned k = 0; k < s.numCarried; ++k)
    e.clearAdjoint(body.getArgument(s.firstArg + k));
  Operation *yield = body.getTerminator();
  for (size_t a = 0; a < activeK.size(); ++a)
    e.accumulate(rb, yield->getOperand(activeK[a]), rbody.getArgument(2 + a));
  if (!e.reverseRegion(rb, body))
    return false;
  llvm::SmallVector<Value *, 8> outs{lt.rest};
  for (unsigned k : activeK) {
    Value *arg = body.getArgument(s.firstArg + k);
    outs.push_back(orZeros(rb, e.getAdjoint(rb, arg), arg->getType()));
  }
  for (size_t c = 0; c < caps.size(); ++c) {
    Value *acc = rbody.getArgument(2 + activeK.size() + c);
    outs.push_back(addOrNull(rb, acc, e.getAdjoint(rb, caps[c])));
  }
  rb.yield(outs);
  // Copies re-emitted by nested `if` reversals that ended up unread must
  // not be stored.
  Operation *lastOp = fr.last ? fr.last->getDefiningOp() : nullptr;
  eraseDeadOps(rbody);
  if (lastOp && llvm::none_of(rbody.getOps(),
                              [&](auto &op) { return op.get() == lastOp; }))
    fr.last = nullptr; // the pullback does not read the index
  if (Value *bad = storeEscapingValues(lt)) {
    e.getContext().reportUnsupported(
        bad->getDefiningOp() ? *bad->getDefiningOp() : loop,
        "reverse mode cannot store this value of a loop iteration");
    return false;
  }
  if (s.isFor || fr.sweep) {
    fr.primal = &loop;
    fr.fwd = lt.fwdLoop;
    fr.rev = lt.rev;
    fr.numCarried = s.numCarried;
    fr.numAdjoints = activeK.size() + caps.size();
    Operation *oldFwd = lt.fwdLoop;
    // A rewritten `for` or `while`: the sweep computes the loop's results,
    // the loop over the segments gives the adjoints.
    bool rewritten = s.isFor
                         ? checkpointLoop(e, fr, budget)
                         : checkpointWhile(e, fr, count->getIndex(), budget);
    if (rewritten) {
      lt.rev = fr.rev;
      for (unsigned k = 0; k < s.numCarried; ++k)
        fwd[loop.getResult(k)] = fr.sweep->getResult(k);
      e.noteReplaced(oldFwd, fr.sweep);
    }
  } else {
    e.getContext().loopTapeBytes[lt.fwdLoop] = -1; // run-time trip count
  }

  for (Value *c : caps) {
    e.clearAdjoint(c);
    if (saved[c])
      e.accumulate(b, c, saved[c]);
  }
  for (size_t a = 0; a < activeK.size(); ++a)
    e.accumulate(b, loop.getOperand(s.firstInit + activeK[a]),
                 lt.rev->getResult(1 + a));
  for (size_t c = 0; c < caps.size(); ++c)
    e.accumulate(b, caps[c], lt.rev->getResult(1 + activeK.size() + c));
  return true;
}

} // namespace tdl::ad
