//===- Unify.cpp - inferring generic arguments at a call ------------------===//
//
// Each parameter's declared type is matched against its argument's type.
// A plain dim name binds (or must equal its earlier binding); a pack takes
// the dims between the fixed dims before and after it; a dim expression
// (`N + 1`, `prod(S)`) becomes a constraint that DimSolver.cpp checks or
// solves once every argument is unified. Untyped literal elements
// never bind a dtype parameter here; Sema::untypedDTypes remembers them so
// the caller can apply the literal defaults if nothing else binds it.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

namespace tdl::sema {

bool Sema::bindValue(const ast::GenericParamDecl *p, const GenericValue &v,
                     Bindings &b, llvm::StringRef calleeName,
                     llvm::StringRef argName, llvm::SMRange where) {
  auto [it, inserted] = b.try_emplace(p, v);
  if (inserted)
    bindingOrigins[p] = {BindingOrigin::Kind::Argument, argName.str(), where};
  if (inserted || it->second == v)
    return true;
  diags
      .report(diag::GenericConflict, where, p->getName().name, calleeName,
              it->second.str(), v.str())
      .note(diag::GenericParamHere, p->getName().getRange(), p->getName().name);
  return false;
}

static bool elemCompatible(Elem want, Elem have) {
  if (have == Elem::UntypedInt)
    return want != Elem::Bool;
  if (have == Elem::UntypedFloat)
    return isFloat(want);
  return want == have;
}

namespace {
struct Unifier {
  Sema &s;
  const TypeEnv &env;
  Bindings &b;
  llvm::StringRef callee, arg;
  llvm::SMRange where;
  const ast::TypeExpr *top;
  const Type *topActual;
  bool mismatchReported = false;

  bool mismatch() {
    if (!mismatchReported)
      s.diags.report(diag::ArgTypeMismatch, where, arg, callee,
                     s.typeExprText(top), topActual->str());
    mismatchReported = true;
    return false;
  }

  const ast::GenericParamDecl *param(const ast::TypeExpr *t) {
    auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t);
    if (!n || n->isQualified() || n->hasGenericArgList())
      return nullptr;
    return env.findParam(n->getName().name);
  }

  bool elem(const ast::TypeExpr *t, Elem have) {
    if (auto *d = llvm::dyn_cast<ast::DTypeTypeExpr>(t))
      return elemCompatible(fromDType(d->getDType()), have) || mismatch();
    const ast::GenericParamDecl *p = param(t);
    if (!p || s.roleOf(p) != GenericRole::DType)
      return mismatch();
    if (isUntyped(have)) {
      s.untypedDTypes.push_back({p, have});
      return true;
    }
    GenericValue v;
    v.kind = GenericValue::Kind::DType;
    v.dtype = have;
    return s.bindValue(p, v, b, callee, arg, where);
  }

  bool dim(const ast::TypeExpr *t, int64_t have) {
    if (auto *i = llvm::dyn_cast<ast::DimIntExpr>(t))
      return int64_t(i->getValue()) == have || mismatch();
    if (const ast::GenericParamDecl *p = param(t)) {
      if (s.roleOf(p) != GenericRole::Dim)
        return mismatch();
      GenericValue v;
      v.dim = have;
      return s.bindValue(p, v, b, callee, arg, where);
    }
    s.deferredDims.push_back({t, have, arg.str(), where});
    return true;
  }

  bool type(const ast::TypeExpr *t, const Type *actual) {
    if (actual->isError())
      return true;
    switch (t->getKind()) {
    case ast::NodeKind::DTypeTypeExpr:
      return (actual->isScalar() && elem(t, actual->getElem())) || mismatch();
    case ast::NodeKind::NamedTypeExpr: {
      auto *n = llvm::cast<ast::NamedTypeExpr>(t);
      if (const ast::GenericParamDecl *p = param(t))
        if (s.roleOf(p) == GenericRole::DType)
          return (actual->isScalar() && elem(t, actual->getElem())) ||
                 mismatch();
      bool ambiguous = false;
      const ast::Decl *d =
          n->isQualified()
              ? s.lookupQualified(env.module, n->getPath()[0], n->getName(),
                                  false)
              : s.lookupTopLevel(env.module, n->getName(), ambiguous);
      auto *sd = llvm::dyn_cast_or_null<ast::StructDecl>(d);
      if (!sd || !actual->isStruct() || actual->getStruct()->decl != sd)
        return mismatch();
      const StructInstance *si = actual->getStruct();
      auto args = n->getGenericArgs();
      if (args.size() != si->genericArgs.size())
        return mismatch();
      for (size_t i = 0; i < args.size(); ++i) {
        const GenericValue &v = si->genericArgs[i];
        switch (v.kind) {
        case GenericValue::Kind::Dim:
          if (!dim(args[i], v.dim))
            return false;
          break;
        case GenericValue::Kind::DType:
          if (!elem(args[i], v.dtype))
            return false;
          break;
        case GenericValue::Kind::Pack:
          if (!pack(args[i], v.pack))
            return false;
          break;
        }
      }
      return true;
    }
    case ast::NodeKind::TensorTypeExpr: {
      auto *tt = llvm::cast<ast::TensorTypeExpr>(t);
      if (!actual->isTensor())
        return mismatch();
      if (!elem(tt->getElement(), actual->getElem()))
        return false;
      auto dims = tt->getDims();
      auto shape = actual->getShape();
      int packAt = -1;
      for (size_t i = 0; i < dims.size(); ++i)
        if (llvm::isa<ast::DimPackExpr>(dims[i]))
          packAt = int(i);
      if (packAt < 0) {
        if (dims.size() != shape.size())
          return mismatch();
        for (size_t i = 0; i < dims.size(); ++i)
          if (!dim(dims[i], shape[i]))
            return false;
        return true;
      }
      size_t fixed = dims.size() - 1;
      if (shape.size() < fixed)
        return mismatch();
      size_t after = dims.size() - 1 - packAt;
      for (int i = 0; i < packAt; ++i)
        if (!dim(dims[i], shape[i]))
          return false;
      for (size_t i = 0; i < after; ++i)
        if (!dim(dims[packAt + 1 + i], shape[shape.size() - after + i]))
          return false;
      return pack(dims[packAt], shape.slice(packAt, shape.size() - fixed));
    }
    case ast::NodeKind::TupleTypeExpr: {
      auto elems = llvm::cast<ast::TupleTypeExpr>(t)->getElements();
      if (!actual->isTuple() || actual->getElements().size() != elems.size())
        return mismatch();
      for (size_t i = 0; i < elems.size(); ++i)
        if (!type(elems[i], actual->getElements()[i]))
          return false;
      return true;
    }
    case ast::NodeKind::ErrorTypeExpr:
      return true;
    default:
      return mismatch();
    }
  }

  bool pack(const ast::TypeExpr *t, llvm::ArrayRef<int64_t> dims) {
    auto *pk = llvm::dyn_cast<ast::DimPackExpr>(t);
    const ast::GenericParamDecl *p =
        pk ? env.findParam(pk->getPack().name) : nullptr;
    if (!p || !p->isPack())
      return mismatch();
    GenericValue v;
    v.kind = GenericValue::Kind::Pack;
    v.pack.assign(dims.begin(), dims.end());
    return s.bindValue(p, v, b, callee, arg, where);
  }
};
} // namespace

bool Sema::unify(const ast::TypeExpr *pattern, const Type *actual,
                 const TypeEnv &env, Bindings &b, llvm::StringRef calleeName,
                 llvm::StringRef argName, llvm::SMRange where) {
  if (!pattern)
    return actual->isTuple() && actual->getElements().empty();
  Unifier u{*this, env, b, calleeName, argName, where, pattern, actual};
  return u.type(pattern, actual);
}

} // namespace tdl::sema
