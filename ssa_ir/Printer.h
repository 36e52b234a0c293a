//===- Printer.h - the IR text form (output) ----------------------*- C++
//-*-===//
//
// Grammar (also docs/ir.md):
//
//   module   := (func)*
//   func     := ['export'] 'func' '@'name '(' [arg (',' arg)*] ')' '->' types
//               [loc] '{' op* '}'
//             | ['export'] 'func' '@'name '=' kind '@'base 'wrt' '[' ints ']'
//             [loc]
//   arg      := '%'name ':' type
//   types    := type | '(' [type (',' type)*] ')'     (a single tuple type is
//               written '((a, b))' to tell it from a result list)
//   op       := [results '='] opname [operands] [attr-dict] [':' type (','
//   type)*]
//               [loc] region*
//   results  := '%'name | '%'name ':' N           (uses: '%name#i')
//   region   := '{' ['^(' arg (',' arg)* ')' ':'] op* '}'
//   attr-dict:= '{' name '=' attr (',' name '=' attr)* '}'
//   attr     := int | float | true | false | '[' ints ']' | dtype | "string"
//             | '@'symbol | 'dense<' dtype '>' '[' values ']'
//   loc      := 'loc(' "file" ':' line ':' col ')'
//
// Values are numbered per function (%0, %1, ...) unless they carry a name hint
// that is not yet taken. print -> parse -> print is the identity.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_PRINTER_H
#define TDL_SSA_IR_PRINTER_H

#include "ssa_ir/IR.h"

namespace tdl {
class SourceManager;
}

namespace tdl::ir {

struct PrintOptions {
  /// Print `loc(...)` for ops that only have an SMLoc, resolving it through
  /// this SourceManager (tdlc --emit=ir -g). Explicit file:line:col locations
  /// are always printed.
  const SourceManager *resolveLocations = nullptr;
};

void printModule(const Module &m, llvm::raw_ostream &os,
                 const PrintOptions &opts = {});
void printFunction(const Function &f, llvm::raw_ostream &os,
                   const PrintOptions &opts = {});
/// One op (with its regions) as it would appear inside its function; value
/// names are those the whole function would get. For messages.
void printOperation(const Operation &op, llvm::raw_ostream &os,
                    const PrintOptions &opts = {});
std::string toString(const Module &m);

/// A float attribute as text that parses back to the same double (or, with
/// asF32, the same float: the shortest text for the f32 value).
std::string formatFloatAttr(double v, bool asF32 = false);

} // namespace tdl::ir

#endif
