//===- JitPrint.h - `print` and results of JIT'd code ----------*- C++ -*-===//
//
// Shared by Jit.cpp (`tdlc run`) and JitSession.cpp (the REPL): generated
// code in JIT mode calls `tdl_jit_print(id, leaves)`, which formats the
// value like the interpreter; results come back as interpreter values.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_JITPRINT_H
#define TDL_BACKENDS_CPU_JITPRINT_H

#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace tdl::cpu {

/// A value of type `t` from the leaf buffers at `leaves` (advanced).
ir::RuntimeValue valueFromLeaves(const ir::Type &t, void *const *&leaves);

/// The address to define `tdl_jit_print` as.
void *jitPrintHook();

/// While it lives, `tdl_jit_print(id, ...)` prints a value of `types[id]`
/// to `os` (one JIT'd call runs at a time).
class JitPrintScope {
public:
  JitPrintScope(const std::vector<ir::Type> &types, llvm::raw_ostream &os,
                int precision, int64_t threshold);
  ~JitPrintScope();
  JitPrintScope(const JitPrintScope &) = delete;
  JitPrintScope &operator=(const JitPrintScope &) = delete;

private:
  const std::vector<ir::Type> *types;
  llvm::raw_ostream *os;
  int precision;
  int64_t threshold;
  JitPrintScope *previous;
  friend void jitPrint(int64_t id, void *const *leaves);
};

} // namespace tdl::cpu

#endif
