//===- ReplLowering.h - names and results shared by the REPL files -*- C++
//-*-===//
#ifndef TDL_TOOLS_REPL_REPLLOWERING_H
#define TDL_TOOLS_REPL_REPLLOWERING_H

#include "tools/tdlc/repl/ReplSession.h"

#include "backends/cpu/JitSession.h"
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
