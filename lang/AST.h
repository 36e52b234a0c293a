//===- AST.h - the TDL syntax tree (umbrella header) -------------*- C++
//-*-===//
//
// The parser's output and sema's input. Node classes are listed in
// ASTNodes.def; the hierarchies are Decl / Stmt / Expr / TypeExpr / Pattern.
// Nodes are created in (and owned by) an ASTContext.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_AST_H
#define TDL_LANG_AST_H

#include "lang/ASTBase.h"
#include "lang/ASTDecl.h"
#include "lang/ASTExpr.h"
#include "lang/ASTStmt.h"
#include "lang/ASTType.h"

#endif
