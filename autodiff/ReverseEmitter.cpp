//===- ReverseEmitter.cpp - pullbacks, adjoint accumulation, if and call
//---===//
#include "autodiff/ReverseEmitter.h"
#include "autodiff/Rules.h"
#include "ssa_ir/OpAttrs.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace tdl::ad {

using namespace ir;

void ReverseEmitter::accumulate(Builder &b, Value *v, Value *a) {
  if (!a || !act.isVaried(v))
    return;
  if (v->getType().isTuple()) {
    auto &elems = tupleAdj[v];
    size_t n = v->getType().getElements().size();
    elems.resize(n, nullptr);
    Operation *def = a->getDefiningOp();
    bool isTupleOp = def && def->getOpcode() == Opcode::Tuple;
    for (size_t i = 0; i < n; ++i) {
      if (!isDifferentiableType(v->getType().getElements()[i]))
        continue;
      Value *ai = isTupleOp ? def->getOperand(i) : b.get(a, i);
      elems[i] = addOrNull(b, elems[i], ai);
    }
    return;
  }
  Value *&slot = adj[v];
  slot = addOrNull(b, slot, a);
}

Value *ReverseEmitter::getAdjoint(Builder &b, Value *v) {
  if (!v->getType().isTuple())
    return adj.lookup(v);
  auto it = tupleAdj.find(v);
  if (it == tupleAdj.end() ||
      llvm::all_of(it->second, [](Value *e) { return e == nullptr; }))
    return nullptr;
  llvm::SmallVector<Value *, 4> elems;
  llvm::ArrayRef<Type> types = v->getType().getElements();
  for (size_t i = 0; i < types.size(); ++i)
    elems.push_back(orZeros(b, it->second[i], types[i]));
  return b.tuple(elems);
}

void ReverseEmitter::clearAdjoint(Value *v) {
  adj.erase(v);
  tupleAdj.erase(v);
}

llvm::SmallVector<Value *, 4> ReverseEmitter::capturedVaried(Operation &op) {
  llvm::SetVector<Value *> out;
  for (unsigned r = 0; r < op.getNumRegions(); ++r)
    walk(op.getRegion(r), [&](Operation &inner) {
      for (Value *v : inner.getOperands()) {
        Region *def = v->getParentRegion();
        bool inside = false;
        for (unsigned k = 0; k < op.getNumRegions(); ++k)
          inside |= def && def->isNestedIn(&op.getRegion(k));
        if (!inside && act.isVaried(v))
          out.insert(v);
      }
    });
  return llvm::SmallVector<Value *, 4>(out.begin(), out.end());
}

bool ReverseEmitter::reverseRegion(Builder &b, Region &r) {
  llvm::SmallVector<Operation *, 16> ops;
  for (auto &op : r.getOps())
    if (!op->hasTrait(Terminator))
      ops.push_back(op.get());
  for (auto it = ops.rbegin(); it != ops.rend(); ++it)
    if (!reverseOp(b, **it))
      return false;
  return true;
}

bool ReverseEmitter::reverseOp(Builder &b, Operation &op) {
  llvm::SmallVector<Value *, 2> dys;
  bool anyAdjoint = false;
  for (Value *res : op.getResults()) {
    dys.push_back(getAdjoint(b, res));
    anyAdjoint |= dys.back() != nullptr;
  }
  // Activity: nothing useful reads the results, or nothing varied feeds them.
  if (!anyAdjoint || !act.anyOperandVaried(op))
    return true;
  b.setLoc(op.getLoc());
  switch (op.getOpcode()) {
  case Opcode::Get: {
    Value *t = op.getOperand(0);
    if (!act.isVaried(t))
      return true;
    auto &elems = tupleAdj[t];
    elems.resize(t->getType().getElements().size(), nullptr);
    int64_t i = ir::OpAttrs(op).index();
    elems[i] = addOrNull(b, elems[i], dys[0]);
    return true;
  }
  case Opcode::Tuple: {
    Value *res = op.getResult(0);
    auto it = tupleAdj.find(res);
    if (it == tupleAdj.end())
      return true;
    llvm::SmallVector<Value *, 4> elems = it->second;
    for (unsigned i = 0; i < op.getNumOperands() && i < elems.size(); ++i)
      accumulate(b, op.getOperand(i), elems[i]);
    return true;
  }
  case Opcode::Call:
    return reverseCall(b, op);
  case Opcode::If:
    return reverseIf(b, op);
  case Opcode::For:
  case Opcode::While:
    return reverseLoop(*this, b, op);
  case Opcode::TapeNew:
  case Opcode::TapePush:
  case Opcode::TapeTop:
  case Opcode::TapePop:
    return reverseTapeOp(*this, b, op);
  default:
    break;
  }
  llvm::SmallVector<Value *, 4> operands, results;
  for (Value *v : op.getOperands())
    operands.push_back(primal(v));
  for (Value *v : op.getResults())
    results.push_back(primal(v));
  llvm::SmallVector<Value *, 4> dxs;
  RuleStatus st = pullback(b, PrimalView{op, operands, results}, dys, dxs);
  if (st == RuleStatus::NotDifferentiable) {
    ctx.reportNotDifferentiable(op);
    return false;
  }
  if (st == RuleStatus::Unsupported) {
    ctx.reportUnsupported(op, "no reverse-mode rule");
    return false;
  }
  for (unsigned i = 0; i < op.getNumOperands(); ++i)
    accumulate(b, op.getOperand(i), dxs[i]);
  return true;
}

bool ReverseEmitter::reverseCall(Builder &b, Operation &op) {
  // A call of a split forward function: its residual results feed the split
  // backward function, nothing of the callee is recomputed.
  if (const SplitCallee *s = ctx.splitOf(op)) {
    llvm::SmallVector<Value *, 8> args;
    unsigned next = s->numResults;
    for (int src : s->residualSource)
      args.push_back(src >= 0 ? primal(op.getOperand(src))
                              : primal(op.getResult(next++)));
    for (unsigned k = 0; k < s->numResults; ++k) {
      Value *res = op.getResult(k);
      args.push_back(orZeros(b, getAdjoint(b, res), res->getType()));
    }
    Operation *c = b.call(*s->bwd, args);
    for (size_t k = 0; k < s->wrt.size(); ++k)
      accumulate(b, op.getOperand(s->wrt[k]), c->getResult(k));
    return true;
  }
  Module &m = ctx.getModule();
  Function *callee = m.lookup(ir::OpAttrs(op).callee());
  if (callee->isDerivedDeclaration() && !ctx.fill(*callee))
    return false;
  llvm::SmallVector<Value *, 6> args, dys;
  for (Value *v : op.getOperands())
    args.push_back(primal(v));
  for (Value *res : op.getResults())
    dys.push_back(orZeros(b, getAdjoint(b, res), res->getType()));

  if (callee->hasCustomRule()) {
    llvm::SmallVector<Value *, 6> cots;
    if (!ctx.emitRuleReverse(b, *callee, args, dys, cots))
      return false;
    unsigned k = 0;
    for (unsigned i = 0; i < op.getNumOperands(); ++i)
      if (isDifferentiableType(op.getOperand(i)->getType()))
        accumulate(b, op.getOperand(i), cots[k++]);
    return true;
  }
  llvm::SmallVector<int64_t, 4> wrt;
  for (unsigned i = 0; i < op.getNumOperands(); ++i)
    if (act.isVaried(op.getOperand(i)))
      wrt.push_back(i);
  if (wrt.empty())
    return true;
  Function *vjp = ctx.getDerived(*callee, DerivedKind::Vjp, wrt);
  if (!vjp)
    return false;
  args.append(dys.begin(), dys.end());
  Operation *c = b.call(*vjp, args);
  for (size_t k = 0; k < wrt.size(); ++k)
    accumulate(b, op.getOperand(wrt[k]), c->getResult(k));
  return true;
}

/// Adds `v` (a value of forward branch `r`) as a result of the forward `if`;
/// the other branch yields zeros (an empty tape for a tape).
static Value *addIfResult(Operation *fwdIf, unsigned r, Value *v,
                          Location loc) {
  fwdIf->addResult(v->getType());
  for (unsigned k = 0; k < 2; ++k) {
    Operation *yield = fwdIf->getRegion(k).getTerminator();
    Builder yb;
    yb.setInsertionPoint(yield);
    yb.setLoc(loc);
    llvm::SmallVector<Value *, 6> outs(yield->getOperands());
    outs.push_back(k == r ? v : zerosOf(yb, v->getType()));
    yield->setOperands(outs);
  }
  return fwdIf->getResult(fwdIf->getNumResults() - 1);
}

/// The reversal of a loop (or nested `if`) of branch `r` added results to
/// its re-emitted copy `re` that the pullback reads (a loop's tape and trip
/// count). The forward branch's copy is replaced by a copy of `re`, and
/// those results become results of the forward `if` (an empty tape and a
/// zero count from the other branch), so `re` is dead: the branch's loops
/// run once. For an `if` inside a loop the exported tape is not stored on
/// the outer loop's tape (tapes never hold tapes, docs/autodiff.md "Higher
/// order through loops"): the outer loop reversal carries it instead and
/// threads it through the forward and reverse `if`s (shareInnerTape in
/// ReverseLoops.cpp); the empty tape of the other branch becomes the
/// carried tape passed through.
void ReverseEmitter::forwardAugmentedOps(
    Operation &op, unsigned r,
    const llvm::SmallPtrSetImpl<Operation *> &recomputed,
    ValueMap &forwardValue) {
  Operation *fwdIf = primal(op.getResult(0))->getDefiningOp();
  for (auto &inOp : op.getRegion(r).getOps()) {
    if (inOp->getNumRegions() == 0 || inOp->getNumResults() == 0)
      continue;
    Operation *re = lookupOr(fwd, inOp->getResult(0))->getDefiningOp();
    Value *fv = forwardValue.lookup(inOp->getResult(0));
    Operation *f = fv ? fv->getDefiningOp() : nullptr;
    unsigned n = inOp->getNumResults();
    if (!re || !f || !recomputed.count(re) || re->getNumResults() <= n)
      continue;
    // re's operands (its regions' outer reads included) are re-emitted
    // copies, whose forward values are known, or operand-free ops the
    // reversal put before it (tape_new, constants), which are copied.
    ValueMap map;
    for (auto &o : op.getRegion(r).getOps())
      for (Value *res : o->getResults())
        if (forwardValue.count(res))
          map[lookupOr(fwd, res)] = forwardValue.lookup(res);
    Builder fb;
    fb.setInsertionPoint(f);
    fb.setLoc(inOp->getLoc());
    Region *revBranch = re->getParentRegion();
    bool ok = true;
    auto mapOperand = [&](Value *v) {
      if (map.count(v) || v->getParentRegion() != revBranch)
        return;
      Operation *def = v->getDefiningOp();
      if (def && def->getNumOperands() == 0 && def->getNumRegions() == 0)
        cloneOp(fb, *def, map);
      else
        ok = false;
    };
    for (Value *v : re->getOperands())
      mapOperand(v);
    for (unsigned k = 0; k < re->getNumRegions(); ++k)
      walk(re->getRegion(k), [&](Operation &o) {
        for (Value *v : o.getOperands())
          mapOperand(v);
      });
    if (!ok)
      continue;
    Operation *copy = cloneOp(fb, *re, map);
    if (auto it = ctx.loopTapeBytes.find(re); it != ctx.loopTapeBytes.end())
      ctx.loopTapeBytes[copy] = it->second;
    for (unsigned k = 0; k < n; ++k) {
      f->getResult(k)->replaceAllUsesWith(copy->getResult(k));
      forwardValue[inOp->getResult(k)] = copy->getResult(k);
    }
    f->dropAllReferences();
    f->erase();
    for (unsigned k = n; k < re->getNumResults(); ++k) {
      Value *extra = re->getResult(k);
      if (extra->use_empty())
        continue;
      extra->replaceAllUsesWith(
          addIfResult(fwdIf, r, copy->getResult(k), op.getLoc()));
    }
  }
}

/// The branch values the pullback of branch `r` reads become extra results
/// of the forward `if` (zeros from the other branch), so the reverse branch
/// reads them instead of its re-emitted copies, which dce then removes.
void ReverseEmitter::exportNeededValues(
    Operation &op, unsigned r,
    const llvm::SmallPtrSetImpl<Operation *> &recomputed,
    ValueMap &forwardValue) {
  forwardAugmentedOps(op, r, recomputed, forwardValue);
  Operation *fwdIf = primal(op.getResult(0))->getDefiningOp();
  auto inside = [&](Operation *user) {
    for (; user; user = user->getParentOp())
      if (recomputed.count(user))
        return true;
    return false;
  };
  for (auto &inOp : op.getRegion(r).getOps())
    for (Value *res : inOp->getResults()) {
      Value *copy = lookupOr(fwd, res);
      Operation *def = copy->getDefiningOp();
      if (!def || !recomputed.count(def) ||
          llvm::all_of(copy->getUses(),
                       [&](const Use &u) { return inside(u.user); }))
        continue;
      copy->replaceAllUsesWith(
          addIfResult(fwdIf, r, forwardValue.lookup(res), op.getLoc()));
    }
}

bool ReverseEmitter::reverseIf(Builder &b, Operation &op) {
  llvm::SmallVector<Value *, 4> dys, caps = capturedVaried(op);
  for (Value *res : op.getResults())
    dys.push_back(getAdjoint(b, res));
  if (caps.empty())
    return true;
  llvm::SmallVector<Type, 4> capTypes;
  for (Value *c : caps)
    capTypes.push_back(c->getType());
  Operation *rev = b.createIf(primal(op.getOperand(0)), capTypes);
  for (unsigned r = 0; r < 2; ++r) {
    Region &branch = op.getRegion(r);
    Builder inner(rev->getRegion(r));
    inner.setLoc(op.getLoc());
    // Outer adjoints live outside: the branch starts the captured ones at
    // zero and yields what it adds.
    llvm::DenseMap<Value *, Value *> savedAdj;
    llvm::DenseMap<Value *, llvm::SmallVector<Value *, 4>> savedTuple;
    for (Value *c : caps) {
      if (adj.count(c))
        savedAdj[c] = adj[c];
      if (tupleAdj.count(c))
        savedTuple[c] = tupleAdj[c];
      clearAdjoint(c);
    }
    ValueMap forwardValue;
    for (auto &inOp : branch.getOps())
      for (Value *res : inOp->getResults())
        forwardValue[res] = primal(res);
    llvm::SmallPtrSet<Operation *, 16> recomputed;
    for (auto &inOp : branch.getOps())
      if (!inOp->hasTrait(Terminator))
        recomputed.insert(cloneOp(inner, *inOp, fwd));
    Operation *yield = branch.getTerminator();
    for (unsigned k = 0; k < yield->getNumOperands(); ++k)
      accumulate(inner, yield->getOperand(k), dys[k]);
    // Loops of this branch that a checkpointed reversal replaced by their
    // sweep (the entries of this branch only: erased ops' addresses).
    auto outerReplaced = std::move(replaced);
    replaced.clear();
    if (!reverseRegion(inner, branch))
      return false;
    for (auto [old, now] : replaced)
      if (recomputed.erase(old))
        recomputed.insert(now);
    replaced = std::move(outerReplaced);
    llvm::SmallVector<Value *, 4> outs;
    for (Value *c : caps)
      outs.push_back(orZeros(inner, getAdjoint(inner, c), c->getType()));
    inner.yield(outs);
    exportNeededValues(op, r, recomputed, forwardValue);
    for (Value *c : caps) {
      clearAdjoint(c);
      if (savedAdj.count(c))
        adj[c] = savedAdj[c];
      if (savedTuple.count(c))
        tupleAdj[c] = savedTuple[c];
    }
  }
  for (size_t k = 0; k < caps.size(); ++k)
    accumulate(b, caps[k], rev->getResult(k));
  return true;
}

} // namespace tdl::ad
