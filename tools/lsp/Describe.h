//===- Describe.h - declarations and types as an editor shows them -*- C++
//-*-===//
//
// Text for hover, completion details and signature help: a function's
// signature as written (`fn dense<B, I, O>(x: f32[B, I], ...) -> f32[B, O]`,
// whitespace folded), a struct's fields, the `///` comment above a
// declaration, the bindings of an instance (`B = 32, I = 784`), and the
// types an expression has across the instances of its function.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_DESCRIBE_H
#define TDL_TOOLS_LSP_DESCRIBE_H

#include "tools/lsp/Analysis.h"

#include <string>

namespace tdl::lsp {

/// The source text of `r`, runs of whitespace folded to one space.
std::string foldedText(llvm::SMRange r);

/// `fn name<...>(params) -> R` (params as written, with defaults).
std::string functionSignature(const ast::FuncDecl &f);
/// The pieces of functionSignature, for signature help.
std::string functionPrefix(const ast::FuncDecl &f); // `fn name<...>(`
std::string paramText(const ast::ParamDecl &p);     // `const axis: i64 = -1`
std::string functionSuffix(const ast::FuncDecl &f); // `) -> R`

/// `struct Dense<I, O> { w: f32[I, O], b: f32[O] }`.
std::string structSummary(const ast::StructDecl &s);

/// One line describing any declaration (what hover shows first), with its
/// type where sema knows it.
std::string declSummary(const Analysis &a, const ast::Decl &d);

/// The `///` lines just above `d`, without the slashes; empty if none.
std::string docComment(const SourceManager &sources, const ast::Decl &d);

/// `B = 32, I = 784, O = 128` for an instance of a generic function.
std::string bindingsText(const sema::FuncInstance &inst);

/// One type, or one line per distinct type with the instances that have
/// it (`f32[2, 3]  (in dense<1, 2, 3>)`).
std::string typesText(llvm::ArrayRef<TypedIn> types);

/// The name a generic parameter is written with (`N`, `..S`, `T`).
std::string genericParamName(const ast::GenericParamDecl &g);

} // namespace tdl::lsp

#endif
