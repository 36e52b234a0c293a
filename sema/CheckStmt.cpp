//===- CheckStmt.cpp - statements, scopes and returns ---------------------===//
//
// Scoping follows Rust: every block is a scope, and `let` may shadow an
// earlier binding of the same name in the same or an enclosing block (the
// new binding is visible from the next statement on; its own initializer
// still sees the old one). A function whose result is not `()` must end in a
// statement that returns on every path: `return`, or an `if` / `else` whose
// branches both do (loops never count: they may run zero times).
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

namespace tdl::sema {

void FunctionChecker::checkFunctionBody() {
  if (!decl || !decl->getBody())
    return;
  for (const Type *t : instance.paramTypes)
    if (t->isError())
      instance.hasErrors = true;
  if (instance.resultType->isError())
    instance.hasErrors = true;
  checkBlock(decl->getBody());
  const Type *result = instance.resultType;
  bool unit = result->isTuple() && result->getElements().empty();
  if (!unit && !result->isError() && !alwaysReturns(decl->getBody())) {
    llvm::SMLoc end = decl->getBody()->getRange().End;
    // Point at the closing brace.
    llvm::SMLoc brace = llvm::SMLoc::getFromPointer(end.getPointer() - 1);
    error(diag::MissingReturn, llvm::SMRange(brace, end), decl->getName().name,
          result->str());
  }
}

bool FunctionChecker::alwaysReturns(const ast::Stmt *s) const {
  if (!s)
    return false;
  if (llvm::isa<ast::ReturnStmt>(s))
    return true;
  if (auto *b = llvm::dyn_cast<ast::BlockStmt>(s))
    return llvm::any_of(b->getStmts(),
                        [&](const ast::Stmt *x) { return alwaysReturns(x); });
  if (auto *i = llvm::dyn_cast<ast::IfStmt>(s))
    return alwaysReturns(i->getThen()) && alwaysReturns(i->getElse());
  return false;
}

void FunctionChecker::checkBlock(const ast::BlockStmt *b, bool newScope) {
  if (newScope)
    scopes.emplace_back();
  for (const ast::Stmt *s : b->getStmts()) {
    if (sema.diags.hasReachedErrorLimit())
      break;
    checkStmt(s);
  }
  if (newScope)
    popScope();
}

void FunctionChecker::declareLocal(const ast::VarDecl *v, const Type *t) {
  instance.varTypes[v] = t;
  if (decl && !decl->isGeneric())
    v->type = t;
  Local l;
  l.decl = v;
  l.type = t;
  l.isMutable = v->isMutable();
  scopes.back()[v->getName().name] = l;
}

void FunctionChecker::bindPattern(const ast::Pattern *p, const Type *t,
                                  bool isVar) {
  if (auto *n = llvm::dyn_cast<ast::NamePattern>(p)) {
    declareLocal(n->getVar(), t);
    return;
  }
  if (llvm::isa<ast::WildcardPattern>(p))
    return;
  auto *tp = llvm::cast<ast::TuplePattern>(p);
  auto elems = tp->getElements();
  if (!t->isError() && !t->isTuple()) {
    error(diag::DestructureNonTuple, p->getRange(), t->str());
    t = types.error();
  } else if (!t->isError() && t->getElements().size() != elems.size()) {
    error(diag::TupleArityMismatch, p->getRange(), int64_t(elems.size()),
          t->str(), int64_t(t->getElements().size()));
    t = types.error();
  }
  for (size_t i = 0; i < elems.size(); ++i)
    bindPattern(elems[i], t->isError() ? t : t->getElements()[i], isVar);
}

/// Checks `value` against a known type, reporting a mismatch with `report`.
template <typename Report>
static const Type *checkAgainst(FunctionChecker &c, const ast::Expr *value,
                                const Type *target, Report report) {
  const Type *t = c.checkExpr(value);
  if (t->isError() || target->isError())
    return c.types.error();
  auto conv = c.convertTo(value, t, target);
  if (conv == FunctionChecker::Conversion::Mismatch)
    report(t);
  return conv == FunctionChecker::Conversion::Ok ? target : c.types.error();
}

static void checkCondition(FunctionChecker &c, const ast::Expr *cond) {
  const Type *t = c.checkValue(cond);
  if (!t->isError() && !(t->isScalar() && t->getElem() == Elem::Bool))
    c.error(diag::ConditionNotBool, cond->getRange(), t->str());
}

void FunctionChecker::checkStmt(const ast::Stmt *s) {
  switch (s->getKind()) {
  case ast::NodeKind::BlockStmt:
    checkBlock(llvm::cast<ast::BlockStmt>(s));
    return;
  case ast::NodeKind::LetStmt: {
    auto *l = llvm::cast<ast::LetStmt>(s);
    const Type *t;
    if (l->getDeclaredType()) {
      const Type *declared = sema.resolveType(l->getDeclaredType(), env);
      t = checkAgainst(*this, l->getInit(), declared, [&](const Type *found) {
        DiagnosticBuilder d =
            error(diag::TypeMismatch, l->getInit()->getRange(), declared->str(),
                  found->str());
        noteOrigin(d, l->getInit(), found, "the initializer");
      });
      if (t->isError() && !declared->isError())
        t = declared; // keep checking uses with the declared type
    } else {
      t = checkExpr(l->getInit());
      auto *name = llvm::dyn_cast<ast::NamePattern>(l->getPattern());
      if (name && t->isTensor() && isUntyped(t->getElem()))
        untypedLocals[name->getVar()].values.push_back(l->getInit());
      else
        t = materialize(l->getInit(), t);
    }
    bindPattern(l->getPattern(), t, l->isVar());
    propagateOrigin(l->getPattern(), l->getInit());
    return;
  }
  case ast::NodeKind::AssignStmt: {
    auto *a = llvm::cast<ast::AssignStmt>(s);
    const ast::Expr *target = a->getTarget();
    auto *idx = llvm::dyn_cast<ast::IndexExpr>(target);
    auto *name = llvm::dyn_cast<ast::NameExpr>(idx ? idx->getBase() : target);
    if (!name) {
      checkExpr(a->getValue());
      return;
    }
    const Local *l = lookupLocal(name->getName());
    if (l && !l->isMutable) {
      DiagnosticBuilder b =
          error(diag::AssignToImmutable, name->getRange(), name->getName());
      noteImmutable(b, l->decl, name->getName());
      checkExpr(a->getValue());
      return;
    }
    // Unknown names (and globals, which are immutable) go through checkExpr.
    const Type *tt = checkExpr(target);
    if (!l && !tt->isError()) {
      error(diag::AssignToImmutable, name->getRange(), name->getName());
      return;
    }
    if (tt->isError()) {
      checkExpr(a->getValue());
      return;
    }
    if (!idx && tt->isTensor() && isUntyped(tt->getElem())) {
      // `var k = 0; ... k = v;`: a typed v gives k its dtype; an untyped v
      // takes the dtype k takes later.
      const Type *vt = checkExpr(a->getValue());
      if (vt->isError())
        return;
      auto *v = llvm::cast<ast::VarDecl>(l->decl);
      if (vt->isTensor() && isUntyped(vt->getElem()) &&
          vt->getShape() == tt->getShape()) {
        UntypedLocal &u = untypedLocals[v];
        if (u.fixed)
          convertTo(a->getValue(), vt, types.withElem(vt, *u.fixed));
        else
          u.values.push_back(a->getValue());
        return;
      }
      if (vt->isTensor() && vt->getShape() == tt->getShape())
        fixLocal(name->getRange(), v, vt->getElem());
      tt = lookupLocal(name->getName())->type;
      if (vt != tt)
        error(diag::TypeMismatch, a->getValue()->getRange(), tt->str(),
              vt->str());
      return;
    }
    if (!idx) {
      checkAgainst(*this, a->getValue(), tt, [&](const Type *found) {
        error(diag::TypeMismatch, a->getValue()->getRange(), tt->str(),
              found->str());
      });
      return;
    }
    // `x[i, a:b] = v`: v has the indexed element type and broadcasts to
    // the indexed shape.
    const Type *vt = checkExpr(a->getValue());
    if (vt->isError())
      return;
    if (vt->isTensor() && isUntyped(vt->getElem()) &&
        convertTo(a->getValue(), vt, types.withElem(vt, tt->getElem())) ==
            Conversion::Ok)
      vt = types.withElem(vt, tt->getElem());
    if (!vt->isTensor() || vt->getElem() != tt->getElem() ||
        !shapes::broadcastsTo(vt->getShape(), tt->getShape()))
      error(diag::TypeMismatch, a->getValue()->getRange(), tt->str(),
            vt->str());
    return;
  }
  case ast::NodeKind::IfStmt: {
    auto *i = llvm::cast<ast::IfStmt>(s);
    checkCondition(*this, i->getCond());
    checkBlock(i->getThen());
    if (i->getElse())
      checkStmt(i->getElse());
    return;
  }
  case ast::NodeKind::ForStmt: {
    auto *f = llvm::cast<ast::ForStmt>(s);
    const Type *i64 = types.scalar(Elem::I64);
    for (const ast::Expr *bound : {f->getLo(), f->getHi()})
      checkAgainst(*this, bound, i64, [&](const Type *found) {
        DiagnosticBuilder d =
            error(diag::TypeMismatch, bound->getRange(), "i64", found->str());
        noteLiteralDefault(d, bound);
      });
    scopes.emplace_back();
    declareLocal(f->getIndexVar(), i64);
    ++loopDepth;
    checkBlock(f->getBody());
    --loopDepth;
    popScope();
    return;
  }
  case ast::NodeKind::WhileStmt: {
    auto *w = llvm::cast<ast::WhileStmt>(s);
    checkCondition(*this, w->getCond());
    ++loopDepth;
    checkBlock(w->getBody());
    --loopDepth;
    return;
  }
  case ast::NodeKind::BreakStmt:
  case ast::NodeKind::ContinueStmt:
    if (loopDepth == 0)
      error(diag::LoopControlOutsideLoop, s->getRange(),
            llvm::isa<ast::BreakStmt>(s) ? "break" : "continue");
    return;
  case ast::NodeKind::ReturnStmt: {
    auto *r = llvm::cast<ast::ReturnStmt>(s);
    const Type *result = instance.resultType;
    llvm::StringRef fname = decl ? decl->getName().name : "";
    if (!r->getValue()) {
      if (!(result->isTuple() && result->getElements().empty()) &&
          !result->isError())
        error(diag::ReturnTypeMismatch, r->getRange(), fname, result->str(),
              "()");
      return;
    }
    checkAgainst(*this, r->getValue(), result, [&](const Type *found) {
      DiagnosticBuilder d =
          error(diag::ReturnTypeMismatch, r->getValue()->getRange(), fname,
                result->str(), found->str());
      noteOrigin(d, r->getValue(), found, "the returned value");
    });
    return;
  }
  case ast::NodeKind::PrintStmt:
    for (const ast::Argument &a : llvm::cast<ast::PrintStmt>(s)->getArgs())
      checkValue(a.value);
    return;
  case ast::NodeKind::ExprStmt:
    checkValue(llvm::cast<ast::ExprStmt>(s)->getExpr());
    return;
  default:
    return;
  }
}

} // namespace tdl::sema
