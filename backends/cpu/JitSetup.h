//===- JitSetup.h - what the one-shot JIT and the REPL's share --*- C++ -*-===//
//
// `tdlc run` (Jit.cpp) and the REPL's long-lived session (JitSession.cpp)
// compile for the host the same way: the same target machine and matching
// ORC target machine builder, the same entry lookup and the same JIT-mode
// codegen options. They are set up here once so that the two JITs cannot
// drift apart (their results must stay bit-identical to the interpreter's
// and to each other's).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_JITSETUP_H
#define TDL_BACKENDS_CPU_JITSETUP_H

#include "backends/cpu/Codegen.h"

#include "ssa_ir/IR.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace tdl::cpu {

/// The host CPU ("native") at `optLevel`, and the ORC builder whose
/// code-generation level matches it.
struct JitTarget {
  std::unique_ptr<llvm::TargetMachine> tm;
  llvm::orc::JITTargetMachineBuilder jtmb;
};
llvm::Expected<JitTarget> createJitTarget(unsigned optLevel);

/// The function `entry` names, or an ir::RuntimeError when there is none.
llvm::Expected<const ir::Function *> findJitEntry(const ir::Module &module,
                                                  llvm::StringRef entry);

/// Codegen options of a JIT module whose entry is `entry`.
CodegenOptions jitCodegenOptions(llvm::StringRef entry, bool fastMath);

} // namespace tdl::cpu

#endif
