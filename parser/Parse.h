//===- Parse.h - the front end's entry points --------------------*- C++
//-*-===//
//
// The small API the driver, sema (for imports) and the REPL call:
//
//   ast::ASTContext ctx;
//   ast::Module *m = parser::parseBuffer(sources, bufferId, diags, ctx);
//
// Syntax errors are reported to `diags` (check diags.hasErrors()); the
// returned module is never null and holds every declaration that parsed, so
// callers may still inspect it after errors.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_PARSER_PARSE_H
#define TDL_PARSER_PARSE_H

#include "basic/Diagnostic.h"
#include "lang/ASTContext.h"

#include "llvm/Support/raw_ostream.h"

namespace tdl::parser {

/// Lexes and parses one buffer of `sources` into a module owned by `ctx`.
ast::Module *parseBuffer(SourceManager &sources, unsigned bufferId,
                         DiagnosticEngine &diags, ast::ASTContext &ctx);

/// `--emit=tokens`: one line per token, `Kind 'text' line:col`, ending with
/// `Eof`. Tokens are as the lexer produced them (before the token filter).
void dumpTokens(SourceManager &sources, unsigned bufferId,
                DiagnosticEngine &diags, llvm::raw_ostream &os);

} // namespace tdl::parser

#endif
