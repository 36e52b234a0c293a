//===- AstWalk.cpp --------------------------------------------------------===//
#include "tools/lsp/AstWalk.h"

#include "lang/ASTVisit.h"

namespace tdl::lsp {

using namespace ast;

void forEachChild(const Node *n, llvm::function_ref<void(const Node *)> f) {
  if (!n)
    return;
  ast::forEachChild(n, [&](const Node *c) {
    if (c)
      f(c);
  });
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
    lsp::forEachChild(current, [&](const Node *c) {
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
  lsp::forEachChild(n, [&](const Node *c) {
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
  lsp::forEachChild(n, [&](const Node *c) { walk(c, f); });
}

} // namespace tdl::lsp
