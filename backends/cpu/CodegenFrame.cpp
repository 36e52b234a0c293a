//===- CodegenFrame.cpp - buffers in the function's planned frame ---------===//
//
// Where FunctionEmitter puts tensors (FunctionEmitter.h, docs/cpu-backend.md
// "Memory"): small buffers are allocas, larger ones slices of the frame laid
// out by FramePlan while the function is emitted; liveness says when a
// value's buffer can be reused; a returned tensor goes straight into the
// caller's output; elementwise results may overwrite a dying operand.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

#include <functional>

namespace tdl::cpu {

/// Buffers up to this size are entry-block allocas; larger ones live in the
/// frame.
static constexpr int64_t maxStackBuffer = 512;

llvm::Value *FunctionEmitter::allocBuffer(const ir::Type &t) {
  int64_t bytes = leafBytes(t);
  if (bytes <= maxStackBuffer) {
    llvm::AllocaInst *a = entryBuilder.CreateAlloca(
        b.getInt8Ty(), i64(std::max<int64_t>(bytes, 1)), "buf");
    a->setAlignment(llvm::Align(16));
    return a;
  }
  unsigned id = plan.allocate(bytes);
  scopes.back().push_back(id);
  llvm::Value *p = entryBuilder.CreateConstInBoundsGEP1_64(
      b.getInt8Ty(), framePush, plan.offset(id), "buf");
  frameBuffer[p] = {id};
  return p;
}

Leaves FunctionEmitter::allocLeaves(const ir::Type &t) {
  llvm::SmallVector<ir::Type, 4> types;
  flattenType(t, types);
  Leaves out;
  for (const ir::Type &l : types)
    out.push_back(allocBuffer(l));
  return out;
}

llvm::Value *FunctionEmitter::resultBuffer(const ir::Value *v) {
  if (llvm::Value *out = placedIn.lookup(v))
    return out;
  return allocBuffer(v->getType());
}

llvm::Value *FunctionEmitter::inPlaceResultBuffer(const ir::Operation &op,
                                                  bool onlyFirst) {
  const ir::Value *result = op.getResult(0);
  if (placedIn.count(result))
    return resultBuffer(result);
  auto dying = deadAfter.find(&op);
  if (dying == deadAfter.end())
    return resultBuffer(result);
  int64_t bytes = leafBytes(result->getType());
  for (const ir::Value *v :
       op.getOperands().take_front(onlyFirst ? 1 : op.getNumOperands())) {
    if (!llvm::is_contained(dying->second, v) ||
        leafBytes(v->getType()) != bytes || values[v].size() != 1)
      continue;
    auto buf = frameBuffer.find(values[v][0]);
    auto holds = held.find(v);
    if (buf == frameBuffer.end() || buf->second.size() != 1 ||
        holds == held.end() || holds->second.size() != 1)
      continue;
    unsigned id = buf->second[0];
    if (holds->second[0] == id && plan.isLive(id) && plan.refs(id) == 1)
      return values[v][0]; // `v` is its only holder and dies here
  }
  return resultBuffer(result);
}

Leaves FunctionEmitter::resultLeaves(const ir::Value *v) {
  if (v->getType().isTuple())
    return allocLeaves(v->getType());
  return {resultBuffer(v)};
}

void FunctionEmitter::bind(const ir::Value *v, Leaves l) {
  // Block arguments alias what their region's op holds (function inputs,
  // loop sets, a fused op's operands): they hold nothing themselves.
  if (!v->isBlockArgument() && !held.count(v)) {
    llvm::SmallVector<unsigned, 2> &h = held[v];
    for (llvm::Value *p : l)
      if (auto it = frameBuffer.find(p); it != frameBuffer.end())
        for (unsigned id : it->second)
          if (plan.isLive(id)) {
            plan.addRef(id);
            h.push_back(id);
          }
  }
  values[v] = std::move(l);
}

void FunctionEmitter::holdBuffers(llvm::Value *alias,
                                  llvm::ArrayRef<llvm::Value *> buffers) {
  llvm::SmallVector<unsigned, 2> ids;
  for (llvm::Value *p : buffers)
    if (auto it = frameBuffer.find(p); it != frameBuffer.end())
      ids.append(it->second.begin(), it->second.end());
  frameBuffer[alias] = ids;
}

void FunctionEmitter::pinBuffer(llvm::Value *p, bool pin) {
  if (auto it = frameBuffer.find(p); it != frameBuffer.end())
    for (unsigned id : it->second)
      pin ? plan.addRef(id) : plan.dropRef(id);
}

void FunctionEmitter::release(const ir::Value *v) {
  auto it = held.find(v);
  if (it == held.end())
    return;
  for (unsigned id : it->second)
    if (plan.isLive(id))
      plan.dropRef(id);
  it->second.clear();
}

void FunctionEmitter::releaseDeadAfter(const ir::Operation &op) {
  auto it = deadAfter.find(&op);
  if (it == deadAfter.end())
    return;
  for (const ir::Value *v : it->second)
    release(v);
}

void FunctionEmitter::popScope() {
  for (unsigned id : scopes.back())
    plan.release(id);
  scopes.pop_back();
}

void FunctionEmitter::computeLiveness() {
  llvm::DenseMap<const ir::Operation *, unsigned> position;
  std::function<void(const ir::Region &)> number = [&](const ir::Region &r) {
    unsigned i = 0;
    for (const auto &op : r.getOps()) {
      position[op.get()] = i++;
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        number(op->getRegion(k));
    }
  };
  number(f.getBody());
  // A value dies after the op, at its own region's level, that uses it last
  // (a use inside a nested region counts as a use by the op owning that
  // region); an unused value right after its op.
  std::function<void(const ir::Region &)> visit = [&](const ir::Region &r) {
    for (const auto &op : r.getOps()) {
      llvm::SmallVector<ir::Value *, 2> results = op->getResults();
      for (const ir::Value *res : results) {
        const ir::Operation *last = op.get();
        for (const ir::Use &u : res->getUses()) {
          const ir::Operation *user = u.user;
          while (user && user->getParentRegion() != &r)
            user = user->getParentOp();
          if (user && position[user] > position[last])
            last = user;
        }
        deadAfter[last].push_back(res);
      }
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        visit(op->getRegion(k));
    }
  };
  visit(f.getBody());
}

void FunctionEmitter::openFrame() {
  frameSave = entryBuilder.CreateAlloca(b.getPtrTy(), i64(2), "frame.save");
  framePush = entryBuilder.CreateCall(me.rt("tdl_rt_frame_push"),
                                      {i64(0), frameSave}, "frame");
  frameFailed = llvm::cast<llvm::Instruction>(b.CreateIsNull(framePush));
  branchToErrorIf(frameFailed, me.addErrorSite(ir::Location()),
                  "out of memory");
}

void FunctionEmitter::closeFrame() {
  // At the exit block: every path out of the function pops.
  framePop = b.CreateCall(me.rt("tdl_rt_frame_pop"), {frameSave});
  if (plan.peak() > 0) {
    framePush->setArgOperand(0, i64(plan.peak()));
    return;
  }
  frameFailed->replaceAllUsesWith(b.getFalse());
  frameFailed->eraseFromParent();
  framePop->eraseFromParent();
  framePush->eraseFromParent();
  llvm::cast<llvm::Instruction>(frameSave)->eraseFromParent();
}

} // namespace tdl::cpu
