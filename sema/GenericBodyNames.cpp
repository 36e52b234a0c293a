//===- GenericBodyNames.cpp - name check of never-instantiated generics ---===//
//
// A generic function's body is type-checked per instance. One that is never
// instantiated would otherwise go unchecked entirely; this walk at least
// resolves every name in it (locals in scope order, parameters, generic
// parameters, top-level declarations, imports, builtins, transforms), so a
// typo in library code is reported even before anyone calls the function.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

#include "llvm/ADT/StringSet.h"

namespace tdl::sema {

namespace {
class NameWalker {
public:
  NameWalker(Sema &s, ModuleInfo *mi, const ast::FuncDecl *f)
      : s(s), mi(mi), f(f) {
    scopes.emplace_back();
    for (const ast::ParamDecl *p : f->getParams())
      scopes.back().insert(p->getName().name);
    for (const ast::GenericParamDecl *p : f->getGenericParams())
      scopes.back().insert(p->getName().name);
  }

  void block(const ast::BlockStmt *b) {
    scopes.emplace_back();
    for (const ast::Stmt *st : b->getStmts())
      stmt(st);
    if (b->getValue())
      expr(b->getValue());
    scopes.pop_back();
  }

private:
  bool known(llvm::StringRef n) {
    for (auto &sc : scopes)
      if (sc.contains(n))
        return true;
    bool ambiguous = false;
    ast::Ident id{n, {}};
    if (s.lookupTopLevel(mi, id, ambiguous) || ambiguous)
      return true;
    if (mi->findImport(n) || transformNamed(n))
      return true;
    for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i)
      if (getBuiltinName(BuiltinId(i)) == n)
        return true;
    return n == "rank" || n == "prod";
  }

  void pattern(const ast::Pattern *p) {
    if (auto *n = llvm::dyn_cast<ast::NamePattern>(p))
      scopes.back().insert(n->getVar()->getName().name);
    else if (auto *t = llvm::dyn_cast<ast::TuplePattern>(p))
      for (const ast::Pattern *e : t->getElements())
        pattern(e);
  }

  void stmt(const ast::Stmt *st) {
    if (!st)
      return;
    switch (st->getKind()) {
    case ast::NodeKind::BlockStmt:
      block(llvm::cast<ast::BlockStmt>(st));
      break;
    case ast::NodeKind::LetStmt:
      expr(llvm::cast<ast::LetStmt>(st)->getInit());
      pattern(llvm::cast<ast::LetStmt>(st)->getPattern());
      break;
    case ast::NodeKind::AssignStmt:
      expr(llvm::cast<ast::AssignStmt>(st)->getTarget());
      expr(llvm::cast<ast::AssignStmt>(st)->getValue());
      break;
    case ast::NodeKind::IfStmt: {
      auto *i = llvm::cast<ast::IfStmt>(st);
      expr(i->getCond());
      block(i->getThen());
      stmt(i->getElse());
      break;
    }
    case ast::NodeKind::ForStmt: {
      auto *fs = llvm::cast<ast::ForStmt>(st);
      expr(fs->getLo());
      expr(fs->getHi());
      scopes.emplace_back();
      scopes.back().insert(fs->getIndexVar()->getName().name);
      block(fs->getBody());
      scopes.pop_back();
      break;
    }
    case ast::NodeKind::WhileStmt:
      expr(llvm::cast<ast::WhileStmt>(st)->getCond());
      block(llvm::cast<ast::WhileStmt>(st)->getBody());
      break;
    case ast::NodeKind::ReturnStmt:
      expr(llvm::cast<ast::ReturnStmt>(st)->getValue());
      break;
    case ast::NodeKind::PrintStmt:
      for (const ast::Argument &a : llvm::cast<ast::PrintStmt>(st)->getArgs())
        expr(a.value);
      break;
    case ast::NodeKind::ExprStmt:
      expr(llvm::cast<ast::ExprStmt>(st)->getExpr());
      break;
    default:
      break;
    }
  }

  void expr(const ast::Expr *e) {
    if (!e)
      return;
    switch (e->getKind()) {
    case ast::NodeKind::NameExpr: {
      auto *n = llvm::cast<ast::NameExpr>(e);
      if (!known(n->getName())) {
        std::vector<llvm::StringRef> names;
        for (auto &sc : scopes)
          for (auto &k : sc)
            names.push_back(k.getKey());
        s.collectTopLevelNames(mi, names);
        s.reportUnknown(n->getIdent(), names);
      }
      break;
    }
    case ast::NodeKind::TensorLiteralExpr:
      for (const ast::Expr *x :
           llvm::cast<ast::TensorLiteralExpr>(e)->getElements())
        expr(x);
      break;
    case ast::NodeKind::PackSpliceExpr: {
      const ast::Ident &pack = llvm::cast<ast::PackSpliceExpr>(e)->getPack();
      if (!known(pack.name))
        s.reportUnknown(pack, {});
      break;
    }
    case ast::NodeKind::CallExpr:
      expr(llvm::cast<ast::CallExpr>(e)->getCallee());
      for (const ast::Argument &a : llvm::cast<ast::CallExpr>(e)->getArgs())
        expr(a.value);
      break;
    case ast::NodeKind::InstantiateExpr:
      expr(llvm::cast<ast::InstantiateExpr>(e)->getBase());
      break;
    case ast::NodeKind::IndexExpr:
      expr(llvm::cast<ast::IndexExpr>(e)->getBase());
      for (const ast::Expr *x : llvm::cast<ast::IndexExpr>(e)->getIndices())
        expr(x);
      break;
    case ast::NodeKind::SliceExpr:
      expr(llvm::cast<ast::SliceExpr>(e)->getLo());
      expr(llvm::cast<ast::SliceExpr>(e)->getHi());
      break;
    case ast::NodeKind::FieldExpr:
      expr(llvm::cast<ast::FieldExpr>(e)->getBase());
      break;
    case ast::NodeKind::UnaryExpr:
      expr(llvm::cast<ast::UnaryExpr>(e)->getOperand());
      break;
    case ast::NodeKind::BinaryExpr:
      expr(llvm::cast<ast::BinaryExpr>(e)->getLHS());
      expr(llvm::cast<ast::BinaryExpr>(e)->getRHS());
      break;
    case ast::NodeKind::CastExpr:
      expr(llvm::cast<ast::CastExpr>(e)->getOperand());
      break;
    case ast::NodeKind::IfExpr: {
      auto *i = llvm::cast<ast::IfExpr>(e);
      expr(i->getCond());
      block(i->getThen());
      block(i->getElse());
      break;
    }
    case ast::NodeKind::TupleExpr:
      for (const ast::Expr *x : llvm::cast<ast::TupleExpr>(e)->getElements())
        expr(x);
      break;
    case ast::NodeKind::StructLiteralExpr:
      for (const ast::FieldInit &fi :
           llvm::cast<ast::StructLiteralExpr>(e)->getFields())
        expr(fi.value);
      break;
    default:
      break;
    }
  }

  Sema &s;
  ModuleInfo *mi;
  const ast::FuncDecl *f;
  std::vector<llvm::StringSet<>> scopes;
};
} // namespace

void Sema::checkUninstantiatedGenerics() {
  for (auto &m : modules)
    for (const ast::FuncDecl *f : m->module->declsOf<ast::FuncDecl>()) {
      if (!f->isGeneric() || !f->getBody())
        continue;
      bool used = llvm::any_of(instanceList,
                               [&](auto &entry) { return entry.first == f; });
      if (!used)
        NameWalker(*this, m.get(), f).block(f->getBody());
    }
}

} // namespace tdl::sema
