//===- LoopNestReduce.cpp - a reduction run inside a loop nest ------------===//
#include "backends/cpu/LoopNestReduce.h"

#include "llvm/IR/MDBuilder.h"

namespace tdl::cpu {

namespace {
/// Contiguous pieces of a float max / min run, each its own chain.
constexpr int64_t kChunks = 4;
} // namespace

llvm::Value *reductionIdentity(FunctionEmitter &fe, const ir::Operation &r) {
  ir::DType dt = r.getResult(0)->getType().getDType();
  llvm::Type *ty = fe.elemType(dt);
  bool isFloat = ty->isFloatingPointTy();
  unsigned bits = ty->getPrimitiveSizeInBits();
  switch (r.getOpcode()) {
  case ir::Opcode::ReduceSum:
    return llvm::Constant::getNullValue(ty);
  case ir::Opcode::ReduceProd:
    return isFloat ? llvm::ConstantFP::get(ty, 1.0)
                   : llvm::ConstantInt::get(ty, 1);
  case ir::Opcode::ReduceMax:
    return isFloat ? llvm::ConstantFP::getInfinity(ty, /*Negative=*/true)
                   : llvm::ConstantInt::get(
                         ty, llvm::APInt::getSignedMinValue(bits));
  default: // ReduceMin
    return isFloat ? llvm::ConstantFP::getInfinity(ty, false)
                   : llvm::ConstantInt::get(
                         ty, llvm::APInt::getSignedMaxValue(bits));
  }
}

llvm::Value *reductionCombine(FunctionEmitter &fe, const ir::Operation &r,
                              llvm::Value *a, llvm::Value *x) {
  const char *name = r.getOpcode() == ir::Opcode::ReduceSum    ? "add"
                     : r.getOpcode() == ir::Opcode::ReduceProd ? "mul"
                     : r.getOpcode() == ir::Opcode::ReduceMax  ? "max"
                                                               : "min";
  std::string fn = ("tdl_ew_" + llvm::Twine(name) + "_" +
                    ir::dtypeName(r.getResult(0)->getType().getDType()))
                       .str();
  return fe.b.CreateCall(fe.me.rt(fn), {a, x});
}

/// The value of one run of `n` elements: kLanes accumulators, element j
/// into lane j % kLanes, then halving (runtime/kernels/Reduce.h's
/// reduceRun, emitted inline). `element` reads the element at the run
/// index bound to `runVar`.
///
/// A float max / min picks the leftmost extreme (the first NaN, the first
/// of equal values). Two ways to the same bits, which made a row max run
/// as fast as a row sum instead of at a third of its speed:
/// - without NaNs it is `a < x ? x : a` (one vmaxps; NaN-aware it is five
///   instructions with mask registers), so the run is first reduced that
///   way while the largest |bits| of its elements are tracked; a run that
///   held a NaN is reduced again the NaN-aware way;
/// - the operation is associative, so each lane's sequence may be folded
///   as kChunks contiguous pieces in their own accumulators, combined in
///   order afterwards: kChunks dependency chains instead of one.
/// Sums and products keep one chain: their rounding depends on the order.
llvm::Value *RunReducer::run(const ir::Operation &r, int64_t n, int runVar,
                             llvm::function_ref<llvm::Value *()> element) {
  llvm::Type *ty = fe.elemType(r.getResult(0)->getType().getDType());
  bool isMax = r.getOpcode() == ir::Opcode::ReduceMax;
  bool extreme = isMax || r.getOpcode() == ir::Opcode::ReduceMin;
  auto exact = [&](llvm::Value *a, llvm::Value *x) {
    return reductionCombine(fe, r, a, x);
  };
  if (!extreme || !ty->isFloatingPointTy())
    return lanes(r, n, runVar, element, exact, /*chunks=*/1, nullptr);

  // The NaN-free pass, with the elements' largest magnitude bits.
  llvm::Type *bitsTy = b.getIntNTy(ty->getPrimitiveSizeInBits());
  llvm::AllocaInst *mags =
      fe.entryBuilder.CreateAlloca(bitsTy, fe.i64(kLanes), "mags");
  mags->setAlignment(llvm::Align(64));
  auto plain = [&](llvm::Value *a, llvm::Value *x) {
    llvm::Value *takeX = isMax ? b.CreateFCmpOLT(a, x) : b.CreateFCmpOLT(x, a);
    return b.CreateSelect(takeX, x, a);
  };
  llvm::Value *fast = lanes(r, n, runVar, element, plain, kChunks, mags);
  llvm::Value *magVec = b.CreateAlignedLoad(
      llvm::FixedVectorType::get(bitsTy, kLanes), mags, llvm::Align(64));
  llvm::Value *largest =
      b.CreateUnaryIntrinsic(llvm::Intrinsic::vector_reduce_umax, magVec);
  llvm::APInt inf =
      llvm::APFloat::getInf(ty->getFltSemantics()).bitcastToAPInt();
  llvm::Value *sawNaN =
      b.CreateICmpUGT(largest, llvm::ConstantInt::get(bitsTy, inf));
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock *from = b.GetInsertBlock();
  auto *again = llvm::BasicBlock::Create(fe.ctx, "run.nan", fn);
  auto *done = llvm::BasicBlock::Create(fe.ctx, "run.done", fn);
  b.CreateCondBr(sawNaN, again, done,
                 llvm::MDBuilder(fe.ctx).createBranchWeights(1, 1 << 20));
  b.SetInsertPoint(again);
  llvm::Value *slow = lanes(r, n, runVar, element, exact, kChunks, nullptr);
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  b.SetInsertPoint(done);
  llvm::PHINode *phi = b.CreatePHI(ty, 2);
  phi->addIncoming(fast, from);
  phi->addIncoming(slow, slowEnd);
  return phi;
}

/// run's lanes with `op` as the lane operation, each lane's sequence
/// in `chunks` contiguous pieces (1 unless `op` is associative); with
/// `mags`, also the largest |bits| per lane (an integer lane array).
llvm::Value *RunReducer::lanes(const ir::Operation &r, int64_t n, int runVar,
                               llvm::function_ref<llvm::Value *()> element,
                               Combine op, int64_t chunks,
                               llvm::AllocaInst *mags) {
  llvm::Type *ty = fe.elemType(r.getResult(0)->getType().getDType());
  int64_t full = n / kLanes, rest = n % kLanes;
  if (full < 2 * chunks)
    chunks = 1;
  llvm::Value *id = reductionIdentity(fe, r);
  llvm::SmallVector<llvm::AllocaInst *, kChunks> acc;
  for (int64_t c = 0; c < chunks; ++c) {
    acc.push_back(fe.entryBuilder.CreateAlloca(ty, fe.i64(kLanes), "lanes"));
    acc.back()->setAlignment(llvm::Align(64));
    for (int64_t l = 0; l < kLanes; ++l)
      b.CreateStore(id, b.CreateConstGEP1_64(ty, acc.back(), l));
  }
  llvm::Type *bitsTy = b.getIntNTy(ty->getPrimitiveSizeInBits());
  if (mags)
    for (int64_t l = 0; l < kLanes; ++l)
      b.CreateStore(llvm::ConstantInt::get(bitsTy, 0),
                    b.CreateConstGEP1_64(bitsTy, mags, l));
  llvm::Value *magMask = llvm::ConstantInt::get(
      bitsTy, llvm::APInt::getSignedMaxValue(bitsTy->getIntegerBitWidth()));
  auto accumulate = [&](llvm::AllocaInst *into, llvm::Value *base,
                        int64_t count) {
    int lane = loops.newVar();
    loops.loop(
        count, lane,
        [&] {
          llvm::Value *l = loops.var(lane);
          loops.var(runVar) = base ? b.CreateAdd(base, l, "", true, true) : l;
          llvm::Value *x = element();
          llvm::Value *slot = b.CreateGEP(ty, into, l);
          b.CreateStore(op(b.CreateLoad(ty, slot), x), slot);
          if (mags) {
            llvm::Value *m = b.CreateGEP(bitsTy, mags, l);
            llvm::Value *mag = b.CreateAnd(b.CreateBitCast(x, bitsTy), magMask);
            b.CreateStore(b.CreateBinaryIntrinsic(llvm::Intrinsic::umax,
                                                  b.CreateLoad(bitsTy, m), mag),
                          m);
          }
          loops.var(runVar) = nullptr;
        },
        /*lanes=*/count == kLanes);
  };
  // Vectors [c * per, (c + 1) * per) go to chunk c, the last chunk also
  // takes the vectors after chunks * per and the partial vector.
  int64_t per = full / chunks;
  auto vectorAt = [&](int64_t first, llvm::Value *q) {
    return b.CreateMul(b.CreateAdd(q, fe.i64(first), "", true, true),
                       fe.i64(kLanes), "", true, true);
  };
  if (per > 0) {
    int q = loops.newVar();
    loops.loop(
        per, q,
        [&] {
          for (int64_t c = 0; c < chunks; ++c)
            accumulate(acc[c], vectorAt(c * per, loops.var(q)), kLanes);
        },
        /*lanes=*/false, kLanes * chunks);
  }
  if (int64_t more = full - chunks * per; more > 0) {
    int q = loops.newVar();
    loops.loop(
        more, q,
        [&] {
          accumulate(acc.back(), vectorAt(chunks * per, loops.var(q)), kLanes);
        },
        /*lanes=*/false, kLanes);
  }
  if (rest > 0)
    accumulate(acc.back(), full > 0 ? fe.i64(full * kLanes) : nullptr, rest);
  // The chunks in order, then halving: lane l with lane l + w, w = 8, 4,
  // 2, 1 -- each step one vector operation of its lanes.
  auto fold = [&](llvm::AllocaInst *into, llvm::AllocaInst *from, int64_t width,
                  int64_t offset) {
    int lane = loops.newVar();
    loops.loop(
        width, lane,
        [&] {
          llvm::Value *i = b.CreateGEP(ty, into, loops.var(lane));
          llvm::Value *f = b.CreateGEP(
              ty, from,
              b.CreateAdd(loops.var(lane), fe.i64(offset), "", true, true));
          b.CreateStore(op(b.CreateLoad(ty, i), b.CreateLoad(ty, f)), i);
        },
        /*lanes=*/width > 1);
  };
  for (int64_t c = 1; c < chunks; ++c)
    fold(acc[0], acc[c], kLanes, 0);
  for (int64_t w = kLanes / 2; w >= 1; w /= 2)
    fold(acc[0], acc[0], w, w);
  return b.CreateLoad(ty, acc[0]);
}

} // namespace tdl::cpu
