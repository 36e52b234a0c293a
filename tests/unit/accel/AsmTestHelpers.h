//===- AsmTestHelpers.h - assemble text in tests, capture diagnostics ----===//
#ifndef TDL_TESTS_UNIT_ACCEL_ASMTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_ASMTESTHELPERS_H

#include "backends/accel/asm/Assembler.h"
#include "basic/Diagnostic.h"
#include "basic/SourceManager.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::accel::test {

/// Keeps every diagnostic as "line:col: message".
class CapturingConsumer : public DiagnosticConsumer {
public:
  CapturingConsumer(SourceManager &sources, std::vector<std::string> &out)
      : sources(sources), out(out) {}
  void handle(const Diagnostic &d) override {
    LineColumn lc = sources.getLineColumn(d.loc);
    out.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) +
                  ": " + d.message);
  }

private:
  SourceManager &sources;
  std::vector<std::string> &out;
};

struct Assembled {
  SourceManager sources;
  std::vector<std::string> diagnostics;
  std::optional<AsmProgram> program;
};

inline std::unique_ptr<Assembled>
assembleText(const std::string &text, const Config &config = Config()) {
  auto result = std::make_unique<Assembled>();
  DiagnosticEngine diags(result->sources);
  diags.setConsumer(std::make_unique<CapturingConsumer>(result->sources,
                                                        result->diagnostics));
  unsigned id = result->sources.addBuffer("test.tasm", text);
  result->program = assemble(id, diags, config);
  return result;
}

} // namespace tdl::accel::test

#endif
