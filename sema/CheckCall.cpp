//===- CheckCall.cpp - calls, callee resolution, struct literals ----------===//
//
// A call of a user function: arguments are matched to parameters (positional
// first, then by name, then defaults), checked, unified with the declared
// parameter types to infer the generic arguments (Unify.cpp), converted to
// the now-concrete parameter types (literals adapt), and the instance for
// those generic and const arguments is fetched or created.
//
// `grad(f)(x)`: a transform applied to a function is a callee (Transforms.cpp
// gives its signature); a transform that is not called is an error, except
// as the definition of a derived function (`fn g = grad(f);`).
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include "llvm/ADT/StringSwitch.h"

namespace tdl::sema {

std::optional<TransformKind> transformNamed(llvm::StringRef n) {
  return llvm::StringSwitch<std::optional<TransformKind>>(n)
      .Case("grad", TransformKind::Grad)
      .Case("value_and_grad", TransformKind::ValueAndGrad)
      .Case("vjp", TransformKind::VJP)
      .Case("jvp", TransformKind::JVP)
      .Case("checkpoint", TransformKind::Checkpoint)
      .Default(std::nullopt);
}

static std::optional<BuiltinId> builtinNamed(llvm::StringRef n) {
  for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i)
    if (getBuiltinName(BuiltinId(i)) == n)
      return BuiltinId(i);
  return std::nullopt;
}

/// The transform a callee expression applies, if it is `grad(...)` etc.
static std::optional<TransformKind> asTransform(FunctionChecker &c,
                                                const ast::CallExpr *call) {
  auto *n = llvm::dyn_cast<ast::NameExpr>(call->getCallee());
  if (!n)
    return std::nullopt;
  if (c.lookupLocal(n->getName()) || c.module->decls.lookup(n->getName()))
    return std::nullopt; // shadowed by a user declaration
  return transformNamed(n->getName());
}

static Callable fromDecl(FunctionChecker &c, const ast::Decl *d,
                         llvm::SMRange r, llvm::StringRef spelled) {
  Callable out;
  out.range = r;
  out.name = spelled.str();
  if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
    out.kind = Callable::Kind::Function;
    out.func = f;
    out.module = c.sema.moduleOf(f);
    out.name = f->getName().name.str();
    return out;
  }
  if (auto *df = llvm::dyn_cast<ast::DerivedFuncDecl>(d)) {
    std::shared_ptr<Callable> dc = c.sema.derivedCallable(df);
    if (!dc)
      return out;
    Callable copy = *dc;
    copy.range = r;
    return copy;
  }
  c.error(diag::NotCallable, r, spelled);
  return out;
}

Callable FunctionChecker::resolveCallee(const ast::Expr *callee) {
  Callable out;
  out.range = callee->getRange();
  out.name = textOf(callee->getRange()).str();
  if (auto *n = llvm::dyn_cast<ast::NameExpr>(callee)) {
    if (const Local *l = lookupLocal(n->getName())) {
      n->resolved = l->decl;
      if (l->type->isError()) // already reported where it was defined
        instance.hasErrors = true;
      else
        error(diag::ValueNotCallable, n->getRange(), l->type->str());
      return out;
    }
    bool ambiguous = false;
    const ast::Decl *d = sema.lookupTopLevel(module, n->getIdent(), ambiguous);
    if (ambiguous) {
      instance.hasErrors = true;
      return out;
    }
    if (d) {
      n->resolved = d;
      return fromDecl(*this, d, n->getRange(), n->getName());
    }
    if (auto b = builtinNamed(n->getName())) {
      out.kind = Callable::Kind::Builtin;
      out.builtin = *b;
      return out;
    }
    if (transformNamed(n->getName())) {
      error(diag::NotAValue, n->getRange(), n->getName(),
            "a function transform; apply it to a function: grad(f)(x)");
      return out;
    }
    instance.hasErrors = true;
    sema.reportUnknown(n->getIdent(), visibleNames());
    return out;
  }
  if (auto *fe = llvm::dyn_cast<ast::FieldExpr>(callee)) {
    auto *base = llvm::dyn_cast<ast::NameExpr>(fe->getBase());
    if (base && !lookupLocal(base->getName()) &&
        module->findImport(base->getName())) {
      const ast::Decl *d =
          sema.lookupQualified(module, base->getIdent(), fe->getField(), true);
      if (!d) {
        instance.hasErrors = true;
        return out;
      }
      fe->resolved = d;
      instance.fields[fe] = {FieldAccess::Kind::Qualified, 0};
      return fromDecl(*this, d, fe->getRange(), out.name);
    }
  }
  if (auto *inst = llvm::dyn_cast<ast::InstantiateExpr>(callee)) {
    Callable base = resolveCallee(inst->getBase());
    if (base.kind == Callable::Kind::Error)
      return base;
    if (base.kind != Callable::Kind::Function || !base.func->isGeneric() ||
        !base.explicitArgs.empty()) {
      error(diag::GenericArgCount, inst->getRange(), base.name,
            base.func ? int64_t(base.func->getGenericParams().size()) : 0,
            int64_t(inst->getGenericArgs().size()));
      return out;
    }
    if (!sema.evalGenericArgs(inst->getGenericArgs(),
                              base.func->getGenericParams(), env, base.name,
                              inst->getRange(), base.explicitArgs)) {
      instance.hasErrors = true;
      return out;
    }
    base.explicitRange = inst->getRange();
    base.range = inst->getRange();
    return base;
  }
  if (auto *call = llvm::dyn_cast<ast::CallExpr>(callee))
    if (auto kind = asTransform(*this, call)) {
      out.kind = Callable::Kind::Transform;
      out.transform = *kind;
      const ast::Expr *fn = nullptr;
      for (const ast::Argument &a : call->getArgs()) {
        if (a.label.name == "wrt" && *kind != TransformKind::Checkpoint)
          out.wrt = a.value;
        else if (!a.isNamed() && !fn)
          fn = a.value;
        else if (a.isNamed()) {
          errorMisspelled(diag::BuiltinUnknownNamedArg,
                          diag::BuiltinUnknownNamedArgSuggest, a.label, {"wrt"},
                          getTransformName(*kind), a.label.name);
          return Callable();
        } else {
          error(diag::BuiltinUnknownNamedArg, a.value->getRange(),
                getTransformName(*kind), "<positional>");
          return Callable();
        }
      }
      if (!fn) {
        error(diag::TransformNeedsFunction, call->getRange(),
              getTransformName(*kind));
        return Callable();
      }
      Callable primal = resolveCallee(fn);
      if (primal.kind == Callable::Kind::Error)
        return Callable();
      if (primal.kind == Callable::Kind::Builtin) {
        error(diag::TransformNeedsFunction, fn->getRange(),
              getTransformName(*kind));
        return Callable();
      }
      out.primal = std::make_shared<Callable>(std::move(primal));
      out.name = textOf(call->getRange()).str();
      return out;
    }
  const Type *t = checkValue(callee);
  if (!t->isError())
    error(diag::ValueNotCallable, callee->getRange(), t->str());
  return out;
}

/// `prod(S)` / `rank(S)` of a shape pack in a body: an i64 constant.
static std::optional<int64_t> packFunction(FunctionChecker &c,
                                           const ast::CallExpr *e) {
  auto *callee = llvm::dyn_cast<ast::NameExpr>(e->getCallee());
  if (!callee || (callee->getName() != "prod" && callee->getName() != "rank") ||
      e->getArgs().size() != 1 || e->getArgs()[0].isNamed())
    return std::nullopt;
  auto *arg = llvm::dyn_cast<ast::NameExpr>(e->getArgs()[0].value);
  if (!arg || c.lookupLocal(arg->getName()))
    return std::nullopt;
  const ast::GenericParamDecl *p = c.env.findParam(arg->getName());
  if (!p || !p->isPack() || !c.env.bindings)
    return std::nullopt;
  auto it = c.env.bindings->find(p);
  if (it == c.env.bindings->end())
    return std::nullopt;
  arg->resolved = p;
  const Shape &s = it->second.pack;
  if (callee->getName() == "rank")
    return int64_t(s.size());
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

const Type *FunctionChecker::checkCall(const ast::CallExpr *e) {
  if (auto v = packFunction(*this, e)) {
    instance.constants[e] = ConstValue::ofInt(*v);
    return types.scalar(Elem::I64);
  }
  if (auto kind = asTransform(*this, e)) {
    error(diag::NotAValue, e->getRange(), textOf(e->getRange()),
          "a function; call it with arguments");
    return types.error();
  }
  Callable c = resolveCallee(e->getCallee());
  ResolvedCall rc;
  const Type *t = callCallable(c, e, e->getArgs(), rc);
  if (!t->isError())
    instance.calls[e] = std::move(rc);
  return t;
}

const Type *FunctionChecker::callCallable(const Callable &c,
                                          const ast::CallExpr *call,
                                          llvm::ArrayRef<ast::Argument> args,
                                          ResolvedCall &out) {
  switch (c.kind) {
  case Callable::Kind::Error:
    for (const ast::Argument &a : args)
      checkExpr(a.value);
    return types.error();
  case Callable::Kind::Builtin:
    return callBuiltin(c.builtin, call, args, out);
  case Callable::Kind::Function: {
    lastCallOrigin.reset();
    FuncInstance *f = callFunction(c, call, args, out);
    if (f && lastCallOrigin)
      callOrigins[call] = std::move(*lastCallOrigin);
    return f ? f->resultType : types.error();
  }
  case Callable::Kind::Transform:
    return callTransform(c, call, args, out);
  }
  return types.error();
}

FuncInstance *FunctionChecker::callFunction(const Callable &c,
                                            const ast::CallExpr *call,
                                            llvm::ArrayRef<ast::Argument> args,
                                            ResolvedCall &out) {
  const ast::FuncDecl *f = c.func;
  auto params = f->getParams();
  std::vector<ArgSlot> slots(params.size());
  bool ok = true;
  size_t positional = 0;
  for (const ast::Argument &a : args) {
    size_t index;
    if (!a.isNamed()) {
      index = positional++;
      if (index >= params.size()) {
        error(diag::CallArgCount, a.value->getRange(), c.name,
              int64_t(params.size()), int64_t(args.size()));
        ok = false;
        checkExpr(a.value);
        continue;
      }
    } else {
      auto it = llvm::find_if(params, [&](const ast::ParamDecl *p) {
        return p->getName().name == a.label.name;
      });
      if (it == params.end()) {
        std::vector<llvm::StringRef> names;
        for (const ast::ParamDecl *p : params)
          names.push_back(p->getName().name);
        errorMisspelled(diag::CallUnknownNamedArg,
                        diag::CallUnknownNamedArgSuggest, a.label, names,
                        c.name, a.label.name);
        ok = false;
        checkExpr(a.value);
        continue;
      }
      index = it - params.begin();
    }
    if (slots[index].expr) {
      error(diag::CallDuplicateArg, a.value->getRange(),
            params[index]->getName().name);
      ok = false;
      continue;
    }
    slots[index].expr = a.value;
    slots[index].range = a.value->getRange();
    slots[index].type = checkExpr(a.value);
    ok &= !slots[index].type->isError();
  }
  for (size_t i = 0; i < params.size(); ++i)
    if (!slots[i].expr && !params[i]->getDefault()) {
      error(diag::CallMissingArg, call->getRange(), params[i]->getName().name,
            c.name);
      ok = false;
    }
  if (!ok)
    return nullptr;

  // Infer the generic arguments.
  Bindings b;
  sema.bindingOrigins.clear();
  for (size_t i = 0; i < c.explicitArgs.size(); ++i) {
    b[f->getGenericParams()[i]] = c.explicitArgs[i];
    sema.bindingOrigins[f->getGenericParams()[i]] = {
        BindingOrigin::Kind::Explicit, "", c.explicitRange};
  }
  TypeEnv calleeEnv{c.module, f->getGenericParams(), &b};
  sema.untypedDTypes.clear();
  sema.deferredDims.clear();
  // Stop at the first failure: one mistake, one diagnostic.
  for (size_t i = 0; i < params.size() && ok; ++i)
    if (slots[i].expr &&
        !sema.unify(params[i]->getParamType(), slots[i].type, calleeEnv, b,
                    c.name, params[i]->getName().name, slots[i].range))
      ok = false;
  if (ok)
    ok = sema.solveDeferred(calleeEnv, b, c.name);
  // A dtype parameter that only literals met takes the literal default
  // (a float literal wins over an integer one).
  std::stable_sort(sema.untypedDTypes.begin(), sema.untypedDTypes.end(),
                   [](auto &x, auto &y) {
                     return x.second == Elem::UntypedFloat &&
                            y.second != Elem::UntypedFloat;
                   });
  for (auto &[p, el] : sema.untypedDTypes)
    if (!b.count(p)) {
      GenericValue v;
      v.kind = GenericValue::Kind::DType;
      v.dtype = defaultElem(el);
      // An integer literal adapts to a float-constrained parameter, as it
      // does to a float-only builtin.
      if (p->getConstraint() == ast::GenericParamDecl::Constraint::Float)
        v.dtype = Elem::F32;
      b[p] = v;
      sema.bindingOrigins[p] = {BindingOrigin::Kind::LiteralDefault, "", {}};
    }
  if (!ok) {
    instance.hasErrors = true;
    return nullptr;
  }
  // Checking the instance's body unifies other calls: keep these now.
  BindingOrigins origins = sema.bindingOrigins;
  for (const ast::GenericParamDecl *p : f->getGenericParams()) {
    auto it = b.find(p);
    if (it == b.end()) {
      error(diag::GenericUninferred, call->getRange(), p->getName().name,
            c.name)
          .note(diag::GenericParamHere, p->getName().getRange(),
                p->getName().name);
      return nullptr;
    }
    using C = ast::GenericParamDecl::Constraint;
    Elem el = it->second.dtype;
    bool good = true;
    const char *what = "";
    switch (p->getConstraint()) {
    case C::None:
      break;
    case C::Float:
      good = isFloat(el);
      what = "float";
      break;
    case C::Int:
      good = isInt(el);
      what = "integer";
      break;
    case C::Num:
      good = el != Elem::Bool;
      what = "numeric";
      break;
    }
    if (!good) {
      error(diag::GenericConstraint, call->getRange(), p->getName().name,
            c.name, what, elemName(el))
          .note(diag::GenericParamHere, p->getName().getRange(),
                p->getName().name);
      return nullptr;
    }
  }

  // Convert the arguments to the concrete parameter types.
  std::vector<std::optional<ConstValue>> constArgs(params.size());
  out.args.assign(params.size(), CallArg());
  for (size_t i = 0; i < params.size(); ++i) {
    const Type *pt = sema.resolveType(params[i]->getParamType(), calleeEnv);
    if (pt->isError())
      return nullptr;
    CallArg &arg = out.args[i];
    arg.type = pt;
    if (!slots[i].expr) {
      arg.value = sema.evalDefault(params[i], pt, calleeEnv);
      if (!arg.value)
        return nullptr;
    } else {
      arg.expr = slots[i].expr;
      Conversion conv = convertTo(slots[i].expr, slots[i].type, pt);
      if (conv == Conversion::Mismatch) {
        DiagnosticBuilder d = error(diag::ArgTypeMismatch, slots[i].range,
                                    params[i]->getName().name, c.name,
                                    pt->str(), slots[i].type->str());
        noteLiteralDefault(d, slots[i].expr);
      }
      if (conv != Conversion::Ok)
        return nullptr;
      arg.value = constantOf(slots[i].expr);
    }
    if (params[i]->isConst()) {
      if (!arg.value) {
        error(diag::NotConstant, slots[i].range,
              "the argument of const parameter '" +
                  params[i]->getName().name.str() + "'");
        return nullptr;
      }
      constArgs[i] = arg.value;
    }
  }
  sema.pendingInstanceOrigins = origins;
  FuncInstance *inst = sema.getInstance(f, b, constArgs, call->getRange());
  if (!inst) {
    instance.hasErrors = true;
    return nullptr;
  }
  std::string how = describeBindings(
      paramsMentioned(f->getResultType(), calleeEnv), b, origins);
  if (!how.empty())
    lastCallOrigin = ShapeOrigin{inst->name, how, call->getRange()};
  out.kind = ResolvedCall::Kind::Function;
  out.function = inst;
  return inst;
}

bool FunctionChecker::instantiatePrimal(const Callable &c,
                                        const ast::CallExpr *call,
                                        llvm::ArrayRef<ast::Argument> args,
                                        FuncInstance *&fn,
                                        DerivedInstance *&derived) {
  const Callable &p = *c.primal;
  if (p.kind == Callable::Kind::Function) {
    size_t n = std::min(p.func->getParams().size(), args.size());
    ResolvedCall scratchCall;
    fn = callFunction(p, call, args.take_front(n), scratchCall);
    return fn != nullptr;
  }
  if (p.kind != Callable::Kind::Transform)
    return false;
  FuncInstance *innerFn = nullptr;
  DerivedInstance *innerDerived = nullptr;
  if (!instantiatePrimal(p, call, args, innerFn, innerDerived))
    return false;
  derived =
      sema.makeDerived(p.transform, innerFn, innerDerived, p.wrt, p.range);
  return derived != nullptr;
}

const Type *FunctionChecker::callTransform(const Callable &c,
                                           const ast::CallExpr *call,
                                           llvm::ArrayRef<ast::Argument> args,
                                           ResolvedCall &out) {
  for (const ast::Argument &a : args)
    if (a.isNamed()) {
      error(diag::CallUnknownNamedArg, a.label.getRange(), c.name,
            a.label.name);
      return types.error();
    }
  FuncInstance *fn = nullptr;
  DerivedInstance *inner = nullptr;
  if (!instantiatePrimal(c, call, args, fn, inner)) {
    instance.hasErrors = true;
    return types.error();
  }
  DerivedInstance *d = sema.makeDerived(c.transform, fn, inner, c.wrt, c.range);
  if (!d) {
    instance.hasErrors = true;
    return types.error();
  }
  auto params = d->type->getParams();
  if (args.size() != params.size()) {
    error(diag::CallArgCount, call->getRange(), c.name, int64_t(params.size()),
          int64_t(args.size()));
    return types.error();
  }
  out.kind = ResolvedCall::Kind::Derived;
  out.derived = d;
  for (size_t i = 0; i < args.size(); ++i) {
    const Type *at = typeOf(args[i].value);
    if (!at)
      at = checkExpr(args[i].value);
    Conversion conv = convertTo(args[i].value, at, params[i]);
    if (conv == Conversion::Mismatch)
      error(diag::ArgTypeMismatch, args[i].value->getRange(),
            sema.paramNamesOf(nullptr, d)[i], d->name, params[i]->str(),
            types.defaulted(at)->str());
    if (conv != Conversion::Ok)
      return types.error();
    out.args.push_back({args[i].value, constantOf(args[i].value), params[i]});
  }
  return d->type->getResult();
}

const Type *
FunctionChecker::checkStructLiteral(const ast::StructLiteralExpr *e) {
  const ast::NamedTypeExpr *nt = e->getStructType();
  bool ambiguous = false;
  const ast::Decl *d =
      nt->isQualified()
          ? sema.lookupQualified(module, nt->getPath()[0], nt->getName(), true)
          : sema.lookupTopLevel(module, nt->getName(), ambiguous);
  auto *sd = llvm::dyn_cast_or_null<ast::StructDecl>(d);
  auto checkFieldsOnly = [&] {
    for (const ast::FieldInit &fi : e->getFields())
      checkExpr(fi.value);
    instance.hasErrors = true;
    return types.error();
  };
  if (!sd) {
    if (d)
      error(diag::NotAType, nt->getRange(), textOf(nt->getRange()));
    else if (!ambiguous && !nt->isQualified()) {
      DiagnosticBuilder b =
          error(diag::UnknownType, nt->getRange(), textOf(nt->getRange()));
      sema.noteMissingImport(b, nt->getName());
    }
    return checkFieldsOnly();
  }
  nt->resolved = sd;
  // Every field exactly once.
  auto fields = sd->getFields();
  std::vector<const ast::FieldInit *> given(fields.size(), nullptr);
  bool ok = true;
  for (const ast::FieldInit &fi : e->getFields()) {
    auto it = llvm::find_if(fields, [&](const ast::FieldDecl *f) {
      return f->getName().name == fi.name.name;
    });
    if (it == fields.end()) {
      std::vector<llvm::StringRef> names;
      for (const ast::FieldDecl *f : fields)
        names.push_back(f->getName().name);
      errorMisspelled(diag::StructFieldUnknown, diag::StructFieldUnknownSuggest,
                      fi.name, names, sd->getName().name, fi.name.name);
      ok = false;
      continue;
    }
    size_t i = it - fields.begin();
    if (given[i]) {
      error(diag::StructFieldDuplicate, fi.name.getRange(), fi.name.name);
      ok = false;
      continue;
    }
    given[i] = &fi;
  }
  for (size_t i = 0; i < fields.size(); ++i)
    if (!given[i]) {
      error(diag::StructFieldMissing, e->getRange(), fields[i]->getName().name,
            sd->getName().name);
      ok = false;
    }
  std::vector<const Type *> valueTypes(fields.size(), types.error());
  for (size_t i = 0; i < fields.size(); ++i)
    if (given[i]) {
      valueTypes[i] = checkExpr(given[i]->value);
      ok &= !valueTypes[i]->isError();
    }
  if (!ok)
    return types.error();

  const StructInstance *si = nullptr;
  if (nt->hasGenericArgList() || sd->getGenericParams().empty()) {
    const Type *t = sema.resolveType(nt, env);
    if (t->isError())
      return t;
    si = t->getStruct();
  } else {
    Bindings b;
    TypeEnv senv{sema.moduleOf(sd), sd->getGenericParams(), &b};
    sema.untypedDTypes.clear();
    sema.deferredDims.clear();
    for (size_t i = 0; i < fields.size(); ++i)
      ok &= sema.unify(fields[i]->getFieldType(), valueTypes[i], senv, b,
                       sd->getName().name, fields[i]->getName().name,
                       given[i]->value->getRange());
    ok = ok && sema.solveDeferred(senv, b, sd->getName().name);
    for (auto &[p, el] : sema.untypedDTypes)
      if (!b.count(p)) {
        GenericValue v;
        v.kind = GenericValue::Kind::DType;
        v.dtype = defaultElem(el);
        b[p] = v;
      }
    if (!ok)
      return types.error();
    std::vector<GenericValue> args;
    for (const ast::GenericParamDecl *p : sd->getGenericParams()) {
      if (!b.count(p)) {
        error(diag::GenericUninferred, e->getRange(), p->getName().name,
              sd->getName().name)
            .note(diag::GenericParamHere, p->getName().getRange(),
                  p->getName().name);
        return types.error();
      }
      args.push_back(b[p]);
    }
    si = sema.instantiateStruct(sd, args, e->getRange());
  }
  if (!si)
    return types.error();
  for (size_t i = 0; i < fields.size(); ++i) {
    Conversion conv =
        convertTo(given[i]->value, valueTypes[i], si->fieldTypes[i]);
    if (conv == Conversion::Mismatch)
      error(diag::ArgTypeMismatch, given[i]->value->getRange(),
            fields[i]->getName().name, si->name, si->fieldTypes[i]->str(),
            valueTypes[i]->str());
    if (conv != Conversion::Ok)
      return types.error();
  }
  return types.structType(si);
}

} // namespace tdl::sema
