//===- AsmFuzzer.cpp - the .tasm assembler and the timing model -----------===//
//
// `tdlc sim` on arbitrary text: assemble with the default configuration,
// then run what assembles on the timing model alone and on the functional
// simulator with a cycle budget of 2^20 (Simulator::setCycleBudget), so a
// fuzzed loop count cannot make an input run long. Any input must end in
// diagnostics, a fault or a cycle count -- never a crash or a huge
// allocation (the assembler bounds buffer sizes).
//
//===----------------------------------------------------------------------===//
#include "backends/accel/asm/Assembler.h"
#include "backends/accel/sim/Simulator.h"
#include "tests/fuzz/QuietDiagnostics.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  tdl::SourceManager sources;
  unsigned id = sources.addBuffer("fuzz.tasm", text);
  tdl::DiagnosticEngine diags(sources);
  tdl::fuzz::silence(diags);
  tdl::accel::Config config;
  std::optional<tdl::accel::AsmProgram> program =
      tdl::accel::assemble(id, diags, config);
  if (!program)
    return 0;
  tdl::accel::Simulator simulator(config);
  simulator.runTimingOnly(program->insns);
  // The functional simulator too, within a cycle budget: a fuzzed loop
  // count cannot make an input run long.
  tdl::accel::Dram dram;
  program->loadInto(dram, config);
  simulator.setCycleBudget(1 << 20);
  simulator.run(program->insns, dram);
  return 0;
}
