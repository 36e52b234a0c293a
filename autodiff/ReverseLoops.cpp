//===- ReverseLoops.cpp - reverse mode through for and while
//---------------===//
//
// The forward loop (already cloned) is extended with a tape: every
// iteration pushes the loop-carried values its body reads (a tuple), and a
// `while` also counts its iterations. The reverse loop runs that many
// iterations backwards: it pops the iteration's carried values, re-runs the
// body's primal ops from them (the intermediates of one iteration are
// recomputed; only the carried state is stored, so memory is proportional to
// the iterations) and then the body's pullback. Adjoints of the carried
// values and of the varied outer values the body reads are loop-carried in
// the reverse loop.
//
//===----------------------------------------------------------------------===//
#include "autodiff/ReverseEmitter.h"

#include "llvm/ADT/SmallPtrSet.h"

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

bool isInside(Operation *op, const llvm::SmallPtrSetImpl<Operation *> &set) {
  for (; op; op = op->getParentOp())
    if (set.count(op))
      return true;
  return false;
}

/// Moves the primal values of one iteration that the pullback reads onto the
/// tape: the forward loop pushes them with the carried values, the reverse
/// loop reads them instead of its re-emitted copies (which dce then
/// removes). Retypes the tape values for the longer element tuple.
void storeNeededIntermediates(
    Region &body, const llvm::SmallPtrSetImpl<Operation *> &recomputed,
    const ValueMap &forwardValue, const ValueMap &fwd, Value *pushedTuple,
    Value *elem, llvm::ArrayRef<Value *> tapeValues) {
  llvm::SmallVector<std::pair<Value *, Value *>, 8> needed; // (copy, forward)
  for (auto &op : body.getOps())
    for (Value *r : op->getResults()) {
      Value *copy = lookupOr(fwd, r);
      bool read = llvm::any_of(copy->getUses(), [&](const Use &u) {
        return !isInside(u.user, recomputed);
      });
      if (read && copy->getDefiningOp() &&
          recomputed.count(copy->getDefiningOp()))
        needed.push_back({copy, forwardValue.lookup(r)});
    }
  if (needed.empty())
    return;
  Operation *tupleOp = pushedTuple->getDefiningOp();
  llvm::SmallVector<Value *, 8> vals(tupleOp->getOperands());
  unsigned first = vals.size();
  for (auto &[copy, forward] : needed)
    vals.push_back(forward);
  tupleOp->setOperands(vals);
  llvm::SmallVector<Type, 8> types;
  for (Value *v : vals)
    types.push_back(v->getType());
  Type elemType = Type::tuple(types);
  pushedTuple->setType(elemType);
  elem->setType(elemType);
  for (Value *t : tapeValues)
    t->setType(Type::tape(elemType));
  Builder b;
  b.setInsertionPointAfter(elem->getDefiningOp());
  b.setLoc(elem->getDefiningOp()->getLoc());
  for (size_t i = 0; i < needed.size(); ++i)
    needed[i].first->replaceAllUsesWith(b.get(elem, first + i));
}

} // namespace

bool reverseLoop(ReverseEmitter &e, Builder &b, Operation &loop) {
  const Activity &act = e.getActivity();
  ValueMap &fwd = e.getForwardMap();
  LoopShape s = shapeOf(loop);
  Region &body = *s.body;
  Operation *fwdLoop = e.primal(loop.getResult(0))->getDefiningOp();
  assert(fwdLoop && fwdLoop->getOpcode() == loop.getOpcode() &&
         "the forward clone of a loop is a loop");

  // Forward: record the carried values the body reads, per iteration.
  llvm::SmallVector<unsigned, 4> stored;
  llvm::SmallVector<Type, 4> storedTypes;
  for (unsigned k = 0; k < s.numCarried; ++k)
    if (!body.getArgument(s.firstArg + k)->use_empty()) {
      stored.push_back(k);
      storedTypes.push_back(body.getArgument(s.firstArg + k)->getType());
    }
  Type tapeType = Type::tape(Type::tuple(storedTypes));
  Builder pre;
  pre.setInsertionPoint(fwdLoop);
  pre.setLoc(loop.getLoc());
  Value *tape0 = pre.create1(Opcode::TapeNew, {}, {}, {tapeType});
  Region &fbody = fwdLoop->getRegion(s.isFor ? 0 : 1);
  unsigned fArg0 = s.firstArg; // forward body args at this point match primal
  Value *pushedTuple = nullptr, *fwdTapeArg = nullptr, *pushed = nullptr;
  Value *tapeEnd = addCarried(*fwdLoop, tape0, [&](Builder &ib, Value *t) {
    llvm::SmallVector<Value *, 4> vals;
    for (unsigned k : stored)
      vals.push_back(fbody.getArgument(fArg0 + k));
    pushedTuple = ib.tuple(vals);
    fwdTapeArg = t;
    pushed = ib.create1(Opcode::TapePush, {t, pushedTuple});
    return pushed;
  });
  Value *count = nullptr;
  if (s.isFor) {
    count = b.binary(Opcode::Sub, e.primal(loop.getOperand(1)),
                     e.primal(loop.getOperand(0)));
  } else {
    Value *zero = pre.constantInt(Type::scalar(DType::I64), 0);
    count = addCarried(*fwdLoop, zero, [&](Builder &ib, Value *c) {
      return ib.binary(Opcode::Add, c,
                       ib.constantInt(Type::scalar(DType::I64), 1));
    });
  }

  // Reverse loop state: tape, adjoints of varied carried values, adjoints
  // of captured varied outer values.
  llvm::SmallVector<unsigned, 4> activeK;
  for (unsigned k = 0; k < s.numCarried; ++k)
    if (act.isVaried(body.getArgument(s.firstArg + k)))
      activeK.push_back(k);
  llvm::SmallVector<Value *, 4> caps = e.capturedVaried(loop);
  llvm::SmallVector<Value *, 8> inits{tapeEnd};
  for (unsigned k : activeK)
    inits.push_back(orZeros(b, e.getAdjoint(b, loop.getResult(k)),
                            loop.getResult(k)->getType()));
  for (Value *c : caps)
    inits.push_back(zerosOf(b, c->getType()));
  Value *zero = b.constantInt(Type::scalar(DType::I64), 0);
  Operation *rev = b.createFor(zero, count, inits);
  rev->setLoc(loop.getLoc());
  Region &rbody = rev->getRegion(0);
  Builder rb(rbody);
  rb.setLoc(loop.getLoc());
  Value *tape = rbody.getArgument(1);
  Value *elem = rb.create1(Opcode::TapeTop, {tape});
  Value *rest = rb.create1(Opcode::TapePop, {tape});
  for (size_t j = 0; j < stored.size(); ++j)
    fwd[body.getArgument(s.firstArg + stored[j])] = rb.get(elem, j);
  if (s.isFor) { // i = ub - 1 - j
    Value *one = rb.constantInt(Type::scalar(DType::I64), 1);
    Value *last = rb.binary(Opcode::Sub, e.primal(loop.getOperand(1)), one);
    fwd[body.getArgument(0)] =
        rb.binary(Opcode::Sub, last, rbody.getArgument(0));
  }
  // Re-emit this iteration's primal ops; the ones whose values the
  // pullback reads are replaced by tape loads below (no recomputation).
  ValueMap forwardValue;
  for (auto &op : body.getOps())
    for (Value *r : op->getResults())
      forwardValue[r] = e.primal(r);
  llvm::SmallPtrSet<Operation *, 16> recomputed;
  for (auto &op : body.getOps())
    if (!op->hasTrait(Terminator))
      recomputed.insert(cloneOp(rb, *op, fwd));

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
  llvm::SmallVector<Value *, 8> outs{rest};
  for (unsigned k : activeK) {
    Value *arg = body.getArgument(s.firstArg + k);
    outs.push_back(orZeros(rb, e.getAdjoint(rb, arg), arg->getType()));
  }
  for (size_t c = 0; c < caps.size(); ++c) {
    Value *acc = rbody.getArgument(2 + activeK.size() + c);
    outs.push_back(addOrNull(rb, acc, e.getAdjoint(rb, caps[c])));
  }
  rb.yield(outs);
  storeNeededIntermediates(body, recomputed, forwardValue, fwd, pushedTuple,
                           elem,
                           {tape0, fwdTapeArg, pushed, tapeEnd,
                            rbody.getArgument(1), rest, rev->getResult(0)});
  if (!s.isFor) // the condition region carries the tape too
    fwdLoop->getRegion(0)
        .getArgument(fwdLoop->getRegion(0).getNumArguments() - 2)
        ->setType(tapeEnd->getType());

  for (Value *c : caps) {
    e.clearAdjoint(c);
    if (saved[c])
      e.accumulate(b, c, saved[c]);
  }
  for (size_t a = 0; a < activeK.size(); ++a)
    e.accumulate(b, loop.getOperand(s.firstInit + activeK[a]),
                 rev->getResult(1 + a));
  for (size_t c = 0; c < caps.size(); ++c)
    e.accumulate(b, caps[c], rev->getResult(1 + activeK.size() + c));
  return true;
}

} // namespace tdl::ad
