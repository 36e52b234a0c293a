//===- ASTStmt.h - statements and binding patterns ---------------*- C++
//-*-===//
#ifndef TDL_LANG_ASTSTMT_H
#define TDL_LANG_ASTSTMT_H

#include "lang/ASTExpr.h"

namespace tdl::ast {

class VarDecl;

//===-- Patterns (the left side of let / var) ----------------------------===//

class Pattern : public Node {
public:
  static bool classof(const Node *n) {
    return n->getKind() >= FirstPattern && n->getKind() <= LastPattern;
  }

protected:
  using Node::Node;
};

/// `x`: binds one variable.
class NamePattern : public Pattern {
public:
  NamePattern(llvm::SMRange r, VarDecl *var)
      : Pattern(NodeKind::NamePattern, r), var(var) {}
  VarDecl *getVar() const { return var; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::NamePattern;
  }

private:
  VarDecl *var;
};

/// `_`: matches and discards.
class WildcardPattern : public Pattern {
public:
  explicit WildcardPattern(llvm::SMRange r)
      : Pattern(NodeKind::WildcardPattern, r) {}
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::WildcardPattern;
  }
};

/// `(a, b)`, `(a, (b, _))`, `(a,)`.
class TuplePattern : public Pattern {
public:
  TuplePattern(llvm::SMRange r, llvm::ArrayRef<Pattern *> elements)
      : Pattern(NodeKind::TuplePattern, r), elements(elements) {}
  llvm::ArrayRef<Pattern *> getElements() const { return elements; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::TuplePattern;
  }

private:
  llvm::ArrayRef<Pattern *> elements;
};

//===-- Statements -------------------------------------------------------===//

class Stmt : public Node {
public:
  static bool classof(const Node *n) {
    return n->getKind() >= FirstStmt && n->getKind() <= LastStmt;
  }

protected:
  using Node::Node;
};

/// `{ stmts }`. Only the branches of an if expression end in a value
/// (`{ let y = 2; y * x }`); everywhere else getValue() is null (the parser
/// diagnoses a value-ending block where a statement block is needed).
class BlockStmt : public Stmt {
public:
  BlockStmt(llvm::SMRange r, llvm::ArrayRef<Stmt *> stmts, Expr *value)
      : Stmt(NodeKind::BlockStmt, r), stmts(stmts), value(value) {}
  llvm::ArrayRef<Stmt *> getStmts() const { return stmts; }
  Expr *getValue() const { return value; }
  /// For the parser's error recovery (turning a misplaced value into a
  /// statement); nodes are otherwise immutable after construction.
  void setContents(llvm::ArrayRef<Stmt *> newStmts, Expr *newValue) {
    stmts = newStmts;
    value = newValue;
  }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::BlockStmt;
  }

private:
  llvm::ArrayRef<Stmt *> stmts;
  Expr *value;
};

/// `let p [: T] = e;` / `var p [: T] = e;`.
class LetStmt : public Stmt {
public:
  LetStmt(llvm::SMRange r, bool isVar, Pattern *pattern, TypeExpr *declaredType,
          Expr *init)
      : Stmt(NodeKind::LetStmt, r), pattern(pattern),
        declaredType(declaredType), init(init), isVarFlag(isVar) {}
  bool isVar() const { return isVarFlag; }
  Pattern *getPattern() const { return pattern; }
  /// Null when no `: T` was written.
  TypeExpr *getDeclaredType() const { return declaredType; }
  Expr *getInit() const { return init; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::LetStmt;
  }

private:
  Pattern *pattern;
  TypeExpr *declaredType;
  Expr *init;
  bool isVarFlag;
};

/// `x = e;` or `x[i, a:b] = e;` (target a NameExpr or an IndexExpr whose
/// base is a NameExpr; the parser rejects other targets).
class AssignStmt : public Stmt {
public:
  AssignStmt(llvm::SMRange r, Expr *target, llvm::SMLoc eqLoc, Expr *value)
      : Stmt(NodeKind::AssignStmt, r), target(target), value(value),
        eqLoc(eqLoc) {}
  Expr *getTarget() const { return target; }
  Expr *getValue() const { return value; }
  llvm::SMLoc getEqLoc() const { return eqLoc; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::AssignStmt;
  }

private:
  Expr *target, *value;
  llvm::SMLoc eqLoc;
};

/// `if c { } [else { } | else if ...]`; the else branch is a BlockStmt, an
/// IfStmt (else if) or null.
class IfStmt : public Stmt {
public:
  IfStmt(llvm::SMRange r, Expr *cond, BlockStmt *thenBlock, Stmt *elseBranch)
      : Stmt(NodeKind::IfStmt, r), cond(cond), thenBlock(thenBlock),
        elseBranch(elseBranch) {}
  Expr *getCond() const { return cond; }
  BlockStmt *getThen() const { return thenBlock; }
  Stmt *getElse() const { return elseBranch; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::IfStmt;
  }

private:
  Expr *cond;
  BlockStmt *thenBlock;
  Stmt *elseBranch;
};

/// `for i in lo..hi { }` (half-open; `i: i64`).
class ForStmt : public Stmt {
public:
  ForStmt(llvm::SMRange r, VarDecl *index, Expr *lo, Expr *hi, BlockStmt *body)
      : Stmt(NodeKind::ForStmt, r), index(index), lo(lo), hi(hi), body(body) {}
  VarDecl *getIndexVar() const { return index; }
  Expr *getLo() const { return lo; }
  Expr *getHi() const { return hi; }
  BlockStmt *getBody() const { return body; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ForStmt;
  }

private:
  VarDecl *index;
  Expr *lo, *hi;
  BlockStmt *body;
};

class WhileStmt : public Stmt {
public:
  WhileStmt(llvm::SMRange r, Expr *cond, BlockStmt *body)
      : Stmt(NodeKind::WhileStmt, r), cond(cond), body(body) {}
  Expr *getCond() const { return cond; }
  BlockStmt *getBody() const { return body; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::WhileStmt;
  }

private:
  Expr *cond;
  BlockStmt *body;
};

class BreakStmt : public Stmt {
public:
  explicit BreakStmt(llvm::SMRange r) : Stmt(NodeKind::BreakStmt, r) {}
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::BreakStmt;
  }
};

class ContinueStmt : public Stmt {
public:
  explicit ContinueStmt(llvm::SMRange r) : Stmt(NodeKind::ContinueStmt, r) {}
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ContinueStmt;
  }
};

/// `return;` (value null: returns `()`) or `return e;`.
class ReturnStmt : public Stmt {
public:
  ReturnStmt(llvm::SMRange r, Expr *value)
      : Stmt(NodeKind::ReturnStmt, r), value(value) {}
  Expr *getValue() const { return value; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ReturnStmt;
  }

private:
  Expr *value;
};

/// `print(a, b);`: `print` is not a keyword, but a statement that is a
/// call of the bare name `print` is parsed as this statement. Arguments may
/// be named (sema decides which names exist).
class PrintStmt : public Stmt {
public:
  PrintStmt(llvm::SMRange r, llvm::ArrayRef<Argument> args)
      : Stmt(NodeKind::PrintStmt, r), args(args) {}
  llvm::ArrayRef<Argument> getArgs() const { return args; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::PrintStmt;
  }

private:
  llvm::ArrayRef<Argument> args;
};

class ExprStmt : public Stmt {
public:
  ExprStmt(llvm::SMRange r, Expr *expr)
      : Stmt(NodeKind::ExprStmt, r), expr(expr) {}
  Expr *getExpr() const { return expr; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ExprStmt;
  }

private:
  Expr *expr;
};

} // namespace tdl::ast

#endif
