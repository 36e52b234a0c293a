//===- ReverseMode.cpp - vjp / grad / value_and_grad of a function
//---------===//
//
// The derived function is laid out as
//   forward:  a clone of the primal body (the primal is computed once and
//             every value the pullback needs is simply still in scope)
//   seed:     the result cotangents (arguments for vjp, 1.0 for grad)
//   pullback: ReverseEmitter over the primal ops, last op first
//   return:   (primal result for value_and_grad,) cotangents of wrt params
// Dead forward values are removed by the dce pass afterwards. Calls in the
// primal are reversed without recomputing the callee: the forward part calls
// the callee's split forward function and the pullback its split backward
// function (SplitCallee.cpp), which is itself cut out of this layout.
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/ReverseEmitter.h"

#include "llvm/ADT/ScopeExit.h"

namespace tdl::ad {

using namespace ir;

/// `vjp @f` where f has a user rule (vjp or forward, CustomRules.cpp): the
/// rule gives the cotangents, the wrt ones are returned (value_and_grad also
/// calls f for the value).
static bool generateFromCustomRule(ADContext &ctx, Function &decl,
                                   Function &base,
                                   llvm::SmallVectorImpl<Value *> &seeds) {
  Region &body = decl.getBody();
  Builder b(body);
  b.setLoc(base.getLoc());
  llvm::SmallVector<Value *, 6> args;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i)
    args.push_back(body.getArgument(i));
  llvm::SmallVector<Value *, 4> outs;
  DerivedKind kind = decl.getDerivedKind();
  if (kind != DerivedKind::Vjp) {
    Value *value = b.call(base, args)->getResult(0);
    if (kind == DerivedKind::ValueAndGrad)
      outs.push_back(value);
    seeds.push_back(b.constant(base.getResultTypes()[0], 1.0));
  }
  llvm::SmallVector<Value *, 6> cots;
  if (!ctx.emitRuleReverse(b, base, args, seeds, cots))
    return false;
  // One cotangent per differentiable parameter.
  llvm::SmallVector<int64_t, 6> slot(base.getArgTypes().size(), -1);
  unsigned k = 0;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i)
    if (isDifferentiableType(base.getArgTypes()[i]))
      slot[i] = k++;
  for (int64_t w : decl.getDerivedWrt())
    outs.push_back(cots[slot[w]]);
  b.ret(outs);
  return true;
}

bool emitReverse(ADContext &ctx, Region &body, Function &base, DerivedKind kind,
                 llvm::ArrayRef<int64_t> wrt, ReverseParts *parts) {
  Builder b(body);
  b.setLoc(base.getLoc());

  // The primal as the pullback sees it: calls that get an adjoint call their
  // split forward function (SplitCallee.cpp), whose residual results the
  // pullback hands to the split backward function.
  std::unique_ptr<Function> view = ctx.makeSplitView(base, wrt);
  if (!view)
    return false;
  auto dropView = llvm::make_scope_exit([&] { ctx.releaseSplitView(*view); });
  Region &primalBody = view->getBody();

  ValueMap fwd;
  unsigned nargs = base.getArgTypes().size();
  for (unsigned i = 0; i < nargs; ++i) {
    Value *arg = primalBody.getArgument(i);
    fwd[arg] = body.addArgument(base.getArgTypes()[i]);
    fwd[arg]->setNameHint(arg->getNameHint());
  }
  llvm::SmallVector<Value *, 4> seeds;
  if (kind == DerivedKind::Vjp) {
    for (const Type &t : base.getResultTypes()) {
      seeds.push_back(body.addArgument(t));
      seeds.back()->setNameHint("dy");
    }
  }

  llvm::SmallVector<Value *, 4> wrtArgs;
  for (int64_t w : wrt)
    wrtArgs.push_back(primalBody.getArgument(w));
  Activity act(primalBody, wrtArgs);

  Operation *ret = primalBody.getTerminator();
  for (auto &op : primalBody.getOps())
    if (op.get() != ret)
      cloneOp(b, *op, fwd);
  if (parts) {
    parts->lastForward = body.empty() ? nullptr : body.getOps().back().get();
    for (Value *v : ret->getOperands())
      parts->primalResults.push_back(lookupOr(fwd, v));
  }

  ReverseEmitter e(ctx, act, fwd);
  if (kind != DerivedKind::Vjp) // grad / value_and_grad: one float scalar
    seeds.push_back(b.constant(base.getResultTypes()[0], 1.0));
  for (unsigned k = 0; k < ret->getNumOperands(); ++k)
    e.accumulate(b, ret->getOperand(k), seeds[k]);
  if (!e.reverseRegion(b, primalBody))
    return false;

  llvm::SmallVector<Value *, 4> outs;
  b.setLoc(base.getLoc());
  if (kind == DerivedKind::ValueAndGrad)
    outs.push_back(e.primal(ret->getOperand(0)));
  for (Value *w : wrtArgs)
    outs.push_back(orZeros(b, e.getAdjoint(b, w), w->getType()));
  b.ret(outs);
  return true;
}

bool generateReverse(ADContext &ctx, Function &decl, Function &base) {
  if (base.hasCustomRule()) {
    Region &body = decl.getBody();
    unsigned nargs = base.getArgTypes().size();
    for (unsigned i = 0; i < nargs; ++i)
      body.addArgument(base.getArgTypes()[i])
          ->setNameHint(base.getBody().getArgument(i)->getNameHint());
    llvm::SmallVector<Value *, 4> seeds;
    if (decl.getDerivedKind() == DerivedKind::Vjp)
      for (const Type &t : base.getResultTypes()) {
        seeds.push_back(body.addArgument(t));
        seeds.back()->setNameHint("dy");
      }
    return generateFromCustomRule(ctx, decl, base, seeds);
  }
  return emitReverse(ctx, decl.getBody(), base, decl.getDerivedKind(),
                     decl.getDerivedWrt(), nullptr);
}

} // namespace tdl::ad
