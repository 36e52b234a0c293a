//===- FunctionEmitter.h - lowering one IR function (internal) -----*- C++
//-*-===//
//
// Shared by Codegen.cpp (frame, buffers, calls, returns), CodegenOps.cpp
// (tensor ops) and CodegenControl.cpp (if / for / while / fused).
//
// Buffers: every tensor leaf lives in a buffer of its static size. Small
// ones are allocas in the entry block (SROA/mem2reg turn scalars into
// registers); larger ones are malloc'd, their pointer kept in an entry-block
// slot, and freed when the region that defined them ends (so a loop body's
// temporaries are per-iteration scratch) or, on a run-time error, by the
// function's exit block, which frees every slot still set. Ops that do not
// change data (reshape, stop_gradient, tuple, get) alias their operand;
// buffers are never written after the op that made them, and yields and
// returns copy, so aliases never outlive what they point to.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_FUNCTIONEMITTER_H
#define TDL_BACKENDS_CPU_FUNCTIONEMITTER_H

#include "backends/cpu/Codegen.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/IRBuilder.h"

namespace tdl::cpu {

using Leaves = llvm::SmallVector<llvm::Value *, 2>;

/// Bytes of a leaf's buffer: a tensor's data, or one pointer for a tape
/// (its top cell, null when empty).
int64_t leafBytes(const ir::Type &leaf);

/// The LLVM type of one element (bool is i8).
llvm::Type *llvmElemType(llvm::LLVMContext &ctx, ir::DType t);

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

  llvm::Module &m;
  llvm::Module &runtime;
  const CodegenOptions &options;
  GeneratedModule &out;
  llvm::DenseMap<const ir::Function *, llvm::Function *> functions;
};

class FunctionEmitter {
public:
  FunctionEmitter(ModuleEmitter &me, const ir::Function &f);
  llvm::Error emit();

  // -- Used by the op lowerings -------------------------------------------
  llvm::Error emitRegionOps(const ir::Region &r);
  llvm::Error emitOp(const ir::Operation &op);
  llvm::Error emitTensorOp(const ir::Operation &op);
  llvm::Error emitIf(const ir::Operation &op);
  llvm::Error emitFor(const ir::Operation &op);
  llvm::Error emitWhile(const ir::Operation &op);
  llvm::Error emitFused(const ir::Operation &op);
  llvm::Error emitCall(const ir::Operation &op);
  llvm::Error emitPrint(const ir::Operation &op);
  llvm::Error emitTapeOp(const ir::Operation &op);

  /// A fresh buffer for a tensor type (owned by the current scope).
  llvm::Value *allocBuffer(const ir::Type &t);
  /// Fresh buffers for every leaf of `t`.
  Leaves allocLeaves(const ir::Type &t);
  Leaves &leavesOf(const ir::Value *v) { return values[v]; }
  llvm::Value *leaf(const ir::Value *v) { return values[v][0]; }
  void bind(const ir::Value *v, Leaves l) { values[v] = std::move(l); }

  /// Scopes: buffers malloc'd while a scope is open are freed by popScope.
  void pushScope() { scopes.emplace_back(); }
  void popScope();

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

  /// A scalar loaded from a rank-0 buffer (i64 / i8 for bool ...).
  llvm::Value *loadScalar(const ir::Value *v);
  llvm::Type *elemType(ir::DType t); // llvmElemType in this context
  llvm::Value *i64(int64_t v) { return b.getInt64(v); }
  llvm::Value *i32(int32_t v) { return b.getInt32(v); }
  llvm::Error unsupported(const ir::Operation &op);

  /// `for (i = 0; i < n; ++i) body(i)` with an i64 counter.
  void emitLoop(llvm::Value *n, llvm::function_ref<void(llvm::Value *)> body);

  ModuleEmitter &me;
  const ir::Function &f;
  llvm::LLVMContext &ctx;
  llvm::Function *fn = nullptr;
  llvm::IRBuilder<> b;
  llvm::IRBuilder<> entryBuilder; // allocas and slot initialisation
  llvm::BasicBlock *exitBlock = nullptr;
  llvm::AllocaInst *retCode = nullptr;
  /// The tape arena of the exported call (the hidden last parameter): a
  /// pointer to the head of the list of tape cells, freed by the wrapper.
  llvm::Value *arena = nullptr;
  llvm::DenseMap<const ir::Value *, Leaves> values;
  std::vector<llvm::AllocaInst *> allSlots;
  std::vector<std::vector<llvm::AllocaInst *>> scopes;
};

} // namespace tdl::cpu

#endif
