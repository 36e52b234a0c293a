//===- RunVerb.cpp - `tdlc run FILE.tdl [--entry NAME] [--backend=...]`
//----===//
//
// Compiles the file to IR (the shared front end), runs the -O pipeline and
// calls the entry function (default `main`; parameters from --arg,
// RunArguments.cpp) on the chosen
// backend: `cpu` (the default: LLVM JIT, backends/cpu) or `interp`. `print`
// output comes first, in program order; then each result on its own line,
// NumPy style (runtime/TensorFormat). A tuple or struct
// result prints one line per leaf tensor, depth-first — the IR function's
// results, since irgen flattens results (docs/cli.md). A run-time error is
// a located diagnostic with the source line and exit status 1.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/CpuBackend.h"
#include "tools/tdlc/RunArguments.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/Watchdog.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"
#include "tools/tdlc/driver/Session.h"

#include "backends/accel/host/HostRuntime.h"
#include "backends/accel/sim/Trace.h"
#include "backends/cpu/Codegen.h"
#include "backends/cpu/Jit.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/Support/raw_ostream.h"

#include <limits>

namespace cl = llvm::cl;

namespace tdl {

cl::SubCommand RunCommand("run",
                          "Run a function of a program and print its results");

namespace {
enum class Backend { Cpu, Interp, Accel };
} // namespace

static cl::opt<std::string> runInput(cl::Positional, cl::desc("<input .tdl>"),
                                     cl::Required, cl::sub(RunCommand));
static cl::opt<std::string>
    entryName("entry", cl::desc("The function to call (default: main)"),
              cl::value_desc("name"), cl::init("main"), cl::sub(RunCommand));
static cl::opt<Backend>
    backend("backend", cl::desc("Where to run"),
            cl::values(clEnumValN(Backend::Cpu, "cpu", "LLVM JIT on the host"),
                       clEnumValN(Backend::Interp, "interp",
                                  "the reference interpreter"),
                       clEnumValN(Backend::Accel, "accel",
                                  "the accelerator simulator")),
            cl::init(Backend::Cpu), cl::sub(RunCommand));
// The accelerator's options (CLI.md). They only mean something with
// --backend=accel; with another backend they are accepted and warned about,
// as clang does for arguments that have no effect.
static cl::opt<std::string>
    runAccelConfig("accel-config",
                   cl::desc("Accelerator configuration (JSON) for "
                            "--backend=accel"),
                   cl::value_desc("file"), cl::sub(RunCommand));
static cl::opt<bool>
    runStats("stats",
             cl::desc("Print autodiff's checkpointed loops (with "
                      "--ad-loop-memory), the interpreter's peak tape bytes, "
                      "and with --backend=accel cycle counts and "
                      "utilization"),
             cl::sub(RunCommand));
static cl::opt<std::string>
    runTrace("trace",
             cl::desc("With --backend=accel: write a Chrome trace of the run"),
             cl::value_desc("file.json"), cl::sub(RunCommand));
static cl::opt<unsigned> runThreads(
    "threads",
    cl::desc("Threads the cpu backend's kernels use (default: "
             "TDL_NUM_THREADS, else the machine's cores); results do not "
             "depend on it"),
    cl::value_desc("N"), cl::init(0), cl::sub(RunCommand));
static cl::opt<int> printPrecision(
    "print-precision",
    cl::desc("Fraction digits when printing floats (NumPy's precision)"),
    cl::init(8), cl::sub(RunCommand));
static cl::list<std::string> runArgs(
    "arg",
    cl::desc("A parameter of the entry function: NAME=FILE.npy for a tensor, "
             "NAME=LITERAL for a scalar, NAME=DIR for a struct (one "
             "<field>.npy per leaf); struct fields as NAME.FIELD"),
    cl::value_desc("name=value"), cl::sub(RunCommand));
static cl::opt<std::string>
    saveDir("save",
            cl::desc("Also write every result leaf as <dir>/<leaf>.npy at "
                     "full size (out0.npy, out1/w.npy, ...)"),
            cl::value_desc("dir"), cl::sub(RunCommand));
static cl::opt<bool> printFull(
    "print-full",
    cl::desc("Print every element of large tensors (no '...' summary)"),
    cl::sub(RunCommand));

static cl::opt<unsigned> runTimeout(
    "timeout",
    cl::desc("Stop the program after this many seconds of wall time with a "
             "run-time error (default: no limit)"),
    cl::value_desc("seconds"), cl::init(0), cl::sub(RunCommand));

/// Elements beyond which printed tensors are summarized.
static int64_t printThreshold() {
  return printFull ? std::numeric_limits<int64_t>::max() : 1000;
}

/// The instance `tdlc run` calls, or null after reporting why there is none.
static const sema::FuncInstance *findEntry(Session &session,
                                           const FrontendOutput &fe) {
  const ast::FuncDecl *decl = nullptr;
  for (const ast::FuncDecl *f : fe.module->declsOf<ast::FuncDecl>())
    if (f->getName().name == entryName)
      decl = f;
  if (!decl) {
    session.diags
        .report(diag::RunEntryNotFound,
                session.sources.getBufferStart(fe.module->getBufferId()),
                entryName.getValue())
        .note(diag::RunEntryHint, llvm::SMLoc());
    return nullptr;
  }
  if (decl->isGeneric()) {
    session.diags.report(diag::RunEntryGeneric, decl->getName().getRange(),
                         entryName.getValue());
    return nullptr;
  }
  for (const auto &inst : fe.program->functions)
    if (inst->decl == decl)
      return inst.get();
  return nullptr;
}

/// --accel-config and --trace have no effect on the cpu and interp
/// backends: a warning per option given (an error under -Werror). (--stats
/// reports autodiff's loops and the interpreter's tape there.)
static void warnAccelOnlyOptions(Session &session) {
  llvm::StringRef on =
      backend == Backend::Cpu ? "--backend=cpu" : "--backend=interp";
  if (!runAccelConfig.empty())
    session.diags.report(diag::ArgumentUnused, SourceLoc(),
                         "--accel-config=" + runAccelConfig, on);
  if (!runTrace.empty())
    session.diags.report(diag::ArgumentUnused, SourceLoc(),
                         "--trace=" + runTrace, on);
}

/// Reports a run-time error at its place in the source (exit status 1).
static int reportRunTimeError(Session &session, llvm::Error err) {
  llvm::outs().flush();
  std::string unlocated;
  llvm::handleAllErrors(
      std::move(err),
      [&](const ir::RuntimeError &e) {
        if (e.loc.pos.isValid() && session.sources.findBuffer(e.loc.pos))
          session.diags.report(diag::RunTimeFailure, e.loc.pos, e.message);
        else
          unlocated = e.message;
      },
      [&](const llvm::ErrorInfoBase &e) { unlocated = e.message(); });
  if (!unlocated.empty())
    session.diags.report(diag::RunTimeFailure, llvm::SMLoc(), unlocated);
  session.finish();
  return ExitCompileError;
}

/// --backend=accel: the module is partitioned; the host part runs through
/// the JIT, which calls the accelerator host runtime (the bundled
/// simulator) for each offloaded region, as a compiled object does.
static llvm::Expected<std::vector<ir::RuntimeValue>>
runOnAccelerator(Session &session, ir::Module &module, llvm::StringRef fnName,
                 const sema::FuncInstance *entry,
                 llvm::ArrayRef<ir::RuntimeValue> args,
                 const accel::Config &config, int &status) {
  std::optional<accel::Partition> partition =
      partitionForAccelerator(session, module, config);
  if (!partition) {
    status = ExitInternalError;
    return std::vector<ir::RuntimeValue>();
  }
  if (opts::optLevel() >= 2)
    ir::fuseModule(module); // after partitioning: regions are not fused
  std::optional<accel::TraceWriter> trace;
  if (!runTrace.empty())
    trace.emplace(config);
  accel::setHostRuntimeTrace(trace ? &*trace : nullptr);
  cpu::JitOptions jit;
  jit.optLevel = opts::optLevel();
  jit.printPrecision = printPrecision;
  jit.printThreshold = printThreshold();
  jit.fastMath = opts::fastMath();
  jit.accelRegions = describeOffloadedRegions(session, *partition);
  jit.hostSymbols = {{"tdl_accel_call_region",
                      reinterpret_cast<void *>(&tdl_accel_call_region)},
                     {"tdl_accel_region_error",
                      reinterpret_cast<void *>(&tdl_accel_region_error)},
                     {"tdl_accel_begin_call",
                      reinterpret_cast<void *>(&tdl_accel_begin_call)}};
  auto results = cpu::runJit(module, fnName, args, llvm::outs(), jit);
  accel::setHostRuntimeTrace(nullptr);
  if (!results)
    return results;
  if (trace && !writeOutputFile(
                   runTrace, [&](llvm::raw_ostream &os) { trace->write(os); }))
    status = ExitUsageOrIOError;
  for (const ir::RuntimeValue &v : *results)
    llvm::outs() << v.format(printPrecision, printThreshold()) << '\n';
  if (!saveDir.empty() &&
      !saveResults(saveDir, resultLeafNames(*entry), *results))
    status = ExitUsageOrIOError;
  results->clear(); // printed here, before the statistics
  if (runStats) {
    accel::HostRuntimeTotals totals = accel::hostRuntimeTotals();
    std::vector<uint64_t> calls;
    for (const accel::OffloadRegion &r : partition->offloaded) {
      const std::string &description = jit.accelRegions[r.function];
      uint64_t n = 0;
      for (const accel::HostRuntimeTotals::Region &t : totals.regions)
        if (t.description == description)
          n += t.calls;
      calls.push_back(n);
    }
    accel::printOffloadStats(
        llvm::outs(), *partition, calls, totals.stats, totals.programs, config,
        [&](const ir::Location &l) { return describeLocation(session, l); },
        {totals.hostSeconds, totals.blockedInputs, totals.weightsReused});
  }
  return results;
}

int runRunVerb() {
  std::optional<accel::Config> accelConfig;
  if (backend == Backend::Accel) {
    int status = ExitOk;
    accelConfig = readAcceleratorConfig(runAccelConfig, status);
    if (!accelConfig)
      return status;
  }
  if (printPrecision < 0 || printPrecision > 17) {
    reportUsageError("--print-precision must be between 0 and 17");
    return ExitUsageOrIOError;
  }
  Session session;
  std::optional<unsigned> buffer = session.openInput(runInput);
  if (!buffer)
    return ExitUsageOrIOError;
  if (backend != Backend::Accel)
    warnAccelOnlyOptions(session);
  warnCompileOnlyOptions(session, RunCommand, "tdlc run");
  FrontendOutput fe;
  int status = runFrontend(session, *buffer, fe);
  if (status == ExitCompileError)
    return session.finish();
  if (status != ExitOk)
    return status;
  const sema::FuncInstance *entry = findEntry(session, fe);
  ir::Function *fn = entry ? fe.ir.functions.lookup(entry) : nullptr;
  if (!fn) {
    if (!session.diags.hasErrors())
      reportInternalError("run", "the entry function has no ir function");
    return session.diags.hasErrors() ? session.finish() : ExitInternalError;
  }
  std::string fnName = fn->getName().str();
  std::optional<std::vector<ir::RuntimeValue>> args =
      buildRunArguments(session, *entry, *fn, runArgs);
  if (!args) {
    session.finish();
    return ExitUsageOrIOError;
  }
  status = runOptimizationPipeline(session, *fe.ir.module, opts::optLevel(),
                                   runStats);
  if (status == ExitCompileError)
    return session.finish();
  if (status != ExitOk)
    return status;

  Watchdog watchdog(runTimeout);
  ir::InterpreterOptions options;
  options.printPrecision = printPrecision;
  options.printThreshold = printThreshold();
  llvm::Expected<std::vector<ir::RuntimeValue>> results =
      std::vector<ir::RuntimeValue>();
  int64_t tapePeak = 0; // --stats: autodiff's tapes (cpu and interp)
  if (backend == Backend::Cpu) {
    // The JIT's runtime reads TDL_NUM_THREADS when its pool starts.
    if (runThreads > 0)
      setenv("TDL_NUM_THREADS", std::to_string(runThreads).c_str(), 1);
    if (opts::optLevel() >= 2)
      ir::fuseModule(*fe.ir.module); // one loop nest per group
    cpu::JitOptions jit;
    jit.optLevel = opts::optLevel();
    jit.printPrecision = printPrecision;
    jit.printThreshold = printThreshold();
    jit.fastMath = opts::fastMath();
    jit.tapePeakBytes = &tapePeak;
    results = cpu::runJit(*fe.ir.module, fnName, *args, llvm::outs(), jit);
    if (!results && results.errorIsA<cpu::CodegenError>()) {
      reportCodegenError(session, results.takeError());
      return session.diags.hasErrors() ? session.finish() : ExitUsageOrIOError;
    }
  } else if (backend == Backend::Accel) {
    results = runOnAccelerator(session, *fe.ir.module, fnName, entry, *args,
                               *accelConfig, status);
    if (status != ExitOk && results) {
      llvm::outs().flush();
      return status;
    }
  } else {
    ir::resetTapePeak();
    results =
        ir::interpret(*fe.ir.module, fnName, *args, llvm::outs(), options);
    tapePeak = ir::tapeMemory().peak;
  }
  if (!results)
    return reportRunTimeError(session, results.takeError());
  for (const ir::RuntimeValue &v : *results)
    llvm::outs() << v.format(printPrecision, printThreshold()) << '\n';
  llvm::outs().flush();
  if (runStats && backend != Backend::Accel)
    llvm::errs() << (backend == Backend::Cpu ? "cpu" : "interp")
                 << " tape-peak-bytes " << tapePeak << "\n";
  // (--backend=accel saved them in runOnAccelerator, before its stats.)
  if (!saveDir.empty() && backend != Backend::Accel &&
      !saveResults(saveDir, resultLeafNames(*entry), *results))
    return ExitUsageOrIOError;
  return session.finish();
}

} // namespace tdl
