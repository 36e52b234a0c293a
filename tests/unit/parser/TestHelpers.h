//===- TestHelpers.h - shared fixtures of the parser unit tests -*- C++ -*-===//
#ifndef TDL_TESTS_UNIT_PARSER_TESTHELPERS_H
#define TDL_TESTS_UNIT_PARSER_TESTHELPERS_H

#include "basic/Diagnostic.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::testing {

struct Collector : DiagnosticConsumer {
  std::vector<Diagnostic> seen;
  void handle(const Diagnostic &d) override { seen.push_back(d); }
};

/// A source manager, a diagnostics engine collecting into `diags()`, and
/// one buffer holding `text`.
struct Source {
  explicit Source(const std::string &text) : engine(sources) {
    auto c = std::make_unique<Collector>();
    collector = c.get();
    engine.setConsumer(std::move(c));
    engine.setErrorLimit(0);
    buffer = sources.addBuffer("test.tdl", text);
  }
  const std::vector<Diagnostic> &diags() const { return collector->seen; }
  std::vector<DiagId> diagIds() const {
    std::vector<DiagId> ids;
    for (const Diagnostic &d : collector->seen)
      ids.push_back(d.id);
    return ids;
  }
  /// 1-based column of a diagnostic.
  unsigned column(const Diagnostic &d) const {
    return sources.getLineColumn(d.loc).column;
  }

  SourceManager sources;
  DiagnosticEngine engine;
  Collector *collector = nullptr;
  unsigned buffer = 0;
};

} // namespace tdl::testing

#endif
