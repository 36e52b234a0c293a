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

class Sema;

/// An analysis kept alive so that more declarations can be checked against
/// it without analyzing the first module again: the REPL analyzes its live
/// declarations once and checks each input's wrapper function against them
/// (docs/repl.md, "Declarations are analyzed once").
///
/// check() analyzes the declarations of an extra module (functions and
/// derived functions; no imports) as if they were appended to the main
/// module: they see its declarations and imports, reuse the instances it
/// made (a non-generic function is not checked again), and add their own
/// instances, and those of generic functions they instantiate, to
/// program(). undo() (or the next check()) removes everything check()
/// added, which leaves the analysis as it was before; the extra module may
/// then be destroyed. keep() instead makes it part of the analysis (new
/// declarations: the module must then live as long as the analysis). After
/// a check() that reported an error the analysis should be dropped: sema's
/// error de-duplication is not undone.
class IncrementalAnalysis {
public:
  IncrementalAnalysis(const ast::Module &main, SourceManager &sources,
                      DiagnosticEngine &diags, SemaOptions options,
                      ParseFunction parse);
  ~IncrementalAnalysis();
  IncrementalAnalysis(const IncrementalAnalysis &) = delete;
  IncrementalAnalysis &operator=(const IncrementalAnalysis &) = delete;

  const Program &program() const { return *program_; }
  /// The instances of the extra module's non-generic functions, in order.
  std::vector<const FuncInstance *> check(const ast::Module &extra);
  void undo();
  void keep();

private:
  SemaOptions options;
  ParseFunction parse;
  std::unique_ptr<Program> program_;
  std::unique_ptr<Sema> sema;
  struct Added;
  std::unique_ptr<Added> added; // what the last check() added
};

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
