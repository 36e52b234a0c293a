//===- Codegen.h - SSA IR -> LLVM IR for the cpu backend -----------*- C++
//-*-===//
//
// generateModule turns a verified, optimized IR module into an llvm::Module
// with the kernel runtime linked in and internalized (docs/cpu-backend.md):
//
//   internal   i32 @tdl.fn.NAME(ptr leaf_in..., ptr leaf_out...)  per function
//   external   i32 @PREFIX NAME(...)   per exported function, LANGUAGE.md §8
//   external   ptr @PREFIX tdl_last_error()
//   JIT only   i32 @tdl_jit_entry(ptr outs)  calls `jitEntry`
//
// Every tensor is a buffer of its static size; tuples are their leaves. The
// return code is 0, or k > 0 for a run-time error at errorSites[k-1] with the
// message in tdl_last_error(). An op the backend cannot lower yet is a
// CodegenError at the op ("the cpu backend does not support '<op>' yet").
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_CODEGEN_H
#define TDL_BACKENDS_CPU_CODEGEN_H

#include "ssa_ir/IR.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tdl::cpu {

/// A program the backend cannot compile, located at the op.
class CodegenError : public llvm::ErrorInfo<CodegenError> {
public:
  static char ID;
  /// `opName`: the op the backend does not support yet (empty for other
  /// failures, described by `message`).
  CodegenError(ir::Location loc, std::string message, std::string opName = "")
      : loc(std::move(loc)), message(std::move(message)),
        opName(std::move(opName)) {}
  void log(llvm::raw_ostream &os) const override { os << message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  ir::Location loc;
  std::string message;
  std::string opName;
};

struct CodegenOptions {
  /// JIT mode: `print` calls the host's tdl_jit_print, the error message is
  /// a plain global (ORC without its runtime has no TLS), and
  /// `tdl_jit_entry` wraps `jitEntry`.
  bool jit = false;
  std::string jitEntry;
  /// Prefix of every external symbol (--prefix).
  std::string prefix;
  /// -ffast-math: matmul and conv2d may fuse multiply-adds (FMA kernels);
  /// otherwise every result is the interpreter's, bit for bit.
  bool fastMath = false;
  /// Large fused loop nests split their outermost loop over the runtime's
  /// thread pool (docs/cpu-backend.md "Threads").
  bool parallelLoops = true;
  /// The REPL's JIT (JitSession.h): every `for` / `while` back edge, every
  /// matmul / conv2d / reduce kernel call and every block of about 65536
  /// elements' work of a fused loop nest (LoopNest.cpp) polls
  /// `tdl_rt_interrupt_flag` and fails with "interrupted" once it is set
  /// (Ctrl-C). Off for objects.
  bool interruptible = false;
  /// Mark every generated function for per-instruction-set variants
  /// (IsaDispatch.h; objects for the default baseline CPU) and link the
  /// runtime's cpuid check they dispatch on.
  bool isaDispatch = false;
  /// The runtime bitcode to link from (empty: the embedded runtime). The
  /// JIT session passes the part of its runtime that is inlined into
  /// generated code; the rest stays declarations its own dylib defines.
  llvm::StringRef runtimeBitcode;
  /// Offloaded regions (--accel, docs/accel.md "Compiled objects"): a call
  /// of an outlined function named here becomes a call of the accelerator
  /// host runtime's `tdl_accel_call_region` with this description
  /// (backends/accel/host/RegionJson.h), embedded as a constant.
  std::map<std::string, std::string> accelRegions;
};

/// What one function needs of the frame stack (docs/cpu-backend.md
/// "Memory"): its planned frame, and the most bytes a call uses with its
/// callees' frames and the kernels' scratch (f_workspace_size()).
struct FunctionMemory {
  std::string name;
  int64_t frameBytes = 0, workspaceBytes = 0;
  bool exported = false;
};

struct GeneratedModule {
  std::unique_ptr<llvm::Module> module;
  /// Per function, in module order.
  std::vector<FunctionMemory> memory;
  /// Return code k > 0 means a run-time error at errorSites[k-1].
  std::vector<ir::Location> errorSites;
  /// JIT: `tdl_jit_print(i64 id, ptr leaves)` prints a value of printTypes[id].
  std::vector<ir::Type> printTypes;
};

llvm::Expected<GeneratedModule> generateModule(const ir::Module &module,
                                               llvm::LLVMContext &context,
                                               const CodegenOptions &options);

/// The tensor leaves of a type, depth-first (a tensor is its own leaf).
void flattenType(const ir::Type &t, llvm::SmallVectorImpl<ir::Type> &leaves);

/// The C name of an exported function's parameter i: the IR argument's name
/// hint (`m.l1.w` -> `m_l1_w`), or `argI`.
std::string paramName(const ir::Function &f, unsigned i);

} // namespace tdl::cpu

#endif
