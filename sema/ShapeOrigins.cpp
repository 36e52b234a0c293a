//===- ShapeOrigins.cpp - notes saying where an operand's shape came from -===//
//
// A shape error between values whose types were inferred through generics
// is hard to read from the two shapes alone, so such errors get one note
// per operand saying where its type came from:
//
//   'a' has type f32[3, 2] as the result of 'pair<3>' here, with N = 3
//   inferred from argument 'x'                     (at the call)
//   'x' has type f32[3] from its declared type f32[N], with N = 3 inferred
//   from argument 'x' here                         (at the instance's call)
//
// Tracking is a side table per checked body, not part of Type: the call
// expressions of generic functions whose result type mentions a generic
// parameter, and the `let` names bound directly to such a value (or to
// another tracked name). Parameters of a generic instance use how the
// instance's generic parameters were bound at the call that created it.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include <fmt/format.h>

namespace tdl::sema {

static void mentioned(const ast::TypeExpr *t, const TypeEnv &env,
                      std::vector<const ast::GenericParamDecl *> &out) {
  if (!t)
    return;
  auto add = [&](llvm::StringRef name) {
    if (const ast::GenericParamDecl *p = env.findParam(name))
      if (!llvm::is_contained(out, p))
        out.push_back(p);
  };
  if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t)) {
    if (!n->isQualified() && !n->hasGenericArgList())
      add(n->getName().name);
    for (const ast::TypeExpr *a : n->getGenericArgs())
      mentioned(a, env, out);
  } else if (auto *c = llvm::dyn_cast<ast::DimCallExpr>(t)) {
    add(c->getPack().name);
  } else if (auto *pk = llvm::dyn_cast<ast::DimPackExpr>(t)) {
    add(pk->getPack().name);
  } else if (auto *bin = llvm::dyn_cast<ast::DimBinaryExpr>(t)) {
    mentioned(bin->getLHS(), env, out);
    mentioned(bin->getRHS(), env, out);
  } else if (auto *tt = llvm::dyn_cast<ast::TensorTypeExpr>(t)) {
    mentioned(tt->getElement(), env, out);
    for (const ast::TypeExpr *d : tt->getDims())
      mentioned(d, env, out);
  } else if (auto *tu = llvm::dyn_cast<ast::TupleTypeExpr>(t)) {
    for (const ast::TypeExpr *e : tu->getElements())
      mentioned(e, env, out);
  }
}

std::vector<const ast::GenericParamDecl *>
paramsMentioned(const ast::TypeExpr *t, const TypeEnv &env) {
  std::vector<const ast::GenericParamDecl *> out;
  mentioned(t, env, out);
  return out;
}

std::string describeBindings(llvm::ArrayRef<const ast::GenericParamDecl *> ps,
                             const Bindings &b, const BindingOrigins &o) {
  // Parameters from the same source share one "inferred from ...".
  struct Group {
    std::string source;
    std::vector<std::string> values;
  };
  std::vector<Group> groups;
  for (const ast::GenericParamDecl *p : ps) {
    auto v = b.find(p);
    if (v == b.end())
      continue;
    std::string source;
    auto it = o.find(p);
    if (it != o.end()) {
      switch (it->second.kind) {
      case BindingOrigin::Kind::Argument:
        source = "argument '" + it->second.argName + "'";
        break;
      case BindingOrigin::Kind::Explicit:
        source = "given explicitly";
        break;
      case BindingOrigin::Kind::LiteralDefault:
        source = "the default for a literal argument";
        break;
      }
    }
    auto g = llvm::find_if(groups, [&](auto &g) { return g.source == source; });
    if (g == groups.end()) {
      groups.push_back({source, {}});
      g = groups.end() - 1;
    }
    g->values.push_back(p->getName().name.str() + " = " + v->second.str());
  }
  std::vector<std::string> parts;
  for (size_t i = 0; i < groups.size(); ++i) {
    std::string part = fmt::format("{}", fmt::join(groups[i].values, ", "));
    const std::string &src = groups[i].source;
    if (src == "given explicitly")
      part += " " + src;
    else if (!src.empty())
      part += (i == 0 ? " inferred from " : " from ") + src;
    parts.push_back(part);
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

void FunctionChecker::propagateOrigin(const ast::Pattern *p,
                                      const ast::Expr *init) {
  auto *n = llvm::dyn_cast<ast::NamePattern>(p);
  if (!n)
    return;
  if (auto it = callOrigins.find(init); it != callOrigins.end()) {
    localOrigins[n->getVar()] = it->second;
    return;
  }
  if (auto *name = llvm::dyn_cast<ast::NameExpr>(init))
    if (auto it = localOrigins.find(name->resolved); it != localOrigins.end())
      localOrigins[n->getVar()] = it->second;
}

void FunctionChecker::noteOrigin(DiagnosticBuilder &d, const ast::Expr *operand,
                                 const Type *t, llvm::StringRef subject) {
  if (const Type *own = typeOf(operand))
    t = own;
  if (auto it = callOrigins.find(operand); it != callOrigins.end()) {
    d.note(diag::ShapeFromCall, it->second.call, subject, t->str(),
           it->second.instance, it->second.how);
    return;
  }
  auto *name = llvm::dyn_cast<ast::NameExpr>(operand);
  if (!name || !name->resolved)
    return;
  noteLiteralDefault(d, operand);
  std::string quoted = "'" + name->getName().str() + "'";
  if (auto it = localOrigins.find(name->resolved); it != localOrigins.end()) {
    d.note(diag::ShapeFromCall, it->second.call, quoted, t->str(),
           it->second.instance, it->second.how);
    return;
  }
  // A parameter of this generic instance whose declared type mentions the
  // instance's generic parameters.
  auto *param = llvm::dyn_cast<ast::ParamDecl>(name->resolved);
  if (!param || !decl || !decl->isGeneric() || !env.bindings ||
      !llvm::is_contained(decl->getParams(), param))
    return;
  std::vector<const ast::GenericParamDecl *> ps =
      paramsMentioned(param->getParamType(), env);
  std::string how = describeBindings(ps, *env.bindings, paramOrigins);
  if (how.empty())
    return;
  llvm::SMRange where = instantiatedFrom;
  for (const ast::GenericParamDecl *p : ps)
    if (auto it = paramOrigins.find(p); it != paramOrigins.end()) {
      where = it->second.where;
      break;
    }
  d.note(diag::ShapeFromGenericParam, where, quoted, t->str(),
         textOf(param->getParamType()->getRange()), how);
}

} // namespace tdl::sema
