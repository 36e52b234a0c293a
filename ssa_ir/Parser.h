//===- Parser.h - the IR text form (input) ------------------------*- C++
//-*-===//
//
// Parses the text written by Printer.h (grammar there and in docs/ir.md).
// Errors are located diagnostics (basic/diags/IR.def) through the engine;
// `//` comments are skipped (so -verify-diagnostics directives can live in
// .tir files). Types of op results are checked by the verifier, not here.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_PARSER_H
#define TDL_SSA_IR_PARSER_H

#include "basic/Diagnostic.h"
#include "ssa_ir/IR.h"

#include <memory>

namespace tdl::ir {

/// Parses buffer `bufferId` of the engine's SourceManager. Returns null after
/// reporting diagnostics.
std::unique_ptr<Module> parseModule(unsigned bufferId, DiagnosticEngine &diags);

/// Parses a type like `f32[2,3]` or `(f32, i64)`; nullopt if malformed.
std::optional<Type> parseTypeString(llvm::StringRef text);

} // namespace tdl::ir

#endif
