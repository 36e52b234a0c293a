//===- Autodiff.h - the autodiff pass: fills derived functions ------*- C++
//-*-===//
//
// IR generation records each transform as a declaration
// (`func @g = vjp @f wrt [0, 1]`); this pass gives every declaration a body
// (bases first when a base is itself derived, so grad(grad(f)) works), then
// runs dce so no dead primal values remain. docs/autodiff.md explains how.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_AUTODIFF_H
#define TDL_AUTODIFF_AUTODIFF_H

#include "autodiff/ADContext.h"
#include "basic/SourceManager.h"
#include "ssa_ir/passes/PassManager.h"

namespace tdl::ad {

/// Fills every derived declaration of `m`. Returns false after reporting
/// diagnostics (non-differentiable op on a gradient path, bad custom rule).
bool differentiateModule(ir::Module &m, DiagnosticEngine &diags,
                         AutodiffOptions options = {});

std::unique_ptr<ir::Pass> createAutodiffPass(AutodiffOptions options = {});
/// One line per report (`tdlc --stats`), after a header line.
void printLoopReports(llvm::raw_ostream &os,
                      llvm::ArrayRef<LoopCheckpointReport> reports,
                      const SourceManager *sources);
/// Adds "autodiff" to the pass registry (tdl-opt --autodiff, pipelines).
void registerAutodiffPass();

} // namespace tdl::ad

#endif
