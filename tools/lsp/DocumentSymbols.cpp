//===- DocumentSymbols.cpp - textDocument/documentSymbol ------------------===//
//
// The outline: every top-level declaration (imports, constants, structs
// with their fields, functions with their parameters, derived functions),
// as hierarchical DocumentSymbols with the declaration's range and its
// name's as selectionRange.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Describe.h"
#include "tools/lsp/Features.h"

namespace tdl::lsp {

namespace {
// LSP SymbolKind values.
enum SymbolKind : int {
  SModule = 2,
  SField = 8,
  SFunction = 12,
  SVariable = 13,
  SConstant = 14,
  SStruct = 23,
  STypeParameter = 26,
};
} // namespace

static llvm::json::Object symbol(const FeatureContext &c, const ast::Decl &d,
                                 int kind, llvm::StringRef detail) {
  llvm::SMRange full = d.getRange();
  llvm::SMRange name = d.getName().isValid() ? d.getName().getRange() : full;
  llvm::json::Object o{
      {"name",
       jsonText(d.getName().name.empty() ? "<unnamed>" : d.getName().name)},
      {"kind", kind},
      {"range", toJSON(c.range(full))},
      {"selectionRange", toJSON(c.range(name))}};
  if (!detail.empty())
    o["detail"] = jsonText(detail);
  return o;
}

llvm::json::Value documentSymbols(const FeatureContext &c) {
  const Analysis &a = c.analysis;
  llvm::json::Array out;
  if (!a.module)
    return out;
  for (const ast::Decl *d : a.module->getDecls()) {
    if (!d->getRange().isValid() || !a.inMainBuffer(d->getRange().Start))
      continue;
    switch (d->getKind()) {
    case ast::NodeKind::ImportDecl:
      out.push_back(symbol(c, *d, SModule, foldedText(d->getRange())));
      break;
    case ast::NodeKind::ConstDecl:
      out.push_back(symbol(c, *d, SConstant, declSummary(a, *d)));
      break;
    case ast::NodeKind::StructDecl: {
      auto *s = llvm::cast<ast::StructDecl>(d);
      llvm::json::Object o = symbol(c, *d, SStruct, "");
      llvm::json::Array children;
      for (const ast::GenericParamDecl *g : s->getGenericParams())
        children.push_back(symbol(c, *g, STypeParameter, ""));
      for (const ast::FieldDecl *f : s->getFields())
        children.push_back(
            symbol(c, *f, SField,
                   f->getFieldType() ? foldedText(f->getFieldType()->getRange())
                                     : ""));
      o["children"] = std::move(children);
      out.push_back(std::move(o));
      break;
    }
    case ast::NodeKind::FuncDecl: {
      auto *f = llvm::cast<ast::FuncDecl>(d);
      std::string sig = functionSignature(*f);
      llvm::StringRef detail(sig);
      detail.consume_front("fn ");
      detail.consume_front(f->getName().name);
      llvm::json::Object o = symbol(c, *d, SFunction, detail);
      llvm::json::Array children;
      for (const ast::ParamDecl *p : f->getParams())
        children.push_back(
            symbol(c, *p, SVariable,
                   p->getParamType() ? foldedText(p->getParamType()->getRange())
                                     : ""));
      o["children"] = std::move(children);
      out.push_back(std::move(o));
      break;
    }
    case ast::NodeKind::DerivedFuncDecl:
      out.push_back(symbol(c, *d, SFunction, foldedText(d->getRange())));
      break;
    default:
      break;
    }
  }
  return out;
}

} // namespace tdl::lsp
