//===- SymbolAt.cpp -------------------------------------------------------===//
#include "tools/lsp/SymbolAt.h"
#include "tools/lsp/AstWalk.h"

#include "sema/BuiltinSignatures.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

using namespace ast;

static bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

static bool isTransform(llvm::StringRef n) {
  return n == "grad" || n == "value_and_grad" || n == "vjp" || n == "jvp";
}

static bool identHolds(const Ident &id, llvm::SMLoc loc) {
  return id.isValid() && rangeContains(id.getRange(), loc);
}

const Decl *lookupName(const Analysis &a, llvm::StringRef name,
                       llvm::SMLoc loc) {
  if (!a.module)
    return nullptr;
  if (const FuncDecl *f = enclosingFunction(*a.module, loc)) {
    std::vector<const Decl *> locals = visibleLocals(*f, loc);
    for (auto it = locals.rbegin(); it != locals.rend(); ++it)
      if ((*it)->getName().name == name)
        return *it;
  }
  // Generic parameters of an enclosing struct (in its field types).
  for (const Decl *d : a.module->getDecls())
    if (auto *s = llvm::dyn_cast<StructDecl>(d))
      if (rangeContains(s->getRange(), loc))
        for (const GenericParamDecl *g : s->getGenericParams())
          if (g->getName().name == name)
            return g;
  if (const Decl *d = a.lookupTopLevel(name))
    return d;
  return a.importDecl(name);
}

const Decl *calleeDecl(const Analysis &a, const Expr *callee) {
  if (auto *i = llvm::dyn_cast_or_null<InstantiateExpr>(callee))
    callee = i->getBase();
  if (auto *n = llvm::dyn_cast_or_null<NameExpr>(callee)) {
    if (n->resolved)
      return n->resolved;
    return lookupName(a, n->getName(), n->getLoc());
  }
  if (auto *f = llvm::dyn_cast_or_null<FieldExpr>(callee)) {
    if (f->resolved)
      return f->resolved;
    if (auto *base = llvm::dyn_cast<NameExpr>(f->getBase()))
      return a.lookupQualified(base->getName(), f->getField().name);
  }
  return nullptr;
}

/// The call whose callee `e` is (directly or through `f<...>`), given the
/// path from the root down to `e` at index `i`.
static const CallExpr *callOf(const std::vector<const Node *> &path, size_t i) {
  const Node *child = path[i];
  for (size_t j = i; j-- > 0;) {
    if (auto *inst = llvm::dyn_cast<InstantiateExpr>(path[j])) {
      if (inst->getBase() != child)
        return nullptr;
      child = inst;
      continue;
    }
    if (auto *c = llvm::dyn_cast<CallExpr>(path[j]))
      return c->getCallee() == child ? c : nullptr;
    return nullptr;
  }
  return nullptr;
}

/// A use of a plain name: sema's resolution, else the scoping rules, else
/// a builtin or transform.
static std::optional<SymbolRef> nameRef(const Analysis &a, llvm::StringRef name,
                                        const Decl *resolved,
                                        llvm::SMRange range, llvm::SMLoc loc) {
  SymbolRef r;
  r.name = name;
  r.range = range;
  r.decl = resolved ? resolved : lookupName(a, name, loc);
  if (auto *imp = llvm::dyn_cast_or_null<ImportDecl>(r.decl)) {
    r.kind = SymbolRef::Kind::Module;
    r.import = imp;
    r.module = imp->module;
    r.decl = nullptr;
  } else if (!r.decl) {
    if (std::optional<sema::BuiltinId> b = sema::lookupBuiltin(name)) {
      r.kind = SymbolRef::Kind::Builtin;
      r.builtin = *b;
    } else if (isTransform(name)) {
      r.kind = SymbolRef::Kind::Transform;
    } else {
      return std::nullopt; // an unknown name
    }
  }
  return r;
}

static std::optional<SymbolRef> refInNode(const Analysis &a,
                                          const std::vector<const Node *> &path,
                                          size_t i, llvm::SMLoc loc) {
  const Node *n = path[i];
  if (auto *ne = llvm::dyn_cast<NameExpr>(n)) {
    if (!identHolds(ne->getIdent(), loc))
      return std::nullopt;
    std::optional<SymbolRef> r =
        nameRef(a, ne->getName(), ne->resolved, ne->getIdent().getRange(), loc);
    if (r) {
      r->expr = ne;
      r->call = callOf(path, i);
    }
    return r;
  }
  if (auto *fe = llvm::dyn_cast<FieldExpr>(n)) {
    if (!identHolds(fe->getField(), loc))
      return std::nullopt;
    SymbolRef r;
    r.name = fe->getField().name;
    r.range = fe->getField().getRange();
    r.expr = fe;
    r.call = callOf(path, i);
    const sema::Type *base = nullptr;
    const sema::FieldAccess *access = a.fieldAccess(fe, &base);
    auto *baseName = llvm::dyn_cast<NameExpr>(fe->getBase());
    if (fe->resolved) {
      r.decl = fe->resolved;
    } else if (access && access->kind == sema::FieldAccess::Kind::StructField &&
               base && base->isStruct()) {
      auto fields = base->getStruct()->decl->getFields();
      if (access->index < fields.size())
        r.decl = fields[access->index];
    } else if (access &&
               access->kind == sema::FieldAccess::Kind::TupleElement) {
      r.kind = SymbolRef::Kind::TupleElement;
    } else if (access && access->kind == sema::FieldAccess::Kind::Transpose) {
      r.kind = SymbolRef::Kind::Transpose;
    } else if (baseName && a.importDecl(baseName->getName()) &&
               lookupName(a, baseName->getName(), loc) ==
                   a.importDecl(baseName->getName())) {
      r.decl = a.lookupQualified(baseName->getName(), r.name);
    }
    if (!r.decl && r.kind == SymbolRef::Kind::Decl)
      return std::nullopt;
    return r;
  }
  if (auto *nt = llvm::dyn_cast<NamedTypeExpr>(n)) {
    llvm::ArrayRef<Ident> p = nt->getPath();
    for (size_t k = 0; k < p.size(); ++k) {
      if (!identHolds(p[k], loc))
        continue;
      if (k + 1 < p.size()) // a qualifier: the module
        return nameRef(a, p[k].name, a.importDecl(p[k].name), p[k].getRange(),
                       loc);
      SymbolRef r;
      r.name = p[k].name;
      r.range = p[k].getRange();
      r.decl = nt->resolved;
      if (!r.decl)
        r.decl = p.size() > 1 ? a.lookupQualified(p[0].name, p[k].name)
                              : lookupName(a, p[k].name, loc);
      if (!r.decl)
        return std::nullopt;
      return r;
    }
    return std::nullopt;
  }
  auto packRef = [&](const Ident &pack,
                     const Decl *resolved) -> std::optional<SymbolRef> {
    if (!identHolds(pack, loc))
      return std::nullopt;
    SymbolRef r;
    r.name = pack.name;
    r.range = pack.getRange();
    r.decl = resolved ? resolved : lookupName(a, pack.name, loc);
    if (!r.decl)
      return std::nullopt;
    return r;
  };
  if (auto *dp = llvm::dyn_cast<DimPackExpr>(n))
    return packRef(dp->getPack(), dp->resolved);
  if (auto *dc = llvm::dyn_cast<DimCallExpr>(n))
    return packRef(dc->getPack(), dc->resolved);
  if (auto *imp = llvm::dyn_cast<ImportDecl>(n)) {
    for (const Ident &id : imp->getPath())
      if (identHolds(id, loc)) {
        SymbolRef r;
        r.kind = SymbolRef::Kind::Module;
        r.import = imp;
        r.module = imp->module;
        r.name = imp->getName().name;
        r.range = id.getRange();
        r.isDeclaration = true;
        return r;
      }
    return std::nullopt;
  }
  if (auto *d = llvm::dyn_cast<Decl>(n)) {
    if (!identHolds(d->getName(), loc))
      return std::nullopt;
    SymbolRef r;
    r.decl = d;
    r.name = d->getName().name;
    r.range = d->getName().getRange();
    r.isDeclaration = true;
    return r;
  }
  if (auto *sl = llvm::dyn_cast<StructLiteralExpr>(n)) {
    for (const FieldInit &fi : sl->getFields()) {
      if (!identHolds(fi.name, loc))
        continue;
      const Decl *s =
          sl->getStructType() ? sl->getStructType()->resolved : nullptr;
      if (!s && sl->getStructType())
        s = lookupName(a, sl->getStructType()->getName().name, loc);
      auto *sd = llvm::dyn_cast_or_null<StructDecl>(s);
      if (!sd)
        return std::nullopt;
      for (const FieldDecl *f : sd->getFields())
        if (f->getName().name == fi.name.name) {
          SymbolRef r;
          r.decl = f;
          r.name = fi.name.name;
          r.range = fi.name.getRange();
          return r;
        }
      return std::nullopt;
    }
    return std::nullopt;
  }
  if (auto *c = llvm::dyn_cast<CallExpr>(n)) {
    for (const Argument &arg : c->getArgs()) {
      if (!arg.isNamed() || !identHolds(arg.label, loc))
        continue;
      SymbolRef r;
      r.name = arg.label.name;
      r.range = arg.label.getRange();
      r.call = c;
      if (auto *f =
              llvm::dyn_cast_or_null<FuncDecl>(calleeDecl(a, c->getCallee()))) {
        for (const ParamDecl *p : f->getParams())
          if (p->getName().name == arg.label.name)
            r.decl = p;
        if (!r.decl)
          return std::nullopt;
        return r;
      }
      const Expr *callee = c->getCallee();
      if (auto *ne = llvm::dyn_cast<NameExpr>(callee))
        if (std::optional<sema::BuiltinId> b =
                sema::lookupBuiltin(ne->getName())) {
          r.kind = SymbolRef::Kind::NamedArgument;
          r.builtin = *b;
          return r;
        }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

static llvm::SMLoc cursorLoc(const Analysis &a, size_t offset) {
  llvm::StringRef t = a.text();
  offset = std::min(offset, t.size());
  bool here = offset < t.size() && isIdentChar(t[offset]);
  if (!here && offset > 0 && isIdentChar(t[offset - 1]))
    --offset;
  return a.locAt(offset);
}

std::optional<SymbolRef> symbolAt(const Analysis &a, size_t offset) {
  if (!a.module)
    return std::nullopt;
  llvm::SMLoc loc = cursorLoc(a, offset);
  std::vector<const Node *> path = nodePath(*a.module, loc);
  for (size_t i = path.size(); i-- > 0;)
    if (std::optional<SymbolRef> r = refInNode(a, path, i, loc))
      return r;
  return std::nullopt;
}

const Expr *typedExprAt(const Analysis &a, size_t offset) {
  if (!a.module)
    return nullptr;
  std::vector<const Node *> path = nodePath(*a.module, a.locAt(offset));
  for (size_t i = path.size(); i-- > 0;)
    if (auto *e = llvm::dyn_cast<Expr>(path[i]))
      if (!a.typesOf(e).empty())
        return e;
  return nullptr;
}

} // namespace tdl::lsp
