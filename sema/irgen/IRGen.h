//===- IRGen.h - IR generation: the typed Program to SSA IR ------*- C++
//-*-===//
//
// Lowers sema's typed, monomorphized Program (sema/Program.h) to an SSA IR
// Module (ssa_ir/IR.h) with no further inference:
//
//   * every FuncInstance becomes one IR function (`@dense_32_784_128`:
//     sema's instance name with non-identifier runs turned into `_`; an
//     exported instance takes its C name), parameters and results flattened
//     to tensor leaves (see ValueTree.h);
//   * every DerivedInstance becomes a derived-function declaration
//     (`func @g = grad @f wrt [...]`) that autodiff fills in;
//   * statements become structured control flow: `var`s become SSA values,
//     `if` results and loop-carried values; break / continue / early return
//     become flags carried through the structured ops.
//
// The lowering is documented in docs/ir.md, "From TDL to IR". The result
// is meant to verify; the caller runs the verifier and treats a failure as
// an internal compiler error.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_IRGEN_IRGEN_H
#define TDL_SEMA_IRGEN_IRGEN_H

#include "sema/Program.h"
#include "ssa_ir/IR.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace tdl::irgen {

struct GeneratedModule {
  std::unique_ptr<ir::Module> module;
  /// The IR function of each function instance.
  llvm::DenseMap<const sema::FuncInstance *, ir::Function *> functions;
};

/// Lowers `program` (which must be free of errors). An llvm::Error is an
/// internal compiler error: a construct sema accepted that irgen cannot
/// lower, described in the message.
llvm::Expected<GeneratedModule> generateIR(const sema::Program &program);

/// Lowers only `roots` and what they reach: the instances they call, the
/// derived instances they call and their primals, the derivative rules of
/// those. Exports outside that set are left out. The REPL lowers one input
/// this way against the declarations it analyzed once (docs/repl.md).
llvm::Expected<GeneratedModule>
generateIR(const sema::Program &program,
           llvm::ArrayRef<const sema::FuncInstance *> roots);

/// `dense<32, 784, 128>` -> `dense_32_784_128`: an IR symbol made of
/// letters, digits and `_`.
std::string mangleInstanceName(llvm::StringRef name);

} // namespace tdl::irgen

#endif
