//===- SplitCallee.cpp - callees cut into forward and backward functions --===//
//
// Reverse mode over `y = call @g(x)` must not run g's primal twice. As in
// Swift's differentiation and JAX's linearize, g is split once per wrt
// pattern into
//   g.fwd_W(x)          -> (y..., residuals...)   g's primal, computed once
//   g.bwd_W(residuals, dy...) -> (dx for each wrt argument)
// The caller's forward part calls g.fwd_W and its pullback calls g.bwd_W
// with the residual results. Inside `if` branches and loop bodies the
// residuals are ordinary values of the forward part, so the existing
// machinery exports them from the branch or stores them on the loop's tape.
//
// Algorithm: emitReverse lays out g's vjp (forward clone | pullback) in a
// scratch function and reports where the forward clone ends; the cut there
// gives the two functions. The residuals are the forward values (and
// arguments) that live pullback ops read, so dead ones never cross;
// constants are re-emitted in bwd instead of crossing.
//
// A callee with a loop (or calling one) is inlined into the view instead:
// its residuals would be tapes, which must not cross a call (in a caller's
// loop they would be stored on a tape, and at second order a zero adjoint of
// a tape result would be an empty tape where the primal is not;
// docs/autodiff.md, "Reverse mode"). Inlined, its loops get the caller's
// loop reversal and its primal still runs once.
//
// Derived functions called in the body are filled first, so they are split
// or inlined like any callee. No split (the call keeps the vjp path, which
// recomputes g) for callees with a user rule (the rule decides), for
// recursive calls (the residuals would be unbounded) and for checkpointed
// callees (`checkpoint(g)`: recomputing is the point; their residuals are
// the arguments, so a call of one with a loop is not inlined either).
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/Activity.h"
#include "autodiff/IRHelpers.h"
#include "ssa_ir/OpAttrs.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

namespace tdl::ad {

using namespace ir;

namespace {

bool containsTape(const Type &t) {
  if (t.isTape())
    return true;
  return t.isTuple() && llvm::any_of(t.getElements(), containsTape);
}

void dropBody(Region &body) {
  for (auto &op : body.getOps())
    op->dropAllReferences();
}

std::string wrtSuffix(llvm::ArrayRef<int64_t> wrt) {
  std::string s;
  for (int64_t w : wrt)
    s += fmt::format("_{}", w);
  return s;
}

/// Cuts the vjp layout in `body` (arguments: nargs primal ones, then one
/// cotangent per result) at `parts.lastForward` into `fwd` and `bwd`.
/// Returns false if a residual would be a tape.
bool cut(Module &m, Function &callee, Region &body, const ReverseParts &parts,
         llvm::StringRef fwdName, llvm::StringRef bwdName, SplitCallee &out) {
  unsigned nargs = callee.getArgTypes().size();
  unsigned nres = callee.getResultTypes().size();
  llvm::SmallVector<Operation *, 32> ops;
  for (auto &op : body.getOps())
    ops.push_back(op.get());
  Operation *ret = body.getTerminator();
  size_t first = 0;
  if (parts.lastForward)
    first = llvm::find(ops, parts.lastForward) - ops.begin() + 1;
  llvm::SmallPtrSet<Operation *, 32> forward(ops.begin(), ops.begin() + first);

  // Live pullback ops, last first; their operands (also nested ones).
  llvm::DenseSet<Value *> live(ret->getOperands().begin(),
                               ret->getOperands().end());
  llvm::SmallPtrSet<Operation *, 32> livePull;
  for (size_t i = ops.size() - 1; i-- > first;) {
    Operation *op = ops[i];
    if (llvm::none_of(op->getResults(),
                      [&](Value *r) { return live.count(r); }))
      continue;
    livePull.insert(op);
    for (Value *v : op->getOperands())
      live.insert(v);
    for (unsigned r = 0; r < op->getNumRegions(); ++r)
      walk(op->getRegion(r), [&](Operation &in) {
        for (Value *v : in.getOperands())
          live.insert(v);
      });
  }

  // Residuals in first-use order; constants are re-emitted instead.
  llvm::SetVector<Value *> residuals;
  llvm::SetVector<Operation *> remat;
  auto consider = [&](Value *v) {
    Operation *def = v->getDefiningOp();
    bool primalArg = false;
    for (unsigned i = 0; i < nargs; ++i)
      primalArg |= body.getArgument(i) == v;
    if (def && forward.count(def) && def->getOpcode() == Opcode::Constant &&
        def->getNumRegions() == 0)
      remat.insert(def);
    else if (primalArg || (def && forward.count(def)))
      residuals.insert(v);
  };
  for (Value *v : ret->getOperands())
    consider(v);
  for (size_t i = first; i + 1 < ops.size(); ++i) {
    if (!livePull.count(ops[i]))
      continue;
    for (Value *v : ops[i]->getOperands())
      consider(v);
    for (unsigned r = 0; r < ops[i]->getNumRegions(); ++r)
      walk(ops[i]->getRegion(r), [&](Operation &in) {
        for (Value *v : in.getOperands())
          consider(v);
      });
  }
  for (Value *v : residuals)
    if (containsTape(v->getType()))
      return false;

  // fwd: the forward clone, returning the results and the residuals.
  // Residuals that are g's arguments are passed by the caller, which has
  // them anyway (in a loop they are then not stored per iteration).
  auto argIndex = [&](Value *v) {
    for (unsigned i = 0; i < nargs; ++i)
      if (body.getArgument(i) == v)
        return int(i);
    return -1;
  };
  llvm::SmallVector<Type, 8> fwdResults(callee.getResultTypes());
  for (Value *v : residuals) {
    out.residualSource.push_back(argIndex(v));
    if (argIndex(v) < 0)
      fwdResults.push_back(v->getType());
  }
  auto fwd = std::make_unique<Function>(fwdName.str(), callee.getArgTypes(),
                                        fwdResults, callee.getLoc());
  ValueMap fm;
  for (unsigned i = 0; i < nargs; ++i) {
    fm[body.getArgument(i)] = fwd->getBody().getArgument(i);
    fwd->getBody().getArgument(i)->setNameHint(
        body.getArgument(i)->getNameHint());
  }
  Builder fb(fwd->getBody());
  for (size_t i = 0; i < first; ++i)
    cloneOp(fb, *ops[i], fm);
  llvm::SmallVector<Value *, 8> fouts;
  for (Value *v : parts.primalResults)
    fouts.push_back(lookupOr(fm, v));
  for (Value *v : residuals)
    if (argIndex(v) < 0)
      fouts.push_back(lookupOr(fm, v));
  fb.setLoc(callee.getLoc());
  fb.ret(fouts);

  // bwd: residuals and cotangents in, the live pullback out.
  llvm::SmallVector<Type, 8> bwdArgs;
  for (Value *v : residuals)
    bwdArgs.push_back(v->getType());
  bwdArgs.append(callee.getResultTypes().begin(),
                 callee.getResultTypes().end());
  llvm::SmallVector<Type, 4> bwdResults;
  for (Value *v : ret->getOperands())
    bwdResults.push_back(v->getType());
  auto bwd = std::make_unique<Function>(bwdName.str(), bwdArgs, bwdResults,
                                        callee.getLoc());
  ValueMap bm;
  unsigned k = 0;
  for (Value *v : residuals) {
    bm[v] = bwd->getBody().getArgument(k++);
    bm[v]->setNameHint(v->getNameHint().empty() ? "res" : v->getNameHint());
  }
  for (unsigned j = 0; j < nres; ++j) {
    bm[body.getArgument(nargs + j)] = bwd->getBody().getArgument(k + j);
    bwd->getBody().getArgument(k + j)->setNameHint("dy");
  }
  Builder bb(bwd->getBody());
  for (Operation *c : remat)
    cloneOp(bb, *c, bm);
  for (size_t i = first; i + 1 < ops.size(); ++i)
    if (livePull.count(ops[i]))
      cloneOp(bb, *ops[i], bm);
  llvm::SmallVector<Value *, 4> bouts;
  for (Value *v : ret->getOperands())
    bouts.push_back(lookupOr(bm, v));
  bb.setLoc(callee.getLoc());
  bb.ret(bouts);

  out.fwd = m.addFunction(std::move(fwd));
  out.bwd = m.addFunction(std::move(bwd));
  out.numResults = nres;
  return true;
}

/// True if `f`'s body, or a function it calls, has a loop. `seen` guards
/// against call cycles.
bool reachesLoop(Module &m, const Function &f, llvm::StringSet<> &seen) {
  if (!seen.insert(f.getName()).second)
    return false;
  bool found = false;
  walk(const_cast<Region &>(f.getBody()), [&](Operation &op) {
    if (found)
      return;
    if (op.getOpcode() == Opcode::For || op.getOpcode() == Opcode::While)
      found = true;
    else if (op.getOpcode() == Opcode::Call)
      if (const Function *g = m.lookup(ir::OpAttrs(op).callee()))
        found = !g->isDerivedDeclaration() && !g->isCheckpoint() &&
                reachesLoop(m, *g, seen);
  });
  return found;
}

/// True if `f` can call itself (directly or through other functions).
bool isRecursive(Module &m, const Function &f) {
  llvm::SmallVector<const Function *, 8> work{&f};
  llvm::StringSet<> seen;
  while (!work.empty()) {
    const Function *g = work.pop_back_val();
    bool self = false;
    walk(const_cast<Region &>(g->getBody()), [&](Operation &op) {
      if (op.getOpcode() != Opcode::Call)
        return;
      llvm::StringRef name = ir::OpAttrs(op).callee();
      if (name == f.getName())
        self = true;
      else if (const Function *h = m.lookup(name))
        if (!h->isDerivedDeclaration() && seen.insert(name).second)
          work.push_back(h);
    });
    if (self)
      return true;
  }
  return false;
}

/// A callee whose split would return a tape residual (it has a loop, or calls
/// a function that has one) is inlined into the view instead: its loops then
/// get the caller's loop reversal, which stores what the pullback needs, so
/// the callee's primal still runs once. Callees with a user rule, recursive
/// ones and derived declarations keep their call.
bool shouldInlineForSplit(Module &m, const Function &callee) {
  if (callee.isDerivedDeclaration() || callee.hasCustomRule() ||
      callee.isCheckpoint() || isRecursive(m, callee))
    return false;
  llvm::StringSet<> seen;
  return reachesLoop(m, callee, seen);
}

/// Inlines, until none is left, every call in `body` whose callee
/// shouldInlineForSplit. Terminates: inlined callees are not recursive.
void inlineLoopCallees(Module &m, Region &body) {
  // The answer per callee walks the call graph: decide each callee once.
  llvm::DenseMap<const Function *, bool> decided;
  auto inlines = [&](const Function &callee) {
    auto [it, added] = decided.try_emplace(&callee, false);
    if (added)
      it->second = shouldInlineForSplit(m, callee);
    return it->second;
  };
  for (bool changed = true; changed;) {
    changed = false;
    llvm::SmallVector<Operation *, 8> calls;
    walk(body, [&](Operation &op) {
      if (op.getOpcode() != Opcode::Call)
        return;
      Function *callee = m.lookup(ir::OpAttrs(op).callee());
      if (callee && inlines(*callee))
        calls.push_back(&op);
    });
    for (Operation *call : calls) {
      Function *callee = m.lookup(ir::OpAttrs(*call).callee());
      Region &cbody = callee->getBody();
      ValueMap map;
      for (unsigned i = 0; i < cbody.getNumArguments(); ++i)
        map[cbody.getArgument(i)] = call->getOperand(i);
      Builder b;
      b.setInsertionPoint(call);
      b.setLoc(call->getLoc());
      Operation *ret = cbody.getTerminator();
      for (auto &op : cbody.getOps())
        if (op.get() != ret)
          cloneOp(b, *op, map);
      for (unsigned k = 0; k < call->getNumResults(); ++k)
        call->getResult(k)->replaceAllUsesWith(
            lookupOr(map, ret->getOperand(k)));
      call->erase();
      changed = true;
    }
  }
}

} // namespace

const SplitCallee *ADContext::getSplit(Function &callee,
                                       llvm::ArrayRef<int64_t> wrt) {
  if (callee.hasCustomRule() || inProgress.count(&callee))
    return nullptr;
  if (callee.isDerivedDeclaration() && !fill(callee))
    return nullptr;
  // A checkpointed callee keeps its call: the pullback calls its vjp, which
  // recomputes it, so only the arguments are residuals.
  if (callee.isCheckpoint())
    return nullptr;
  std::string key = callee.getName().str() + wrtSuffix(wrt);
  auto it = splits.find(key);
  if (it != splits.end())
    return it->second.get();
  if (!splitting.insert(key).second)
    return nullptr; // a recursive call: keep the vjp path
  stack.push_back(&callee);
  requests.push_back({});
  Function scratch(key, DerivedKind::Vjp, callee.getName().str(), wrt,
                   callee.getLoc());
  ReverseParts parts;
  auto split = std::make_unique<SplitCallee>();
  split->wrt.assign(wrt.begin(), wrt.end());
  bool ok = emitReverse(*this, scratch.getBody(), callee, DerivedKind::Vjp, wrt,
                        &parts);
  std::string suffix = wrtSuffix(wrt);
  if (!ok ||
      !cut(module, callee, scratch.getBody(), parts,
           fmt::format("{}.fwd{}", callee.getName().str(), suffix),
           fmt::format("{}.bwd{}", callee.getName().str(), suffix), *split))
    split.reset();
  dropBody(scratch.getBody());
  stack.pop_back();
  requests.pop_back();
  splitting.erase(key);
  if (!ok)
    failed = true;
  return (splits[key] = std::move(split)).get();
}

std::unique_ptr<Function>
ADContext::makeSplitView(Function &base, llvm::ArrayRef<int64_t> wrt) {
  auto view =
      std::make_unique<Function>(base.getName().str(), base.getArgTypes(),
                                 base.getResultTypes(), base.getLoc());
  Region &body = view->getBody();
  ValueMap map;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i) {
    map[base.getBody().getArgument(i)] = body.getArgument(i);
    body.getArgument(i)->setNameHint(
        base.getBody().getArgument(i)->getNameHint());
  }
  Builder vb(body);
  for (auto &op : base.getBody().getOps())
    cloneOp(vb, *op, map);
  // Derived functions called here get their bodies first (they become
  // ordinary functions), so one with a loop is inlined like any loop callee
  // rather than re-run by a vjp call. A failure was reported by fill.
  bool fillFailed = false;
  walk(body, [&](Operation &op) {
    if (fillFailed || op.getOpcode() != Opcode::Call)
      return;
    Function *c = module.lookup(ir::OpAttrs(op).callee());
    if (c && c->isDerivedDeclaration() && !inProgress.count(c) && !fill(*c))
      fillFailed = true;
  });
  if (fillFailed) {
    dropBody(body);
    return nullptr;
  }
  inlineLoopCallees(module, body);

  // Calls whose results get an adjoint: a varied operand and, at the top
  // level, a result that flows to the return (inside a region op that does,
  // every call with a varied operand). A call whose gradient is not needed
  // is left alone, so a non-differentiable callee stays an error only where
  // a gradient has to flow through it.
  llvm::SmallVector<Value *, 4> wrtArgs;
  for (int64_t w : wrt)
    wrtArgs.push_back(body.getArgument(w));
  Activity act(body, wrtArgs);
  llvm::SmallVector<std::pair<Operation *, llvm::SmallVector<int64_t, 4>>, 4>
      calls;
  auto candidate = [&](Operation &op) {
    if (op.getOpcode() != Opcode::Call)
      return;
    llvm::SmallVector<int64_t, 4> cw;
    for (unsigned i = 0; i < op.getNumOperands(); ++i)
      if (act.isVaried(op.getOperand(i)))
        cw.push_back(i);
    if (!cw.empty())
      calls.push_back({&op, cw});
  };
  Operation *ret = body.getTerminator();
  llvm::DenseSet<Value *> useful(ret->getOperands().begin(),
                                 ret->getOperands().end());
  llvm::SmallVector<Operation *, 16> ops;
  for (auto &op : body.getOps())
    if (op.get() != ret)
      ops.push_back(op.get());
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    Operation &op = **it;
    if (llvm::none_of(op.getResults(),
                      [&](Value *r) { return useful.count(r); }))
      continue;
    candidate(op);
    for (Value *v : op.getOperands())
      useful.insert(v);
    for (unsigned r = 0; r < op.getNumRegions(); ++r)
      walk(op.getRegion(r), [&](Operation &in) {
        candidate(in);
        for (Value *v : in.getOperands())
          useful.insert(v);
      });
  }

  for (auto &[call, cw] : calls) {
    Function *callee = module.lookup(ir::OpAttrs(*call).callee());
    // Only an error reported by this request aborts (earlier ones, from
    // other derived functions, do not).
    bool failedBefore = failed;
    failed = false;
    const SplitCallee *split = getSplit(*callee, cw);
    bool error = failed;
    failed |= failedBefore;
    if (!split) {
      if (error) {
        releaseSplitView(*view);
        return nullptr;
      }
      continue;
    }
    Builder cb;
    cb.setInsertionPoint(call);
    cb.setLoc(call->getLoc());
    llvm::SmallVector<Value *, 6> args(call->getOperands());
    Operation *nc = cb.call(*split->fwd, args);
    for (unsigned k = 0; k < call->getNumResults(); ++k) {
      nc->getResult(k)->setNameHint(call->getResult(k)->getNameHint());
      call->getResult(k)->replaceAllUsesWith(nc->getResult(k));
    }
    call->erase();
    splitCalls[nc] = split;
  }
  return view;
}

void ADContext::releaseSplitView(Function &view) {
  walk(view.getBody(), [&](Operation &op) { splitCalls.erase(&op); });
  dropBody(view.getBody());
}

} // namespace tdl::ad
