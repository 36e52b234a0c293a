//===- IRFuzzer.cpp - the IR text parser, verifier and passes -------------===//
//
// tdl-opt's path on arbitrary text: parse, verify, then (for IR the
// verifier accepts) the -O2 pipeline with verification after each pass.
// Any input must end in diagnostics or verified IR -- never a crash or a
// failed invariant assert.
//
//===----------------------------------------------------------------------===//
#include "basic/Diagnostic.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/passes/PassManager.h"
#include "tests/fuzz/QuietDiagnostics.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  tdl::SourceManager sources;
  unsigned id = sources.addBuffer("fuzz.tir", text);
  tdl::DiagnosticEngine diags(sources);
  tdl::fuzz::silence(diags);
  std::unique_ptr<tdl::ir::Module> module = tdl::ir::parseModule(id, diags);
  if (!module || !tdl::ir::verifyModule(*module, diags, false))
    return 0;
  tdl::ir::PassInstrumentation instr;
  instr.verifyEach = true;
  tdl::ir::PassManager pm(instr);
  tdl::ir::buildPipeline(pm, 2);
  pm.run(*module, diags);
  return 0;
}
