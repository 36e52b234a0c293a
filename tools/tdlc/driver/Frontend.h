//===- Frontend.h - parse + sema + IR generation, shared by the verbs -*- C++
//-*-===//
//
// The pipeline every verb that needs IR runs (compile's --emit=ir/ir-opt/dot,
// `run`, the REPL): parse the buffer, analyze it, generate IR, verify it.
// User errors are diagnostics (exit 1); IR that fails the verifier or a
// construct irgen cannot lower is an internal compiler error naming the
// stage (exit 3, CLI.md).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_FRONTEND_H
#define TDL_TOOLS_FRONTEND_H

#include "tools/tdlc/driver/Session.h"

#include "autodiff/ADContext.h"
#include "lang/ASTContext.h"
#include "sema/Program.h"
#include "sema/irgen/IRGen.h"

#include <memory>

namespace tdl {

/// Everything the front end produced; the AST and Program must outlive the
/// IR's source locations, so they travel together.
struct FrontendOutput {
  ast::ASTContext astContext;
  const ast::Module *module = nullptr;
  std::unique_ptr<sema::Program> program;
  irgen::GeneratedModule ir;
};

/// Semantic analysis of `module` with the -I / --stdlib options.
std::unique_ptr<sema::Program>
runSema(Session &session, const ast::Module &module, ast::ASTContext &ctx);

/// IR generation from an error-free Program, then the verifier. Returns
/// ExitOk or ExitInternalError (after printing the internal error).
int generateVerifiedIR(const sema::Program &program,
                       irgen::GeneratedModule &out);
/// The same for only `roots` and what they reach (irgen::generateIR with
/// roots: the REPL's input against its analyzed declarations).
int generateVerifiedIR(const sema::Program &program,
                       llvm::ArrayRef<const sema::FuncInstance *> roots,
                       irgen::GeneratedModule &out);

/// Parse + sema + generateVerifiedIR on `buffer`. Returns ExitOk,
/// ExitCompileError (diagnostics reported; call session.finish()) or
/// ExitInternalError.
int runFrontend(Session &session, unsigned buffer, FrontendOutput &out);

/// The verifier's messages on `module` as one text (empty when it is
/// valid), for an internal error.
std::string verifyMessages(const ir::Module &module);

/// The -O pipeline (ssa_ir's buildPipeline), verified after. Returns ExitOk,
/// ExitCompileError (a pass reported a diagnostic) or ExitInternalError.
/// With `loopStats` (or the top-level --stats) it prints autodiff's report
/// on the loops it reversed under --ad-loop-memory on stderr.
int runOptimizationPipeline(Session &session, ir::Module &module,
                            unsigned optLevel, bool loopStats = false);
/// The same reporting to `diags` (the REPL has one engine per input);
/// `reports`, if given, receives autodiff's loop reports.
int runOptimizationPipeline(
    DiagnosticEngine &diags, ir::Module &module, unsigned optLevel,
    std::vector<ad::LoopCheckpointReport> *reports = nullptr);

/// runSema with explicit sources and diagnostics (the REPL).
std::unique_ptr<sema::Program> runSema(SourceManager &sources,
                                       DiagnosticEngine &diags,
                                       const ast::Module &module,
                                       ast::ASTContext &ctx);

/// `tdlc: internal compiler error during STAGE: message`.
void reportInternalError(llvm::StringRef stage, llvm::StringRef message);

} // namespace tdl

#endif
