//===- QuietDiagnostics.h - diagnostics that fuzz targets discard --*- C++
//-*-===//
//
// Fuzzing runs millions of inputs: diagnostics are produced (that path is
// fuzzed too) but not printed, and there is no error limit.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_FUZZ_QUIETDIAGNOSTICS_H
#define TDL_TESTS_FUZZ_QUIETDIAGNOSTICS_H

#include "basic/Diagnostic.h"

#include <memory>

namespace tdl::fuzz {

struct NullConsumer : DiagnosticConsumer {
  void handle(const Diagnostic &) override {}
};

/// Makes `diags` discard everything it reports.
inline void silence(DiagnosticEngine &diags) {
  diags.setConsumer(std::make_unique<NullConsumer>());
  diags.setErrorLimit(0);
}

} // namespace tdl::fuzz

#endif
