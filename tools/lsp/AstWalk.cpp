//===- AstWalk.cpp --------------------------------------------------------===//
#include "tools/lsp/AstWalk.h"

namespace tdl::lsp {

using namespace ast;

void forEachChild(const Node *n, llvm::function_ref<void(const Node *)> f) {
  if (!n)
    return;
  auto visit = [&](const Node *c) {
    if (c)
      f(c);
  };
  auto args = [&](llvm::ArrayRef<Argument> as) {
    for (const Argument &a : as)
      visit(a.value);
  };
  switch (n->getKind()) {
  case NodeKind::Module:
    for (const Decl *d : llvm::cast<Module>(n)->getDecls())
      visit(d);
    break;
  case NodeKind::ImportDecl:
  case NodeKind::GenericParamDecl:
  case NodeKind::VarDecl:
    break;
  case NodeKind::ConstDecl: {
    auto *c = llvm::cast<ConstDecl>(n);
    visit(c->getDeclaredType());
    visit(c->getInit());
    break;
  }
  case NodeKind::StructDecl: {
    auto *s = llvm::cast<StructDecl>(n);
    for (const GenericParamDecl *g : s->getGenericParams())
      visit(g);
    for (const FieldDecl *fd : s->getFields())
      visit(fd);
    break;
  }
  case NodeKind::FieldDecl:
    visit(llvm::cast<FieldDecl>(n)->getFieldType());
    break;
  case NodeKind::FuncDecl: {
    auto *fn = llvm::cast<FuncDecl>(n);
    for (const Attribute &a : fn->getAttributes())
      args(a.args);
    for (const GenericParamDecl *g : fn->getGenericParams())
      visit(g);
    for (const ParamDecl *p : fn->getParams())
      visit(p);
    visit(fn->getResultType());
    visit(fn->getBody());
    break;
  }
  case NodeKind::DerivedFuncDecl: {
    auto *d = llvm::cast<DerivedFuncDecl>(n);
    for (const Attribute &a : d->getAttributes())
      args(a.args);
    visit(d->getDefinition());
    break;
  }
  case NodeKind::ParamDecl: {
    auto *p = llvm::cast<ParamDecl>(n);
    visit(p->getParamType());
    visit(p->getDefault());
    break;
  }
  case NodeKind::BlockStmt: {
    auto *b = llvm::cast<BlockStmt>(n);
    for (const Stmt *s : b->getStmts())
      visit(s);
    visit(b->getValue());
    break;
  }
  case NodeKind::LetStmt: {
    auto *l = llvm::cast<LetStmt>(n);
    visit(l->getPattern());
    visit(l->getDeclaredType());
    visit(l->getInit());
    break;
  }
  case NodeKind::AssignStmt: {
    auto *a = llvm::cast<AssignStmt>(n);
    visit(a->getTarget());
    visit(a->getValue());
    break;
  }
  case NodeKind::IfStmt: {
    auto *i = llvm::cast<IfStmt>(n);
    visit(i->getCond());
    visit(i->getThen());
    visit(i->getElse());
    break;
  }
  case NodeKind::ForStmt: {
    auto *fs = llvm::cast<ForStmt>(n);
    visit(fs->getIndexVar());
    visit(fs->getLo());
    visit(fs->getHi());
    visit(fs->getBody());
    break;
  }
  case NodeKind::WhileStmt: {
    auto *w = llvm::cast<WhileStmt>(n);
    visit(w->getCond());
    visit(w->getBody());
    break;
  }
  case NodeKind::BreakStmt:
  case NodeKind::ContinueStmt:
    break;
  case NodeKind::ReturnStmt:
    visit(llvm::cast<ReturnStmt>(n)->getValue());
    break;
  case NodeKind::PrintStmt:
    args(llvm::cast<PrintStmt>(n)->getArgs());
    break;
  case NodeKind::ExprStmt:
    visit(llvm::cast<ExprStmt>(n)->getExpr());
    break;
  case NodeKind::IntLiteralExpr:
  case NodeKind::FloatLiteralExpr:
  case NodeKind::BoolLiteralExpr:
  case NodeKind::NameExpr:
  case NodeKind::DTypeExpr:
  case NodeKind::ErrorExpr:
    break;
  case NodeKind::TensorLiteralExpr:
    for (const Expr *e : llvm::cast<TensorLiteralExpr>(n)->getElements())
      visit(e);
    break;
  case NodeKind::CallExpr: {
    auto *c = llvm::cast<CallExpr>(n);
    visit(c->getCallee());
    args(c->getArgs());
    break;
  }
  case NodeKind::InstantiateExpr: {
    auto *i = llvm::cast<InstantiateExpr>(n);
    visit(i->getBase());
    for (const TypeExpr *t : i->getGenericArgs())
      visit(t);
    break;
  }
  case NodeKind::IndexExpr: {
    auto *i = llvm::cast<IndexExpr>(n);
    visit(i->getBase());
    for (const Expr *e : i->getIndices())
      visit(e);
    break;
  }
  case NodeKind::SliceExpr: {
    auto *s = llvm::cast<SliceExpr>(n);
    visit(s->getLo());
    visit(s->getHi());
    break;
  }
  case NodeKind::FieldExpr:
    visit(llvm::cast<FieldExpr>(n)->getBase());
    break;
  case NodeKind::UnaryExpr:
    visit(llvm::cast<UnaryExpr>(n)->getOperand());
    break;
  case NodeKind::BinaryExpr: {
    auto *b = llvm::cast<BinaryExpr>(n);
    visit(b->getLHS());
    visit(b->getRHS());
    break;
  }
  case NodeKind::CastExpr: {
    auto *c = llvm::cast<CastExpr>(n);
    visit(c->getOperand());
    visit(c->getTarget());
    break;
  }
  case NodeKind::IfExpr: {
    auto *i = llvm::cast<IfExpr>(n);
    visit(i->getCond());
    visit(i->getThen());
    visit(i->getElse());
    break;
  }
  case NodeKind::TupleExpr:
    for (const Expr *e : llvm::cast<TupleExpr>(n)->getElements())
      visit(e);
    break;
  case NodeKind::StructLiteralExpr: {
    auto *s = llvm::cast<StructLiteralExpr>(n);
    visit(s->getStructType());
    for (const FieldInit &fi : s->getFields())
      visit(fi.value);
    break;
  }
  case NodeKind::DTypeTypeExpr:
  case NodeKind::DimIntExpr:
  case NodeKind::DimCallExpr:
  case NodeKind::DimPackExpr:
  case NodeKind::ErrorTypeExpr:
  case NodeKind::PackSpliceExpr:
    break;
  case NodeKind::DimListExpr:
    for (const TypeExpr *t : llvm::cast<DimListExpr>(n)->getDims())
      visit(t);
    break;
  case NodeKind::NamedTypeExpr:
    for (const TypeExpr *t : llvm::cast<NamedTypeExpr>(n)->getGenericArgs())
      visit(t);
    break;
  case NodeKind::TensorTypeExpr: {
    auto *t = llvm::cast<TensorTypeExpr>(n);
    visit(t->getElement());
    for (const TypeExpr *d : t->getDims())
      visit(d);
    break;
  }
  case NodeKind::TupleTypeExpr:
    for (const TypeExpr *t : llvm::cast<TupleTypeExpr>(n)->getElements())
      visit(t);
    break;
  case NodeKind::DimBinaryExpr: {
    auto *b = llvm::cast<DimBinaryExpr>(n);
    visit(b->getLHS());
    visit(b->getRHS());
    break;
  }
  case NodeKind::NamePattern:
    visit(llvm::cast<NamePattern>(n)->getVar());
    break;
  case NodeKind::WildcardPattern:
    break;
  case NodeKind::TuplePattern:
    for (const Pattern *p : llvm::cast<TuplePattern>(n)->getElements())
      visit(p);
    break;
  }
}

bool rangeContains(llvm::SMRange r, llvm::SMLoc loc) {
  return r.Start.isValid() && r.End.isValid() &&
         r.Start.getPointer() <= loc.getPointer() &&
         loc.getPointer() < r.End.getPointer();
}

std::vector<const Node *> nodePath(const Module &m, llvm::SMLoc loc) {
  std::vector<const Node *> path;
  const Node *current = &m;
  for (;;) {
    const Node *next = nullptr;
    forEachChild(current, [&](const Node *c) {
      // Children are in source order; take the last that holds `loc` so a
      // node nested in an attribute never hides the declaration's body.
      if (rangeContains(c->getRange(), loc))
        next = c;
    });
    if (!next)
      break;
    path.push_back(next);
    current = next;
  }
  return path;
}

const FuncDecl *enclosingFunction(const Module &m, llvm::SMLoc loc) {
  for (const Decl *d : m.getDecls())
    if (auto *f = llvm::dyn_cast<FuncDecl>(d))
      if (rangeContains(f->getRange(), loc) ||
          (f->getRange().End == loc && loc.isValid()))
        return f;
  return nullptr;
}

static void addPattern(const Pattern *p, std::vector<const Decl *> &out) {
  if (!p)
    return;
  if (auto *n = llvm::dyn_cast<NamePattern>(p)) {
    if (n->getVar())
      out.push_back(n->getVar());
  } else if (auto *t = llvm::dyn_cast<TuplePattern>(p)) {
    for (const Pattern *e : t->getElements())
      addPattern(e, out);
  }
}

static bool before(const Node *n, llvm::SMLoc loc) {
  return n->getRange().End.getPointer() <= loc.getPointer();
}

static void collectLocals(const Node *n, llvm::SMLoc loc,
                          std::vector<const Decl *> &out) {
  if (auto *b = llvm::dyn_cast<BlockStmt>(n)) {
    for (const Stmt *s : b->getStmts()) {
      if (!s || s->getRange().Start.getPointer() >= loc.getPointer())
        break;
      if (before(s, loc)) {
        if (auto *l = llvm::dyn_cast<LetStmt>(s))
          addPattern(l->getPattern(), out);
        continue;
      }
      collectLocals(s, loc, out); // inside: its own binding is not visible
    }
    if (b->getValue() && rangeContains(b->getValue()->getRange(), loc))
      collectLocals(b->getValue(), loc, out);
    return;
  }
  forEachChild(n, [&](const Node *c) {
    if (!rangeContains(c->getRange(), loc))
      return;
    if (auto *f = llvm::dyn_cast<ForStmt>(n))
      if (c == f->getBody() && f->getIndexVar())
        out.push_back(f->getIndexVar());
    collectLocals(c, loc, out);
  });
}

std::vector<const Decl *> visibleLocals(const FuncDecl &f, llvm::SMLoc loc) {
  std::vector<const Decl *> out;
  for (const GenericParamDecl *g : f.getGenericParams())
    out.push_back(g);
  for (const ParamDecl *p : f.getParams())
    out.push_back(p);
  if (f.getBody())
    collectLocals(f.getBody(), loc, out);
  return out;
}

void walk(const Node *n, llvm::function_ref<void(const Node *)> f) {
  if (!n)
    return;
  f(n);
  forEachChild(n, [&](const Node *c) { walk(c, f); });
}

} // namespace tdl::lsp
