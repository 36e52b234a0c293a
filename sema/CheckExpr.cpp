//===- CheckExpr.cpp - names, literals, tuples, fields, indexing ----------===//
#include "sema/FunctionChecker.h"

namespace tdl::sema {

FunctionChecker::FunctionChecker(Sema &sema, FuncInstance &instance,
                                 ModuleInfo *module, TypeEnv env,
                                 const ast::FuncDecl *decl,
                                 llvm::SMRange instantiatedFrom)
    : sema(sema), types(sema.types), instance(instance), module(module),
      env(env), decl(decl), instantiatedFrom(instantiatedFrom) {
  scopes.emplace_back();
  if (!decl)
    return;
  for (size_t i = 0; i < decl->getParams().size(); ++i) {
    const ast::ParamDecl *p = decl->getParams()[i];
    Local l;
    l.decl = p;
    l.type =
        i < instance.paramTypes.size() ? instance.paramTypes[i] : types.error();
    if (i < instance.constArgs.size())
      l.value = instance.constArgs[i];
    scopes.back()[p->getName().name] = l;
  }
}

/// "more than 2^40", or the exact count when it fits in an int64.
static std::string elementCountText(llvm::ArrayRef<int64_t> shape) {
  unsigned __int128 n = 1;
  for (int64_t d : shape) {
    n *= uint64_t(d);
    if (n > uint64_t(INT64_MAX))
      return "more than 2^63";
  }
  return std::to_string(uint64_t(n));
}

void FunctionChecker::setType(const ast::Expr *e, const Type *t) {
  // A value too large for any memory is an error where it appears (a
  // broadcast, an outer product, zeros([...])), not an allocation failure
  // at run time (docs/language.md "Limits").
  if (const Type *big = oversizedTensorIn(t)) {
    error(diag::TensorTooLarge, e->getRange(),
          "this value of type " + big->str(),
          elementCountText(big->getShape()));
    t = sema.types.error();
  }
  instance.exprTypes[e] = t;
  // The AST slot is shared by every instance: only non-generic code owns it.
  if (decl && !decl->isGeneric() && !t->hasUntyped())
    e->type = t;
}

const FunctionChecker::Local *
FunctionChecker::lookupLocal(llvm::StringRef name) const {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end())
      return &found->second;
  }
  return nullptr;
}

std::vector<llvm::StringRef> FunctionChecker::visibleNames() const {
  std::vector<llvm::StringRef> names;
  for (auto &scope : scopes)
    for (auto &e : scope)
      names.push_back(e.getKey());
  for (const ast::GenericParamDecl *p : env.params)
    names.push_back(p->getName().name);
  sema.collectTopLevelNames(module, names);
  return names;
}

std::optional<ConstValue>
FunctionChecker::constantOf(const ast::Expr *e) const {
  auto it = instance.constants.find(e);
  if (it == instance.constants.end())
    return std::nullopt;
  return it->second;
}

const Type *FunctionChecker::checkValue(const ast::Expr *e) {
  return materialize(e, checkExpr(e));
}

static const char *describeDecl(const ast::Decl *d) {
  switch (d->getKind()) {
  case ast::NodeKind::FuncDecl:
  case ast::NodeKind::DerivedFuncDecl:
    return "a function";
  case ast::NodeKind::StructDecl:
    return "a struct";
  default:
    return "a declaration";
  }
}

/// A name used as a value.
static const Type *checkName(FunctionChecker &c, const ast::NameExpr *e) {
  TypeContext &types = c.types;
  if (const FunctionChecker::Local *l = c.lookupLocal(e->getName())) {
    e->resolved = l->decl;
    if (l->value)
      c.instance.constants[e] = *l->value;
    if (l->type->isTensor() && isUntyped(l->type->getElem()))
      if (auto *v = llvm::dyn_cast<ast::VarDecl>(l->decl))
        c.untypedLocals[v].uses.push_back(e);
    return l->type;
  }
  if (const ast::GenericParamDecl *p = c.env.findParam(e->getName())) {
    e->resolved = p;
    GenericRole role = c.sema.roleOf(p);
    if (role == GenericRole::DType) {
      c.error(diag::NotAValue, e->getRange(), e->getName(),
              "a dtype parameter");
      return types.error();
    }
    if (role == GenericRole::Pack) {
      // A shape pack used as a value is its dims, an i64[rank(S)] constant:
      // `reshape(y, S)`, `uniform(seed, S)`.
      const GenericValue *v = nullptr;
      if (c.env.bindings) {
        auto it = c.env.bindings->find(p);
        if (it != c.env.bindings->end())
          v = &it->second;
      }
      if (!v)
        return types.error();
      ConstValue dims;
      dims.kind = ConstValue::Kind::Tuple;
      for (int64_t d : v->pack)
        dims.elems.push_back(ConstValue::ofInt(d));
      c.instance.constants[e] = dims;
      return types.tensor(Elem::I64, {int64_t(v->pack.size())});
    }
    // LANGUAGE.md 2: a dim parameter in a body is an i64 constant.
    if (c.env.bindings) {
      auto it = c.env.bindings->find(p);
      if (it != c.env.bindings->end())
        c.instance.constants[e] = ConstValue::ofInt(it->second.dim);
    }
    return types.scalar(Elem::I64);
  }
  bool ambiguous = false;
  const ast::Decl *d =
      c.sema.lookupTopLevel(c.module, e->getIdent(), ambiguous);
  if (ambiguous)
    return types.error();
  if (d) {
    e->resolved = d;
    if (auto *k = llvm::dyn_cast<ast::ConstDecl>(d)) {
      const Type *t = nullptr;
      const ConstValue *v = c.sema.moduleConst(k, &t, e->getRange());
      if (!v)
        return types.error();
      c.instance.constants[e] = *v;
      return t;
    }
    c.error(diag::NotAValue, e->getRange(), e->getName(), describeDecl(d));
    return types.error();
  }
  if (c.module->findImport(e->getName())) {
    c.error(diag::NotAValue, e->getRange(), e->getName(), "a module");
    return types.error();
  }
  for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i)
    if (getBuiltinName(BuiltinId(i)) == e->getName()) {
      c.error(diag::NotAValue, e->getRange(), e->getName(),
              "a builtin function");
      return types.error();
    }
  if (transformNamed(e->getName())) {
    c.error(diag::NotAValue, e->getRange(), e->getName(),
            "a function transform; apply it to a function: grad(f)(x)");
    return types.error();
  }
  c.instance.hasErrors = true;
  c.sema.reportUnknown(e->getIdent(), c.visibleNames());
  return types.error();
}

/// `..S` in a tensor literal: S's dims as an i64 constant vector.
static const Type *checkPackSplice(FunctionChecker &c,
                                   const ast::PackSpliceExpr *e) {
  const ast::GenericParamDecl *p = c.env.findParam(e->getPack().name);
  if (!p || c.sema.roleOf(p) != GenericRole::Pack) {
    c.error(diag::PackSpliceNotPack, e->getRange(), e->getPack().name);
    return c.types.error();
  }
  const GenericValue *v = nullptr;
  if (c.env.bindings)
    if (auto it = c.env.bindings->find(p); it != c.env.bindings->end())
      v = &it->second;
  if (!v)
    return c.types.error();
  ConstValue dims;
  dims.kind = ConstValue::Kind::Tuple;
  for (int64_t d : v->pack)
    dims.elems.push_back(ConstValue::ofInt(d));
  c.instance.constants[e] = dims;
  return c.types.tensor(Elem::I64, {int64_t(v->pack.size())});
}

/// `[B, ..S]`, `[..S, 1]`: a list of i64 scalars with packs spliced in.
static const Type *checkSplicedList(FunctionChecker &c,
                                    const ast::TensorLiteralExpr *e) {
  TypeContext &types = c.types;
  const Type *i64 = types.scalar(Elem::I64);
  ConstValue value;
  value.kind = ConstValue::Kind::Tuple;
  bool allConst = true, ok = true;
  int64_t count = 0;
  for (const ast::Expr *x : e->getElements()) {
    if (auto *splice = llvm::dyn_cast<ast::PackSpliceExpr>(x)) {
      const Type *t = checkPackSplice(c, splice);
      c.setType(x, t);
      if (t->isError()) {
        ok = false;
        continue;
      }
      count += t->getShape()[0];
      std::optional<ConstValue> dims = c.constantOf(x);
      value.elems.insert(value.elems.end(), dims->elems.begin(),
                         dims->elems.end());
      continue;
    }
    const Type *t = c.checkExpr(x);
    if (t->isError()) {
      ok = false;
      continue;
    }
    auto conv = c.convertTo(x, t, i64);
    if (conv == FunctionChecker::Conversion::Mismatch)
      c.error(diag::PackSpliceElement, x->getRange(), t->str());
    if (conv != FunctionChecker::Conversion::Ok) {
      ok = false;
      continue;
    }
    ++count;
    if (auto v = c.constantOf(x))
      value.elems.push_back(*v);
    else
      allConst = false;
  }
  if (!ok)
    return types.error();
  if (allConst)
    c.instance.constants[e] = value;
  return types.tensor(Elem::I64, {count});
}

static const Type *checkTensorLiteral(FunctionChecker &c,
                                      const ast::TensorLiteralExpr *e) {
  TypeContext &types = c.types;
  auto elems = e->getElements();
  if (llvm::any_of(elems, [](const ast::Expr *x) {
        return llvm::isa<ast::PackSpliceExpr>(x);
      }))
    return checkSplicedList(c, e);
  if (elems.empty()) {
    c.error(diag::TensorLiteralEmpty, e->getRange());
    return types.error();
  }
  std::vector<const Type *> ts;
  bool allConst = true;
  ConstValue value;
  value.kind = ConstValue::Kind::Tuple;
  for (const ast::Expr *x : elems) {
    const Type *t = c.checkExpr(x);
    if (t->isError())
      return types.error();
    if (!t->isTensor()) {
      t = c.materialize(x, t);
      c.error(diag::TensorLiteralElement, x->getRange(), t->str());
      return types.error();
    }
    ts.push_back(t);
    if (auto v = c.constantOf(x))
      value.elems.push_back(*v);
    else
      allConst = false;
  }
  // The element type: a typed element decides; else the widest literal kind.
  std::optional<Elem> typed;
  bool anyFloat = false;
  for (size_t i = 0; i < ts.size(); ++i) {
    Elem el = ts[i]->getElem();
    anyFloat |= el == Elem::UntypedFloat;
    if (isUntyped(el))
      continue;
    if (typed && *typed != el) {
      c.error(diag::DTypeMismatch, elems[i]->getRange(), elemName(*typed),
              elemName(el), "[...]");
      return types.error();
    }
    typed = el;
  }
  Elem el = typed ? *typed : anyFloat ? Elem::UntypedFloat : Elem::UntypedInt;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i]->getShape() != ts[0]->getShape()) {
      c.error(diag::TensorLiteralRagged, elems[i]->getRange(), int64_t(i),
              ts[i]->str(), ts[0]->str());
      return types.error();
    }
    if (typed && isUntyped(ts[i]->getElem())) {
      auto conv = c.convertTo(elems[i], ts[i], types.withElem(ts[i], *typed));
      if (conv != FunctionChecker::Conversion::Ok) {
        // convertTo already said what is wrong unless it was a plain mismatch.
        if (conv == FunctionChecker::Conversion::Mismatch)
          c.error(diag::TypeMismatch, elems[i]->getRange(), elemName(*typed),
                  ts[i]->str());
        return types.error();
      }
    }
  }
  Shape shape{int64_t(elems.size())};
  shape.append(ts[0]->getShape().begin(), ts[0]->getShape().end());
  if (allConst)
    c.instance.constants[e] = value;
  return types.tensor(el, shape);
}

static const Type *checkField(FunctionChecker &c, const ast::FieldExpr *e) {
  TypeContext &types = c.types;
  // `nn.LR`: a module-qualified name (unless a local shadows the module).
  if (auto *base = llvm::dyn_cast<ast::NameExpr>(e->getBase()))
    if (!c.lookupLocal(base->getName()) && !c.env.findParam(base->getName()) &&
        !c.module->decls.lookup(base->getName()) &&
        c.module->findImport(base->getName())) {
      c.instance.fields[e] = {FieldAccess::Kind::Qualified, 0};
      const ast::Decl *d = c.sema.lookupQualified(c.module, base->getIdent(),
                                                  e->getField(), true);
      if (!d) {
        c.instance.hasErrors = true;
        return types.error();
      }
      e->resolved = d;
      if (auto *k = llvm::dyn_cast<ast::ConstDecl>(d)) {
        const Type *t = nullptr;
        const ConstValue *v = c.sema.moduleConst(k, &t, e->getRange());
        if (!v)
          return types.error();
        c.instance.constants[e] = *v;
        return t;
      }
      c.error(diag::NotAValue, e->getRange(), textOf(e->getRange()),
              describeDecl(d));
      return types.error();
    }
  const Type *bt = c.checkValue(e->getBase());
  if (bt->isError())
    return bt;
  if (auto idx = e->getTupleIndex()) {
    if (!bt->isTuple()) {
      c.error(diag::NoSuchField, e->getField().getRange(), bt->str(),
              e->getField().name);
      return types.error();
    }
    if (*idx >= bt->getElements().size()) {
      c.error(diag::TupleIndexOutOfRange, e->getField().getRange(),
              int64_t(*idx), bt->str());
      return types.error();
    }
    c.instance.fields[e] = {FieldAccess::Kind::TupleElement, unsigned(*idx)};
    return bt->getElements()[*idx];
  }
  if (bt->isStruct()) {
    if (auto i = bt->getStruct()->findField(e->getField().name)) {
      c.instance.fields[e] = {FieldAccess::Kind::StructField, *i};
      return bt->getStruct()->fieldTypes[*i];
    }
  } else if (bt->isTensor() && e->getField().name == "T") {
    if (bt->getRank() != 2) {
      c.error(diag::TransposeNot2D, e->getRange(), bt->str());
      return types.error();
    }
    c.instance.fields[e] = {FieldAccess::Kind::Transpose, 0};
    return types.tensor(bt->getElem(), {bt->getShape()[1], bt->getShape()[0]});
  }
  std::vector<llvm::StringRef> fields;
  if (bt->isStruct())
    fields = bt->getStruct()->fieldNames;
  c.errorMisspelled(diag::NoSuchField, diag::NoSuchFieldSuggest, e->getField(),
                    fields, bt->str(), e->getField().name);
  return types.error();
}

/// A constant index or slice bound: an integer constant.
static std::optional<int64_t> constIndex(FunctionChecker &c,
                                         const ast::Expr *x) {
  const Type *t = c.checkExpr(x);
  if (t->isError())
    return std::nullopt;
  auto v = c.constantOf(x);
  if (!t->isScalar() || !isInt(t->getElem()) || !v ||
      v->kind != ConstValue::Kind::Int) {
    if (!t->isScalar() || !isInt(t->getElem()))
      c.error(diag::IndexNotInt, x->getRange(), t->str());
    else
      c.error(diag::SliceBoundNotConstant, x->getRange());
    return std::nullopt;
  }
  if (isUntyped(t->getElem()))
    c.convertTo(x, t, c.types.scalar(Elem::I64));
  return v->i;
}

static const Type *checkIndex(FunctionChecker &c, const ast::IndexExpr *e) {
  TypeContext &types = c.types;
  const Type *bt = c.checkValue(e->getBase());
  if (bt->isError())
    return bt;
  if (!bt->isTensor()) {
    c.error(diag::NotIndexable, e->getBase()->getRange(), bt->str());
    return types.error();
  }
  auto indices = e->getIndices();
  if (indices.size() > bt->getRank()) {
    c.error(diag::TooManyIndices, e->getRange(), int64_t(indices.size()),
            bt->str());
    return types.error();
  }
  std::vector<IndexEntry> entries;
  Shape out;
  bool ok = true;
  for (size_t i = 0; i < indices.size(); ++i) {
    int64_t dim = bt->getShape()[i];
    IndexEntry entry;
    if (auto *s = llvm::dyn_cast<ast::SliceExpr>(indices[i])) {
      entry.kind = IndexEntry::Kind::Slice;
      int64_t lo = 0, hi = dim;
      if (s->getLo()) {
        auto v = constIndex(c, s->getLo());
        ok &= v.has_value();
        lo = v.value_or(0);
      }
      if (s->getHi()) {
        auto v = constIndex(c, s->getHi());
        ok &= v.has_value();
        hi = v.value_or(dim);
      }
      // NumPy: negatives count from the end; bounds clamp to the dim.
      if (lo < 0)
        lo += dim;
      if (hi < 0)
        hi += dim;
      lo = std::clamp<int64_t>(lo, 0, dim);
      hi = std::clamp<int64_t>(hi, lo, dim);
      entry.lo = lo;
      entry.hi = hi;
      c.setType(s, types.tensor(Elem::I64, {2}));
      out.push_back(hi - lo);
      entries.push_back(entry);
      continue;
    }
    const Type *t = c.checkExpr(indices[i]);
    if (t->isError()) {
      ok = false;
      continue;
    }
    if (!t->isScalar() || !isInt(t->getElem())) {
      c.error(diag::IndexNotInt, indices[i]->getRange(), t->str());
      ok = false;
      continue;
    }
    if (auto v = c.constantOf(indices[i]);
        v && v->kind == ConstValue::Kind::Int) {
      if (v->i < -dim || v->i >= dim) {
        c.error(diag::IndexOutOfRange, indices[i]->getRange(), v->i, int64_t(i),
                dim);
        ok = false;
        continue;
      }
      entry.kind = IndexEntry::Kind::Const;
      entry.index = v->i < 0 ? v->i + dim : v->i;
    } else {
      entry.kind = IndexEntry::Kind::Dynamic;
      entry.expr = indices[i];
      if (t->getElem() != Elem::I64 && !isUntyped(t->getElem())) {
        // Dynamic indices are i64 (spec section 5); say what to write.
        c.error(diag::TypeMismatch, indices[i]->getRange(), "an i64 index",
                t->str() + " (convert it with 'as i64')");
        ok = false;
        continue;
      }
    }
    if (isUntyped(t->getElem()))
      c.convertTo(indices[i], t, types.scalar(Elem::I64));
    entries.push_back(entry);
  }
  if (!ok)
    return types.error();
  for (size_t i = indices.size(); i < bt->getRank(); ++i)
    out.push_back(bt->getShape()[i]);
  c.instance.indexes[e] = std::move(entries);
  return types.tensor(bt->getElem(), out);
}

static const Type *checkIfExpr(FunctionChecker &c, const ast::IfExpr *e) {
  TypeContext &types = c.types;
  const Type *ct = c.checkValue(e->getCond());
  if (!ct->isError() && !(ct->isScalar() && ct->getElem() == Elem::Bool))
    c.error(diag::ConditionNotBool, e->getCond()->getRange(), ct->str());
  auto branch = [&](const ast::BlockStmt *b) -> const Type * {
    c.scopes.emplace_back();
    c.checkBlock(b, false);
    const Type *t = b->getValue() ? c.checkExpr(b->getValue()) : types.unit();
    c.popScope();
    return t;
  };
  const Type *a = branch(e->getThen());
  const Type *b = branch(e->getElse());
  if (a->isError() || b->isError())
    return types.error();
  const ast::Expr *av = e->getThen()->getValue();
  const ast::Expr *bv = e->getElse()->getValue();
  if (a->hasUntyped() && !b->hasUntyped() && av &&
      c.convertTo(av, a, b) == FunctionChecker::Conversion::Ok)
    return b;
  if (b->hasUntyped() && !a->hasUntyped() && bv &&
      c.convertTo(bv, b, a) == FunctionChecker::Conversion::Ok)
    return a;
  // Two untyped branches of one shape: the `if` stays untyped, so the type
  // its context expects reaches both (`let w: f64 = if c { 4.0 } else
  // { 2 }`); the float kind wins, as in Go.
  if (av && bv && a->isTensor() && b->isTensor() && isUntyped(a->getElem()) &&
      isUntyped(b->getElem()) && a->getShape() == b->getShape())
    return a->getElem() == Elem::UntypedFloat ? a : b;
  if (av)
    a = c.materialize(av, a);
  if (bv)
    b = c.materialize(bv, b);
  if (a != b) {
    c.error(diag::IfBranchMismatch, e->getRange(), a->str(), b->str());
    return types.error();
  }
  return a;
}

const Type *FunctionChecker::checkExpr(const ast::Expr *e) {
  const Type *t = types.error();
  switch (e->getKind()) {
  case ast::NodeKind::IntLiteralExpr: {
    auto *l = llvm::cast<ast::IntLiteralExpr>(e);
    if (l->getValue() > uint64_t(INT64_MAX)) {
      error(diag::LiteralOverflow, e->getRange(), l->getText(), "i64");
      break;
    }
    instance.constants[e] = ConstValue::ofInt(int64_t(l->getValue()));
    t = types.scalar(Elem::UntypedInt);
    break;
  }
  case ast::NodeKind::FloatLiteralExpr:
    instance.constants[e] =
        ConstValue::ofFloat(llvm::cast<ast::FloatLiteralExpr>(e)->getValue());
    t = types.scalar(Elem::UntypedFloat);
    break;
  case ast::NodeKind::BoolLiteralExpr:
    instance.constants[e] =
        ConstValue::ofBool(llvm::cast<ast::BoolLiteralExpr>(e)->getValue());
    t = types.scalar(Elem::Bool);
    break;
  case ast::NodeKind::TensorLiteralExpr:
    t = checkTensorLiteral(*this, llvm::cast<ast::TensorLiteralExpr>(e));
    break;
  case ast::NodeKind::NameExpr:
    t = checkName(*this, llvm::cast<ast::NameExpr>(e));
    break;
  case ast::NodeKind::DTypeExpr:
    error(diag::DTypeAsValue, e->getRange(), textOf(e->getRange()));
    break;
  case ast::NodeKind::CallExpr:
    t = checkCall(llvm::cast<ast::CallExpr>(e));
    break;
  case ast::NodeKind::InstantiateExpr:
    error(diag::NotAValue, e->getRange(), textOf(e->getRange()), "a function");
    break;
  case ast::NodeKind::IndexExpr:
    t = checkIndex(*this, llvm::cast<ast::IndexExpr>(e));
    break;
  case ast::NodeKind::SliceExpr:
    error(diag::NotAValue, e->getRange(), textOf(e->getRange()), "a slice");
    break;
  case ast::NodeKind::FieldExpr:
    t = checkField(*this, llvm::cast<ast::FieldExpr>(e));
    break;
  case ast::NodeKind::UnaryExpr:
    t = checkUnary(llvm::cast<ast::UnaryExpr>(e));
    break;
  case ast::NodeKind::BinaryExpr:
    t = checkBinary(llvm::cast<ast::BinaryExpr>(e));
    break;
  case ast::NodeKind::CastExpr:
    t = checkCast(llvm::cast<ast::CastExpr>(e));
    break;
  case ast::NodeKind::IfExpr:
    t = checkIfExpr(*this, llvm::cast<ast::IfExpr>(e));
    break;
  case ast::NodeKind::TupleExpr: {
    std::vector<const Type *> elems;
    ConstValue value;
    value.kind = ConstValue::Kind::Tuple;
    bool allConst = true, anyError = false;
    for (const ast::Expr *x : llvm::cast<ast::TupleExpr>(e)->getElements()) {
      elems.push_back(checkExpr(x));
      anyError |= elems.back()->isError();
      if (auto v = constantOf(x))
        value.elems.push_back(*v);
      else
        allConst = false;
    }
    if (allConst)
      instance.constants[e] = value;
    t = anyError ? types.error() : types.tuple(elems);
    break;
  }
  case ast::NodeKind::StructLiteralExpr:
    t = checkStructLiteral(llvm::cast<ast::StructLiteralExpr>(e));
    break;
  case ast::NodeKind::PackSpliceExpr:
    // The grammar allows `..S` only among a tensor literal's elements,
    // where checkSplicedList handles it.
    t = checkPackSplice(*this, llvm::cast<ast::PackSpliceExpr>(e));
    break;
  case ast::NodeKind::ErrorExpr:
    instance.hasErrors = true;
    break;
  default:
    break;
  }
  setType(e, t);
  return t;
}

} // namespace tdl::sema
