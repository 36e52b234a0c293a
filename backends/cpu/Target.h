//===- Target.h - target machine, -O pipeline, object/asm emission -*- C++
//-*-===//
#ifndef TDL_BACKENDS_CPU_TARGET_H
#define TDL_BACKENDS_CPU_TARGET_H

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace tdl::cpu {

struct TargetOptions {
  std::string triple; // empty: the host
  std::string cpu;    // empty: "generic" for objects; "native" = the host CPU
  unsigned optLevel = 2;
};

/// Initializes the native target once and creates a TargetMachine
/// (position-independent code, so objects link into PIE programs).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options);

/// Sets the module's triple and data layout from `tm`, and every defined
/// function's target CPU and features (the runtime's per-instruction-set
/// kernels keep their own features on top).
void setTargetAttributes(llvm::Module &m, llvm::TargetMachine &tm);

/// setTargetAttributes, the per-instruction-set variants of the functions
/// codegen marked when `isaDispatch` (IsaDispatch.h), then LLVM's default
/// -O pipeline for `optLevel` (PassBuilder).
void optimizeModule(llvm::Module &m, llvm::TargetMachine &tm, unsigned optLevel,
                    bool isaDispatch = false);

/// Writes an object file or assembly for `m` (already optimized).
llvm::Error emitMachineCode(llvm::Module &m, llvm::TargetMachine &tm,
                            bool assembly, llvm::raw_pwrite_stream &os);

} // namespace tdl::cpu

#endif
