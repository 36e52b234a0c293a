//===- ForwardMode.cpp - jvp by tangent propagation
//------------------------===//
//
// The derived function runs the primal and its tangents side by side, op by
// op: each primal op is cloned, then its pushforward (Rules.h) computes the
// result tangents from the operand tangents (a missing tangent is a symbolic
// zero). Region ops are rebuilt with extra results / loop-carried values for
// the tangents of their varied results; calls with varied arguments call the
// callee's jvp instead (made once per callee and wrt pattern), which also
// returns the primal results, so the primal is not computed twice.
//
// A function with a user rule is not differentiated from its body: its jvp
// calls the forward rule, or f and the transpose of its vjp rule
// (CustomRules.cpp); docs/autodiff.md, "Custom rules".
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/Activity.h"
#include "autodiff/IRHelpers.h"
#include "autodiff/Rules.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::ad {

using namespace ir;

namespace {

class ForwardEmitter {
public:
  ForwardEmitter(ADContext &ctx, const Activity &act) : ctx(ctx), act(act) {}

  bool emitRegion(Builder &b, Region &r);
  Value *primal(Value *v) { return lookupOr(fwd, v); }
  Value *tangent(Value *v) { return tan.lookup(v); }
  void setTangent(Value *v, Value *t) {
    if (t && isDifferentiableType(v->getType()))
      tan[v] = t;
  }
  ValueMap fwd;

private:
  bool emitOp(Builder &b, Operation &op);
  bool emitCall(Builder &b, Operation &op);
  bool emitIf(Builder &b, Operation &op);
  bool emitLoop(Builder &b, Operation &op);
  /// Emits region `from` into `to` (arguments already mapped) and yields the
  /// primal yields plus the tangents of `tangentSlots` yields.
  bool emitYielding(Region &from, Region &to,
                    llvm::ArrayRef<unsigned> tangentSlots);

  ADContext &ctx;
  const Activity &act;
  llvm::DenseMap<Value *, Value *> tan;
};

bool ForwardEmitter::emitRegion(Builder &b, Region &r) {
  for (auto &op : r.getOps())
    if (!op->hasTrait(Terminator) && !emitOp(b, *op))
      return false;
  return true;
}

bool ForwardEmitter::emitOp(Builder &b, Operation &op) {
  bool active = act.anyOperandVaried(op);
  if (!active) {
    cloneOp(b, op, fwd);
    return true;
  }
  b.setLoc(op.getLoc());
  switch (op.getOpcode()) {
  case Opcode::Call:
    return emitCall(b, op);
  case Opcode::If:
    return emitIf(b, op);
  case Opcode::For:
  case Opcode::While:
    return emitLoop(b, op);
  default:
    break;
  }
  cloneOp(b, op, fwd);
  if (op.getOpcode() == Opcode::Get) {
    if (Value *t = tangent(op.getOperand(0)))
      setTangent(op.getResult(0), b.get(t, ir::OpAttrs(op).index()));
    return true;
  }
  // Tapes (in derivative functions: forward over reverse): the tangent of
  // a tape is the tape of the tangents of the pushed values.
  if (op.getOpcode() == Opcode::TapePush) {
    Value *t = tangent(op.getOperand(0)), *v = tangent(op.getOperand(1));
    if (t || v)
      setTangent(op.getResult(0),
                 b.create1(Opcode::TapePush,
                           {orZeros(b, t, op.getOperand(0)->getType()),
                            orZeros(b, v, op.getOperand(1)->getType())}));
    return true;
  }
  if (op.getOpcode() == Opcode::TapeTop || op.getOpcode() == Opcode::TapePop) {
    if (Value *t = tangent(op.getOperand(0)))
      setTangent(op.getResult(0), b.create1(op.getOpcode(), {t}));
    return true;
  }
  if (op.getOpcode() == Opcode::Tuple) {
    bool any = false;
    llvm::SmallVector<Value *, 4> elems;
    for (Value *v : op.getOperands()) {
      any |= tangent(v) != nullptr;
      elems.push_back(orZeros(b, tangent(v), v->getType()));
    }
    if (any)
      setTangent(op.getResult(0), b.tuple(elems));
    return true;
  }
  bool needed = false;
  for (Value *res : op.getResults())
    needed |= isDifferentiableType(res->getType());
  if (!needed) // comparisons, argmax...: no derivative to carry
    return true;
  llvm::SmallVector<Value *, 4> operands, results, dxs, dys;
  for (Value *v : op.getOperands()) {
    operands.push_back(primal(v));
    dxs.push_back(tangent(v));
  }
  for (Value *v : op.getResults())
    results.push_back(primal(v));
  RuleStatus st = pushforward(b, PrimalView{op, operands, results}, dxs, dys);
  if (st == RuleStatus::NotDifferentiable) {
    ctx.reportNotDifferentiable(op);
    return false;
  }
  if (st == RuleStatus::Unsupported) {
    ctx.reportUnsupported(op, "no forward-mode rule");
    return false;
  }
  for (unsigned i = 0; i < op.getNumResults(); ++i)
    setTangent(op.getResult(i), dys[i]);
  return true;
}

bool ForwardEmitter::emitCall(Builder &b, Operation &op) {
  Module &m = ctx.getModule();
  Function *callee = m.lookup(ir::OpAttrs(op).callee());
  if (callee->isDerivedDeclaration() && !ctx.fill(*callee))
    return false;
  llvm::SmallVector<int64_t, 4> wrt;
  llvm::SmallVector<Value *, 6> args;
  for (unsigned i = 0; i < op.getNumOperands(); ++i) {
    args.push_back(primal(op.getOperand(i)));
    if (act.isVaried(op.getOperand(i)))
      wrt.push_back(i);
  }
  for (int64_t w : wrt)
    args.push_back(
        orZeros(b, tangent(op.getOperand(w)), op.getOperand(w)->getType()));
  Function *jvp = ctx.getDerived(*callee, DerivedKind::Jvp, wrt);
  if (!jvp)
    return false;
  Operation *c = b.call(*jvp, args);
  unsigned n = op.getNumResults();
  for (unsigned k = 0; k < n; ++k) {
    fwd[op.getResult(k)] = c->getResult(k);
    setTangent(op.getResult(k), c->getResult(n + k));
  }
  return true;
}

bool ForwardEmitter::emitYielding(Region &from, Region &to,
                                  llvm::ArrayRef<unsigned> tangentSlots) {
  Builder inner(to);
  if (!emitRegion(inner, from))
    return false;
  Operation *yield = from.getTerminator();
  llvm::SmallVector<Value *, 6> outs;
  for (Value *v : yield->getOperands())
    outs.push_back(primal(v));
  for (unsigned k : tangentSlots) {
    Value *v = yield->getOperand(k);
    outs.push_back(orZeros(inner, tangent(v), v->getType()));
  }
  inner.setLoc(yield->getLoc());
  inner.yield(outs);
  return true;
}

bool ForwardEmitter::emitIf(Builder &b, Operation &op) {
  llvm::SmallVector<unsigned, 4> slots;
  llvm::SmallVector<Type, 6> types(op.getResultTypes());
  for (unsigned k = 0; k < op.getNumResults(); ++k)
    if (act.isVaried(op.getResult(k))) {
      slots.push_back(k);
      types.push_back(op.getResult(k)->getType());
    }
  Operation *nif = b.createIf(primal(op.getOperand(0)), types);
  nif->setLoc(op.getLoc());
  for (unsigned r = 0; r < 2; ++r)
    if (!emitYielding(op.getRegion(r), nif->getRegion(r), slots))
      return false;
  unsigned n = op.getNumResults();
  for (unsigned k = 0; k < n; ++k)
    fwd[op.getResult(k)] = nif->getResult(k);
  for (size_t s = 0; s < slots.size(); ++s)
    setTangent(op.getResult(slots[s]), nif->getResult(n + s));
  return true;
}

bool ForwardEmitter::emitLoop(Builder &b, Operation &op) {
  bool isFor = op.getOpcode() == Opcode::For;
  unsigned first = isFor ? 2 : 0, n = op.getNumResults();
  Region &body = op.getRegion(isFor ? 0 : 1);
  // Tangents ride along as extra loop-carried values, for the carried
  // positions activity marks varied.
  llvm::SmallVector<unsigned, 4> slots;
  llvm::SmallVector<Value *, 6> inits;
  for (unsigned k = 0; k < n; ++k)
    inits.push_back(primal(op.getOperand(first + k)));
  for (unsigned k = 0; k < n; ++k)
    if (act.isVaried(op.getResult(k))) {
      slots.push_back(k);
      Value *init = op.getOperand(first + k);
      inits.push_back(orZeros(b, tangent(init), init->getType()));
    }
  Operation *loop = isFor ? b.createFor(primal(op.getOperand(0)),
                                        primal(op.getOperand(1)), inits)
                          : b.createWhile(inits);
  loop->setLoc(op.getLoc());
  auto bindArgs = [&](Region &from, Region &to, unsigned offset) {
    for (unsigned a = 0; a < from.getNumArguments(); ++a)
      fwd[from.getArgument(a)] = to.getArgument(a);
    for (size_t s = 0; s < slots.size(); ++s)
      setTangent(from.getArgument(offset + slots[s]),
                 to.getArgument(offset + n + s));
  };
  if (!isFor) {
    Region &cond = op.getRegion(0), &ncond = loop->getRegion(0);
    bindArgs(cond, ncond, 0);
    Builder cb(ncond);
    if (!emitRegion(cb, cond))
      return false;
    cb.yield({primal(cond.getTerminator()->getOperand(0))});
  }
  Region &nbody = loop->getRegion(isFor ? 0 : 1);
  bindArgs(body, nbody, isFor ? 1 : 0);
  if (!emitYielding(body, nbody, slots))
    return false;
  for (unsigned k = 0; k < n; ++k)
    fwd[op.getResult(k)] = loop->getResult(k);
  for (size_t s = 0; s < slots.size(); ++s)
    setTangent(op.getResult(slots[s]), loop->getResult(n + s));
  return true;
}

} // namespace

/// `jvp @f` where f has a user rule (forward, or vjp transposed).
static bool generateFromCustomRule(ADContext &ctx, Function &decl,
                                   Function &base) {
  Region &body = decl.getBody();
  Builder b(body);
  b.setLoc(base.getLoc());
  llvm::SmallVector<Value *, 6> args, ts, results, tangents;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i) {
    args.push_back(body.addArgument(base.getArgTypes()[i]));
    args.back()->setNameHint(base.getBody().getArgument(i)->getNameHint());
  }
  llvm::ArrayRef<int64_t> wrt = decl.getDerivedWrt();
  llvm::SmallVector<Value *, 6> wrtTangent(base.getArgTypes().size());
  for (int64_t w : wrt) {
    wrtTangent[w] = body.addArgument(base.getArgTypes()[w]);
    llvm::StringRef hint = base.getBody().getArgument(w)->getNameHint();
    if (!hint.empty())
      wrtTangent[w]->setNameHint(("t_" + hint).str());
  }
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i)
    if (isDifferentiableType(base.getArgTypes()[i]))
      ts.push_back(wrtTangent[i]);
  if (!ctx.emitRuleForward(b, base, args, ts, results, tangents))
    return false;
  results.append(tangents.begin(), tangents.end());
  b.ret(results);
  return true;
}

bool generateForward(ADContext &ctx, Function &decl, Function &base) {
  if (base.hasCustomRule())
    return generateFromCustomRule(ctx, decl, base);
  Region &body = decl.getBody();
  Builder b(body);
  b.setLoc(base.getLoc());
  llvm::SmallVector<Value *, 4> wrtArgs;
  for (int64_t w : decl.getDerivedWrt())
    wrtArgs.push_back(base.getBody().getArgument(w));
  Activity act(base.getBody(), wrtArgs);
  ForwardEmitter e(ctx, act);
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i) {
    Value *arg = base.getBody().getArgument(i);
    e.fwd[arg] = body.addArgument(base.getArgTypes()[i]);
    e.fwd[arg]->setNameHint(arg->getNameHint());
  }
  for (Value *w : wrtArgs) {
    Value *t = body.addArgument(w->getType());
    if (!w->getNameHint().empty())
      t->setNameHint(("t_" + w->getNameHint()).str());
    e.setTangent(w, t);
  }
  if (!e.emitRegion(b, base.getBody()))
    return false;
  Operation *ret = base.getBody().getTerminator();
  llvm::SmallVector<Value *, 4> outs;
  for (Value *v : ret->getOperands())
    outs.push_back(e.primal(v));
  for (Value *v : ret->getOperands())
    outs.push_back(orZeros(b, e.tangent(v), v->getType()));
  b.setLoc(ret->getLoc());
  b.ret(outs);
  return true;
}

} // namespace tdl::ad
