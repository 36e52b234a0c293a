//===- RuntimeLinker.h - the embedded kernel runtime ---------------*- C++
//-*-===//
#ifndef TDL_BACKENDS_CPU_RUNTIMELINKER_H
#define TDL_BACKENDS_CPU_RUNTIMELINKER_H

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::cpu {

/// The kernel runtime's bitcode (runtime/cpu/CpuRuntime.cpp), embedded at
/// build time.
llvm::StringRef getCpuRuntimeBitcode();

/// The JIT session's runtime (JitSession.cpp): the same parts, with the
/// long kernels compiled to poll the interrupt flag (runtime/cpu/Interrupt.h).
llvm::StringRef getCpuRuntimeJitBitcode();

/// Parses the embedded runtime into `context`, or reads `bitcode` lazily
/// when given (the bitcode must outlive the module).
std::unique_ptr<llvm::Module> loadRuntime(llvm::LLVMContext &context,
                                          llvm::StringRef bitcode = {});

/// For the JIT, whose ORC set-up has no TLS: thread-local globals become
/// plain ones and llvm.threadlocal.address calls their operand.
void removeThreadLocals(llvm::Module &m);

/// Links what `dest` calls from `runtime` (LinkOnlyNeeded), then gives every
/// definition internal linkage except the `keep` symbols; `tdl_last_error`
/// becomes `prefix + tdl_last_error`. For the JIT the thread-local error
/// buffer becomes a plain global (ORC without its platform runtime has no
/// TLS; `tdlc run` is single-threaded).
llvm::Error linkRuntime(llvm::Module &dest,
                        std::unique_ptr<llvm::Module> runtime,
                        const std::vector<std::string> &keep, bool jit,
                        llvm::StringRef prefix);

} // namespace tdl::cpu

#endif
