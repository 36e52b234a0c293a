//===- LoopNestParallel.cpp - a loop nest's parts on the thread pool ------===//
#include "backends/cpu/LoopNestParallel.h"

#include <algorithm>

namespace tdl::cpu {

namespace {

/// Nests with at least this many result elements run on the thread pool,
/// split into at most kMaxParts ranges of their outermost loop.
constexpr int64_t kParallelElements = int64_t(1) << 18;
constexpr int64_t kMaxParts = 32;

} // namespace

int64_t parallelChunk(const FunctionEmitter &fe, int64_t work, int64_t outer,
                      bool flatLoop) {
  if (!fe.me.options.parallelLoops || work < kParallelElements || outer < 2)
    return 0;
  int64_t parts = std::min<int64_t>(kMaxParts, outer);
  int64_t chunk = (outer + parts - 1) / parts;
  if (flatLoop)
    chunk = (chunk + 63) / 64 * 64;
  return chunk;
}

void emitParallelParts(
    FunctionEmitter &fe, llvm::ArrayRef<const ir::Value *> inputs, int64_t n,
    int64_t chunk, llvm::Value *out,
    llvm::function_ref<void(llvm::Value *, llvm::Value *, llvm::Value *)>
        emitPart) {
  llvm::IRBuilder<> &b = fe.b;
  llvm::Type *ptr = b.getPtrTy();
  llvm::AllocaInst *ctxBuf = fe.entryBuilder.CreateAlloca(
      ptr, fe.i64(int64_t(inputs.size()) + 1), "nest.ctx");
  for (size_t i = 0; i < inputs.size(); ++i)
    b.CreateStore(fe.leaf(inputs[i]), b.CreateConstGEP1_64(ptr, ctxBuf, i));
  b.CreateStore(out, b.CreateConstGEP1_64(ptr, ctxBuf, inputs.size()));

  llvm::Function *part = llvm::Function::Create(
      llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getInt64Ty()}, false),
      llvm::GlobalValue::InternalLinkage, "tdl.nest", fe.me.m);
  part->addFnAttr(llvm::Attribute::NoUnwind);
  // Emit the part's body with the emitter pointed at the new function.
  llvm::Function *savedFn = fe.fn;
  llvm::IRBuilderBase::InsertPoint savedB = b.saveIP();
  llvm::IRBuilderBase::InsertPoint savedEntry = fe.entryBuilder.saveIP();
  llvm::SmallVector<Leaves, 8> savedLeaves;
  fe.fn = part;
  llvm::BasicBlock *entry = llvm::BasicBlock::Create(fe.ctx, "entry", part);
  llvm::BasicBlock *start = llvm::BasicBlock::Create(fe.ctx, "start", part);
  fe.entryBuilder.SetInsertPoint(entry);
  b.SetInsertPoint(start);
  llvm::Value *ctxArg = part->getArg(0);
  for (size_t i = 0; i < inputs.size(); ++i) {
    savedLeaves.push_back(fe.leavesOf(inputs[i]));
    fe.leavesOf(inputs[i]) = {
        b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, ctxArg, i))};
  }
  llvm::Value *partOut =
      b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, ctxArg, inputs.size()));
  llvm::Value *lo = b.CreateMul(part->getArg(1), fe.i64(chunk));
  llvm::Value *end = b.CreateAdd(lo, fe.i64(chunk));
  llvm::Value *hi =
      b.CreateSelect(b.CreateICmpSLT(end, fe.i64(n)), end, fe.i64(n));
  emitPart(lo, hi, partOut);
  b.CreateRetVoid();
  fe.entryBuilder.CreateBr(start);
  for (size_t i = 0; i < inputs.size(); ++i)
    fe.leavesOf(inputs[i]) = savedLeaves[i];
  fe.fn = savedFn;
  b.restoreIP(savedB);
  fe.entryBuilder.restoreIP(savedEntry);

  int64_t parts = (n + chunk - 1) / chunk;
  b.CreateCall(fe.me.rt("tdl_rt_parallel"), {fe.i64(parts), part, ctxBuf});
}

} // namespace tdl::cpu
