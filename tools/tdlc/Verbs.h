//===- Verbs.h - the tdlc verbs (compile, check, run, sim, repl, lsp) --*- C++
//-*-===//
//
// Each verb lives in its own file: an llvm::cl::SubCommand with its options and
// a run function returning the exit status. main.cpp dispatches in one table.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_VERBS_H
#define TDL_TOOLS_VERBS_H

#include "llvm/Support/CommandLine.h"

namespace tdl {

/// `tdlc FILE.tdl ...`: the top-level command (no verb).
int runCompileVerb();

/// `tdlc check FILE`: diagnostics only.
extern llvm::cl::SubCommand CheckCommand;
int runCheckVerb();

/// `tdlc run FILE.tdl`: run a function and print its results.
extern llvm::cl::SubCommand RunCommand;
int runRunVerb();

/// `tdlc sim PROG.tasm`: run an accelerator program on the simulator.
extern llvm::cl::SubCommand SimCommand;
int runSimVerb();

/// `tdlc repl`: the interactive read-eval-print loop.
extern llvm::cl::SubCommand ReplCommand;
int runReplVerb();

/// `tdlc lsp`: the language server (LSP over stdio).
extern llvm::cl::SubCommand LspCommand;
int runLspVerb();

} // namespace tdl

#endif
