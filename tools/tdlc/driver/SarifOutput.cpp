//===- SarifOutput.cpp ----------------------------------------------------===//
#include "tools/tdlc/driver/SarifOutput.h"

#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Session.h"

#include "llvm/Support/raw_ostream.h"

namespace tdl {

bool sarifRequested() {
  return opts::DiagnosticsFormat == opts::DiagFormat::Sarif;
}

SarifLog &invocationSarifLog() {
  static SarifLog log(SarifToolInfo{"tdlc", TDLC_VERSION, ""});
  return log;
}

void writeInvocationSarifLog(int exitStatus) {
  static bool written = false;
  if (!sarifRequested() || written)
    return;
  written = true;
  // Errors in the input are findings of a run that completed; a bad command
  // line, an I/O error or an internal error mean it did not.
  bool successful = exitStatus == ExitOk || exitStatus == ExitCompileError;
  invocationSarifLog().write(llvm::errs(), exitStatus, successful);
}

} // namespace tdl
