//===- LoopMetadata.cpp - vectorization metadata of lane loops ------------===//
#include "backends/cpu/LoopMetadata.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"

namespace tdl::cpu {

/// The memory accesses of a lane loop's body as one access group, when
/// the body is straight-line code (no inner loop): each lane reads and
/// writes only its own elements and its own accumulator, so no iteration
/// depends on another through memory. Declared parallel, the loop
/// vectorizes without run-time alias checks and their scalar fallback,
/// whose variable-index access to the lane accumulators kept them in
/// memory (a store and reload per vector step: softmax's sum).
static llvm::MDNode *accessGroup(llvm::BasicBlock *first,
                                 llvm::BasicBlock *latch) {
  llvm::SmallPtrSet<llvm::BasicBlock *, 8> blocks;
  llvm::SmallVector<llvm::BasicBlock *, 8> work{first};
  while (!work.empty()) {
    llvm::BasicBlock *bb = work.pop_back_val();
    if (!blocks.insert(bb).second)
      continue;
    if (bb == latch)
      continue;
    for (llvm::BasicBlock *succ : llvm::successors(bb)) {
      if (succ == first)
        return nullptr; // an inner cycle
      work.push_back(succ);
    }
  }
  for (llvm::BasicBlock *bb : blocks)
    for (llvm::BasicBlock *succ : llvm::successors(bb))
      if (bb != latch && !blocks.contains(succ))
        return nullptr; // leaves the loop other than by the latch
  llvm::SmallVector<llvm::Instruction *, 16> accesses;
  for (llvm::BasicBlock *bb : blocks)
    for (llvm::Instruction &inst : *bb)
      if (inst.mayReadOrWriteMemory()) {
        if (!llvm::isa<llvm::LoadInst, llvm::StoreInst, llvm::CallInst>(inst))
          return nullptr;
        accesses.push_back(&inst);
      }
  llvm::MDNode *group = llvm::MDNode::getDistinct(first->getContext(), {});
  for (llvm::Instruction *inst : accesses)
    inst->setMetadata(llvm::LLVMContext::MD_access_group, group);
  return group;
}

llvm::MDNode *laneLoopMetadata(llvm::BasicBlock *first, llvm::BasicBlock *latch,
                               int64_t lanes) {
  llvm::LLVMContext &c = first->getContext();
  auto flag = [&](const char *name, llvm::Metadata *v) {
    return llvm::MDNode::get(c, {llvm::MDString::get(c, name), v});
  };
  llvm::Metadata *yes =
      llvm::ConstantAsMetadata::get(llvm::ConstantInt::getTrue(c));
  llvm::Metadata *width = llvm::ConstantAsMetadata::get(
      llvm::ConstantInt::get(llvm::Type::getInt32Ty(c), lanes));
  llvm::TempMDTuple self = llvm::MDTuple::getTemporary(c, {});
  llvm::SmallVector<llvm::Metadata *, 5> ops{
      self.get(),
      llvm::MDNode::get(c,
                        {llvm::MDString::get(c, "llvm.loop.unroll.disable")}),
      flag("llvm.loop.vectorize.enable", yes),
      flag("llvm.loop.vectorize.width", width)};
  if (llvm::MDNode *group = accessGroup(first, latch))
    ops.push_back(llvm::MDNode::get(
        c, {llvm::MDString::get(c, "llvm.loop.parallel_accesses"), group}));
  llvm::MDNode *md = llvm::MDNode::get(c, ops);
  md->replaceOperandWith(0, md);
  return md;
}

} // namespace tdl::cpu
