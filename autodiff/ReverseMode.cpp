//===- ReverseMode.cpp - vjp / grad / value_and_grad of a function
//---------===//
//
// The derived function is laid out as
//   forward:  a clone of the primal body (the primal is computed once and
//             every value the pullback needs is simply still in scope)
//   seed:     the result cotangents (arguments for vjp, 1.0 for grad)
//   pullback: ReverseEmitter over the primal ops, last op first
//   return:   (primal result for value_and_grad,) cotangents of wrt params
// Dead forward values are removed by the dce pass afterwards.
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/ReverseEmitter.h"

namespace tdl::ad {

using namespace ir;

/// `vjp @f` where f has a user rule: call the rule and pick the wrt
/// cotangents (value_and_grad also calls f for the value).
static bool generateFromCustomRule(ADContext &ctx, Function &decl,
                                   Function &base,
                                   llvm::SmallVectorImpl<Value *> &seeds) {
  Function *rule = ctx.getCustomVjp(base);
  if (!rule)
    return false;
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
  args.append(seeds.begin(), seeds.end());
  Operation *c = b.call(*rule, args);
  // The rule returns one cotangent per differentiable parameter.
  llvm::SmallVector<int64_t, 6> slot(base.getArgTypes().size(), -1);
  unsigned k = 0;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i)
    if (isDifferentiableType(base.getArgTypes()[i]))
      slot[i] = k++;
  for (int64_t w : decl.getDerivedWrt())
    outs.push_back(c->getResult(slot[w]));
  b.ret(outs);
  return true;
}

bool generateReverse(ADContext &ctx, Function &decl, Function &base) {
  DerivedKind kind = decl.getDerivedKind();
  llvm::ArrayRef<int64_t> wrt = decl.getDerivedWrt();
  Region &body = decl.getBody();
  Builder b(body);
  b.setLoc(base.getLoc());

  ValueMap fwd;
  unsigned nargs = base.getArgTypes().size();
  for (unsigned i = 0; i < nargs; ++i) {
    Value *arg = base.getBody().getArgument(i);
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

  if (!base.getCustomVjp().empty())
    return generateFromCustomRule(ctx, decl, base, seeds);

  llvm::SmallVector<Value *, 4> wrtArgs;
  for (int64_t w : wrt)
    wrtArgs.push_back(base.getBody().getArgument(w));
  Activity act(base.getBody(), wrtArgs);

  Operation *ret = base.getBody().getTerminator();
  for (auto &op : base.getBody().getOps())
    if (op.get() != ret)
      cloneOp(b, *op, fwd);

  ReverseEmitter e(ctx, act, fwd);
  if (kind != DerivedKind::Vjp) // grad / value_and_grad: one float scalar
    seeds.push_back(b.constant(base.getResultTypes()[0], 1.0));
  for (unsigned k = 0; k < ret->getNumOperands(); ++k)
    e.accumulate(b, ret->getOperand(k), seeds[k]);
  if (!e.reverseRegion(b, base.getBody()))
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

} // namespace tdl::ad
