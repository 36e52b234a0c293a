//===- Jit.h - run a function with ORC LLJIT (tdlc run --backend=cpu) -*- C++
//-*-===//
#ifndef TDL_BACKENDS_CPU_JIT_H
#define TDL_BACKENDS_CPU_JIT_H

#include "ssa_ir/IR.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace tdl::cpu {

struct JitOptions {
  unsigned optLevel = 2;
  int printPrecision = 8;
  int64_t printThreshold = 1000; // `print` summarizes beyond it
  /// -ffast-math (CodegenOptions::fastMath).
  bool fastMath = false;
  /// Receives the most bytes of autodiff tape cells the run held at once.
  int64_t *tapePeakBytes = nullptr;
  /// Offloaded regions (CodegenOptions::accelRegions) ...
  std::map<std::string, std::string> accelRegions;
  /// ... and the host functions generated code may call besides the
  /// process's exported symbols (the accelerator host runtime's entries).
  std::map<std::string, void *> hostSymbols;
};

/// Compiles `module` for the host, runs `entry` on `args` (one value per IR
/// parameter, as the interpreter takes them) and returns its results as the
/// interpreter would. `print` ops write one line each to
/// `printOut` (formatted like the interpreter). A run-time error is an
/// ir::RuntimeError at the failing op; an op the backend cannot compile is
/// a CodegenError.
llvm::Expected<std::vector<ir::RuntimeValue>>
runJit(const ir::Module &module, llvm::StringRef entry,
       llvm::ArrayRef<ir::RuntimeValue> args, llvm::raw_ostream &printOut,
       const JitOptions &options);

} // namespace tdl::cpu

#endif
