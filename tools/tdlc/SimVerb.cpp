//===- SimVerb.cpp - `tdlc sim PROG.tasm [--config F] [--stats] [--trace T]`
//===//
//
// Assembles a .tasm program, runs it on the accelerator simulator, prints the
// buffers the program asks for (NumPy style) and, with --stats, the timing
// report. Exit 0 ok; 1 for assembly errors, an invalid config or a fault
// (located at the faulting instruction); 2 for a bad command line or an
// unreadable file (CLI.md).
//
//===----------------------------------------------------------------------===//
#include "backends/accel/asm/Assembler.h"
#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/Printer.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Stats.h"
#include "backends/accel/sim/Trace.h"
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/Session.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace tdl {

cl::SubCommand SimCommand("sim",
                          "Assemble and run an accelerator program (.tasm) on "
                          "the simulator");
static cl::opt<std::string> simInput(cl::Positional, cl::desc("<program.tasm>"),
                                     cl::Required, cl::sub(SimCommand));
static cl::opt<std::string> simConfig("config",
                                      cl::desc("Hardware configuration (JSON)"),
                                      cl::value_desc("file"),
                                      cl::sub(SimCommand));
static cl::opt<bool> simStats("stats",
                              cl::desc("Print cycles, stalls, traffic and "
                                       "utilization after the run"),
                              cl::sub(SimCommand));
static cl::opt<std::string>
    simTrace("trace", cl::desc("Write a Chrome trace (Perfetto) of the run"),
             cl::value_desc("file.json"), cl::sub(SimCommand));
static cl::opt<uint64_t> simMaxCycles(
    "max-cycles",
    cl::desc("Stop with a fault when the run would pass this many simulated "
             "cycles (0: no limit; default 10^9)"),
    cl::init(accel::Simulator::DefaultCycleBudget), cl::sub(SimCommand));
static cl::opt<bool>
    simPrintProgram("print-program",
                    cl::desc("Print the assembled program (disassembly of "
                             "its binary form) before running it"),
                    cl::sub(SimCommand));

/// Encodes and runs one program, then prints its buffers and statistics.
/// False after reporting a fault.
static bool runProgram(Session &session, unsigned buffer,
                       const accel::AsmProgram &program,
                       const accel::Config &config, accel::TraceWriter *trace,
                       uint64_t &cycles) {
  auto locOf = [&](uint64_t index) {
    return index < program.insnLocs.size()
               ? program.insnLocs[index]
               : session.sources.getBufferStart(buffer);
  };
  if (program.insns.empty()) { // no instruction to name, unlike a fault
    session.diags.report(diag::AccelEmptyProgram,
                         program.name.empty()
                             ? session.sources.getBufferStart(buffer)
                             : program.loc);
    return false;
  }
  // Run the binary form, so what runs is exactly what the encoding holds.
  std::vector<accel::InsnWord> words;
  for (size_t i = 0; i < program.insns.size(); ++i) {
    llvm::Expected<accel::InsnWord> word = accel::encode(program.insns[i]);
    if (!word) {
      std::string why = llvm::toString(word.takeError());
      session.diags.report(diag::AccelFault, locOf(i), int64_t(i), why);
      return false;
    }
    words.push_back(*word);
  }
  if (simPrintProgram) {
    llvm::Expected<std::string> text = accel::disassemble(words);
    if (!text) {
      std::string why = llvm::toString(text.takeError());
      session.diags.report(diag::AccelFault, locOf(0), 0, why);
      return false;
    }
    llvm::outs() << *text;
  }

  accel::Dram dram;
  program.loadInto(dram, config);
  accel::Simulator simulator(config);
  simulator.setCycleBudget(simMaxCycles);
  accel::RunResult result = simulator.runBinary(words, dram, trace);
  cycles += result.stats.cycles;
  if (result.fault) {
    session.diags.report(diag::AccelFault, locOf(result.fault->insnIndex),
                         int64_t(result.fault->insnIndex),
                         result.fault->message + " [" +
                             accel::faultKindName(result.fault->kind).str() +
                             "]");
    return false;
  }

  for (const accel::PrintRequest &request : program.prints) {
    const accel::AsmBuffer &b = program.buffers[request.buffer];
    accel::printTensor(llvm::outs(), b.dtype, request.shape,
                       dram.data(b.address));
    llvm::outs() << '\n';
  }
  if (simStats)
    accel::printStats(llvm::outs(), result.stats, config);
  return true;
}

int runSimVerb() {
  CompilerStage stage("accelerator simulation");
  int status = ExitOk;
  std::optional<accel::Config> config =
      readAcceleratorConfig(simConfig, status);
  if (!config)
    return status;
  Session session;
  std::optional<unsigned> buffer = session.openInput(simInput);
  if (!buffer)
    return ExitUsageOrIOError;
  warnCompileOnlyOptions(session, SimCommand, "tdlc sim");
  if (session.diags.hasErrors()) // -Werror
    return session.finish();
  std::optional<std::vector<accel::AsmProgram>> programs =
      accel::assemblePrograms(*buffer, session.diags, *config);
  if (!programs)
    return session.finish();
  std::optional<accel::TraceWriter> trace;
  if (!simTrace.empty())
    trace.emplace(*config);
  // Several programs (`program NAME`) run one after the other, each on a
  // fresh DRAM; their output is headed by the program's name.
  uint64_t cycles = 0;
  for (const accel::AsmProgram &program : *programs) {
    if (programs->size() > 1)
      llvm::outs() << "== program " << program.name << " ==\n";
    if (trace)
      trace->setCycleOffset(cycles);
    if (!runProgram(session, *buffer, program, *config,
                    trace ? &*trace : nullptr, cycles))
      break; // the fault is reported
  }
  if (trace && !writeOutputFile(
                   simTrace, [&](llvm::raw_ostream &os) { trace->write(os); }))
    return ExitUsageOrIOError;
  return session.finish();
}

} // namespace tdl
