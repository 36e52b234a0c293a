//===- JitSetup.cpp - what the one-shot JIT and the REPL's share ---------===//
#include "backends/cpu/JitSetup.h"
#include "backends/cpu/Target.h"

#include "ssa_ir/interp/Interpreter.h"

namespace tdl::cpu {

llvm::Expected<JitTarget> createJitTarget(unsigned optLevel) {
  TargetOptions to;
  to.cpu = "native";
  to.optLevel = optLevel;
  auto tm = createTargetMachine(to);
  if (!tm)
    return tm.takeError();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb)
    return jtmb.takeError();
  jtmb->setCodeGenOptLevel((*tm)->getOptLevel());
  return JitTarget{std::move(*tm), std::move(*jtmb)};
}

llvm::Expected<const ir::Function *> findJitEntry(const ir::Module &module,
                                                  llvm::StringRef entry) {
  const ir::Function *fn = module.lookup(entry);
  if (!fn)
    return llvm::make_error<ir::RuntimeError>(
        ir::Location(), "no function named '@" + entry.str() + "'");
  return fn;
}

CodegenOptions jitCodegenOptions(llvm::StringRef entry, bool fastMath) {
  CodegenOptions cg;
  cg.jit = true;
  cg.jitEntry = entry.str();
  cg.fastMath = fastMath;
  return cg;
}

} // namespace tdl::cpu
