//===- LoopNestInterrupt.cpp - Ctrl-C checks in a loop nest ---------------===//
#include "backends/cpu/LoopNestInterrupt.h"

#include "llvm/IR/MDBuilder.h"

#include <algorithm>

namespace tdl::cpu {

namespace {

/// With CodegenOptions::interruptible (the REPL's JIT): a loop doing more
/// than this many elements' work in all polls the Ctrl-C flag at least this
/// often (per block of iterations, never per element) and leaves the nest
/// once it is set; the caller then fails with "interrupted".
constexpr int64_t kCheckWork = int64_t(1) << 16;

} // namespace

bool NestInterrupts::checked(double work) const {
  return fe.me.options.interruptible && work > double(kCheckWork);
}

void NestInterrupts::blockedLoop(
    llvm::Value *lo, llvm::Value *count, int64_t perIter,
    llvm::function_ref<void(llvm::Value *)> iteration) {
  int64_t block =
      std::max<int64_t>(1, kCheckWork / std::max<int64_t>(1, perIter));
  llvm::Value *blocks = b.CreateUDiv(
      b.CreateAdd(count, fe.i64(block - 1), "", true, true), fe.i64(block));
  fe.emitLoop(blocks, [&](llvm::Value *blk) {
    pollBail();
    llvm::Value *start = b.CreateMul(blk, fe.i64(block), "", true, true);
    llvm::Value *left = b.CreateSub(count, start, "", true, true);
    llvm::Value *len = b.CreateSelect(b.CreateICmpSLT(left, fe.i64(block)),
                                      left, fe.i64(block));
    if (lo)
      start = b.CreateAdd(lo, start, "", true, true);
    fe.emitLoop(len, [&](llvm::Value *j) {
      iteration(b.CreateAdd(start, j, "", true, true));
    });
  });
}

void NestInterrupts::pollBail() {
  if (!bail)
    bail = llvm::BasicBlock::Create(fe.ctx, "nest.interrupted", fe.fn);
  anyPolled = true;
  llvm::Constant *flag =
      fe.me.m.getOrInsertGlobal("tdl_rt_interrupt_flag", b.getInt32Ty());
  llvm::LoadInst *set = b.CreateLoad(b.getInt32Ty(), flag, /*isVolatile=*/true);
  llvm::BasicBlock *go = llvm::BasicBlock::Create(fe.ctx, "nest.go", fe.fn);
  b.CreateCondBr(b.CreateICmpNE(set, fe.i32(0)), bail, go,
                 llvm::MDBuilder(fe.ctx).createUnlikelyBranchWeights());
  b.SetInsertPoint(go);
}

bool NestInterrupts::joinBail() {
  if (!bail)
    return false;
  llvm::BasicBlock *end = llvm::BasicBlock::Create(fe.ctx, "nest.end", fe.fn);
  b.CreateBr(end);
  llvm::BranchInst::Create(end, bail);
  bail = nullptr;
  b.SetInsertPoint(end);
  return true;
}

} // namespace tdl::cpu
