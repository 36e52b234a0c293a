//===- FunctionEmitter.h - lowering one IR function (internal) -----*- C++
//-*-===//
//
// Shared by Codegen.cpp (frame, buffers, calls, returns), the tensor ops
// (CodegenOps.cpp dispatching by op family to CodegenElementwise.cpp,
// CodegenCreation.cpp, CodegenMovement.cpp, CodegenReductions.cpp and
// CodegenLinalg.cpp) and CodegenControl.cpp (if / for / while / fused).
//
// Buffers: every tensor leaf lives in a buffer of its static size. Small
// ones are allocas in the entry block (SROA/mem2reg turn scalars into
// registers); larger ones are slices of the function's frame, pushed on the
// per-thread stack of runtime/cpu/Workspace.cpp on entry and popped by the
// exit block (also after a run-time error), so a steady-state call
// allocates nothing. The frame's layout is planned during emission
// (FramePlan.h): a buffer is released when the last value holding it is
// dead (liveness: the op, at the value's own region level, that uses it
// last) or when the region that placed it ends, and later buffers reuse its
// bytes. Ops that do not change data (reshape, stop_gradient, tuple, get)
// alias their operand and hold its buffer too; buffers are never written
// after the op that made them, and yields and returns copy, so aliases
// never outlive what they point to.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_FUNCTIONEMITTER_H
#define TDL_BACKENDS_CPU_FUNCTIONEMITTER_H

#include "backends/cpu/Codegen.h"
#include "backends/cpu/FramePlan.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/IR/IRBuilder.h"

#include <functional>

namespace tdl::cpu {

using Leaves = llvm::SmallVector<llvm::Value *, 2>;

/// Bytes of a leaf's buffer: a tensor's data, or one pointer for a tape
/// (its top cell, null when empty).
int64_t leafBytes(const ir::Type &leaf);

/// Bytes of one element of a splat constant's value converted to `dt` (the
/// interpreter's conversions).
std::vector<uint8_t> splatBytes(const ir::Attribute &value, ir::DType dt);

/// The LLVM type of one element (bool is i8).
llvm::Type *llvmElemType(llvm::LLVMContext &ctx, ir::DType t);

/// Row-major strides, in elements, of a dense tensor of `shape`.
llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape);

/// The families of tensor ops, one emitter (and one file) each; see
/// FunctionEmitter::emitTensorOp.
enum class TensorOpFamily {
  Elementwise, // the Elementwise trait (CodegenElementwise.cpp)
  Creation,    // constant, iota, rng_* (CodegenCreation.cpp)
  Movement,    // broadcast, transpose, slices, flip, concat, pad
               // (CodegenMovement.cpp)
  Reduction,   // reduce_*, argmax, argmin (CodegenReductions.cpp)
  Linalg,      // matmul, conv2d, pooling and its pullbacks (CodegenLinalg.cpp)
  None,        // not lowered by emitTensorOp
};
TensorOpFamily tensorOpFamily(ir::Opcode code);

/// A transpose the matmuls reading it fold into their operand packing: it
/// aliases its operand (CodegenLinalg.cpp).
bool foldsIntoMatmul(const ir::Operation &op);

/// Module-wide state: the runtime's declarations, internal functions, the
/// error-site and print-type tables.
class ModuleEmitter {
public:
  ModuleEmitter(llvm::Module &m, llvm::Module &runtime,
                const CodegenOptions &options, GeneratedModule &out)
      : m(m), runtime(runtime), options(options), out(out) {}

  /// A runtime function, declared in the module with the runtime's type and
  /// attributes (so calls follow clang's ABI for it).
  llvm::FunctionCallee rt(llvm::StringRef name);
  llvm::Function *internalFunction(const ir::Function &f);
  unsigned addErrorSite(const ir::Location &loc) {
    out.errorSites.push_back(loc);
    return out.errorSites.size();
  }
  unsigned addPrintType(const ir::Type &t) {
    out.printTypes.push_back(t);
    return out.printTypes.size() - 1;
  }
  /// A private constant i64 array.
  llvm::Constant *i64Array(llvm::ArrayRef<int64_t> values);

  /// What a function's call needs of the frame stack (docs/cpu-backend.md
  /// "Memory"): its own frame, the kernels' scratch on top of it, callees.
  struct FrameUse {
    int64_t frame = 0, kernelScratch = 0;
    llvm::SmallSetVector<const ir::Function *, 4> callees;
    int64_t workspace = -1; // workspaceBytes, once computed
  };
  llvm::DenseMap<const ir::Function *, FrameUse> frameUse;
  /// Bytes of the frame stack one call of `f` uses at most (its workspace).
  int64_t workspaceBytes(const ir::Function &f);

  llvm::Module &m;
  llvm::Module &runtime;
  const CodegenOptions &options;
  GeneratedModule &out;
  llvm::DenseMap<const ir::Function *, llvm::Function *> functions;
};

/// What an op family's lowering starts from (the Codegen<Family>.cpp
/// files): the op's attributes, its result type, shape and dtype code, its
/// operands' leaves and types, and its result buffer (bound to the op's
/// value when asked for). `auto [attrs, outT, outShape, outDt, in, inType,
/// result] = lowering(op);`
struct OpLowering {
  const ir::AttrList &attrs;
  const ir::Type &outT;
  llvm::ArrayRef<int64_t> outShape;
  int32_t outDt;
  std::function<llvm::Value *(unsigned)> in;
  std::function<const ir::Type &(unsigned)> inType;
  std::function<llvm::Value *()> result;
};

class FunctionEmitter {
public:
  FunctionEmitter(ModuleEmitter &me, const ir::Function &f);
  llvm::Error emit();

  // -- Used by the op lowerings -------------------------------------------
  llvm::Error emitRegionOps(const ir::Region &r);
  llvm::Error emitOp(const ir::Operation &op);
  /// A tensor op: an alias when it changes no data, else the emitter of
  /// its family (tensorOpFamily).
  llvm::Error emitTensorOp(const ir::Operation &op);
  OpLowering lowering(const ir::Operation &op);
  llvm::Error emitElementwiseOp(const ir::Operation &op);
  llvm::Error emitCreationOp(const ir::Operation &op);
  llvm::Error emitMovementOp(const ir::Operation &op);
  llvm::Error emitReductionOp(const ir::Operation &op);
  llvm::Error emitLinalgOp(const ir::Operation &op);
  llvm::Error emitIf(const ir::Operation &op);
  llvm::Error emitFor(const ir::Operation &op);
  llvm::Error emitWhile(const ir::Operation &op);
  llvm::Error emitFused(const ir::Operation &op);
  llvm::Error emitCall(const ir::Operation &op);
  /// A call of an offloaded region: the accelerator host runtime runs it.
  void emitAccelRegionCall(const ir::Operation &op,
                           llvm::StringRef description);
  llvm::Error emitPrint(const ir::Operation &op);
  llvm::Error emitTapeOp(const ir::Operation &op);

  /// A fresh buffer for a tensor type (owned by the current scope).
  llvm::Value *allocBuffer(const ir::Type &t);
  /// Fresh buffers for every leaf of `t`.
  Leaves allocLeaves(const ir::Type &t);
  /// The buffer an op writes its result `v` into: where `v` is placed
  /// (placedIn: no copy at the return or yield), else a fresh one.
  llvm::Value *resultBuffer(const ir::Value *v);
  /// resultBuffer for an op that reads each operand only at the index it
  /// writes (elementwise): the buffer of an operand that dies at `op` and
  /// that nothing else holds, when it has the result's size. `onlyFirst`:
  /// consider operand 0 only (an op that reads the others elsewhere).
  llvm::Value *inPlaceResultBuffer(const ir::Operation &op,
                                   bool onlyFirst = false);
  /// resultBuffer for every leaf of `v` (fresh buffers for a tuple).
  Leaves resultLeaves(const ir::Value *v);
  Leaves &leavesOf(const ir::Value *v) { return values[v]; }
  llvm::Value *leaf(const ir::Value *v) { return values[v][0]; }
  /// Binds `v` to its leaves; `v` then holds the frame buffers among them
  /// until it is dead.
  void bind(const ir::Value *v, Leaves l);

  /// `alias` (a phi choosing between `buffers`) holds them for whoever binds
  /// it.
  void holdBuffers(llvm::Value *alias, llvm::ArrayRef<llvm::Value *> buffers);
  /// Keeps frame buffer `p` placed while an op still fills it (a loop's
  /// carried sets before the loop's results hold them), or lets it go.
  void pinBuffer(llvm::Value *p, bool pin);

  /// Scopes: frame buffers placed while a scope is open are released by
  /// popScope (a region's values are dead once it ends: yields copy).
  void pushScope() { scopes.emplace_back(); }
  void popScope();
  /// Bytes of the frame (known once the body is emitted).
  int64_t frameBytes() const { return plan.peak(); }
  /// A kernel called here takes up to `bytes` of scratch (runtime/cpu/
  /// Scratch.h) on top of the frame.
  void noteKernelScratch(int64_t bytes) {
    kernelScratch = std::max(kernelScratch, bytes);
  }
  int64_t kernelScratch = 0;

  /// Copies each of `from` into `to` (same leaf types `types`).
  void copyLeaves(llvm::ArrayRef<llvm::Value *> from,
                  llvm::ArrayRef<llvm::Value *> to,
                  llvm::ArrayRef<ir::Type> types);
  /// If `failed` (i1) is true: run `setMessage` (which calls the runtime to
  /// set the error message), then return error code `site`.
  void branchToErrorIf(llvm::Value *failed, unsigned site,
                       llvm::function_ref<void()> setMessage);
  /// The same with a fixed message.
  void branchToErrorIf(llvm::Value *failed, unsigned site,
                       llvm::StringRef message);
  /// Propagates a non-zero i32 return code from a callee.
  void propagateError(llvm::Value *code);
  /// With CodegenOptions::interruptible: fails with "interrupted" at `op`
  /// when the REPL's Ctrl-C flag is set (a loop's back edge, after a long
  /// kernel). Nothing otherwise.
  void pollInterrupt(const ir::Operation &op);

  /// A scalar loaded from a rank-0 buffer (i64 / i8 for bool ...).
  llvm::Value *loadScalar(const ir::Value *v);
  llvm::Type *elemType(ir::DType t); // llvmElemType in this context
  llvm::Value *i64(int64_t v) { return b.getInt64(v); }
  llvm::Value *i32(int32_t v) { return b.getInt32(v); }
  llvm::Error unsupported(const ir::Operation &op);
  /// A private global holding a `constant` op's elements (a splat is
  /// written out in full).
  llvm::GlobalVariable *constantGlobal(const ir::Operation &op);

  /// `for (i = 0; i < n; ++i) body(i)` with an i64 counter.
  /// Returns the back edge (for loop metadata).
  llvm::BranchInst *emitLoop(llvm::Value *n,
                             llvm::function_ref<void(llvm::Value *)> body);

  ModuleEmitter &me;
  const ir::Function &f;
  llvm::LLVMContext &ctx;
  llvm::Function *fn = nullptr;
  llvm::IRBuilder<> b;
  llvm::IRBuilder<> entryBuilder; // allocas and slot initialisation
  llvm::BasicBlock *exitBlock = nullptr;
  llvm::AllocaInst *retCode = nullptr;
  /// The hidden last parameter: the tape stack's top saved by the exported
  /// call (CodegenTape.cpp), passed along to callees.
  llvm::Value *arena = nullptr;
  llvm::DenseMap<const ir::Value *, Leaves> values;
  /// Values written straight into the buffer that receives them, saving a
  /// copy: a tensor the function returns (the caller's output) or one a
  /// loop body yields (the loop's other carried set, CodegenControl.cpp).
  llvm::DenseMap<const ir::Value *, llvm::Value *> placedIn;

private:
  void computeLiveness();
  /// Values whose last use is `op`: they die once it is emitted.
  void releaseDeadAfter(const ir::Operation &op);
  void release(const ir::Value *v);
  void openFrame();
  void closeFrame();

  FramePlan plan;
  std::vector<std::vector<unsigned>> scopes; // frame buffers per scope
  /// Frame buffers a pointer may point to (one, or a loop phi's two sets).
  llvm::DenseMap<llvm::Value *, llvm::SmallVector<unsigned, 2>> frameBuffer;
  llvm::DenseMap<const ir::Value *, llvm::SmallVector<unsigned, 2>> held;
  llvm::DenseMap<const ir::Operation *, llvm::SmallVector<const ir::Value *, 4>>
      deadAfter;
  llvm::CallInst *framePush = nullptr, *framePop = nullptr;
  llvm::Instruction *frameFailed = nullptr;
  llvm::Value *frameSave = nullptr;
};

} // namespace tdl::cpu

#endif
