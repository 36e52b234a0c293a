//===- FrontendFuzzer.cpp - lexer + parser + dumper on arbitrary bytes ----===//
//
// The libFuzzer entry point (built with -DTDLC_FUZZ=ON and clang) and, with
// ReplayMain.cpp, a plain executable that replays tests/fuzz/corpus/ under
// ctest. Any input must end in diagnostics or a tree -- never a crash, a
// hang or a stack overflow.
//
//===----------------------------------------------------------------------===//
#include "lang/ASTDumper.h"
#include "parser/Parse.h"
#include "tests/fuzz/QuietDiagnostics.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  tdl::SourceManager sources;
  unsigned id = sources.addBuffer("fuzz.tdl", text);
  tdl::DiagnosticEngine diags(sources);
  tdl::fuzz::silence(diags);

  llvm::raw_null_ostream sink;
  tdl::parser::dumpTokens(sources, id, diags, sink);

  tdl::ast::ASTContext ctx;
  tdl::ast::Module *m = tdl::parser::parseBuffer(sources, id, diags, ctx);
  tdl::ast::DumpOptions options;
  options.showRanges = true;
  options.sources = &sources;
  tdl::ast::dumpAST(m, sink, options);
  return 0;
}
