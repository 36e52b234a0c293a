//===- Target.cpp - target machine, -O pipeline, object/asm emission ------===//
#include "backends/cpu/Target.h"
#include "backends/cpu/IsaDispatch.h"

#include "llvm/IR/DiagnosticHandler.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/PassTimingInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

namespace tdl::cpu {

static void initializeTargets() {
  static bool done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)done;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options) {
  initializeTargets();
  std::string triple = options.triple.empty()
                           ? llvm::sys::getDefaultTargetTriple()
                           : llvm::Triple::normalize(options.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("unknown target '" + triple + "': " + error +
                                   " (this tdlc supports the host target)");
  // clang's default CPU for the arch, so the runtime's functions (compiled
  // by clang for it) and generated ones agree and inline into each other.
  std::string cpu = options.cpu;
  if (cpu.empty())
    cpu = llvm::Triple(triple).getArch() == llvm::Triple::x86_64 ? "x86-64"
                                                                 : "generic";
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      f.AddFeature(feature.first(), feature.second);
    features = f.getString();
  }
  llvm::CodeGenOptLevel level =
      options.optLevel == 0   ? llvm::CodeGenOptLevel::None
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                              : llvm::CodeGenOptLevel::Aggressive;
  llvm::TargetOptions to;
  to.UseInitArray = true; // .init_array/.fini_array, as clang emits on ELF
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for '" +
                                   triple + "' and cpu '" + cpu + "'");
  return tm;
}

void setTargetAttributes(llvm::Module &m, llvm::TargetMachine &tm) {
  m.setTargetTriple(tm.getTargetTriple().str());
  m.setDataLayout(tm.createDataLayout());
  // The runtime's functions carry clang's target-cpu; generated ones get
  // the chosen CPU so both inline into each other. The runtime's
  // per-instruction-set kernels (tdl_isa_*, runtime/cpu/GemmKernels.cpp,
  // chosen at run time by cpuid) keep their own features on top.
  for (llvm::Function &f : m) {
    if (f.isDeclaration())
      continue;
    std::string features = tm.getTargetFeatureString().str();
    if (f.getName().starts_with("tdl_isa_")) {
      llvm::StringRef own =
          f.getFnAttribute("target-features").getValueAsString();
      if (!own.empty())
        features = features.empty() ? own.str() : features + "," + own.str();
    }
    f.addFnAttr("target-cpu", tm.getTargetCPU());
    if (features.empty())
      f.removeFnAttr("target-features");
    else
      f.addFnAttr("target-features", features);
  }
}

namespace {
/// LLVM's warnings and remarks about our own module are not the user's
/// business: a loop that the codegen asked to vectorize and that LLVM could
/// not ("loop not vectorized: call instruction cannot be vectorized") made
/// `tdlc run --backend=cpu -O3` print on stderr what the interpreter does
/// not (tests/e2e/progen.py, seed 1837). Errors keep LLVM's default
/// handling.
struct DropOptimizerWarnings : llvm::DiagnosticHandler {
  bool handleDiagnostics(const llvm::DiagnosticInfo &di) override {
    return di.getSeverity() != llvm::DS_Error;
  }
};
} // namespace

void optimizeModule(llvm::Module &m, llvm::TargetMachine &tm, unsigned optLevel,
                    bool isaDispatch) {
  m.getContext().setDiagnosticHandler(
      std::make_unique<DropOptimizerWarnings>());
  setTargetAttributes(m, tm);
  if (isaDispatch)
    addIsaDispatch(m);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = optLevel >= 2;
  pto.SLPVectorization = optLevel >= 2;
  // With llvm::TimePassesIsEnabled (tdlc --time-passes) the standard
  // instrumentation times every pass and prints LLVM's report when it goes.
  llvm::PassInstrumentationCallbacks pic;
  llvm::StandardInstrumentations si(m.getContext(), /*DebugLogging=*/false);
  si.registerCallbacks(pic, &mam);
  llvm::PassBuilder pb(&tm, pto, std::nullopt, &pic);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = optLevel == 0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(m, mam);
}

llvm::Error emitMachineCode(llvm::Module &m, llvm::TargetMachine &tm,
                            bool assembly, llvm::raw_pwrite_stream &os) {
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit this file type");
  pm.run(m);
  if (llvm::TimePassesIsEnabled)
    llvm::reportAndResetTimings(); // the legacy codegen pipeline's report
  return llvm::Error::success();
}

} // namespace tdl::cpu
