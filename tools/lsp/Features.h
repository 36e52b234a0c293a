//===- Features.h - the language features, one function each ------*- C++
//-*-===//
//
// Each feature maps an Analysis of the document (and a position) to the
// JSON result of its LSP request. They only read the analysis: the server
// (Server.cpp) owns documents, analyses and the protocol's life cycle.
//
//   Diagnostics.cpp    textDocument/publishDiagnostics
//   Hover.cpp          textDocument/hover
//   Definition.cpp     textDocument/definition
//   Completion.cpp     textDocument/completion
//   SignatureHelp.cpp  textDocument/signatureHelp
//   DocumentSymbols.cpp textDocument/documentSymbol
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_FEATURES_H
#define TDL_TOOLS_LSP_FEATURES_H

#include "tools/lsp/Analysis.h"
#include "tools/lsp/Protocol.h"
#include "tools/lsp/SourceLocator.h"

namespace tdl::lsp {

/// What every feature needs besides the position.
struct FeatureContext {
  const Analysis &analysis;
  /// The analysis of an earlier version of the document, when the current
  /// one lost something to a syntax error (completion looks there too).
  const Analysis *previous = nullptr;
  const LineTable &lines; // of the current text
  llvm::StringRef uri;
  OffsetEncoding encoding = OffsetEncoding::UTF16;
  SourceLocator &locator;

  Range range(llvm::SMRange r) const;
  llvm::json::Value location(llvm::SMRange r) const;
};

llvm::json::Array diagnostics(const FeatureContext &c);
llvm::json::Value hover(const FeatureContext &c, Position p);
llvm::json::Value definition(const FeatureContext &c, Position p);
llvm::json::Value completion(const FeatureContext &c, Position p);
llvm::json::Value signatureHelp(const FeatureContext &c, Position p);
llvm::json::Value documentSymbols(const FeatureContext &c);

} // namespace tdl::lsp

#endif
