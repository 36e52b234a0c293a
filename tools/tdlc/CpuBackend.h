//===- CpuBackend.h - compile outputs of the cpu backend -----------*- C++
//-*-===//
#ifndef TDL_TOOLS_CPUBACKEND_H
#define TDL_TOOLS_CPUBACKEND_H

#include "tools/tdlc/driver/Session.h"

#include "backends/accel/isa/Config.h"
#include "ssa_ir/IR.h"

namespace tdl {

enum class CpuOutput { Llvm, Asm, Obj, Header };

/// Runs the -O pipeline on `module` and writes `kind` to `output` (empty:
/// stdout for text, `<stem>.o` / `<stem>.s` for objects and assembly), plus
/// the header when --header is given. With `accel` (--accel), what the
/// accelerator supports is partitioned off first and the object calls the
/// accelerator host runtime for it. Returns the exit status.
int emitCpuOutput(Session &session, ir::Module &module, CpuOutput kind,
                  llvm::StringRef input, llvm::StringRef output,
                  const accel::Config *accel = nullptr);

/// Reports a cpu::CodegenError (an unsupported op, located) or another
/// backend failure.
void reportCodegenError(Session &session, llvm::Error err);

} // namespace tdl

#endif
