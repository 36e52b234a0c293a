//===- ParseActions.h - what the grammar's actions call ----------*- C++
//-*-===//
//
// The Bison grammar (Parser.yy) stays declarative: each action calls one
// builder here. ParseState owns the per-parse bookkeeping (the token filter,
// the top-level declarations parsed so far, which expressions were
// parenthesized) and implements the checks that are easier after a rule is
// reduced than inside the grammar:
//  - non-associative comparisons (`a < b < c`),
//  - named arguments after positional ones, assignment targets,
//  - struct literal type names,
//  - blocks ending in a value only where an if expression needs one,
//  - the AST depth limit (kMaxDepth): deeper trees get one diagnostic and
//    the parse stops, so no later recursive walk can overflow the stack.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_PARSER_PARSEACTIONS_H
#define TDL_PARSER_PARSEACTIONS_H

#include "basic/Diagnostic.h"
#include "lang/ASTContext.h"
#include "parser/TokenFilter.h"

#include "llvm/ADT/DenseSet.h"

#include <initializer_list>
#include <vector>

namespace tdl::parser {

/// Bison's location type: a span of source text.
struct Loc {
  const char *begin = nullptr;
  const char *end = nullptr;
};

/// Semantic values of literal tokens.
struct IntTok {
  llvm::StringRef text;
  uint64_t value = 0;
};
struct FloatTok {
  llvm::StringRef text;
  double value = 0;
};

class ParseState {
public:
  static constexpr unsigned kMaxDepth = 1024;

  ParseState(ast::ASTContext &ctx, DiagnosticEngine &diags, TokenFilter &filter)
      : ctx(ctx), diags(diags), filter(filter) {}

  ast::ASTContext &ctx;
  DiagnosticEngine &diags;
  TokenFilter &filter;
  std::vector<ast::Decl *> decls;

  static llvm::SMRange range(const Loc &l) {
    return {llvm::SMLoc::getFromPointer(l.begin),
            llvm::SMLoc::getFromPointer(l.end)};
  }
  static llvm::SMLoc start(const Loc &l) {
    return llvm::SMLoc::getFromPointer(l.begin);
  }
  template <typename T> llvm::ArrayRef<T> copy(const std::vector<T> &v) {
    return ctx.copyArray(llvm::ArrayRef<T>(v));
  }

  /// Sets `n`'s depth from its children; reports and stops past kMaxDepth.
  template <typename T>
  T *depth(T *n, std::initializer_list<const ast::Node *> children) {
    uint32_t d = 0;
    for (const ast::Node *c : children)
      if (c && c->getDepth() > d)
        d = c->getDepth();
    return finishDepth(n, d);
  }
  template <typename T, typename C>
  T *depthList(T *n, llvm::ArrayRef<C *> children, uint32_t base = 0) {
    uint32_t d = base;
    for (const C *c : children)
      if (c && c->getDepth() > d)
        d = c->getDepth();
    return finishDepth(n, d);
  }

  //===-- Expressions
  //------------------------------------------------------===//
  ast::Expr *makeName(const ast::Ident &id);
  ast::Expr *makeBinary(ast::BinaryOp op, const Loc &opLoc, ast::Expr *l,
                        ast::Expr *r, const Loc &all);
  ast::Expr *makeUnary(ast::UnaryOp op, ast::Expr *e, const Loc &all);
  ast::Expr *makeCast(ast::Expr *e, ast::TypeExpr *t, const Loc &all);
  ast::Expr *makeCall(ast::Expr *callee, std::vector<ast::Argument> &args,
                      const Loc &all);
  ast::Expr *makeIndex(ast::Expr *base, std::vector<ast::Expr *> &indices,
                       const Loc &all);
  ast::Expr *makeSlice(ast::Expr *lo, ast::Expr *hi, const Loc &all);
  ast::Expr *makeField(ast::Expr *base, const ast::Ident &field,
                       const Loc &all);
  ast::Expr *makeTupleField(ast::Expr *base, const IntTok &index,
                            const Loc &indexLoc, const Loc &all);
  ast::Expr *makeInstantiate(ast::Expr *base,
                             std::vector<ast::TypeExpr *> &args,
                             const Loc &all);
  ast::Expr *makeStructLiteral(ast::Expr *typeName,
                               std::vector<ast::FieldInit> &fields,
                               const Loc &all);
  ast::Expr *makeTensorLiteral(std::vector<ast::Expr *> &elems, const Loc &all);
  ast::Expr *makeTuple(std::vector<ast::Expr *> &elems, const Loc &all);
  ast::Expr *parenthesized(ast::Expr *e);
  ast::Expr *makeIfExpr(ast::IfStmt *parts, const Loc &all);

  //===-- Types
  //------------------------------------------------------------===//
  ast::TypeExpr *makeNamedType(std::vector<ast::Ident> &path,
                               std::vector<ast::TypeExpr *> *genericArgs,
                               const Loc &all);
  ast::TypeExpr *makeTensorType(std::vector<ast::Ident> &element,
                                std::vector<ast::TypeExpr *> &dims,
                                const Loc &all);
  ast::TypeExpr *makeDimBinary(ast::BinaryOp op, const Loc &opLoc,
                               ast::TypeExpr *l, ast::TypeExpr *r,
                               const Loc &all);
  ast::TypeExpr *makeDimCall(const ast::Ident &callee, const ast::Ident &pack,
                             const Loc &all);
  ast::TypeExpr *makeDimList(std::vector<ast::TypeExpr *> &dims,
                             const Loc &all);
  ast::TypeExpr *makeTupleType(std::vector<ast::TypeExpr *> &elems,
                               const Loc &all);

  //===-- Statements
  //-------------------------------------------------------===//
  ast::BlockStmt *makeBlock(std::vector<ast::Stmt *> &stmts, ast::Expr *value,
                            const Loc &all);
  /// A block in statement position (function / loop body): no value.
  ast::BlockStmt *stmtBlock(ast::BlockStmt *b);
  ast::Stmt *makeExprStmt(ast::Expr *e, const Loc &all);
  ast::Stmt *makeAssign(ast::Expr *target, const Loc &eq, ast::Expr *value,
                        const Loc &all);
  ast::Stmt *makeLet(bool isVar, ast::Pattern *p, ast::TypeExpr *t,
                     ast::Expr *init, const Loc &all);
  ast::Pattern *makeNamePattern(const ast::Ident &id, const Loc &all);
  /// Patterns are built before the let/var keyword is known to apply;
  /// this fixes up the VarDecls' kind and keyword location.
  void setPatternKind(ast::Pattern *p, ast::VarDecl::Kind kind,
                      llvm::SMLoc keyword);

  //===-- Declarations
  //-----------------------------------------------------===//
  struct Prefix {
    std::vector<ast::Attribute> attrs;
    bool isExport = false;
    Loc exportLoc;
  };
  ast::GenericParamDecl *makeGenericParam(const ast::Ident &name,
                                          const ast::Ident *constraint,
                                          bool isPack, const Loc &all);
  void addDecl(ast::Decl *d, Prefix &prefix, bool isFunction);

  /// Bison's syntax error hook (see Parser.yy).
  void reportSyntaxError(llvm::SMRange at, llvm::StringRef found,
                         std::vector<std::string> &expected,
                         bool expectsExpression, llvm::StringRef expectedCloser,
                         bool preferSemi);

  bool isStopped() const { return depthExceeded || filter.isAborted(); }

  /// Dtype names always mean the dtype, so binding one is an error.
  void checkBindable(const ast::Ident &name, llvm::StringRef what);

private:
  template <typename T> T *finishDepth(T *n, uint32_t childDepth) {
    n->setDepth(childDepth + 1);
    if (childDepth + 1 > kMaxDepth && !depthExceeded) {
      depthExceeded = true;
      diags.report(diag::ParseExprTooDeep, n->getLoc(), kMaxDepth);
      filter.abort();
    }
    return n;
  }
  void settle(ast::Stmt *s);
  ast::BlockStmt *valueBlock(ast::BlockStmt *b);
  bool isChainedComparison(ast::BinaryOp op, ast::Expr *lhs) const;

  llvm::DenseSet<const ast::Expr *> parens;
  bool depthExceeded = false;
};

} // namespace tdl::parser

#endif
