//===- Transforms.cpp - grad / value_and_grad / vjp / jvp signatures ------===//
//
// Sema types transforms only; the autodiff phase builds their bodies. For a
// primal `fn(P1..Pn) -> R` and differentiated parameters W (default: every
// parameter whose leaves are all float tensors):
//   grad           fn(P1..Pn) -> G            R must be a float scalar
//   value_and_grad fn(P1..Pn) -> (R, G)       R must be a float scalar
//   vjp            fn(P1..Pn, dy: R) -> G
//   jvp            fn(P1..Pn, t_w: Pw for w in W) -> (R, R)
//   checkpoint     fn(P1..Pn) -> R            no wrt; f with its residuals
//                                             recomputed by reverse mode
// where G is Pw for a single w and the tuple (Pw...) otherwise. A struct or
// tuple parameter's gradient has its own type. Transforms compose: the
// primal may itself be a derived function.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include <fmt/format.h>

namespace tdl::sema {

llvm::StringRef getTransformName(TransformKind k) {
  switch (k) {
  case TransformKind::Grad:
    return "grad";
  case TransformKind::ValueAndGrad:
    return "value_and_grad";
  case TransformKind::VJP:
    return "vjp";
  case TransformKind::JVP:
    return "jvp";
  case TransformKind::Checkpoint:
    return "checkpoint";
  }
  return "?";
}

std::vector<std::string> Sema::paramNamesOf(FuncInstance *f,
                                            DerivedInstance *d) const {
  std::vector<std::string> names;
  if (f) {
    for (const ast::ParamDecl *p : f->decl->getParams())
      names.push_back(p->getName().name.str());
    return names;
  }
  names = paramNamesOf(d->primalFunction, d->primalDerived);
  if (d->kind == TransformKind::VJP)
    names.push_back("dy");
  if (d->kind == TransformKind::JVP)
    for (unsigned w : d->wrt)
      names.push_back("t_" + names[w]);
  return names;
}

DerivedInstance *Sema::makeDerived(TransformKind kind, FuncInstance *primalFn,
                                   DerivedInstance *primalDerived,
                                   const ast::Expr *wrt, llvm::SMRange where) {
  const Type *primalType =
      primalFn ? primalFn->getFunctionType(types) : primalDerived->type;
  if (containsError(primalType) || (primalFn && primalFn->hasErrors))
    return nullptr;
  std::string primalName = primalFn ? primalFn->name : primalDerived->name;
  std::vector<std::string> names = paramNamesOf(primalFn, primalDerived);
  auto params = primalType->getParams();
  const Type *result = primalType->getResult();

  std::vector<unsigned> w;
  if (kind == TransformKind::Checkpoint) {
    // f itself: no wrt (resolveCallee rejects `wrt:`), f's signature.
  } else if (wrt) {
    std::vector<const ast::Expr *> items;
    if (auto *t = llvm::dyn_cast<ast::TupleExpr>(wrt))
      items.assign(t->getElements().begin(), t->getElements().end());
    else
      items.push_back(wrt);
    for (const ast::Expr *item : items) {
      auto *n = llvm::dyn_cast<ast::NameExpr>(item);
      auto it = n ? llvm::find(names, n->getName().str()) : names.end();
      if (it == names.end()) {
        if (!n) {
          diags.report(diag::CallUnknownNamedArg, item->getRange(), primalName,
                       textOf(item->getRange()));
          return nullptr;
        }
        std::vector<llvm::StringRef> candidates(names.begin(), names.end());
        reportMisspelled(diag::CallUnknownNamedArg,
                         diag::CallUnknownNamedArgSuggest, n->getIdent(),
                         candidates, primalName, n->getName());
        return nullptr;
      }
      unsigned i = it - names.begin();
      if (llvm::is_contained(w, i)) {
        diags.report(diag::CallDuplicateArg, item->getRange(), names[i]);
        return nullptr;
      }
      if (!isFloatLeaves(params[i])) {
        diags.report(diag::WrtNotFloat, item->getRange(), names[i],
                     params[i]->str());
        return nullptr;
      }
      w.push_back(i);
    }
  } else {
    for (unsigned i = 0; i < params.size(); ++i)
      if (isFloatLeaves(params[i]))
        w.push_back(i);
    if (w.empty()) {
      diags.report(diag::WrtNone, where, primalName);
      return nullptr;
    }
  }

  for (auto &d : program.derived)
    if (d->kind == kind && d->primalFunction == primalFn &&
        d->primalDerived == primalDerived && d->wrt == w)
      return d.get();

  std::vector<const Type *> grads;
  for (unsigned i : w)
    grads.push_back(params[i]);
  const Type *g = grads.size() == 1 ? grads[0] : types.tuple(grads);
  std::vector<const Type *> outParams(params.begin(), params.end());
  const Type *out = nullptr;
  bool scalarResult = result->isScalar() && isFloat(result->getElem());
  switch (kind) {
  case TransformKind::Grad:
  case TransformKind::ValueAndGrad:
    if (!scalarResult) {
      diags.report(diag::GradNeedsScalar, where, getTransformName(kind),
                   primalName, result->str());
      return nullptr;
    }
    out = kind == TransformKind::Grad ? g : types.tuple({result, g});
    break;
  case TransformKind::VJP:
    outParams.push_back(result);
    out = g;
    break;
  case TransformKind::JVP:
    for (unsigned i : w)
      outParams.push_back(params[i]);
    out = types.tuple({result, result});
    break;
  case TransformKind::Checkpoint:
    out = result;
    break;
  }
  auto d = std::make_unique<DerivedInstance>();
  d->kind = kind;
  d->primalFunction = primalFn;
  d->primalDerived = primalDerived;
  d->wrt = w;
  d->primalType = primalType;
  d->type = types.function(outParams, out);
  d->id = program.derived.size();
  d->loc = where.Start;
  std::vector<std::string> wrtNames;
  for (unsigned i : w)
    wrtNames.push_back(names[i]);
  d->name = kind == TransformKind::Checkpoint
                ? fmt::format("checkpoint({})", primalName)
                : fmt::format("{}({}, wrt: ({}))", getTransformName(kind).str(),
                              primalName, fmt::join(wrtNames, ", "));
  program.derived.push_back(std::move(d));
  return program.derived.back().get();
}

std::shared_ptr<Callable> Sema::derivedCallable(const ast::DerivedFuncDecl *d) {
  auto it = derivedCache.find(d);
  if (it != derivedCache.end())
    return it->second;
  if (derivedInProgress[d]) {
    diags.report(diag::RecursiveCall, d->getName().getRange(),
                 d->getName().name);
    return nullptr;
  }
  derivedInProgress[d] = true;
  ModuleInfo *mi = moduleOf(d);
  FuncInstance *scratchInst = scratchInstance();
  FunctionChecker checker(*this, *scratchInst, mi, TypeEnv{mi, {}, nullptr},
                          nullptr, {});
  const ast::Expr *def = d->getDefinition();
  Callable c;
  auto *call = llvm::dyn_cast<ast::CallExpr>(def);
  auto *callee =
      call ? llvm::dyn_cast<ast::NameExpr>(call->getCallee()) : nullptr;
  if (call && (!callee || !transformNamed(callee->getName()))) {
    diags.report(diag::DerivedFuncInvalid, def->getRange(), d->getName().name);
  } else if (call ||
             llvm::isa<ast::NameExpr, ast::FieldExpr, ast::InstantiateExpr>(
                 def)) {
    // `grad(f, wrt: ...)` is resolved as the callee of `grad(f)(...)`.
    c = checker.resolveCallee(def);
    if (call && c.kind != Callable::Kind::Transform &&
        c.kind != Callable::Kind::Error) {
      diags.report(diag::DerivedFuncInvalid, def->getRange(),
                   d->getName().name);
      c = Callable();
    }
  } else {
    diags.report(diag::DerivedFuncInvalid, def->getRange(), d->getName().name);
  }
  auto result = std::make_shared<Callable>(std::move(c));
  result->name = d->getName().name.str();
  derivedCache[d] = result;
  derivedInProgress[d] = false;
  // A concrete transform is checked (and recorded) now, even if unused.
  if (result->kind == Callable::Kind::Transform) {
    unsigned errors = diags.getErrorCount();
    auto [fn, derived] = concreteInstance(*result, d->getName().getRange());
    // Reported now: later uses of `d` must not report it again.
    if (!fn && !derived && diags.getErrorCount() != errors)
      result->kind = Callable::Kind::Error;
  }
  return result;
}

std::pair<FuncInstance *, DerivedInstance *>
Sema::concreteInstance(const Callable &c, llvm::SMRange where) {
  if (c.kind == Callable::Kind::Function) {
    auto gps = c.func->getGenericParams();
    if (c.explicitArgs.size() != gps.size())
      return {nullptr, nullptr};
    Bindings b;
    for (size_t i = 0; i < gps.size(); ++i)
      b[gps[i]] = c.explicitArgs[i];
    std::vector<std::optional<ConstValue>> constArgs(
        c.func->getParams().size());
    TypeEnv env{c.module, gps, &b};
    for (size_t i = 0; i < constArgs.size(); ++i) {
      const ast::ParamDecl *p = c.func->getParams()[i];
      if (!p->isConst())
        continue;
      if (!p->getDefault())
        return {nullptr, nullptr};
      constArgs[i] = evalDefault(p, resolveType(p->getParamType(), env), env);
      if (!constArgs[i])
        return {nullptr, nullptr};
    }
    return {getInstance(c.func, b, constArgs, where), nullptr};
  }
  if (c.kind != Callable::Kind::Transform)
    return {nullptr, nullptr};
  auto [fn, d] = concreteInstance(*c.primal, where);
  if (!fn && !d)
    return {nullptr, nullptr};
  return {nullptr, makeDerived(c.transform, fn, d, c.wrt, c.range)};
}

} // namespace tdl::sema
