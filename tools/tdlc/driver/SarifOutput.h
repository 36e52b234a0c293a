//===- SarifOutput.h - the invocation's SARIF log ---------------*- C++ -*-===//
//
// With --diagnostics-format=sarif, stderr carries exactly one SARIF document
// per invocation: every Session's diagnostics, the usage and internal errors
// reported outside any Session, and the exit status. main writes it once,
// after the verb returns.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_SARIFOUTPUT_H
#define TDL_TOOLS_SARIFOUTPUT_H

#include "basic/SarifLog.h"

namespace tdl {

/// True with --diagnostics-format=sarif.
bool sarifRequested();
/// The invocation's one log (made on first use).
SarifLog &invocationSarifLog();
/// With --diagnostics-format=sarif writes the log to stderr, the first time
/// only; `exitStatus` is what tdlc exits with. Otherwise does nothing.
void writeInvocationSarifLog(int exitStatus);

} // namespace tdl

#endif
