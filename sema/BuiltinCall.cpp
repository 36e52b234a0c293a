//===- BuiltinCall.cpp - builtin argument helpers and rule dispatch -------===//
#include "sema/BuiltinCall.h"

#include <fmt/format.h>

namespace tdl::sema {

llvm::StringRef getBuiltinName(BuiltinId id) {
  switch (id) {
#define BUILTIN(ID, NAME, RULE)                                                \
  case BuiltinId::ID:                                                          \
    return NAME;
#include "sema/Builtins.def"
  case BuiltinId::NumBuiltins:
    break;
  }
  return "?";
}

const Type *FunctionChecker::callBuiltin(BuiltinId id,
                                         const ast::CallExpr *call,
                                         llvm::ArrayRef<ast::Argument> args,
                                         ResolvedCall &out) {
  out.kind = ResolvedCall::Kind::Builtin;
  out.builtin = id;
  BuiltinCall b(*this, id, call, args, out);
  const Type *t = types.error();
  switch (id) {
#define BUILTIN(ID, NAME, RULE)                                                \
  case BuiltinId::ID:                                                          \
    t = rule##RULE(b);                                                         \
    break;
#include "sema/Builtins.def"
  case BuiltinId::NumBuiltins:
    break;
  }
  out.untypedResult = t->isTensor() && isUntyped(t->getElem());
  return t;
}

BuiltinCall::BuiltinCall(FunctionChecker &c, BuiltinId id,
                         const ast::CallExpr *call,
                         llvm::ArrayRef<ast::Argument> args, ResolvedCall &out)
    : c(c), types(c.types), id(id), name(getBuiltinName(id)), call(call),
      out(out), attrs(out.attrs) {
  for (const ast::Argument &a : args) {
    if (a.isNamed())
      namedArgs.push_back({a.label, a.value});
    else
      positional.push_back(a.value);
  }
}

bool BuiltinCall::accept(unsigned minPositional, unsigned maxPositional,
                         std::initializer_list<llvm::StringRef> names) {
  bool ok = true;
  if (positional.size() < minPositional || positional.size() > maxPositional) {
    std::string count =
        minPositional == maxPositional
            ? std::to_string(minPositional)
            : fmt::format("{} to {}", minPositional, maxPositional);
    c.error(diag::BuiltinArgCount, call->getRange(), name, count,
            int64_t(positional.size()));
    ok = false;
  }
  for (size_t i = 0; i < namedArgs.size(); ++i) {
    auto &[k, v] = namedArgs[i];
    if (!llvm::is_contained(names, k.name)) {
      c.errorMisspelled(diag::BuiltinUnknownNamedArg,
                        diag::BuiltinUnknownNamedArgSuggest, k, names, name,
                        k.name);
      ok = false;
    } else if (llvm::any_of(
                   llvm::ArrayRef(namedArgs).take_front(i),
                   [&](auto &prev) { return prev.first.name == k.name; })) {
      c.error(diag::CallDuplicateArg, v->getRange(), k.name);
      ok = false;
    }
  }
  if (!ok) // still look inside the arguments for their own errors
    for (const ast::Argument &a : call->getArgs())
      if (!llvm::isa<ast::DTypeExpr>(a.value))
        c.checkExpr(a.value);
  return ok;
}

DiagnosticBuilder BuiltinCall::invalid(llvm::SMRange r,
                                       const std::string &why) {
  return c.error(diag::BuiltinInvalid, r, name, why);
}

void BuiltinCall::argType(const ast::Expr *e, llvm::StringRef what,
                          llvm::StringRef need, const Type *found) {
  // Literals are shown with the dtype they would default to.
  c.error(diag::BuiltinArgType, e->getRange(), name, what, need,
          found ? types.defaulted(found)->str() : "?");
}

const Type *BuiltinCall::tensor(const ast::Expr *e, llvm::StringRef what) {
  const Type *t = c.checkExpr(e);
  if (t->isError())
    return t;
  if (!t->isTensor()) {
    argType(e, what, "a tensor", t);
    return types.error();
  }
  out.args.push_back({e, c.constantOf(e), t});
  return t;
}

const Type *BuiltinCall::toElem(const ast::Expr *e, const Type *t, Elem el) {
  if (t->isError() || t->getElem() == el)
    return t;
  const Type *target = types.withElem(t, el);
  auto conv = c.convertTo(e, t, target);
  if (conv == FunctionChecker::Conversion::Ok) {
    for (CallArg &a : out.args)
      if (a.expr == e)
        a.type = target;
    return target;
  }
  if (conv == FunctionChecker::Conversion::Mismatch)
    c.error(diag::DTypeMismatch, e->getRange(), elemName(el),
            elemName(t->getElem()), name);
  return types.error();
}

const Type *BuiltinCall::floatTensor(const ast::Expr *e, llvm::StringRef what) {
  const Type *t = tensor(e, what);
  if (t->isError())
    return t;
  if (isUntyped(t->getElem()))
    return keepUntyped ? types.withElem(t, Elem::UntypedFloat)
                       : toElem(e, t, Elem::F32);
  if (!isFloat(t->getElem())) {
    argType(e, what, "a float tensor", t);
    return types.error();
  }
  return t;
}

const Type *BuiltinCall::numTensor(const ast::Expr *e, llvm::StringRef what) {
  const Type *t = tensor(e, what);
  if (t->isError())
    return t;
  if (isUntyped(t->getElem()))
    return keepUntyped ? t : toElem(e, t, defaultElem(t->getElem()));
  if (t->getElem() == Elem::Bool) {
    argType(e, what, "a numeric tensor", t);
    return types.error();
  }
  return t;
}

std::optional<std::pair<Elem, Shape>>
BuiltinCall::elementwise(llvm::ArrayRef<const ast::Expr *> es,
                         llvm::SmallVectorImpl<const Type *> &ts) {
  // The dtype: the first typed operand's; literals adapt to it.
  std::optional<Elem> el;
  for (const Type *t : ts)
    if (!isUntyped(t->getElem())) {
      el = t->getElem();
      break;
    }
  bool untyped = !el;
  if (!el) {
    bool anyFloat = llvm::any_of(
        ts, [](const Type *t) { return t->getElem() == Elem::UntypedFloat; });
    el = keepUntyped ? (anyFloat ? Elem::UntypedFloat : Elem::UntypedInt)
         : anyFloat  ? Elem::F32
                     : Elem::I32;
  }
  for (size_t i = 0; i < ts.size() && !(untyped && keepUntyped); ++i) {
    ts[i] = toElem(es[i], ts[i], *el);
    if (ts[i]->isError())
      return std::nullopt;
  }
  Shape shape(ts[0]->getShape().begin(), ts[0]->getShape().end());
  for (size_t i = 1; i < ts.size(); ++i) {
    const Type *acc = types.tensor(*el, shape);
    auto s =
        c.broadcastOrReport(es[0], acc, es[i], ts[i], name, call->getRange());
    if (!s)
      return std::nullopt;
    shape = *s;
  }
  return std::make_pair(*el, shape);
}

std::optional<int64_t> BuiltinCall::constInt(const ast::Expr *e,
                                             llvm::StringRef what) {
  const Type *t = c.checkExpr(e);
  if (t->isError())
    return std::nullopt;
  auto v = c.constantOf(e);
  if (!t->isScalar() || !isInt(t->getElem())) {
    argType(e, what, "an integer constant", t);
    return std::nullopt;
  }
  if (!v || v->kind != ConstValue::Kind::Int) {
    c.error(diag::NotConstant, e->getRange(),
            fmt::format("argument '{}' of '{}'", what.str(), name.str()));
    return std::nullopt;
  }
  if (isUntyped(t->getElem()))
    c.convertTo(e, t, types.scalar(Elem::I64));
  return v->i;
}

std::optional<bool> BuiltinCall::constBool(const ast::Expr *e,
                                           llvm::StringRef what) {
  const Type *t = c.checkExpr(e);
  if (t->isError())
    return std::nullopt;
  auto v = c.constantOf(e);
  if (!t->isScalar() || t->getElem() != Elem::Bool) {
    argType(e, what, "a bool constant", t);
    return std::nullopt;
  }
  if (!v || v->kind != ConstValue::Kind::Bool) {
    c.error(diag::NotConstant, e->getRange(),
            fmt::format("argument '{}' of '{}'", what.str(), name.str()));
    return std::nullopt;
  }
  return v->b;
}

std::optional<double> BuiltinCall::constFloat(const ast::Expr *e,
                                              llvm::StringRef what) {
  const Type *t = c.checkExpr(e);
  if (t->isError())
    return std::nullopt;
  auto v = c.constantOf(e);
  if (!t->isScalar() || t->getElem() == Elem::Bool) {
    argType(e, what, "a numeric constant", t);
    return std::nullopt;
  }
  if (!v || v->kind == ConstValue::Kind::Tuple) {
    c.error(diag::NotConstant, e->getRange(),
            fmt::format("argument '{}' of '{}'", what.str(), name.str()));
    return std::nullopt;
  }
  c.materialize(e, t);
  return v->asDouble();
}

std::optional<llvm::SmallVector<int64_t, 4>>
BuiltinCall::intList(const ast::Expr *e, llvm::StringRef what) {
  const Type *t = c.checkExpr(e);
  if (t->isError())
    return std::nullopt;
  auto v = c.constantOf(e);
  llvm::SmallVector<int64_t, 4> out;
  auto bad = [&] {
    c.error(diag::NotConstant, e->getRange(),
            fmt::format("argument '{}' of '{}' (a list of integers)",
                        what.str(), name.str()));
    return std::nullopt;
  };
  if (!v)
    return bad();
  if (v->kind == ConstValue::Kind::Int) {
    out.push_back(v->i);
  } else if (v->kind == ConstValue::Kind::Tuple) {
    for (const ConstValue &x : v->elems) {
      if (x.kind != ConstValue::Kind::Int) {
        argType(e, what, "a list of integers", t);
        return std::nullopt;
      }
      out.push_back(x.i);
    }
  } else {
    argType(e, what, "a list of integers", t);
    return std::nullopt;
  }
  // Shape lists are i64 values (literal elements adapt).
  if (t->isTensor() && isUntyped(t->getElem()))
    c.convertTo(e, t, types.withElem(t, Elem::I64));
  else if (t->isTuple() && t->hasUntyped()) {
    std::vector<const Type *> elems;
    for (const Type *x : t->getElements())
      elems.push_back(x->isTensor() ? types.withElem(x, Elem::I64) : x);
    c.convertTo(e, t, types.tuple(elems));
  }
  return out;
}

bool BuiltinCall::axes(const ast::Expr *e, unsigned rank, bool allowMany,
                       llvm::SmallVectorImpl<unsigned> &out) {
  if (!e) {
    for (unsigned i = 0; i < rank; ++i)
      out.push_back(i);
    return true;
  }
  auto list = intList(e, "axis");
  if (!list)
    return false;
  if (!allowMany && list->size() != 1) {
    argType(e, "axis", "a single integer", c.typeOf(e));
    return false;
  }
  for (int64_t a : *list) {
    auto n = shapes::normalizeAxis(a, rank);
    if (!n) {
      c.error(diag::AxisOutOfRange, e->getRange(), a, int64_t(rank));
      return false;
    }
    if (llvm::is_contained(out, *n)) {
      c.error(diag::DuplicateAxis, e->getRange(), a);
      return false;
    }
    out.push_back(*n);
  }
  return true;
}

std::optional<Elem> BuiltinCall::dtype(const ast::Expr *e) {
  if (auto *d = llvm::dyn_cast<ast::DTypeExpr>(e)) {
    c.setType(e, types.scalar(fromDType(d->getDType())));
    return fromDType(d->getDType());
  }
  if (auto *n = llvm::dyn_cast<ast::NameExpr>(e))
    if (!c.lookupLocal(n->getName()))
      if (const ast::GenericParamDecl *p = c.env.findParam(n->getName()))
        if (c.sema.roleOf(p) == GenericRole::DType && c.env.bindings) {
          auto it = c.env.bindings->find(p);
          if (it != c.env.bindings->end()) {
            n->resolved = p;
            c.setType(e, types.scalar(it->second.dtype));
            return it->second.dtype;
          }
        }
  const Type *t = c.checkExpr(e);
  if (!t->isError())
    argType(e, "dtype", "a dtype name such as f32", t);
  return std::nullopt;
}

} // namespace tdl::sema
