//===- Sema.h - semantic analysis: the public entry points -------*- C++
//-*-===//
//
// analyze() resolves imports, names and types of a parsed module and every
// module it imports, instantiates generic functions at their uses and
// returns the typed, monomorphized Program (see sema/Program.h) that IR
// generation lowers. Errors are reported to the DiagnosticEngine; the
// Program is only meaningful when no error was reported.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_SEMA_H
#define TDL_SEMA_SEMA_H

#include "basic/Diagnostic.h"
#include "lang/ASTContext.h"
#include "sema/Program.h"

#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tdl::sema {

struct SemaOptions {
  /// `-I` directories, searched after the importing file's directory.
  std::vector<std::string> includeDirs;
  /// `--stdlib DIR`: read `std/*.tdl` from DIR instead of the copies
  /// embedded in the binary.
  std::string stdlibDir;
};

/// Parses one buffer of the SourceManager into a Module (the parser's entry
/// point; injected so sema's tests can supply their own).
using ParseFunction = std::function<const ast::Module *(unsigned bufferId)>;

std::unique_ptr<Program> analyze(const ast::Module &main,
                                 SourceManager &sources,
                                 DiagnosticEngine &diags,
                                 const SemaOptions &options,
                                 const ParseFunction &parse);

/// `--emit=typed-ast`: every function instance's syntax tree with the
/// concrete type of every expression and binding (stable text for FileCheck).
void printTypedProgram(const Program &program, const SourceManager &sources,
                       llvm::raw_ostream &os);

/// The embedded copy of a standard library file ("std/nn.tdl"), or empty.
llvm::StringRef findEmbeddedStdlibSource(llvm::StringRef relativePath);
/// The paths of every embedded standard library file, sorted.
llvm::ArrayRef<llvm::StringRef> embeddedStdlibPaths();

} // namespace tdl::sema

#endif
