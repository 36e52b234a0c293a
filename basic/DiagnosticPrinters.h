//===- DiagnosticPrinters.h - text, JSON and SARIF diagnostic output -*- C++
//-*-===//
#ifndef TDL_BASIC_DIAGNOSTICPRINTERS_H
#define TDL_BASIC_DIAGNOSTICPRINTERS_H

#include "basic/Diagnostic.h"

#include "llvm/Support/raw_ostream.h"

namespace tdl {

class SarifLog;

/// clang-style: `file:line:col: error: text`, the source line, a caret and
/// `~~~` under the ranges, the text of the fix-its on that line under them,
/// then the notes the same way.
class TextDiagnosticPrinter : public DiagnosticConsumer {
public:
  TextDiagnosticPrinter(llvm::raw_ostream &os, SourceManager &sources,
                        bool colors, std::string programName = "tdlc")
      : os(os), sources(sources), colors(colors),
        programName(std::move(programName)) {}
  void handle(const Diagnostic &d) override;
  /// -fdiagnostics-parseable-fixits: after each diagnostic, one line per
  /// fix-it, `fix-it:"file":{l:c-l:c}:"text"` (clang's form, end exclusive).
  void setParseableFixIts(bool on) { parseableFixIts = on; }

private:
  void print(const Diagnostic &d);
  llvm::raw_ostream &os;
  SourceManager &sources;
  bool colors;
  bool parseableFixIts = false;
  std::string programName;
};

/// One JSON object per line per diagnostic, notes nested; nothing else.
class JsonDiagnosticPrinter : public DiagnosticConsumer {
public:
  JsonDiagnosticPrinter(llvm::raw_ostream &os, SourceManager &sources)
      : os(os), sources(sources) {}
  void handle(const Diagnostic &d) override;

private:
  llvm::raw_ostream &os;
  SourceManager &sources;
};

/// --diagnostics-format=sarif: each diagnostic becomes a result of `log`,
/// its notes relatedLocations, its fix-its and each note's a fix. Prints
/// nothing itself: one log serves the whole invocation, and the driver writes
/// it at the end.
class SarifDiagnosticPrinter : public DiagnosticConsumer {
public:
  SarifDiagnosticPrinter(SarifLog &log, SourceManager &sources)
      : log(log), sources(sources) {}
  void handle(const Diagnostic &d) override;

private:
  SarifLog &log;
  SourceManager &sources;
};

} // namespace tdl

#endif
