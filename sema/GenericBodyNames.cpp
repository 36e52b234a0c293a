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

#include "lang/ASTVisit.h"

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
      visit(st);
    visit(b->getValue());
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

  /// Binds the variables of a pattern.
  void pattern(const ast::Node *p) {
    if (auto *v = llvm::dyn_cast<ast::VarDecl>(p))
      scopes.back().insert(v->getName().name);
    else
      ast::forEachChild(p, [&](const ast::Node *c) {
        if (c)
          pattern(c);
      });
  }

  /// Statements and expressions; type syntax is not checked here.
  void visit(const ast::Node *n) {
    if (!n)
      return;
    switch (n->getKind()) {
    case ast::NodeKind::BlockStmt:
      block(llvm::cast<ast::BlockStmt>(n));
      return;
    case ast::NodeKind::LetStmt:
      // The pattern's names are in scope after the initializer.
      visit(llvm::cast<ast::LetStmt>(n)->getInit());
      pattern(llvm::cast<ast::LetStmt>(n)->getPattern());
      return;
    case ast::NodeKind::ForStmt: {
      auto *fs = llvm::cast<ast::ForStmt>(n);
      visit(fs->getLo());
      visit(fs->getHi());
      scopes.emplace_back();
      scopes.back().insert(fs->getIndexVar()->getName().name);
      block(fs->getBody());
      scopes.pop_back();
      return;
    }
    case ast::NodeKind::NameExpr: {
      auto *ne = llvm::cast<ast::NameExpr>(n);
      if (!known(ne->getName())) {
        std::vector<llvm::StringRef> names;
        for (auto &sc : scopes)
          for (auto &k : sc)
            names.push_back(k.getKey());
        s.collectTopLevelNames(mi, names);
        s.reportUnknown(ne->getIdent(), names);
      }
      return;
    }
    case ast::NodeKind::PackSpliceExpr: {
      const ast::Ident &pack = llvm::cast<ast::PackSpliceExpr>(n)->getPack();
      if (!known(pack.name))
        s.reportUnknown(pack, {});
      return;
    }
    default:
      ast::forEachChild(n, [&](const ast::Node *c) {
        if (llvm::isa_and_nonnull<ast::Stmt, ast::Expr>(c))
          visit(c);
      });
      return;
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
