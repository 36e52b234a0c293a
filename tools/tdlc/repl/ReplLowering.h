//===- ReplLowering.h - names and results shared by the REPL files -*- C++
//-*-===//
#ifndef TDL_TOOLS_REPL_REPLLOWERING_H
#define TDL_TOOLS_REPL_REPLLOWERING_H

#include "tools/tdlc/repl/ReplSession.h"

#include "sema/irgen/IRGen.h"

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

} // namespace tdl::repl

#endif
