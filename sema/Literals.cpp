//===- Literals.cpp - untyped literals (Go-style constants) ---------------===//
//
// An expression made only of literals (and of operators over them) has an
// untyped element and a folded value. It takes the dtype of its context:
// convertTo() fixes the whole subtree to the target dtype, checking that the
// value fits (an integer literal into i8 must be in -128..127, a float
// literal never becomes an integer, a number never becomes bool). Without a
// context, materialize() applies the defaults: integer -> i32, float -> f32.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include "lang/ASTVisit.h"

#include <fmt/format.h>

#include <cmath>

namespace tdl::sema {

bool FunctionChecker::checkLiteralRange(const ast::Expr *e, const ConstValue &v,
                                        Elem elem) {
  if (v.kind == ConstValue::Kind::Float) {
    if (isInt(elem)) {
      error(diag::FloatLiteralToInt, e->getRange(), elemName(elem));
      return false;
    }
    if (elem == Elem::F32 && std::isfinite(v.f) &&
        std::fabs(v.f) > 3.4028234663852886e38) {
      error(diag::LiteralOverflow, e->getRange(), fmt::format("{}", v.f),
            "f32");
      return false;
    }
  }
  if (v.kind == ConstValue::Kind::Int && isInt(elem)) {
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (elem == Elem::I8) {
      lo = -128;
      hi = 127;
    } else if (elem == Elem::I32) {
      lo = INT32_MIN;
      hi = INT32_MAX;
    }
    if (v.i < lo || v.i > hi) {
      error(diag::LiteralOverflow, e->getRange(), std::to_string(v.i),
            elemName(elem));
      return false;
    }
  }
  if (v.kind == ConstValue::Kind::Tuple) {
    // A tensor literal: each element was range-checked by finalize.
    return true;
  }
  if (elem == Elem::Bool && v.kind != ConstValue::Kind::Bool) {
    error(diag::LiteralToBool, e->getRange(), "bool");
    return false;
  }
  return true;
}

void FunctionChecker::finalize(const ast::Expr *e, Elem elem, bool checkRange) {
  const Type *t = typeOf(e);
  if (!t || !t->isTensor() || !isUntyped(t->getElem()))
    return; // typed already (a typed element inside a literal list)
  if (checkRange)
    if (auto v = constantOf(e))
      if (v->kind != ConstValue::Kind::Tuple)
        checkLiteralRange(e, *v, elem);
  setType(e, types.withElem(t, elem));
  switch (e->getKind()) {
  case ast::NodeKind::UnaryExpr:
  case ast::NodeKind::BinaryExpr:
  case ast::NodeKind::TensorLiteralExpr: {
    // The operands of an operator were range-checked as the folded whole;
    // each element of a literal list is checked on its own.
    bool checkElems = llvm::isa<ast::TensorLiteralExpr>(e);
    ast::forEachChild(e, [&](const ast::Node *c) {
      finalize(llvm::cast<ast::Expr>(c), elem, checkElems);
    });
    break;
  }
  case ast::NodeKind::CallExpr: {
    // `exp(-4.0)`: an elementwise builtin of untyped operands.
    auto it = instance.calls.find(llvm::cast<ast::CallExpr>(e));
    if (it == instance.calls.end() || !it->second.untypedResult)
      break;
    it->second.untypedResult = false;
    for (CallArg &a : it->second.args)
      if (a.expr && a.type && a.type->isTensor() &&
          isUntyped(a.type->getElem())) {
        finalize(a.expr, elem, true);
        a.type = types.withElem(a.type, elem);
      }
    break;
  }
  case ast::NodeKind::IfExpr: {
    auto *i = llvm::cast<ast::IfExpr>(e);
    if (i->getThen()->getValue())
      finalize(i->getThen()->getValue(), elem, true);
    if (i->getElse()->getValue())
      finalize(i->getElse()->getValue(), elem, true);
    break;
  }
  case ast::NodeKind::NameExpr:
    if (auto *v = llvm::dyn_cast_or_null<ast::VarDecl>(
            llvm::cast<ast::NameExpr>(e)->resolved))
      fixLocal(e->getRange(), v, elem);
    break;
  default:
    break; // literals and names of untyped constants
  }
}

void FunctionChecker::fixLocal(llvm::SMRange use, const ast::VarDecl *v,
                               Elem elem) {
  auto it = untypedLocals.find(v);
  if (it == untypedLocals.end())
    return;
  UntypedLocal &u = it->second;
  llvm::StringRef name = v->getName().name;
  if (u.fixed) {
    // A use checked while the local was still untyped, given another dtype
    // later: `let a = n; let b: i32 = n; let c: i64 = a;`.
    if (*u.fixed != elem) {
      DiagnosticBuilder d =
          error(diag::TypeMismatch, use, elemName(elem), elemName(*u.fixed));
      d.note(diag::UntypedLocalFixed, u.fixedAt, name, elemName(*u.fixed));
    }
    return;
  }
  const Type *t = instance.varTypes.lookup(v);
  if (t && t->isTensor() && t->getElem() == Elem::UntypedFloat && isInt(elem)) {
    error(diag::FloatLiteralToInt, use, elemName(elem))
        .note(diag::DeclaredHere, v->getName().getRange(), name);
    elem = Elem::F32; // keep going with the float default
  }
  u.fixed = elem;
  u.defaulted = defaulting;
  u.fixedAt = use;
  const Type *typed = t ? types.withElem(t, elem) : types.error();
  instance.varTypes[v] = typed;
  if (decl && !decl->isGeneric())
    v->type = typed;
  for (auto &scope : scopes)
    for (auto &entry : scope)
      if (entry.second.decl == v)
        entry.second.type = typed;
  for (const ast::Expr *name : u.uses)
    if (const Type *nt = typeOf(name); nt && nt->hasUntyped())
      setType(name, types.withElem(nt, elem));
  bool saved = defaulting;
  defaulting = false;
  for (const ast::Expr *value : u.values) {
    // A value naming another local that took its dtype meanwhile.
    const Type *vt = typeOf(value);
    if (vt && vt->isTensor() && !isUntyped(vt->getElem()) &&
        vt->getElem() != elem) {
      DiagnosticBuilder d = error(diag::TypeMismatch, use, elemName(elem),
                                  elemName(vt->getElem()));
      noteLiteralDefault(d, value);
      continue;
    }
    finalize(value, elem, true);
  }
  defaulting = saved;
}

void FunctionChecker::popScope() {
  for (auto &entry : scopes.back()) {
    auto *v = llvm::dyn_cast_or_null<ast::VarDecl>(entry.second.decl);
    auto it = v ? untypedLocals.find(v) : untypedLocals.end();
    if (it == untypedLocals.end() || it->second.fixed)
      continue;
    defaulting = true;
    fixLocal(v->getName().getRange(), v,
             defaultElem(entry.second.type->getElem()));
    defaulting = false;
  }
  scopes.pop_back();
}

void FunctionChecker::noteLiteralDefault(DiagnosticBuilder &d,
                                         const ast::Expr *operand) {
  auto *n = llvm::dyn_cast<ast::NameExpr>(operand);
  auto *v = n ? llvm::dyn_cast_or_null<ast::VarDecl>(n->resolved) : nullptr;
  auto it = v ? untypedLocals.find(v) : untypedLocals.end();
  if (it == untypedLocals.end() || !it->second.fixed)
    return;
  const UntypedLocal &u = it->second;
  if (u.defaulted)
    d.note(diag::UntypedLocalDefaulted, u.fixedAt, v->getName().name,
           elemName(*u.fixed));
  else
    d.note(diag::UntypedLocalFixed, u.fixedAt, v->getName().name,
           elemName(*u.fixed));
}

FunctionChecker::Conversion FunctionChecker::convertTo(const ast::Expr *e,
                                                       const Type *actual,
                                                       const Type *target) {
  if (actual->isError() || target->isError())
    return Conversion::Reported;
  if (actual == target)
    return Conversion::Ok;
  if (!actual->hasUntyped())
    return Conversion::Mismatch;
  if (actual->isTensor()) {
    if (!target->isTensor() || actual->getShape() != target->getShape())
      return Conversion::Mismatch;
    Elem want = target->getElem();
    if (actual->getElem() == Elem::UntypedFloat && isInt(want)) {
      error(diag::FloatLiteralToInt, e->getRange(), elemName(want));
      return Conversion::Reported;
    }
    if (want == Elem::Bool) {
      error(diag::LiteralToBool, e->getRange(), target->str());
      return Conversion::Reported;
    }
    unsigned before = sema.diags.getErrorCount();
    finalize(e, want, true);
    return sema.diags.getErrorCount() == before ? Conversion::Ok
                                                : Conversion::Reported;
  }
  // A tuple holding literals: element by element when it is written out.
  auto *tuple = llvm::dyn_cast<ast::TupleExpr>(e);
  if (!tuple || !target->isTuple() ||
      target->getElements().size() != actual->getElements().size())
    return Conversion::Mismatch;
  for (size_t i = 0; i < tuple->getElements().size(); ++i) {
    Conversion c = convertTo(tuple->getElements()[i], actual->getElements()[i],
                             target->getElements()[i]);
    if (c != Conversion::Ok)
      return c;
  }
  setType(e, target);
  return Conversion::Ok;
}

const Type *FunctionChecker::materialize(const ast::Expr *e,
                                         const Type *actual) {
  if (!actual->hasUntyped())
    return actual;
  const Type *target = types.defaulted(actual);
  bool saved = defaulting;
  defaulting = true;
  Conversion c = convertTo(e, actual, target);
  defaulting = saved;
  if (c == Conversion::Ok)
    return target;
  // A tuple value that is not written out (e.g. a const): just default it.
  if (!actual->isTensor()) {
    setType(e, target);
    return target;
  }
  return types.error();
}

std::optional<ConstValue> FunctionChecker::foldBinary(const ast::BinaryExpr *e,
                                                      const ConstValue &a,
                                                      const ConstValue &b,
                                                      bool isFloatOp) {
  using K = ConstValue::Kind;
  if (a.kind == K::Tuple || b.kind == K::Tuple || a.kind == K::Bool ||
      b.kind == K::Bool)
    return std::nullopt;
  if (isFloatOp) {
    double x = a.asDouble(), y = b.asDouble();
    switch (e->getOp()) {
    case ast::BinaryOp::Add:
      return ConstValue::ofFloat(x + y);
    case ast::BinaryOp::Sub:
      return ConstValue::ofFloat(x - y);
    case ast::BinaryOp::Mul:
      return ConstValue::ofFloat(x * y);
    case ast::BinaryOp::Div:
      return ConstValue::ofFloat(x / y);
    case ast::BinaryOp::Pow:
      return ConstValue::ofFloat(std::pow(x, y));
    default:
      return std::nullopt;
    }
  }
  int64_t x = a.i, y = b.i, r = 0;
  bool overflow = false;
  switch (e->getOp()) {
  case ast::BinaryOp::Add:
    overflow = __builtin_add_overflow(x, y, &r);
    break;
  case ast::BinaryOp::Sub:
    overflow = __builtin_sub_overflow(x, y, &r);
    break;
  case ast::BinaryOp::Mul:
    overflow = __builtin_mul_overflow(x, y, &r);
    break;
  case ast::BinaryOp::Div:
  case ast::BinaryOp::Rem:
    if (y == 0) {
      error(diag::ConstDivByZero, e->getRange());
      return std::nullopt;
    }
    if (x == INT64_MIN && y == -1) {
      overflow = true;
      break;
    }
    r = e->getOp() == ast::BinaryOp::Div ? x / y : x % y;
    break;
  case ast::BinaryOp::Pow: {
    r = 1;
    if (y < 0)
      return std::nullopt;
    for (int64_t i = 0; i < y && !overflow; ++i)
      overflow = __builtin_mul_overflow(r, x, &r);
    break;
  }
  case ast::BinaryOp::Shl:
    if (y < 0 || y > 62)
      return std::nullopt;
    overflow = __builtin_mul_overflow(x, int64_t(1) << y, &r);
    break;
  case ast::BinaryOp::Shr:
    if (y < 0 || y > 63)
      return std::nullopt;
    r = x >> y;
    break;
  case ast::BinaryOp::BitAnd:
    r = x & y;
    break;
  case ast::BinaryOp::BitOr:
    r = x | y;
    break;
  case ast::BinaryOp::BitXor:
    r = x ^ y;
    break;
  default:
    return std::nullopt;
  }
  if (overflow) {
    error(diag::ConstOverflow, e->getRange());
    return std::nullopt;
  }
  return ConstValue::ofInt(r);
}

} // namespace tdl::sema
