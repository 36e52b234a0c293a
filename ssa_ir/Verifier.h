//===- Verifier.h - IR invariants (see Verifier.cpp) --------------*- C++
//-*-===//
#ifndef TDL_SSA_IR_VERIFIER_H
#define TDL_SSA_IR_VERIFIER_H

#include "basic/Diagnostic.h"
#include "ssa_ir/IR.h"

namespace tdl::ir {

/// Checks every invariant of Verifier.cpp, reports every violation as a
/// diagnostic at the op (with the op printed in context as a note) and
/// returns true iff the module is valid. `contextNotes` off leaves out the
/// op-in-context notes (tdl-opt -verify-diagnostics checks errors only).
bool verifyModule(const Module &m, DiagnosticEngine &diags,
                  bool contextNotes = true);

/// Same, without a diagnostics engine: returns the messages (one per
/// violation, with the op text). Empty means valid. For asserts and tests.
std::vector<std::string> verifyModuleMessages(const Module &m);

} // namespace tdl::ir

#endif
