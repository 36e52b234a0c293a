//===- DerivativeRules.cpp - @derivative rules: finding and checking them -===//
//
// `@derivative(of: f) fn r(...)` (or `mode: reverse`) must take f's
// parameters, then one cotangent `dy` of f's result type, and return one
// cotangent per differentiable (float) parameter of f, with that parameter's
// type. `@derivative(of: f, mode: forward) fn r(...)` must take f's
// parameters, then one tangent per float parameter of f (with its type, in
// order), and return `(R, R)`: f's result and its tangent. f may have one
// rule of each mode. checkDerivativeRule checks this for every instance of
// f that is used; for a generic f this file also checks it once, at the
// declaration, on the written types, so a rule that is wrong for some
// instance is reported even if no such instance is used.
//
// The rule's generic parameters are mapped to f's by matching the rule's
// primal-parameter types against f's, structurally: a generic parameter of
// the rule matches one of f's of the same kind (a renaming; two rule
// parameters cannot map to one of f's), everything else must be written the
// same way (`N + 1` does not match `1 + N`). Then the (co)tangents and the
// result are compared under that mapping. A parameter whose floatness
// depends on an unconstrained dtype parameter leaves the result to the
// per-instance check.
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
/// The rest of a forward rule's generic check, after the primal's
/// parameters: one tangent per float parameter with its type, and the
/// result `(R, R)`.
template <typename Fail>
bool checkForwardRuleTail(
    RuleMatcher &m,
    const std::optional<std::vector<const ast::ParamDecl *>> &floats,
    Fail fail) {
  if (!floats)
    return true; // depends on the instance: checked per instance
  auto rps = m.rule->getParams();
  size_t first = m.primal->getParams().size();
  for (size_t j = 0; j < floats->size(); ++j) {
    const ast::ParamDecl *t = rps[first + j], *p = (*floats)[j];
    if (!m.same(t->getParamType(), p->getParamType()))
      return fail(fmt::format("the tangent '{}' must have the type {} of the "
                              "primal's parameter '{}', not {}",
                              t->getName().name.str(),
                              m.show(p->getParamType()),
                              p->getName().name.str(),
                              textOf(t->getParamType()->getRange()).str()));
  }
  const ast::TypeExpr *r = m.primal->getResultType();
  auto *tu =
      llvm::dyn_cast_or_null<ast::TupleTypeExpr>(m.rule->getResultType());
  if (!tu || tu->getElements().size() != 2 ||
      !m.same(tu->getElements()[0], r) || !m.same(tu->getElements()[1], r)) {
    const ast::TypeExpr *got = m.rule->getResultType();
    return fail(fmt::format("it must return the primal's result and its "
                            "tangent ({0}, {0}), not {1}",
                            m.show(r),
                            got ? textOf(got->getRange()).str() : "()"));
  }
  return true;
}
} // namespace

/// `@ad_loop_memory(BYTES)`: one integer literal, the tape budget of the
/// function's `for` and `while` loops under reverse mode (irgen gives each loop
/// an `ad_memory` attribute; docs/autodiff.md, "Checkpointing").
static void checkLoopMemoryAttr(DiagnosticEngine &diags,
                                llvm::ArrayRef<ast::Attribute> attrs,
                                bool hasBody) {
  for (const ast::Attribute &a : attrs) {
    if (a.name.name != "ad_loop_memory")
      continue;
    if (!hasBody) {
      diags.report(diag::LoopMemoryAttrInvalid, a.range,
                   "it applies to functions with a body");
      continue;
    }
    if (a.args.size() != 1 || a.args[0].isNamed() ||
        !llvm::isa<ast::IntLiteralExpr>(a.args[0].value))
      diags.report(diag::LoopMemoryAttrInvalid,
                   a.args.empty() ? a.range : a.args[0].value->getRange(),
                   "it takes one integer literal, the bytes of tape each "
                   "loop may use");
  }
}

void Sema::collectDerivativeRules() {
  for (auto &m : modules) {
    for (const ast::FuncDecl *f : m->module->declsOf<ast::FuncDecl>())
      checkLoopMemoryAttr(diags, f->getAttributes(), f->getBody());
    for (const ast::DerivedFuncDecl *f :
         m->module->declsOf<ast::DerivedFuncDecl>())
      checkLoopMemoryAttr(diags, f->getAttributes(), false);
  }
  for (auto &m : modules)
    for (const ast::FuncDecl *f : m->module->declsOf<ast::FuncDecl>()) {
      const ast::Attribute *a = f->getDerivativeAttr();
      if (!a)
        continue;
      const ast::Expr *of = nullptr, *mode = nullptr;
      bool badArg = false;
      for (const ast::Argument &arg : a->args) {
        if (arg.label.name == "of" || (!arg.isNamed() && !of)) {
          of = arg.value;
        } else if (arg.label.name == "mode") {
          mode = arg.value;
        } else {
          diags.report(
              diag::DerivativeAttrInvalid,
              arg.isNamed() ? arg.label.getRange() : arg.value->getRange(),
              arg.isNamed() ? fmt::format("unknown argument '{}:' (it takes "
                                          "'of:' and 'mode:')",
                                          arg.label.name.str())
                            : std::string("unexpected second function (it "
                                          "takes 'of:' and 'mode:')"));
          badArg = true;
        }
      }
      bool forward = false;
      if (mode) {
        auto *n = llvm::dyn_cast<ast::NameExpr>(mode);
        llvm::StringRef name = n ? n->getIdent().name : "";
        if (name == "forward" || name == "reverse") {
          forward = name == "forward";
        } else {
          diags.report(diag::DerivativeAttrInvalid, mode->getRange(),
                       fmt::format("unknown mode '{}' (it is 'forward' or "
                                   "'reverse')",
                                   textOf(mode->getRange()).str()));
          badArg = true;
        }
      }
      if (badArg)
        continue;
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
      auto &rules = forward ? forwardDerivativeRules : derivativeRules;
      if (const ast::FuncDecl *first = rules.lookup(primal)) {
        diags
            .report(diag::DerivativeRuleInvalid, f->getName().getRange(),
                    f->getName().name, primal->getName().name,
                    "'" + primal->getName().name.str() + "' already has the " +
                        (forward ? "forward " : "") + "derivative rule '" +
                        first->getName().name.str() + "'")
            .note(diag::PreviousDefinition, first->getName().getRange(),
                  first->getName().name);
        continue;
      }
      if (primal->isGeneric() &&
          !checkDerivativeRuleGeneric(primal, f, forward))
        continue;
      rules[primal] = f;
    }
}

FuncInstance *Sema::instantiateRule(FuncInstance *primal,
                                    const ast::FuncDecl *rule,
                                    const std::vector<const Type *> &expected,
                                    llvm::StringRef paramsWhat) {
  auto fail = [&](std::string why) {
    diags.report(diag::DerivativeRuleInvalid, rule->getName().getRange(),
                 rule->getName().name, primal->name, why);
    return nullptr;
  };
  auto params = rule->getParams();
  if (params.size() != expected.size())
    return fail(fmt::format("it must take {} parameters ({}), not {}",
                            expected.size(), paramsWhat.str(), params.size()));
  Bindings b;
  ModuleInfo *mi = moduleOf(rule);
  TypeEnv env{mi, rule->getGenericParams(), &b};
  untypedDTypes.clear();
  deferredDims.clear();
  for (size_t i = 0; i < params.size(); ++i)
    if (!unify(params[i]->getParamType(), expected[i], env, b,
               rule->getName().name, params[i]->getName().name,
               params[i]->getRange()))
      return nullptr;
  if (!solveDeferred(env, b, rule->getName().name))
    return nullptr;
  for (const ast::GenericParamDecl *p : rule->getGenericParams())
    if (!b.count(p))
      return fail(fmt::format("generic parameter '{}' is not determined by "
                              "the primal's types",
                              p->getName().name.str()));
  FuncInstance *inst = getInstance(
      rule, b, std::vector<std::optional<ConstValue>>(params.size()),
      rule->getName().getRange());
  if (!inst || inst->hasErrors)
    return nullptr;
  return inst;
}

void Sema::checkDerivativeRule(FuncInstance *primal) {
  if (primal->hasErrors)
    return;
  std::vector<const Type *> floats;
  for (const Type *t : primal->paramTypes)
    if (isFloatLeaves(t))
      floats.push_back(t);
  auto fail = [&](const ast::FuncDecl *rule, std::string why) {
    diags.report(diag::DerivativeRuleInvalid, rule->getName().getRange(),
                 rule->getName().name, primal->name, why);
  };
  if (const ast::FuncDecl *rule = derivativeRules.lookup(primal->decl)) {
    // The primal's parameters, then dy of the primal's result type.
    std::vector<const Type *> expected(primal->paramTypes);
    expected.push_back(primal->resultType);
    if (FuncInstance *inst =
            instantiateRule(primal, rule, expected, "the primal's and 'dy'")) {
      const Type *want = floats.size() == 1 ? floats[0] : types.tuple(floats);
      if (inst->resultType != want)
        fail(rule, fmt::format("it must return the cotangents {} of the "
                               "primal's float parameters, not {}",
                               want->str(), inst->resultType->str()));
      else
        primal->customDerivative = inst;
    }
  }
  if (const ast::FuncDecl *rule = forwardDerivativeRules.lookup(primal->decl)) {
    // The primal's parameters, then one tangent per float parameter.
    std::vector<const Type *> expected(primal->paramTypes);
    expected.insert(expected.end(), floats.begin(), floats.end());
    if (FuncInstance *inst = instantiateRule(
            primal, rule, expected,
            "the primal's and one tangent per float parameter")) {
      const Type *want = types.tuple({primal->resultType, primal->resultType});
      if (inst->resultType != want)
        fail(rule, fmt::format("it must return the primal's result and its "
                               "tangent {}, not {}",
                               want->str(), inst->resultType->str()));
      else
        primal->customForwardDerivative = inst;
    }
  }
}

bool Sema::checkDerivativeRuleGeneric(const ast::FuncDecl *primal,
                                      const ast::FuncDecl *rule, bool forward) {
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
  // The primal's float parameters (their cotangents or tangents); unknown
  // when one depends on an unconstrained dtype parameter.
  std::optional<std::vector<const ast::ParamDecl *>> floats =
      std::vector<const ast::ParamDecl *>();
  for (const ast::ParamDecl *p : pps) {
    std::optional<bool> f = floatLeaves(p->getParamType(), m.primalEnv);
    if (!f)
      floats.reset();
    else if (*f && floats)
      floats->push_back(p);
    if (!floats)
      break;
  }
  if (!forward && rps.size() != pps.size() + 1)
    return fail(fmt::format("it must take {} parameters (the primal's and "
                            "'dy'), not {}",
                            pps.size() + 1, rps.size()));
  if (forward && floats && rps.size() != pps.size() + floats->size())
    return fail(fmt::format("it must take {} parameters (the primal's and "
                            "one tangent per float parameter), not {}",
                            pps.size() + floats->size(), rps.size()));
  if (rps.size() < pps.size())
    return true; // forward, floatness unknown: checked per instance
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
  if (forward)
    return checkForwardRuleTail(m, floats, fail);
  const ast::ParamDecl *dy = rps.back();
  if (!m.same(dy->getParamType(), primal->getResultType()))
    return fail(fmt::format("the cotangent '{}' must have the primal's "
                            "result type {}, not {}",
                            dy->getName().name.str(),
                            m.show(primal->getResultType()),
                            textOf(dy->getParamType()->getRange()).str()));
  if (!floats)
    return true; // depends on the instance: checked per instance
  std::vector<const ast::TypeExpr *> cot;
  for (const ast::ParamDecl *p : *floats)
    cot.push_back(p->getParamType());
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
