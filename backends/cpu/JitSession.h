//===- JitSession.h - one long-lived ORC JIT for the REPL -------*- C++ -*-===//
//
// `tdlc repl` compiles every input to a function of its own and runs it in
// one JIT that lives as long as the session (docs/repl.md, docs/cpu-backend.md
// "The REPL's JIT session"):
//
//  * The kernel runtime is compiled into the session's own dylib, once: each
//    runtime function the first time it is called (ORC's lazy compilation),
//    never again. Inputs are generated with the runtime's
//    always-inline scalar functions (elementwise ops, casts, math) linked in,
//    so their loops vectorize as in objects; everything else (GEMM, conv,
//    gather, reductions, the frame and tape stacks, the thread pool) is a
//    call into the session's runtime, whose state (the pool, the per-thread
//    stacks, the error message) is shared by every input.
//  * An input's code lives in a dylib of its own, freed with its
//    JitFunction.
//  * Inputs are compiled interruptible (CodegenOptions::interruptible): loop
//    back edges and the GEMM / conv kernels poll a flag that
//    requestInterrupt() sets, from a SIGINT handler, and the call then fails
//    with the run-time error "interrupted".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_JITSESSION_H
#define TDL_BACKENDS_CPU_JITSESSION_H

#include "ssa_ir/IR.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <vector>

namespace tdl::cpu {

struct JitSessionOptions {
  unsigned optLevel = 2;
  /// -ffast-math (CodegenOptions::fastMath).
  bool fastMath = false;
};

struct JitPrintOptions {
  int precision = 8;
  int64_t threshold = 1000;
};

class JitSession;

/// One entry function compiled into a session; its code is freed when it
/// is destroyed (before its session).
class JitFunction {
public:
  ~JitFunction();
  /// The entry's parameters and results as tensor leaves, depth-first.
  llvm::ArrayRef<ir::Type> getArgLeaves() const { return argLeaves; }
  llvm::ArrayRef<ir::Type> getResultLeaves() const { return resultLeaves; }
  /// Calls the entry with one pointer per argument leaf followed by one per
  /// result leaf (buffers of each leaf's size that do not overlap the
  /// arguments; arguments are only read). `print` writes to `printOut`. A
  /// run-time error (also "interrupted") is an ir::RuntimeError.
  llvm::Error call(llvm::ArrayRef<void *> leaves, llvm::raw_ostream &printOut,
                   const JitPrintOptions &print) const;

private:
  friend class JitSession;
  JitFunction() = default;
  JitSession *session = nullptr;
  void *dylib = nullptr; // its llvm::orc::JITDylib
  int32_t (*entry)(void **) = nullptr;
  std::vector<ir::Type> argLeaves, resultLeaves;
  std::vector<ir::Location> errorSites;
  std::vector<ir::Type> printTypes;
};

class JitSession {
public:
  static llvm::Expected<std::unique_ptr<JitSession>>
  create(const JitSessionOptions &options);
  /// Stops the runtime's worker threads, then frees all code.
  ~JitSession();

  /// Generates, optimizes and compiles function `entry` of `module` (and the
  /// runtime functions it needs that the session has not compiled yet). An
  /// op the backend cannot compile is a CodegenError.
  llvm::Expected<std::unique_ptr<JitFunction>> compile(const ir::Module &module,
                                                       llvm::StringRef entry);

  /// Async-signal-safe: makes running JIT'd code fail with "interrupted".
  static void requestInterrupt();
  /// Clears the request (before the next evaluation).
  static void clearInterrupt();
  static bool interruptRequested();

  struct Impl;

private:
  friend class JitFunction;
  JitSession() = default;
  std::unique_ptr<Impl> impl;
};

} // namespace tdl::cpu

#endif
