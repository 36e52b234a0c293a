//===- Generics.cpp - generic roles, type resolution, dim evaluation ------===//
//
// A plain generic parameter `<N>` is a dim or an unconstrained dtype; which
// one is decided from its uses in the signature (or the struct's fields): in
// a dims list it is a dim, as an element type or a whole type it is a dtype.
// A parameter used in no type is a dim (it can still be used as a value).
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

#include "llvm/ADT/ScopeExit.h"

#include <fmt/format.h>

namespace tdl::sema {

const ast::GenericParamDecl *TypeEnv::findParam(llvm::StringRef name) const {
  for (const ast::GenericParamDecl *p : params)
    if (p->getName().name == name)
      return p;
  return nullptr;
}

std::string Sema::typeExprText(const ast::Node *t) const {
  return textOf(t->getRange()).str();
}

namespace {
enum class Position { Type, Elem, Dim };
}

void Sema::computeRoles(llvm::ArrayRef<ast::GenericParamDecl *> params,
                        llvm::ArrayRef<const ast::TypeExpr *> uses,
                        ModuleInfo *mi) {
  llvm::DenseMap<const ast::GenericParamDecl *, std::optional<GenericRole>>
      seen;
  auto find =
      [&](const ast::NamedTypeExpr *n) -> const ast::GenericParamDecl * {
    if (n->isQualified() || n->hasGenericArgList())
      return nullptr;
    for (const ast::GenericParamDecl *p : params)
      if (p->getName().name == n->getName().name)
        return p;
    return nullptr;
  };
  std::function<void(const ast::TypeExpr *, Position)> visit =
      [&](const ast::TypeExpr *t, Position pos) {
        if (!t)
          return;
        if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t)) {
          if (const ast::GenericParamDecl *p = find(n)) {
            if (p->isPack() && pos == Position::Dim) {
              diags.report(diag::PackNotAllowed, n->getRange(),
                           p->getName().name,
                           "must be spliced into a shape as '..S'");
              return;
            }
            if (p->getParamKind() != ast::GenericParamDecl::Kind::Plain)
              return;
            GenericRole r =
                pos == Position::Dim ? GenericRole::Dim : GenericRole::DType;
            auto &slot = seen[p];
            if (slot && *slot != r && roleConflictReported.insert(p).second)
              diags.report(diag::GenericRoleConflict, n->getRange(),
                           p->getName().name);
            slot = r;
            return;
          }
          // A struct's arguments take the roles of its parameters.
          bool ambiguous = false;
          const ast::Decl *d =
              n->isQualified()
                  ? lookupQualified(mi, n->getPath()[0], n->getName(), false)
                  : lookupTopLevel(mi, n->getName(), ambiguous);
          auto *s = llvm::dyn_cast_or_null<ast::StructDecl>(d);
          if (!s)
            return;
          auto sp = s->getGenericParams();
          for (size_t i = 0; i < n->getGenericArgs().size() && i < sp.size();
               ++i)
            visit(n->getGenericArgs()[i], roleOf(sp[i]) == GenericRole::DType
                                              ? Position::Type
                                              : Position::Dim);
          return;
        }
        if (auto *tt = llvm::dyn_cast<ast::TensorTypeExpr>(t)) {
          visit(tt->getElement(), Position::Elem);
          const ast::DimPackExpr *firstPack = nullptr;
          for (const ast::TypeExpr *d : tt->getDims()) {
            auto *pk = llvm::dyn_cast<ast::DimPackExpr>(d);
            if (pk && firstPack)
              diags.report(diag::PackNotAllowed, pk->getRange(),
                           pk->getPack().name,
                           "may not follow another pack in the same dims "
                           "list: which dims each takes would be ambiguous");
            else if (pk)
              firstPack = pk;
            visit(d, Position::Dim);
          }
          return;
        }
        if (auto *tu = llvm::dyn_cast<ast::TupleTypeExpr>(t)) {
          for (const ast::TypeExpr *e : tu->getElements())
            visit(e, Position::Type);
          return;
        }
        if (auto *b = llvm::dyn_cast<ast::DimBinaryExpr>(t)) {
          visit(b->getLHS(), Position::Dim);
          visit(b->getRHS(), Position::Dim);
        }
      };
  for (const ast::TypeExpr *u : uses)
    visit(u, Position::Type);
  for (const ast::GenericParamDecl *p : params) {
    switch (p->getParamKind()) {
    case ast::GenericParamDecl::Kind::Pack:
      roles[p] = GenericRole::Pack;
      break;
    case ast::GenericParamDecl::Kind::DType:
      roles[p] = GenericRole::DType;
      break;
    case ast::GenericParamDecl::Kind::Plain: {
      auto it = seen.find(p);
      roles[p] =
          it != seen.end() && it->second ? *it->second : GenericRole::Dim;
      break;
    }
    }
  }
}

GenericRole Sema::roleOf(const ast::GenericParamDecl *p) {
  auto it = roles.find(p);
  if (it != roles.end())
    return it->second;
  // Roles are computed per owner before any body is checked; a parameter
  // reached before that (a struct used in another struct) is computed now.
  for (auto &m : modules)
    for (const ast::Decl *d : m->module->getDecls()) {
      if (auto *s = llvm::dyn_cast<ast::StructDecl>(d)) {
        if (!llvm::is_contained(s->getGenericParams(), p))
          continue;
        std::vector<const ast::TypeExpr *> uses;
        for (const ast::FieldDecl *f : s->getFields())
          uses.push_back(f->getFieldType());
        roles[p] = p->isPack() ? GenericRole::Pack : GenericRole::Dim;
        computeRoles(s->getGenericParams(), uses, m.get());
        return roles[p];
      }
      if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
        if (!llvm::is_contained(f->getGenericParams(), p))
          continue;
        std::vector<const ast::TypeExpr *> uses;
        for (const ast::ParamDecl *pd : f->getParams())
          uses.push_back(pd->getParamType());
        uses.push_back(f->getResultType());
        roles[p] = p->isPack() ? GenericRole::Pack : GenericRole::Dim;
        computeRoles(f->getGenericParams(), uses, m.get());
        return roles[p];
      }
    }
  return p->isPack() ? GenericRole::Pack
         : p->getParamKind() == ast::GenericParamDecl::Kind::DType
             ? GenericRole::DType
             : GenericRole::Dim;
}

static const GenericValue *bound(const TypeEnv &env,
                                 const ast::GenericParamDecl *p) {
  if (!env.bindings)
    return nullptr;
  auto it = env.bindings->find(p);
  return it == env.bindings->end() ? nullptr : &it->second;
}

std::optional<int64_t> Sema::evalDim(const ast::TypeExpr *t,
                                     const TypeEnv &env) {
  switch (t->getKind()) {
  case ast::NodeKind::DimIntExpr:
    return int64_t(llvm::cast<ast::DimIntExpr>(t)->getValue());
  case ast::NodeKind::NamedTypeExpr: {
    auto *n = llvm::cast<ast::NamedTypeExpr>(t);
    const ast::GenericParamDecl *p =
        n->isQualified() ? nullptr : env.findParam(n->getName().name);
    if (!p) {
      diags.report(diag::UnknownName, n->getRange(), typeExprText(n));
      return std::nullopt;
    }
    n->resolved = p;
    if (roleOf(p) != GenericRole::Dim) {
      diags.report(diag::GenericArgKind, n->getRange(), p->getName().name,
                   "used where a dim is expected");
      return std::nullopt;
    }
    const GenericValue *v = bound(env, p);
    if (!v)
      return std::nullopt;
    return v->dim;
  }
  case ast::NodeKind::DimBinaryExpr: {
    auto *b = llvm::cast<ast::DimBinaryExpr>(t);
    auto l = evalDim(b->getLHS(), env);
    auto r = evalDim(b->getRHS(), env);
    if (!l || !r)
      return std::nullopt;
    int64_t v = 0;
    switch (b->getOp()) {
    case ast::BinaryOp::Add:
      v = *l + *r;
      break;
    case ast::BinaryOp::Sub:
      v = *l - *r;
      break;
    case ast::BinaryOp::Mul:
      v = *l * *r;
      break;
    case ast::BinaryOp::Div:
      if (*r == 0 || *l % *r != 0) {
        reportInInstance(diag::DimNotExact, b->getRange(), *l, *r);
        return std::nullopt;
      }
      v = *l / *r;
      break;
    default:
      diags.report(diag::NotAType, b->getRange(), typeExprText(b));
      return std::nullopt;
    }
    if (v < 0) {
      reportInInstance(diag::DimNegative, b->getRange(), v);
      return std::nullopt;
    }
    return v;
  }
  case ast::NodeKind::DimCallExpr: {
    auto *c = llvm::cast<ast::DimCallExpr>(t);
    const ast::GenericParamDecl *p = env.findParam(c->getPack().name);
    if (!p || !p->isPack()) {
      diags.report(diag::UnknownName, c->getPack().getRange(),
                   c->getPack().name);
      return std::nullopt;
    }
    c->resolved = p;
    const GenericValue *v = bound(env, p);
    if (!v)
      return std::nullopt;
    if (c->isRank())
      return int64_t(v->pack.size());
    int64_t prod = 1;
    for (int64_t d : v->pack)
      prod *= d;
    return prod;
  }
  case ast::NodeKind::DimPackExpr:
    diags.report(diag::PackNotAllowed, t->getRange(),
                 llvm::cast<ast::DimPackExpr>(t)->getPack().name,
                 "cannot stand for a single dim");
    return std::nullopt;
  case ast::NodeKind::ErrorTypeExpr:
    return std::nullopt;
  case ast::NodeKind::DimListExpr:
    diags.report(diag::DimListNotPackArg, t->getRange());
    return std::nullopt;
  default:
    diags.report(diag::GenericArgKind, t->getRange(), typeExprText(t), "a dim");
    return std::nullopt;
  }
}

bool Sema::appendDims(const ast::TypeExpr *t, const TypeEnv &env,
                      Shape &shape) {
  if (auto *pk = llvm::dyn_cast<ast::DimPackExpr>(t)) {
    const ast::GenericParamDecl *p = env.findParam(pk->getPack().name);
    if (!p || !p->isPack()) {
      diags.report(diag::UnknownName, pk->getRange(), pk->getPack().name);
      return false;
    }
    pk->resolved = p;
    const GenericValue *v = bound(env, p);
    if (!v)
      return false;
    shape.append(v->pack.begin(), v->pack.end());
    return true;
  }
  auto d = evalDim(t, env);
  if (!d)
    return false;
  shape.push_back(*d);
  return true;
}

static std::optional<Elem> elemOf(Sema &s, const ast::TypeExpr *t,
                                  const TypeEnv &env) {
  if (auto *d = llvm::dyn_cast<ast::DTypeTypeExpr>(t))
    return fromDType(d->getDType());
  if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t)) {
    const ast::GenericParamDecl *p =
        n->isQualified() ? nullptr : env.findParam(n->getName().name);
    if (p && s.roleOf(p) == GenericRole::DType) {
      n->resolved = p;
      if (const GenericValue *v = bound(env, p))
        return v->dtype;
      return std::nullopt;
    }
  }
  s.diags.report(diag::GenericArgKind, t->getRange(), s.typeExprText(t),
                 "a dtype");
  return std::nullopt;
}

const Type *Sema::resolveType(const ast::TypeExpr *t, const TypeEnv &env) {
  if (!t)
    return types.unit();
  switch (t->getKind()) {
  case ast::NodeKind::DTypeTypeExpr:
    return types.scalar(
        fromDType(llvm::cast<ast::DTypeTypeExpr>(t)->getDType()));
  case ast::NodeKind::TensorTypeExpr: {
    auto *tt = llvm::cast<ast::TensorTypeExpr>(t);
    auto elem = elemOf(*this, tt->getElement(), env);
    Shape shape;
    bool ok = elem.has_value();
    for (const ast::TypeExpr *d : tt->getDims())
      ok &= appendDims(d, env, shape);
    if (ok && !boundedNumElements(shape)) {
      const Type *big = types.tensor(*elem, shape);
      diags.report(diag::TensorTooLarge, t->getRange(), "type " + big->str(),
                   "more than 2^40");
      return types.error();
    }
    return ok ? types.tensor(*elem, shape) : types.error();
  }
  case ast::NodeKind::TupleTypeExpr: {
    std::vector<const Type *> elems;
    for (const ast::TypeExpr *e :
         llvm::cast<ast::TupleTypeExpr>(t)->getElements()) {
      elems.push_back(resolveType(e, env));
      if (elems.back()->isError())
        return types.error();
    }
    return types.tuple(elems);
  }
  case ast::NodeKind::NamedTypeExpr: {
    auto *n = llvm::cast<ast::NamedTypeExpr>(t);
    if (!n->isQualified() && !n->hasGenericArgList())
      if (const ast::GenericParamDecl *p = env.findParam(n->getName().name)) {
        n->resolved = p;
        if (roleOf(p) != GenericRole::DType) {
          diags.report(diag::NotAType, n->getRange(), n->getName().name);
          return types.error();
        }
        const GenericValue *v = bound(env, p);
        return v ? types.scalar(v->dtype) : types.error();
      }
    bool ambiguous = false;
    const ast::Decl *d =
        n->isQualified()
            ? lookupQualified(env.module, n->getPath()[0], n->getName(), true)
            : lookupTopLevel(env.module, n->getName(), ambiguous);
    if (ambiguous)
      return types.error();
    if (!d) {
      if (!n->isQualified() ||
          env.module->findImport(n->getPath()[0].name) == nullptr) {
        DiagnosticBuilder b =
            diags.report(diag::UnknownType, n->getRange(), typeExprText(n));
        noteMissingImport(b, n->isQualified() ? n->getPath()[0] : n->getName());
      }
      return types.error();
    }
    n->resolved = d;
    auto *s = llvm::dyn_cast<ast::StructDecl>(d);
    if (!s) {
      diags.report(diag::NotAType, n->getRange(), typeExprText(n));
      return types.error();
    }
    if (n->getGenericArgs().size() != s->getGenericParams().size()) {
      diags.report(diag::GenericArgCount, n->getRange(), s->getName().name,
                   int64_t(s->getGenericParams().size()),
                   int64_t(n->getGenericArgs().size()));
      return types.error();
    }
    std::vector<GenericValue> args;
    if (!evalGenericArgs(n->getGenericArgs(), s->getGenericParams(), env,
                         s->getName().name, n->getRange(), args))
      return types.error();
    const StructInstance *si = instantiateStruct(s, args, n->getRange());
    return si ? types.structType(si) : types.error();
  }
  case ast::NodeKind::ErrorTypeExpr:
    return types.error();
  case ast::NodeKind::DimListExpr:
    diags.report(diag::DimListNotPackArg, t->getRange());
    return types.error();
  default:
    diags.report(diag::NotAType, t->getRange(), typeExprText(t));
    return types.error();
  }
}

bool Sema::evalGenericArgs(llvm::ArrayRef<ast::TypeExpr *> args,
                           llvm::ArrayRef<ast::GenericParamDecl *> params,
                           const TypeEnv &env, llvm::StringRef calleeName,
                           llvm::SMRange where,
                           std::vector<GenericValue> &out) {
  if (args.size() > params.size()) {
    diags.report(diag::GenericArgCount, where, calleeName,
                 int64_t(params.size()), int64_t(args.size()));
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    GenericValue v;
    switch (roleOf(params[i])) {
    case GenericRole::Dim: {
      v.kind = GenericValue::Kind::Dim;
      auto d = evalDim(args[i], env);
      if (!d) {
        ok = false;
        continue;
      }
      v.dim = *d;
      break;
    }
    case GenericRole::DType: {
      v.kind = GenericValue::Kind::DType;
      auto e = elemOf(*this, args[i], env);
      if (!e) {
        ok = false;
        continue;
      }
      v.dtype = *e;
      break;
    }
    case GenericRole::Pack: {
      v.kind = GenericValue::Kind::Pack;
      // `..S` forwards a pack in scope; `[2, 3]` or `[B, ..S]` lists the
      // dims (the form diagnostics print instances in).
      if (auto *list = llvm::dyn_cast<ast::DimListExpr>(args[i])) {
        bool dimsOk = true;
        for (const ast::TypeExpr *d : list->getDims())
          dimsOk &= appendDims(d, env, v.pack);
        if (!dimsOk) {
          ok = false;
          continue;
        }
        break;
      }
      if (!llvm::isa<ast::DimPackExpr>(args[i])) {
        diags.report(diag::GenericArgKind, args[i]->getRange(),
                     params[i]->getName().name,
                     "a shape pack: '..S' or a dims list '[2, 3]'");
        ok = false;
        continue;
      }
      if (!appendDims(args[i], env, v.pack)) {
        ok = false;
        continue;
      }
      break;
    }
    }
    out.push_back(std::move(v));
  }
  return ok;
}

const StructInstance *Sema::instantiateStruct(const ast::StructDecl *decl,
                                              std::vector<GenericValue> args,
                                              llvm::SMRange where) {
  // A struct inside its own fields, with any arguments (`A<N>` holding
  // `A<N + 1>` would never end), is infinite.
  for (const StructInstance *open : structsInProgress)
    if (open->decl == decl) {
      diags.report(diag::RecursiveStruct, where, decl->getName().name);
      return nullptr;
    }
  if (StructInstance *s = types.findStruct(decl, args))
    return s->fieldTypes.size() == decl->getFields().size() ? s : nullptr;
  StructInstance *s = types.createStruct(decl, args);
  structsInProgress.insert(s);
  auto done = llvm::make_scope_exit([&] { structsInProgress.erase(s); });
  Bindings b;
  for (size_t i = 0; i < args.size(); ++i)
    b[decl->getGenericParams()[i]] = args[i];
  TypeEnv env{moduleOf(decl), decl->getGenericParams(), &b};
  std::vector<const Type *> fieldTypes;
  for (const ast::FieldDecl *f : decl->getFields()) {
    s->fieldNames.push_back(f->getName().name);
    const Type *ft = resolveType(f->getFieldType(), env);
    if (ft->isError())
      return nullptr; // stays incomplete: later uses are errors, unreported
    fieldTypes.push_back(ft);
  }
  s->fieldTypes = std::move(fieldTypes);
  return s;
}

std::string instanceName(const ast::FuncDecl *decl,
                         llvm::ArrayRef<GenericValue> args) {
  std::string s = decl->getName().name.str();
  if (args.empty())
    return s;
  std::vector<std::string> parts;
  for (const GenericValue &v : args)
    parts.push_back(v.str());
  return s + fmt::format("<{}>", fmt::join(parts, ", "));
}

} // namespace tdl::sema
