//===- CpuBackend.cpp - compile outputs of the cpu backend ----------------===//
//
// `--emit=llvm|asm|obj|header`, `-c`, `-S`, `--header H.h`, `--target`,
// `-march`, `--prefix`, `--module-name` (CLI.md): the optimized IR goes
// through backends/cpu (codegen + runtime + LLVM -O pipeline), and each
// output is written atomically once everything succeeded.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/CpuBackend.h"
#include "ssa_ir/passes/PassManager.h"
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/Depfile.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"

#include "backends/cpu/Codegen.h"
#include "backends/cpu/Target.h"
#include "backends/cpu/header/Header.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace tdl {

static cl::opt<std::string>
    headerFile("header", cl::desc("Also write the C/C++ header to <file>"),
               cl::value_desc("file"), cl::cat(opts::Category));
static cl::opt<std::string>
    symbolPrefix("prefix", cl::desc("Prefix of every exported C symbol"),
                 cl::value_desc("SYM_"), cl::cat(opts::Category));
static cl::opt<std::string>
    moduleName("module-name",
               cl::desc("C++ namespace of the header (default: the file name)"),
               cl::value_desc("name"), cl::cat(opts::Category));
static cl::opt<std::string>
    targetTriple("target", cl::desc("Target triple (default: the host)"),
                 cl::value_desc("triple"), cl::cat(opts::Category));
static cl::opt<std::string>
    targetCpu("march",
              cl::desc("Target CPU (default: a baseline CPU of the target; "
                       "'native' for this machine)"),
              cl::value_desc("cpu"), cl::cat(opts::Category));
// ./build.sh test-tsan (docs/reliability.md "ThreadSanitizer"): objects whose
// kernel runtime is a ThreadSanitizer-instrumented copy of runtime/cpu.
static cl::opt<std::string> runtimeBitcodeFile(
    "cpu-runtime-bitcode",
    cl::desc("Link the kernel runtime from this bitcode file instead of the "
             "built-in one"),
    cl::value_desc("file"), cl::Hidden, cl::cat(opts::Category));

void reportCodegenError(Session &session, llvm::Error err) {
  llvm::handleAllErrors(
      std::move(err),
      [&](const cpu::CodegenError &e) {
        if (!e.opName.empty())
          session.diags.report(diag::CpuUnsupportedOp, e.loc.pos, e.opName);
        else
          reportUsageError(e.message);
      },
      [&](const llvm::ErrorInfoBase &e) { reportUsageError(e.message()); });
}

static std::string defaultOutput(llvm::StringRef input, llvm::StringRef ext) {
  llvm::SmallString<128> name(llvm::sys::path::stem(input));
  if (name.empty() || input == "-")
    name = "out";
  name += ext;
  return std::string(name);
}

/// --cpu-runtime-bitcode's file, read and parsed once here so that a bad
/// file is a usage error (codegen takes its runtime for well-formed).
static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readRuntimeBitcode(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read '" + path +
                                       "': " + buffer.getError().message());
  llvm::LLVMContext scratch;
  if (llvm::Expected<std::unique_ptr<llvm::Module>> m =
          llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), scratch);
      !m)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + path + "' is not a kernel runtime: " +
                                       llvm::toString(m.takeError()));
  return std::move(*buffer);
}

/// The --stats report: one line per function, on stderr.
static void printMemoryStats(const cpu::GeneratedModule &gen) {
  llvm::errs() << "function frame-bytes workspace-bytes\n";
  for (const cpu::FunctionMemory &m : gen.memory)
    llvm::errs() << m.name << (m.exported ? " (export)" : "") << " "
                 << m.frameBytes << " " << m.workspaceBytes << "\n";
}

int emitCpuOutput(Session &session, ir::Module &module, CpuOutput kind,
                  llvm::StringRef input, llvm::StringRef output,
                  const accel::Config *accel) {
  if (int status = runOptimizationPipeline(session, module, opts::optLevel());
      status != ExitOk)
    return status == ExitCompileError ? session.finish() : status;
  std::map<std::string, std::string> accelRegions;
  if (accel) {
    std::optional<accel::Partition> partition =
        partitionForAccelerator(session, module, *accel);
    if (!partition)
      return ExitInternalError;
    accelRegions = describeOffloadedRegions(session, *partition);
  }

  std::string name =
      moduleName.empty()
          ? cpu::sanitizeIdentifier(input == "-" ? "tdl"
                                                 : llvm::sys::path::stem(input))
          : moduleName.getValue();
  std::string header;
  if (kind == CpuOutput::Header || !headerFile.empty()) {
    llvm::raw_string_ostream os(header);
    cpu::HeaderOptions ho{symbolPrefix, name, input.str(), accel != nullptr};
    cpu::writeHeader(module, ho, os);
  }

  std::string code;
  if (kind != CpuOutput::Header) {
    if (opts::optLevel() >= 2)
      ir::fuseModule(module); // one loop nest per group (docs/cpu-backend.md)
    cpu::TargetOptions to{targetTriple, targetCpu, opts::optLevel()};
    auto tm = cpu::createTargetMachine(to);
    if (!tm) {
      reportUsageError(llvm::toString(tm.takeError()));
      return ExitUsageOrIOError;
    }
    llvm::LLVMContext context;
    cpu::CodegenOptions cg;
    std::unique_ptr<llvm::MemoryBuffer> runtimeBitcode;
    if (!runtimeBitcodeFile.empty()) {
      llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
          readRuntimeBitcode(runtimeBitcodeFile);
      if (!buffer) {
        reportUsageError(llvm::toString(buffer.takeError()));
        return ExitUsageOrIOError;
      }
      runtimeBitcode = std::move(*buffer);
      cg.runtimeBitcode = runtimeBitcode->getBuffer();
    }
    cg.prefix = symbolPrefix;
    cg.fastMath = opts::fastMath(); // FMA kernels (docs/cpu-backend.md)
    cg.accelRegions = std::move(accelRegions);
    // Without -march: loop code also for AVX2 and AVX-512, chosen at run
    // time (docs/cpu-backend.md "Instruction sets").
    cg.isaDispatch = targetCpu.empty() && opts::optLevel() >= 2 &&
                     (*tm)->getTargetTriple().getArch() == llvm::Triple::x86_64;
    llvm::Expected<cpu::GeneratedModule> gen =
        cpu::generateModule(module, context, cg);
    if (!gen) {
      reportCodegenError(session, gen.takeError());
      return session.diags.hasErrors() ? session.finish() : ExitUsageOrIOError;
    }
    if (opts::memoryStats())
      printMemoryStats(*gen);
    cpu::optimizeModule(*gen->module, **tm, opts::optLevel(), cg.isaDispatch);
    if (kind == CpuOutput::Llvm) {
      llvm::raw_string_ostream os(code);
      gen->module->print(os, nullptr);
    } else {
      llvm::SmallVector<char, 0> bytes;
      llvm::raw_svector_ostream os(bytes);
      if (llvm::Error e = cpu::emitMachineCode(*gen->module, **tm,
                                               kind == CpuOutput::Asm, os)) {
        reportUsageError(llvm::toString(std::move(e)));
        return ExitUsageOrIOError;
      }
      code.assign(bytes.begin(), bytes.end());
    }
  }

  int status = session.finish();
  if (session.diags.hasErrors())
    return status;
  std::string out = output.str();
  if (out.empty())
    out = kind == CpuOutput::Obj   ? defaultOutput(input, ".o")
          : kind == CpuOutput::Asm ? defaultOutput(input, ".s")
                                   : "-";
  const std::string &mainText = kind == CpuOutput::Header ? header : code;
  if (!writeOutputFile(out, [&](llvm::raw_ostream &os) { os << mainText; }))
    return ExitUsageOrIOError;
  if (kind != CpuOutput::Header && !headerFile.empty() &&
      !writeOutputFile(headerFile,
                       [&](llvm::raw_ostream &os) { os << header; })) {
    if (out != "-")
      llvm::sys::fs::remove(out); // no partial set of outputs
    return ExitUsageOrIOError;
  }
  if (depfileRequested() && !writeDepfile(session, out)) {
    if (out != "-")
      llvm::sys::fs::remove(out);
    if (!headerFile.empty())
      llvm::sys::fs::remove(headerFile);
    return ExitUsageOrIOError;
  }
  return status;
}

} // namespace tdl
