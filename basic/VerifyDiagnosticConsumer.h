//===- VerifyDiagnosticConsumer.h - `-verify` test mode ----------*- C++
//-*-===//
//
// As clang's -verify: the source carries the diagnostics it expects,
//
//   let x = y;   // expected-error {{unknown name 'y'}}
//   // expected-error@+1 {{expected ';'}}
//   // expected-note@-2 2 {{declared here}}     (a count)
//   // expected-warning@* {{...}}              (any line of this file)
//   // expected-no-diagnostics
//
// The text in {{ }} must occur in the message. finish() reports every
// expected-but-not-seen and seen-but-not-expected diagnostic (through the
// printer it wraps) and fails iff there was any.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BASIC_VERIFYDIAGNOSTICCONSUMER_H
#define TDL_BASIC_VERIFYDIAGNOSTICCONSUMER_H

#include "basic/Diagnostic.h"

namespace tdl {

struct ExpectedDiagnostic {
  Severity severity;
  unsigned buffer;
  unsigned line; // 0 for "any line" (@*)
  std::string text;
  unsigned count; // how many diagnostics it must match
  SourceLoc directiveLoc;
};

/// Scans a buffer for expected-* directives. Malformed directives are
/// reported to `problems` (as located diagnostics) and skipped.
std::vector<ExpectedDiagnostic>
parseExpectedDiagnostics(SourceManager &sources, unsigned buffer,
                         std::vector<Diagnostic> &problems,
                         bool &sawNoDiagnostics);

class VerifyDiagnosticConsumer : public DiagnosticConsumer {
public:
  /// `printer` renders the verifier's own findings.
  VerifyDiagnosticConsumer(SourceManager &sources,
                           std::unique_ptr<DiagnosticConsumer> printer)
      : sources(sources), printer(std::move(printer)) {}
  void handle(const Diagnostic &d) override;
  bool finish() override;

private:
  SourceManager &sources;
  std::unique_ptr<DiagnosticConsumer> printer;
  std::vector<Diagnostic> seen; // notes flattened alongside their parents
};

} // namespace tdl

#endif
