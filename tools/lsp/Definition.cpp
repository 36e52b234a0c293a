//===- Definition.cpp - textDocument/definition ---------------------------===//
//
// Functions, structs, fields (`l.w`, a struct literal's `w:`), locals,
// parameters (and named arguments of user functions), generic parameters,
// constants, derived functions, and modules: an import (`import std.nn;`,
// the `nn` of `nn.softmax`) goes to the top of the module's file. Targets
// in the embedded standard library are cache copies (SourceLocator.h).
// Builtins and transforms have no source: the result is null.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Features.h"
#include "tools/lsp/SymbolAt.h"

namespace tdl::lsp {

llvm::json::Value definition(const FeatureContext &c, Position p) {
  const Analysis &a = c.analysis;
  std::optional<SymbolRef> s = symbolAt(a, c.lines.offset(p));
  if (!s)
    return nullptr;
  if (s->kind == SymbolRef::Kind::Module) {
    if (!s->module)
      return nullptr;
    llvm::SMLoc start = a.sources.getBufferStart(s->module->getBufferId());
    return c.location({start, start});
  }
  if (s->kind != SymbolRef::Kind::Decl || !s->decl)
    return nullptr;
  const ast::Ident &name = s->decl->getName();
  return c.location(name.isValid() ? name.getRange() : s->decl->getRange());
}

} // namespace tdl::lsp
