//===- Session.h - one invocation's sources and diagnostics -------*- C++
//-*-===//
//
// Every verb builds a Session: it owns the SourceManager and DiagnosticEngine,
// configured from the common options (format, color, -Werror, error limit,
// -verify), and computes the exit status.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_SESSION_H
#define TDL_TOOLS_SESSION_H

#include "basic/Diagnostic.h"
#include "basic/SourceManager.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

#include <functional>
#include <optional>

namespace tdl {

/// Exit statuses from CLI.md.
enum ExitStatus : int {
  ExitOk = 0,
  ExitCompileError = 1,
  ExitUsageOrIOError = 2,
  ExitInternalError = 3,
};

class Session {
public:
  Session();

  SourceManager sources;
  DiagnosticEngine diags;

  /// Opens an input file ("-" for stdin). On failure prints the I/O error and
  /// returns nullopt: the caller exits with ExitUsageOrIOError.
  std::optional<unsigned> openInput(llvm::StringRef path);

  /// Ends the compilation: runs the -verify check when asked and returns the
  /// exit status (0, or 1 for errors / a -verify mismatch).
  int finish();
};

/// Prints `tdlc: error: message` for command-line and I/O errors.
void reportUsageError(llvm::StringRef message);

/// tdlc's compile-only options (`-o`, `--emit`, `-c`, `--header`...) also
/// parse after a verb (LLVM looks an option the subcommand lacks up in the
/// top level) but do nothing there: warns `argument unused: '-o' has no
/// effect with <verb>` for each one given, as clang does.
void warnCompileOnlyOptions(Session &session, llvm::cl::SubCommand &verb,
                            llvm::StringRef verbName);

/// Writes an output file atomically (temp file + rename), so an error never
/// leaves a half-written file behind. "-" is stdout. Returns false (after
/// printing why) on an I/O error.
bool writeOutputFile(llvm::StringRef path,
                     const std::function<void(llvm::raw_ostream &)> &write);

} // namespace tdl

#endif
