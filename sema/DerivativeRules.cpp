//===- DerivativeRules.cpp - @derivative signatures checked generically ---===//
//
// `@derivative(of: f) fn r(...)` must take f's parameters, then one
// cotangent `dy` of f's result type, and return one cotangent per
// differentiable (float) parameter of f, with that parameter's type.
// Transforms.cpp checks this for every instance of f that is used; for a
// generic f this file also checks it once, at the declaration, on the
// written types, so a rule that is wrong for some instance is reported even
// if no such instance is used.
//
// The rule's generic parameters are mapped to f's by matching the rule's
// primal-parameter types against f's, structurally: a generic parameter of
// the rule matches one of f's of the same kind (a renaming; two rule
// parameters cannot map to one of f's), everything else must be written the
// same way (`N + 1` does not match `1 + N`). Then `dy` and the result are
// compared under that mapping. A parameter whose floatness depends on an
// unconstrained dtype parameter leaves the result to the per-instance check.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

#include <fmt/format.h>

namespace tdl::sema {

namespace {
struct RuleMatcher {
  const ast::FuncDecl *rule, *primal;
  TypeEnv ruleEnv, primalEnv;
  std::map<const ast::GenericParamDecl *, const ast::GenericParamDecl *>
      toPrimal, toRule;

  const ast::GenericParamDecl *param(const ast::TypeExpr *t,
                                     const TypeEnv &env) {
    if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t))
      if (!n->isQualified() && !n->hasGenericArgList())
        return env.findParam(n->getName().name);
    if (auto *c = llvm::dyn_cast<ast::DimCallExpr>(t))
      return env.findParam(c->getPack().name);
    if (auto *p = llvm::dyn_cast<ast::DimPackExpr>(t))
      return env.findParam(p->getPack().name);
    return nullptr;
  }

  static bool isUnit(const ast::TypeExpr *t) {
    auto *tu = llvm::dyn_cast_or_null<ast::TupleTypeExpr>(t);
    return !t || (tu && tu->getElements().empty());
  }

  bool bind(const ast::GenericParamDecl *r, const ast::GenericParamDecl *p) {
    if (r->getParamKind() != p->getParamKind() ||
        r->getConstraint() != p->getConstraint())
      return false;
    auto [i, newR] = toPrimal.try_emplace(r, p);
    auto [j, newP] = toRule.try_emplace(p, r);
    return i->second == p && j->second == r;
  }

  /// Rule type `r` is primal type `p` under the parameter mapping.
  bool same(const ast::TypeExpr *r, const ast::TypeExpr *p) {
    if (isUnit(r) || isUnit(p)) // `()` may be written or left out
      return isUnit(r) && isUnit(p);
    if (r->getKind() != p->getKind())
      return false;
    const ast::GenericParamDecl *rp = param(r, ruleEnv);
    const ast::GenericParamDecl *pp = param(p, primalEnv);
    if (rp || pp) {
      if (!rp || !pp || !bind(rp, pp))
        return false;
      if (auto *rc = llvm::dyn_cast<ast::DimCallExpr>(r))
        return rc->isRank() == llvm::cast<ast::DimCallExpr>(p)->isRank();
      return true;
    }
    switch (r->getKind()) {
    case ast::NodeKind::DTypeTypeExpr:
      return llvm::cast<ast::DTypeTypeExpr>(r)->getDType() ==
             llvm::cast<ast::DTypeTypeExpr>(p)->getDType();
    case ast::NodeKind::DimIntExpr:
      return llvm::cast<ast::DimIntExpr>(r)->getValue() ==
             llvm::cast<ast::DimIntExpr>(p)->getValue();
    case ast::NodeKind::DimBinaryExpr: {
      auto *rb = llvm::cast<ast::DimBinaryExpr>(r);
      auto *pb = llvm::cast<ast::DimBinaryExpr>(p);
      return rb->getOp() == pb->getOp() && same(rb->getLHS(), pb->getLHS()) &&
             same(rb->getRHS(), pb->getRHS());
    }
    case ast::NodeKind::TensorTypeExpr: {
      auto *rt = llvm::cast<ast::TensorTypeExpr>(r);
      auto *pt = llvm::cast<ast::TensorTypeExpr>(p);
      return same(rt->getElement(), pt->getElement()) &&
             sameList(rt->getDims(), pt->getDims());
    }
    case ast::NodeKind::TupleTypeExpr:
      return sameList(llvm::cast<ast::TupleTypeExpr>(r)->getElements(),
                      llvm::cast<ast::TupleTypeExpr>(p)->getElements());
    case ast::NodeKind::NamedTypeExpr: {
      // A struct: the same spelling (rule and primal live side by side) and
      // the same arguments.
      auto *rn = llvm::cast<ast::NamedTypeExpr>(r);
      auto *pn = llvm::cast<ast::NamedTypeExpr>(p);
      return textOf(rn->getName().getRange()) ==
                 textOf(pn->getName().getRange()) &&
             sameList(rn->getGenericArgs(), pn->getGenericArgs());
    }
    default:
      return false;
    }
  }

  bool sameList(llvm::ArrayRef<ast::TypeExpr *> rs,
                llvm::ArrayRef<ast::TypeExpr *> ps) {
    if (rs.size() != ps.size())
      return false;
    for (size_t i = 0; i < rs.size(); ++i)
      if (!same(rs[i], ps[i]))
        return false;
    return true;
  }

  /// A primal type written with the rule's names for the mapped parameters.
  std::string show(const ast::TypeExpr *p) {
    if (!p)
      return "()";
    std::string text = textOf(p->getRange()).str();
    if (toRule.empty())
      return text;
    // Rename whole identifiers only.
    std::string out;
    for (size_t i = 0; i < text.size();) {
      if (!isalpha(text[i]) && text[i] != '_') {
        out += text[i++];
        continue;
      }
      size_t j = i;
      while (j < text.size() && (isalnum(text[j]) || text[j] == '_'))
        ++j;
      std::string word = text.substr(i, j - i);
      if (const ast::GenericParamDecl *pp = primalEnv.findParam(word))
        if (auto it = toRule.find(pp); it != toRule.end())
          word = it->second->getName().name.str();
      out += word;
      i = j;
    }
    return out;
  }
};

/// Whether values of type `t` are differentiable: every leaf a float
/// tensor. nullopt when it depends on an unconstrained dtype parameter or a
/// struct's fields.
std::optional<bool> floatLeaves(const ast::TypeExpr *t, const TypeEnv &env) {
  if (!t)
    return false;
  if (auto *d = llvm::dyn_cast<ast::DTypeTypeExpr>(t))
    return isFloat(fromDType(d->getDType()));
  if (auto *tt = llvm::dyn_cast<ast::TensorTypeExpr>(t))
    return floatLeaves(tt->getElement(), env);
  if (auto *tu = llvm::dyn_cast<ast::TupleTypeExpr>(t)) {
    if (tu->getElements().empty())
      return false;
    std::optional<bool> all = true;
    for (const ast::TypeExpr *e : tu->getElements()) {
      std::optional<bool> f = floatLeaves(e, env);
      if (f && !*f)
        return false;
      if (!f)
        all = std::nullopt;
    }
    return all;
  }
  if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t)) {
    if (const ast::GenericParamDecl *p =
            n->isQualified() ? nullptr : env.findParam(n->getName().name)) {
      using C = ast::GenericParamDecl::Constraint;
      if (p->getConstraint() == C::Float)
        return true;
      if (p->getConstraint() == C::Int)
        return false;
    }
  }
  return std::nullopt;
}
} // namespace

void Sema::collectDerivativeRules() {
  for (auto &m : modules)
    for (const ast::FuncDecl *f : m->module->declsOf<ast::FuncDecl>()) {
      const ast::Attribute *a = f->getDerivativeAttr();
      if (!a)
        continue;
      const ast::Expr *of = nullptr;
      for (const ast::Argument &arg : a->args)
        if (arg.label.name == "of" || (!arg.isNamed() && !of))
          of = arg.value;
      const ast::Decl *target = nullptr;
      if (auto *n = llvm::dyn_cast_or_null<ast::NameExpr>(of)) {
        bool ambiguous = false;
        target = lookupTopLevel(m.get(), n->getIdent(), ambiguous);
        if (!target && !ambiguous) {
          std::vector<llvm::StringRef> names;
          collectTopLevelNames(m.get(), names);
          reportUnknown(n->getIdent(), names);
          continue;
        }
      } else if (auto *fe = llvm::dyn_cast_or_null<ast::FieldExpr>(of)) {
        if (auto *base = llvm::dyn_cast<ast::NameExpr>(fe->getBase()))
          target =
              lookupQualified(m.get(), base->getIdent(), fe->getField(), true);
      }
      auto *primal = llvm::dyn_cast_or_null<ast::FuncDecl>(target);
      if (!primal) {
        if (target || !of)
          diags.report(diag::DerivativeRuleInvalid, a->range, f->getName().name,
                       of ? textOf(of->getRange()) : "?",
                       "'of:' must name a function");
        continue;
      }
      if (const ast::FuncDecl *first = derivativeRules.lookup(primal)) {
        diags
            .report(diag::DerivativeRuleInvalid, f->getName().getRange(),
                    f->getName().name, primal->getName().name,
                    "'" + primal->getName().name.str() +
                        "' already has the derivative rule '" +
                        first->getName().name.str() + "'")
            .note(diag::PreviousDefinition, first->getName().getRange(),
                  first->getName().name);
        continue;
      }
      if (primal->isGeneric() && !checkDerivativeRuleGeneric(primal, f))
        continue;
      derivativeRules[primal] = f;
    }
}

void Sema::checkDerivativeRule(FuncInstance *primal) {
  const ast::FuncDecl *rule = derivativeRules.lookup(primal->decl);
  if (!rule || primal->hasErrors)
    return;
  auto fail = [&](std::string why) {
    diags.report(diag::DerivativeRuleInvalid, rule->getName().getRange(),
                 rule->getName().name, primal->name, why);
  };
  // Expected: the primal's parameters, then dy of the primal's result type.
  std::vector<const Type *> expected(primal->paramTypes);
  expected.push_back(primal->resultType);
  auto params = rule->getParams();
  if (params.size() != expected.size()) {
    fail(fmt::format("it must take {} parameters (the primal's and 'dy'), "
                     "not {}",
                     expected.size(), params.size()));
    return;
  }
  Bindings b;
  ModuleInfo *mi = moduleOf(rule);
  TypeEnv env{mi, rule->getGenericParams(), &b};
  untypedDTypes.clear();
  deferredDims.clear();
  for (size_t i = 0; i < params.size(); ++i)
    if (!unify(params[i]->getParamType(), expected[i], env, b,
               rule->getName().name, params[i]->getName().name,
               params[i]->getRange()))
      return;
  if (!solveDeferred(env, b, rule->getName().name))
    return;
  for (const ast::GenericParamDecl *p : rule->getGenericParams())
    if (!b.count(p)) {
      fail(fmt::format("generic parameter '{}' is not determined by the "
                       "primal's types",
                       p->getName().name.str()));
      return;
    }
  FuncInstance *inst = getInstance(
      rule, b, std::vector<std::optional<ConstValue>>(params.size()),
      rule->getName().getRange());
  if (!inst || inst->hasErrors)
    return;
  std::vector<const Type *> cot;
  for (const Type *t : primal->paramTypes)
    if (isFloatLeaves(t))
      cot.push_back(t);
  const Type *want = cot.size() == 1 ? cot[0] : types.tuple(cot);
  if (inst->resultType != want) {
    fail(fmt::format("it must return the cotangents {} of the primal's float "
                     "parameters, not {}",
                     want->str(), inst->resultType->str()));
    return;
  }
  primal->customDerivative = inst;
}

bool Sema::checkDerivativeRuleGeneric(const ast::FuncDecl *primal,
                                      const ast::FuncDecl *rule) {
  ModuleInfo *rm = moduleOf(rule), *pm = moduleOf(primal);
  RuleMatcher m{rule,
                primal,
                TypeEnv{rm, rule->getGenericParams(), nullptr},
                TypeEnv{pm, primal->getGenericParams(), nullptr},
                {},
                {}};
  auto fail = [&](std::string why) {
    diags
        .report(diag::DerivativeRuleInvalid, rule->getName().getRange(),
                rule->getName().name, primal->getName().name, why)
        .note(diag::PrimalDeclaredHere, primal->getName().getRange(),
              primal->getName().name);
    return false;
  };
  auto rps = rule->getParams();
  auto pps = primal->getParams();
  if (rps.size() != pps.size() + 1)
    return fail(fmt::format("it must take {} parameters (the primal's and "
                            "'dy'), not {}",
                            pps.size() + 1, rps.size()));
  for (size_t i = 0; i < pps.size(); ++i)
    if (!m.same(rps[i]->getParamType(), pps[i]->getParamType()))
      return fail(fmt::format(
          "parameter '{}' has type {}, but the primal's parameter '{}' has "
          "type {}",
          rps[i]->getName().name.str(),
          textOf(rps[i]->getParamType()->getRange()).str(),
          pps[i]->getName().name.str(), m.show(pps[i]->getParamType())));
  // Same generic parameter structure, up to renaming.
  for (const ast::GenericParamDecl *p : primal->getGenericParams())
    if (!m.toRule.count(p))
      return fail(fmt::format("it must be generic like the primal: the "
                              "primal's generic parameter '{}' does not "
                              "appear in the rule's parameter types",
                              p->getName().name.str()));
  for (const ast::GenericParamDecl *r : rule->getGenericParams())
    if (!m.toPrimal.count(r))
      return fail(fmt::format("generic parameter '{}' is not determined by "
                              "the primal's parameter types",
                              r->getName().name.str()));
  const ast::ParamDecl *dy = rps.back();
  if (!m.same(dy->getParamType(), primal->getResultType()))
    return fail(fmt::format("the cotangent '{}' must have the primal's "
                            "result type {}, not {}",
                            dy->getName().name.str(),
                            m.show(primal->getResultType()),
                            textOf(dy->getParamType()->getRange()).str()));
  std::vector<const ast::TypeExpr *> cot;
  for (const ast::ParamDecl *p : pps) {
    std::optional<bool> f = floatLeaves(p->getParamType(), m.primalEnv);
    if (!f)
      return true; // depends on the instance: checked per instance
    if (*f)
      cot.push_back(p->getParamType());
  }
  const ast::TypeExpr *result = rule->getResultType();
  bool ok;
  std::string want;
  if (cot.size() == 1) {
    ok = m.same(result, cot[0]);
    want = m.show(cot[0]);
  } else {
    auto *tu = llvm::dyn_cast_or_null<ast::TupleTypeExpr>(result);
    ok = (tu || cot.empty()) &&
         (tu ? tu->getElements().size() == cot.size() : !result);
    std::vector<std::string> parts;
    for (size_t i = 0; i < cot.size(); ++i) {
      parts.push_back(m.show(cot[i]));
      ok = ok && m.same(tu->getElements()[i], cot[i]);
    }
    want = fmt::format("({})", fmt::join(parts, ", "));
  }
  if (!ok)
    return fail(fmt::format("it must return the cotangents {} of the "
                            "primal's float parameters, not {}",
                            want,
                            result ? textOf(result->getRange()).str() : "()"));
  return true;
}

} // namespace tdl::sema
