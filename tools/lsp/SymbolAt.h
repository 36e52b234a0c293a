//===- SymbolAt.h - what the name under the cursor refers to ------*- C++
//-*-===//
//
// Hover and go-to-definition both start by asking which name is under the
// cursor and what it denotes. Sema's answer (the `resolved` slots of names,
// the FieldAccess of `a.b`) comes first; where sema has none (the body of
// a generic function no call instantiated, code after a syntax error) the
// name is looked up by the scoping rules instead: locals before the
// cursor, then top-level declarations, imports, builtins and transforms.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_SYMBOLAT_H
#define TDL_TOOLS_LSP_SYMBOLAT_H

#include "tools/lsp/Analysis.h"

#include <optional>

namespace tdl::lsp {

struct SymbolRef {
  enum class Kind {
    Decl,          // `decl`: a function, struct, field, local, param, ...
    Module,        // `module`: an import (`nn`, `import std.nn;`)
    TupleElement,  // `t.0`
    Transpose,     // `x.T`
    Builtin,       // `builtin`
    Transform,     // grad, value_and_grad, vjp, jvp
    NamedArgument, // `axis:` of a builtin call (`builtin`, `name`)
  };
  Kind kind = Kind::Decl;
  const ast::Decl *decl = nullptr;
  const ast::Module *module = nullptr;
  const ast::ImportDecl *import = nullptr;
  sema::BuiltinId builtin = sema::BuiltinId::NumBuiltins;
  llvm::StringRef name;
  /// The identifier under the cursor.
  llvm::SMRange range;
  /// The expression whose value the name is (for its type), or null.
  const ast::Expr *expr = nullptr;
  /// The call whose callee the name is, or null.
  const ast::CallExpr *call = nullptr;
  /// The cursor is on the declaration itself, not a use.
  bool isDeclaration = false;
};

/// The name at byte `offset` of the main buffer (or just before it, when
/// the cursor is right after a name).
std::optional<SymbolRef> symbolAt(const Analysis &a, size_t offset);

/// The innermost expression at `offset` that has a type, for hovering over
/// an operator or a literal.
const ast::Expr *typedExprAt(const Analysis &a, size_t offset);

/// Resolves a plain name seen at `loc` by the scoping rules (no sema):
/// locals, top-level declarations and imports; null when it is none of
/// those (a builtin, a transform, a typo).
const ast::Decl *lookupName(const Analysis &a, llvm::StringRef name,
                            llvm::SMLoc loc);

/// The declaration a callee expression names (`f`, `nn.f`, `f<...>`),
/// sema's answer first.
const ast::Decl *calleeDecl(const Analysis &a, const ast::Expr *callee);

} // namespace tdl::lsp

#endif
