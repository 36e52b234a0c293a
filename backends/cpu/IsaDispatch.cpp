//===- IsaDispatch.cpp - loop code compiled per instruction set -----------===//
#include "backends/cpu/IsaDispatch.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/CFG.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <array>
#include <string>

namespace tdl::cpu {

namespace {

/// The variants, in the order of tdl_rt_isa_level's values. The feature
/// lists are the ones runtime/cpu/GemmKernels.cpp compiles its kernels for
/// and detectIsa() checks (AVX-512 F, DQ and VL; AVX2 with FMA).
struct Variant {
  const char *suffix;
  const char *features; // added to the module's
};
constexpr std::array<Variant, 3> kVariants = {{
    {".base", ""},
    {".avx2", "+avx,+avx2,+fma"},
    {".avx512", "+avx,+avx2,+fma,+avx512f,+avx512dq,+avx512vl"},
}};

bool holdsLoop(const llvm::Function &f) {
  llvm::SmallVector<
      std::pair<const llvm::BasicBlock *, const llvm::BasicBlock *>>
      backEdges;
  llvm::FindFunctionBackedges(f, backEdges);
  return !backEdges.empty();
}

void addFeatures(llvm::Function &f, llvm::StringRef extra) {
  if (extra.empty())
    return;
  llvm::StringRef own = f.getFnAttribute("target-features").getValueAsString();
  f.addFnAttr("target-features",
              own.empty() ? extra.str() : own.str() + "," + extra.str());
}

/// Replaces `f`'s body by: switch on the level, tail-call that variant.
void makeDispatcher(llvm::Function &f, llvm::Function &level,
                    llvm::ArrayRef<llvm::Function *> variants) {
  llvm::GlobalValue::LinkageTypes linkage = f.getLinkage();
  f.deleteBody(); // the body now lives in the variants
  f.setLinkage(linkage);
  llvm::LLVMContext &ctx = f.getContext();
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", &f));
  llvm::Value *isa = b.CreateCall(&level, {}, "isa");
  llvm::SmallVector<llvm::Value *, 8> args;
  for (llvm::Argument &a : f.args())
    args.push_back(&a);
  llvm::SmallVector<llvm::BasicBlock *, 3> blocks;
  for (llvm::Function *v : variants) {
    auto *bb = llvm::BasicBlock::Create(ctx, v->getName(), &f);
    llvm::IRBuilder<> vb(bb);
    llvm::CallInst *call = vb.CreateCall(v, args);
    call->setTailCall();
    call->setCallingConv(v->getCallingConv());
    if (f.getReturnType()->isVoidTy())
      vb.CreateRetVoid();
    else
      vb.CreateRet(call);
    blocks.push_back(bb);
  }
  llvm::SwitchInst *sw = b.CreateSwitch(isa, blocks[0], variants.size() - 1);
  for (unsigned i = 1; i < blocks.size(); ++i)
    sw->addCase(b.getInt32(i), blocks[i]);
}

} // namespace

unsigned addIsaDispatch(llvm::Module &m) {
  llvm::SmallVector<llvm::Function *, 16> split;
  for (llvm::Function &f : m) {
    if (!f.hasFnAttribute(kIsaDispatchAttr))
      continue;
    f.removeFnAttr(kIsaDispatchAttr);
    if (!f.isDeclaration() && !f.isVarArg() && holdsLoop(f))
      split.push_back(&f);
  }
  llvm::Function *level = m.getFunction(kIsaLevelFunction);
  if (split.empty() || !level || level->isDeclaration())
    return 0;

  // Clone first, then rewire: a variant calls (or hands the thread pool)
  // the same variant of every other split function.
  llvm::DenseMap<llvm::Function *, std::array<llvm::Function *, 3>> variantsOf;
  llvm::DenseMap<llvm::Function *, unsigned> levelOf;
  for (llvm::Function *f : split) {
    std::array<llvm::Function *, 3> vs{};
    for (unsigned i = 0; i < kVariants.size(); ++i) {
      llvm::ValueToValueMapTy map;
      llvm::Function *v = llvm::CloneFunction(f, map);
      v->setName(f->getName() + kVariants[i].suffix);
      v->setLinkage(llvm::GlobalValue::InternalLinkage);
      v->setVisibility(llvm::GlobalValue::DefaultVisibility);
      v->setDLLStorageClass(llvm::GlobalValue::DefaultStorageClass);
      v->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
      addFeatures(*v, kVariants[i].features);
      vs[i] = v;
      levelOf[v] = i;
    }
    variantsOf[f] = vs;
  }
  for (auto &[f, vs] : variantsOf) {
    for (llvm::Use &use : llvm::make_early_inc_range(f->uses())) {
      auto *inst = llvm::dyn_cast<llvm::Instruction>(use.getUser());
      if (!inst)
        continue;
      auto it = levelOf.find(inst->getFunction());
      if (it != levelOf.end())
        use.set(vs[it->second]);
    }
  }
  for (auto &[f, vs] : variantsOf)
    makeDispatcher(*f, *level, vs);
  return split.size();
}

} // namespace tdl::cpu
