//===- SarifLog.h - one SARIF 2.1.0 log per invocation ----------*- C++ -*-===//
//
// --diagnostics-format=sarif writes one SARIF 2.1.0 document for the whole
// invocation: one run whose tool.driver lists a rule per diagnostic kind that
// occurred, the results, and one invocation object that records problems of
// the run itself (a bad command line, an unreadable file, an internal error).
//
// Unlike JSON lines, a document cannot be streamed diagnostic by diagnostic,
// and an invocation may print problems outside any DiagnosticEngine (usage
// errors before a file is open). So results are collected here, already
// resolved to file, line and column (the log may outlive the SourceManager
// they came from), and the driver writes the log once, on its way out.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BASIC_SARIFLOG_H
#define TDL_BASIC_SARIFLOG_H

#include "basic/Diagnostic.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace tdl {

struct SarifToolInfo {
  std::string name;
  std::string version;
  std::string informationUri; // left out of the log when empty
};

class SarifLog {
public:
  explicit SarifLog(SarifToolInfo tool) : tool(std::move(tool)) {}

  /// Adds a result for a diagnostic of kind `id`: sets its ruleId and
  /// ruleIndex, adding the kind's rule on its first use.
  void addResult(DiagId id, llvm::json::Object result);
  /// A problem of the run rather than of the analyzed files (SARIF's
  /// toolExecutionNotifications); `id` names what kind ("UsageError").
  void addToolNotification(llvm::StringRef id, Severity level,
                           llvm::StringRef message);

  size_t getNumResults() const { return results.size(); }

  /// The document. `executionSuccessful` is false when the tool could not
  /// finish its work (a bad command line, an internal error), not when it
  /// found errors in the input.
  llvm::json::Value toJson(int exitCode, bool executionSuccessful) const;
  /// Writes the document, indented, and a newline.
  void write(llvm::raw_ostream &os, int exitCode,
             bool executionSuccessful) const;

private:
  SarifToolInfo tool;
  std::vector<DiagId> rules; // in order of first use; ruleIndex points here
  llvm::json::Array results;
  llvm::json::Array notifications;
};

/// SARIF's level for a severity: "error", "warning" or "note".
llvm::StringRef sarifLevel(Severity s);

/// Message text as SARIF wants it: literal '{' and '}' doubled, since single
/// braces are argument placeholders (SARIF 2.1.0 §3.11.5).
std::string sarifMessageText(llvm::StringRef text);

/// A file name as a URI reference: absolute paths become file:// URIs,
/// relative ones stay relative; reserved characters are percent-encoded.
std::string sarifUri(llvm::StringRef path);

} // namespace tdl

#endif
