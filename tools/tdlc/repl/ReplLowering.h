//===- ReplLowering.h - names and results shared by the REPL files -*- C++
//-*-===//
#ifndef TDL_TOOLS_REPL_REPLLOWERING_H
#define TDL_TOOLS_REPL_REPLLOWERING_H

#include "tools/tdlc/repl/ReplSession.h"

#include "backends/cpu/JitSession.h"
#include "sema/Sema.h"
#include "sema/irgen/IRGen.h"

#include <csignal>

namespace tdl::repl {

/// The synthesized wrapper function and the binding holding an
/// expression's value. The `__repl_` prefix keeps them out of the way of
/// user names.
inline constexpr char kWrapperName[] = "__repl_main";
inline constexpr char kValueName[] = "__repl_value";
inline constexpr char kFunctionRefName[] = "__repl_fnref";

/// An input compiled down to optimized IR, ready to run.
struct ReplSession::Lowered {
  std::unique_ptr<CompiledProgram> compiled;
  irgen::GeneratedModule ir;
  std::string functionName; // the wrapper's IR function
};

/// Every live declaration as one program, parsed and analyzed once; each
/// input's wrapper is checked against it (sema::IncrementalAnalysis) and
/// removed from it again. Its DiagnosticEngine lives as long as it does;
/// the input being checked points its consumer at a sink of its own.
struct ReplSession::AnalyzedDeclarations {
  explicit AnalyzedDeclarations(SourceManager &sources) : diags(sources) {}
  ast::ASTContext astContext; // the declarations and the modules they import
  /// The declarations' program, then one per declaration input that only
  /// added new declarations (extendAnalysis).
  std::vector<SynthesizedBuffer> texts;
  DiagnosticEngine diags;
  SwitchableConsumer *sink = nullptr; // owned by diags
  std::unique_ptr<sema::IncrementalAnalysis> analysis;
};

struct ReplSession::Executable {
  const Lowered *low = nullptr;
  std::unique_ptr<cpu::JitFunction> jit; // null: the interpreter runs it
};

/// While it lives, Ctrl-C interrupts the evaluation (JIT'd loops and
/// kernels, the interpreter's loops) instead of ending the process; a
/// second Ctrl-C before the evaluation stops ends it as before.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope &) = delete;
  InterruptScope &operator=(const InterruptScope &) = delete;
  /// Ctrl-C was pressed since the scope began.
  static bool requested();

private:
  struct sigaction previous = {};
};

} // namespace tdl::repl

#endif
