//===- Frontend.cpp -------------------------------------------------------===//
#include "tools/tdlc/driver/Frontend.h"
#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/SarifOutput.h"

#include "autodiff/Autodiff.h"
#include "parser/Parse.h"
#include "sema/Sema.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/Pass.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace tdl {

void reportInternalError(llvm::StringRef stage, llvm::StringRef message) {
  if (sarifRequested()) { // stderr holds the SARIF log only
    invocationSarifLog().addToolNotification(
        "InternalError", Severity::Error,
        ("internal compiler error during " + stage + ": " + message).str());
    return;
  }
  llvm::WithColor::error(llvm::errs(), "tdlc")
      << "internal compiler error during " << stage << ": " << message << '\n';
}

std::unique_ptr<sema::Program>
runSema(Session &session, const ast::Module &module, ast::ASTContext &ctx) {
  return runSema(session.sources, session.diags, module, ctx);
}

std::unique_ptr<sema::Program> runSema(SourceManager &sources,
                                       DiagnosticEngine &diags,
                                       const ast::Module &module,
                                       ast::ASTContext &ctx) {
  sema::SemaOptions options;
  options.includeDirs.assign(opts::IncludeDirs.begin(),
                             opts::IncludeDirs.end());
  options.stdlibDir = opts::StdlibDir;
  auto parse = [&](unsigned buffer) -> const ast::Module * {
    return parser::parseBuffer(sources, buffer, diags, ctx);
  };
  return sema::analyze(module, sources, diags, options, parse);
}

std::string verifyMessages(const ir::Module &module) {
  std::string text;
  for (const std::string &m : ir::verifyModuleMessages(module))
    text += "\n  " + m;
  return text;
}

int generateVerifiedIR(const sema::Program &program,
                       irgen::GeneratedModule &out) {
  return generateVerifiedIR(program, {}, out);
}

int generateVerifiedIR(const sema::Program &program,
                       llvm::ArrayRef<const sema::FuncInstance *> roots,
                       irgen::GeneratedModule &out) {
  {
    CompilerStage stage("ir generation");
    llvm::Expected<irgen::GeneratedModule> gen =
        roots.empty() ? irgen::generateIR(program)
                      : irgen::generateIR(program, roots);
    if (!gen) {
      reportInternalError("ir generation", llvm::toString(gen.takeError()));
      return ExitInternalError;
    }
    out = std::move(*gen);
  }
  CompilerStage stage("ir verification");
  std::string problems = verifyMessages(*out.module);
  if (!problems.empty()) {
    reportInternalError("ir verification after ir generation",
                        "the generated ir is invalid:" + problems);
    return ExitInternalError;
  }
  return ExitOk;
}

int runFrontend(Session &session, unsigned buffer, FrontendOutput &out) {
  {
    CompilerStage stage("parsing");
    out.module = parser::parseBuffer(session.sources, buffer, session.diags,
                                     out.astContext);
  }
  if (session.diags.hasErrors() || !out.module)
    return ExitCompileError;
  {
    CompilerStage stage("semantic analysis");
    out.program = runSema(session, *out.module, out.astContext);
  }
  if (session.diags.hasErrors() || !out.program)
    return ExitCompileError;
  return generateVerifiedIR(*out.program, out.ir);
}

int runOptimizationPipeline(Session &session, ir::Module &module,
                            unsigned optLevel, bool loopStats) {
  std::vector<ad::LoopCheckpointReport> reports;
  int status =
      runOptimizationPipeline(session.diags, module, optLevel, &reports);
  if (loopStats || opts::memoryStats())
    ad::printLoopReports(llvm::errs(), reports, &session.sources);
  return status;
}

int runOptimizationPipeline(DiagnosticEngine &diags, ir::Module &module,
                            unsigned optLevel,
                            std::vector<ad::LoopCheckpointReport> *reports) {
  CompilerStage stage("ir optimization");
  ir::PassInstrumentation instr;
  instr.verifyEach = opts::VerifyEach;
  instr.printAfterAll = opts::PrintIRAfterAll;
  instr.printAfter.assign(opts::PrintIRAfter.begin(), opts::PrintIRAfter.end());
  instr.timePasses = opts::timePasses();
  // The cpu backend's LLVM pipelines report their passes too.
  llvm::TimePassesIsEnabled = opts::timePasses();
  ir::PassManager pm(std::move(instr));
  // Derived functions (grad, vjp, ...) get their bodies first, at every -O.
  ad::AutodiffOptions adOptions;
  adOptions.loopMemory = opts::adLoopMemory().value_or(-1);
  adOptions.reports = reports;
  pm.add(ad::createAutodiffPass(adOptions));
  ir::buildPipeline(pm, optLevel, opts::fastMath());
  if (!pm.run(module, diags))
    return diags.hasErrors() ? ExitCompileError : ExitInternalError;
  std::string problems = verifyMessages(module);
  if (!problems.empty()) {
    reportInternalError("ir verification after optimization",
                        "the optimized ir is invalid:" + problems);
    return ExitInternalError;
  }
  return ExitOk;
}

} // namespace tdl
