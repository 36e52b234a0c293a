//===- Diagnostic.cpp - the diagnostics engine ----------------------------===//
#include "basic/Diagnostic.h"

#include <cassert>

namespace tdl {

static const DiagInfo diagInfos[] = {
#define DIAG(SEVERITY, ID, TEXT, SIGNATURE) {Severity::SEVERITY, #ID, TEXT},
#include "basic/DiagnosticKinds.def"
};
static_assert(std::size(diagInfos) == size_t(DiagId::NumDiagIds),
              "one DiagInfo per DiagId");

const DiagInfo &getDiagInfo(DiagId id) {
  assert(id < DiagId::NumDiagIds && "diagnostic id out of range");
  return diagInfos[size_t(id)];
}

std::string_view severityName(Severity s) {
  switch (s) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

DiagnosticConsumer::~DiagnosticConsumer() = default;

DiagnosticBuilder::~DiagnosticBuilder() {
  if (engine)
    engine->emit(std::move(diag));
}

DiagnosticEngine::DiagnosticEngine(SourceManager &sources) : sources(sources) {}
DiagnosticEngine::~DiagnosticEngine() = default;

void DiagnosticEngine::setConsumer(std::unique_ptr<DiagnosticConsumer> c) {
  consumer = std::move(c);
}

Diagnostic DiagnosticEngine::make(DiagId id, SourceLoc loc,
                                  std::string message) {
  Diagnostic d;
  d.id = id;
  d.severity = getDiagInfo(id).severity;
  d.message = std::move(message);
  d.loc = loc;
  return d;
}

void DiagnosticEngine::emit(Diagnostic d) {
  assert(d.severity != Severity::Note && "notes are attached with .note()");
  if (d.severity == Severity::Warning && warningsAsErrors)
    d.severity = Severity::Error;
  if (d.severity == Severity::Warning) {
    ++warningCount;
  } else {
    ++errorCount;
    if (limitReached)
      return;
    if (errorLimit != 0 && errorCount > errorLimit) {
      limitReached = true;
      if (consumer)
        consumer->handle(make(DiagId::TooManyErrors, SourceLoc(),
                              format(DiagId::TooManyErrors)));
      return;
    }
  }
  if (consumer)
    consumer->handle(d);
}

bool DiagnosticEngine::finish() { return consumer ? consumer->finish() : true; }

} // namespace tdl
