//===- LspVerb.cpp - `tdlc lsp`: the language server over stdio -----------===//
//
// Editors start `tdlc lsp` and talk the Language Server Protocol on its
// stdin and stdout (tools/lsp/Server.h, docs/editors.md). `-I DIR` and
// `--stdlib DIR` apply to every document as they do to `tdlc check`.
// Nothing but protocol messages goes to stdout; problems with the input
// stream are logged on stderr. Exit status 0 after `shutdown` and `exit`,
// 1 when the input ends or `exit` comes without `shutdown` (LSP 3.17).
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Server.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/DriverOptions.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>

namespace cl = llvm::cl;

namespace tdl {

cl::SubCommand LspCommand("lsp",
                          "Run the language server (LSP over stdin/stdout)");

static cl::opt<std::string> lspStdlibCache(
    "stdlib-cache",
    cl::desc("Where to write read-only copies of the built-in standard "
             "library, for go-to-definition (default: the user's cache "
             "directory)"),
    cl::value_desc("dir"), cl::sub(LspCommand), cl::cat(opts::Category));

int runLspVerb() {
  lsp::ServerOptions options;
  options.analysis.includeDirs.assign(opts::IncludeDirs.begin(),
                                      opts::IncludeDirs.end());
  options.analysis.stdlibDir = opts::StdlibDir;
  options.stdlibCache = lspStdlibCache;
  options.version = TDLC_VERSION;
  return lsp::runServer(stdin, llvm::outs(), options);
}

} // namespace tdl
