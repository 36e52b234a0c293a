//===- AstWalk.h - child iteration and position lookup in the AST -*- C++
//-*-===//
//
// The editor features start from a position: nodePath() gives the chain of
// nodes from a top-level declaration down to the innermost node whose range
// holds the location. visibleLocals() lists the local names in scope at a
// location (parameters, generic parameters, `let`/`var`/`for` bindings
// declared before it), innermost last, for completion and for resolving
// names sema did not (an uninstantiated generic body, a half-typed file).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_ASTWALK_H
#define TDL_TOOLS_LSP_ASTWALK_H

#include "lang/AST.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace tdl::lsp {

/// Calls `f` on every direct child of `n` (absent children skipped).
void forEachChild(const ast::Node *n,
                  llvm::function_ref<void(const ast::Node *)> f);

/// True if `r` holds `loc` (start inclusive, end exclusive).
bool rangeContains(llvm::SMRange r, llvm::SMLoc loc);

/// The nodes holding `loc`, outermost (a top-level declaration) first.
/// Empty when `loc` is between declarations.
std::vector<const ast::Node *> nodePath(const ast::Module &m, llvm::SMLoc loc);

/// The function declaration holding `loc`, or null.
const ast::FuncDecl *enclosingFunction(const ast::Module &m, llvm::SMLoc loc);

/// Locals visible at `loc` inside `f`, outermost first (a later entry with
/// the same name shadows an earlier one): generic parameters, parameters,
/// then bindings of the enclosing blocks declared before `loc`.
std::vector<const ast::Decl *> visibleLocals(const ast::FuncDecl &f,
                                             llvm::SMLoc loc);

/// Calls `f` on every node below `n`, depth first, `n` included.
void walk(const ast::Node *n, llvm::function_ref<void(const ast::Node *)> f);

} // namespace tdl::lsp

#endif
