//===- Codegen.cpp - functions, buffers, calls, exported wrappers ---------===//
#include "backends/cpu/Codegen.h"
#include "backends/cpu/FunctionEmitter.h"
#include "backends/cpu/IsaDispatch.h"
#include "backends/cpu/RuntimeLinker.h"
#include "ssa_ir/OpAttrs.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <fmt/format.h>

namespace tdl::cpu {

char CodegenError::ID = 0;

void flattenType(const ir::Type &t, llvm::SmallVectorImpl<ir::Type> &leaves) {
  if (t.isTuple()) {
    for (const ir::Type &e : t.getElements())
      flattenType(e, leaves);
    return;
  }
  leaves.push_back(t);
}

std::string paramName(const ir::Function &f, unsigned i) {
  std::string name;
  if (i < f.getBody().getNumArguments())
    name = f.getBody().getArgument(i)->getNameHint().str();
  for (char &c : name)
    if (!llvm::isAlnum(c))
      c = '_';
  if (name.empty() || llvm::isDigit(name[0]))
    name = "arg" + std::to_string(i);
  return name;
}

int64_t leafBytes(const ir::Type &leaf) {
  if (leaf.isTape())
    return 8;
  return leaf.getNumElements() * ir::dtypeSize(leaf.getDType());
}

//===-- ModuleEmitter -----------------------------------------------------===//

llvm::FunctionCallee ModuleEmitter::rt(llvm::StringRef name) {
  if (llvm::Function *existing = m.getFunction(name))
    return existing;
  llvm::Function *def = runtime.getFunction(name);
  if (!def) { // libc: malloc / free / memcpy
    llvm::LLVMContext &ctx = m.getContext();
    llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
    if (name == "malloc")
      return m.getOrInsertFunction(
          name,
          llvm::FunctionType::get(ptr, {llvm::Type::getInt64Ty(ctx)}, false));
    if (name == "free")
      return m.getOrInsertFunction(
          name,
          llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false));
    llvm::report_fatal_error("cpu backend: no runtime function " + name);
  }
  llvm::Function *decl = llvm::Function::Create(
      def->getFunctionType(), llvm::GlobalValue::ExternalLinkage, name, m);
  decl->setAttributes(def->getAttributes());
  decl->setCallingConv(def->getCallingConv());
  return decl;
}

llvm::Function *ModuleEmitter::internalFunction(const ir::Function &f) {
  if (llvm::Function *fn = functions.lookup(&f))
    return fn;
  llvm::LLVMContext &ctx = m.getContext();
  llvm::SmallVector<ir::Type, 8> leaves;
  for (const ir::Type &t : f.getArgTypes())
    flattenType(t, leaves);
  for (const ir::Type &t : f.getResultTypes())
    flattenType(t, leaves);
  // One pointer per leaf, then the tape arena.
  llvm::SmallVector<llvm::Type *, 8> params(leaves.size() + 1,
                                            llvm::PointerType::getUnqual(ctx));
  auto *type =
      llvm::FunctionType::get(llvm::Type::getInt32Ty(ctx), params, false);
  llvm::Function *fn = llvm::Function::Create(
      type, llvm::GlobalValue::InternalLinkage, "tdl.fn." + f.getName(), m);
  for (llvm::Argument &a : fn->args())
    a.addAttr(llvm::Attribute::NoUndef);
  functions[&f] = fn;
  return fn;
}

int64_t ModuleEmitter::workspaceBytes(const ir::Function &f) {
  // Frames and scratch are pushed in 64-byte units, last in first out; TDL
  // has no recursion, so the call graph is a DAG: each function's bound is
  // computed once.
  FrameUse &u = frameUse[&f];
  if (u.workspace >= 0)
    return u.workspace;
  int64_t above = u.kernelScratch;
  for (const ir::Function *c : u.callees)
    above = std::max(above, workspaceBytes(*c));
  u.workspace = (u.frame + 63) / 64 * 64 + above;
  return u.workspace;
}

llvm::Constant *ModuleEmitter::i64Array(llvm::ArrayRef<int64_t> values) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::SmallVector<uint64_t, 8> v(values.begin(), values.end());
  if (v.empty())
    v.push_back(0);
  llvm::Constant *data = llvm::ConstantDataArray::get(ctx, v);
  auto *gv = new llvm::GlobalVariable(m, data->getType(), /*isConstant=*/true,
                                      llvm::GlobalValue::PrivateLinkage, data,
                                      "tdl.params");
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return gv;
}

//===-- FunctionEmitter: frame and buffers --------------------------------===//

FunctionEmitter::FunctionEmitter(ModuleEmitter &me, const ir::Function &f)
    : me(me), f(f), ctx(me.m.getContext()), b(ctx), entryBuilder(ctx) {}

llvm::Type *llvmElemType(llvm::LLVMContext &ctx, ir::DType t) {
  switch (t) {
  case ir::DType::Bool:
  case ir::DType::I8:
    return llvm::Type::getInt8Ty(ctx);
  case ir::DType::I32:
    return llvm::Type::getInt32Ty(ctx);
  case ir::DType::I64:
    return llvm::Type::getInt64Ty(ctx);
  case ir::DType::F32:
    return llvm::Type::getFloatTy(ctx);
  case ir::DType::F64:
    return llvm::Type::getDoubleTy(ctx);
  }
  llvm_unreachable("bad dtype");
}

llvm::Type *FunctionEmitter::elemType(ir::DType t) {
  return llvmElemType(ctx, t);
}

void FunctionEmitter::copyLeaves(llvm::ArrayRef<llvm::Value *> from,
                                 llvm::ArrayRef<llvm::Value *> to,
                                 llvm::ArrayRef<ir::Type> types) {
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i] == to[i])
      continue;
    int64_t bytes = leafBytes(types[i]);
    b.CreateMemCpy(to[i], llvm::MaybeAlign(1), from[i], llvm::MaybeAlign(1),
                   bytes);
  }
}

void FunctionEmitter::branchToErrorIf(llvm::Value *failed, unsigned site,
                                      llvm::StringRef message) {
  branchToErrorIf(failed, site, [&] {
    b.CreateCall(me.rt("tdl_rt_error_message"),
                 {b.CreateGlobalString(message, "tdl.msg")});
  });
}

void FunctionEmitter::branchToErrorIf(llvm::Value *failed, unsigned site,
                                      llvm::function_ref<void()> setMessage) {
  llvm::BasicBlock *fail = llvm::BasicBlock::Create(ctx, "fail", fn);
  llvm::BasicBlock *cont = llvm::BasicBlock::Create(ctx, "ok", fn);
  b.CreateCondBr(failed, fail, cont,
                 llvm::MDBuilder(ctx).createUnlikelyBranchWeights());
  b.SetInsertPoint(fail);
  setMessage();
  b.CreateStore(i32(site), retCode);
  b.CreateBr(exitBlock);
  b.SetInsertPoint(cont);
}

void FunctionEmitter::propagateError(llvm::Value *code) {
  llvm::BasicBlock *fail = llvm::BasicBlock::Create(ctx, "callfail", fn);
  llvm::BasicBlock *cont = llvm::BasicBlock::Create(ctx, "ok", fn);
  b.CreateCondBr(b.CreateICmpNE(code, i32(0)), fail, cont,
                 llvm::MDBuilder(ctx).createUnlikelyBranchWeights());
  b.SetInsertPoint(fail);
  b.CreateStore(code, retCode);
  b.CreateBr(exitBlock);
  b.SetInsertPoint(cont);
}

void FunctionEmitter::pollInterrupt(const ir::Operation &op) {
  if (!me.options.interruptible)
    return;
  // A volatile load: read on every iteration, never hoisted out of a loop.
  llvm::Constant *flag =
      me.m.getOrInsertGlobal("tdl_rt_interrupt_flag", b.getInt32Ty());
  llvm::LoadInst *set = b.CreateLoad(b.getInt32Ty(), flag, /*isVolatile=*/true);
  branchToErrorIf(b.CreateICmpNE(set, i32(0)), me.addErrorSite(op.getLoc()),
                  "interrupted");
}

llvm::Value *FunctionEmitter::loadScalar(const ir::Value *v) {
  return b.CreateLoad(elemType(v->getType().getDType()), leaf(v));
}

llvm::Error FunctionEmitter::unsupported(const ir::Operation &op) {
  return llvm::make_error<CodegenError>(
      op.getLoc(),
      fmt::format("the cpu backend does not support '{}' yet",
                  op.getName().str()),
      op.getName().str());
}

llvm::BranchInst *
FunctionEmitter::emitLoop(llvm::Value *n,
                          llvm::function_ref<void(llvm::Value *)> body) {
  llvm::BasicBlock *pre = b.GetInsertBlock();
  llvm::BasicBlock *header = llvm::BasicBlock::Create(ctx, "loop", fn);
  llvm::BasicBlock *bodyBB = llvm::BasicBlock::Create(ctx, "body", fn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "done", fn);
  b.CreateBr(header);
  b.SetInsertPoint(header);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(i64(0), pre);
  b.CreateCondBr(b.CreateICmpSLT(i, n), bodyBB, done);
  b.SetInsertPoint(bodyBB);
  body(i);
  llvm::Value *next = b.CreateAdd(i, i64(1), "", /*HasNUW=*/true,
                                  /*HasNSW=*/true);
  i->addIncoming(next, b.GetInsertBlock());
  llvm::BranchInst *backEdge = b.CreateBr(header);
  b.SetInsertPoint(done);
  return backEdge;
}

//===-- Function bodies ---------------------------------------------------===//

llvm::Error FunctionEmitter::emitRegionOps(const ir::Region &r) {
  for (const auto &op : r.getOps()) {
    if (op->hasTrait(ir::Terminator))
      break;
    if (llvm::Error e = emitOp(*op))
      return e;
    releaseDeadAfter(*op);
  }
  return llvm::Error::success();
}

llvm::Error FunctionEmitter::emitOp(const ir::Operation &op) {
  switch (op.getOpcode()) {
  case ir::Opcode::TapeNew:
  case ir::Opcode::TapePush:
  case ir::Opcode::TapeTop:
  case ir::Opcode::TapePop:
    return emitTapeOp(op);
  case ir::Opcode::If:
    return emitIf(op);
  case ir::Opcode::For:
    return emitFor(op);
  case ir::Opcode::While:
    return emitWhile(op);
  case ir::Opcode::Fused:
    return emitFused(op);
  case ir::Opcode::Call:
    return emitCall(op);
  case ir::Opcode::Print:
    return emitPrint(op);
  case ir::Opcode::Tuple: {
    Leaves l;
    for (const ir::Value *v : op.getOperands())
      l.append(leavesOf(v));
    bind(op.getResult(0), l);
    return llvm::Error::success();
  }
  case ir::Opcode::Get: {
    const ir::Type &t = op.getOperand(0)->getType();
    int64_t index = ir::OpAttrs(op).index();
    unsigned first = 0;
    for (int64_t i = 0; i < index; ++i) {
      llvm::SmallVector<ir::Type, 4> l;
      flattenType(t.getElements()[i], l);
      first += l.size();
    }
    llvm::SmallVector<ir::Type, 4> mine;
    flattenType(t.getElements()[index], mine);
    Leaves &all = leavesOf(op.getOperand(0));
    bind(op.getResult(0),
         Leaves(all.begin() + first, all.begin() + first + mine.size()));
    return llvm::Error::success();
  }
  default:
    return emitTensorOp(op);
  }
}

llvm::Error FunctionEmitter::emitCall(const ir::Operation &op) {
  const ir::Function *callee =
      f.getParentModule()->lookup(ir::OpAttrs(op).callee());
  if (!callee || callee->isDerivedDeclaration())
    return unsupported(op);
  auto region = me.options.accelRegions.find(callee->getName().str());
  if (region != me.options.accelRegions.end()) {
    emitAccelRegionCall(op, region->second);
    return llvm::Error::success();
  }
  llvm::SmallVector<llvm::Value *, 8> args;
  for (const ir::Value *v : op.getOperands())
    args.append(leavesOf(v));
  for (const ir::Value *r : op.getResults()) {
    Leaves l = resultLeaves(r);
    args.append(l);
    bind(r, l);
  }
  args.push_back(arena);
  llvm::Value *code = b.CreateCall(me.internalFunction(*callee), args);
  propagateError(code);
  me.frameUse[&f].callees.insert(callee);
  return llvm::Error::success();
}

void FunctionEmitter::emitAccelRegionCall(const ir::Operation &op,
                                          llvm::StringRef description) {
  llvm::SmallVector<llvm::Value *, 8> inputs;
  for (const ir::Value *v : op.getOperands())
    inputs.append(leavesOf(v));
  llvm::AllocaInst *array = entryBuilder.CreateAlloca(
      b.getPtrTy(), i64(std::max<size_t>(inputs.size(), 1)), "accel.inputs");
  for (size_t i = 0; i < inputs.size(); ++i)
    b.CreateStore(inputs[i], b.CreateConstGEP1_64(b.getPtrTy(), array, i));
  Leaves result = resultLeaves(op.getResult(0));
  bind(op.getResult(0), result);
  // The description's address keys the runtime's plan cache.
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(ctx, description, false);
  auto *global = new llvm::GlobalVariable(me.m, text->getType(), true,
                                          llvm::GlobalValue::PrivateLinkage,
                                          text, "accel.region");
  llvm::FunctionCallee call = me.m.getOrInsertFunction(
      "tdl_accel_call_region",
      llvm::FunctionType::get(
          b.getInt32Ty(),
          {b.getPtrTy(), b.getInt64Ty(), b.getPtrTy(), b.getPtrTy()}, false));
  llvm::Value *code =
      b.CreateCall(call, {global, i64(description.size()), array, result[0]});
  branchToErrorIf(
      b.CreateICmpNE(code, i32(0)), me.addErrorSite(op.getLoc()), [&] {
        llvm::FunctionCallee why = me.m.getOrInsertFunction(
            "tdl_accel_region_error",
            llvm::FunctionType::get(b.getPtrTy(), {}, false));
        b.CreateCall(me.rt("tdl_rt_error_message"), {b.CreateCall(why)});
      });
}

/// For tdl_rt_print (runtime/cpu/Print.cpp): the nesting of `t` ('L' per
/// leaf, tuples as "(L,L)") and, per leaf, its dtype, rank and dims.
static void describePrinted(const ir::Type &t, std::string &layout,
                            std::vector<int64_t> &info) {
  if (t.isTuple()) {
    layout += '(';
    for (size_t i = 0; i < t.getElements().size(); ++i) {
      if (i)
        layout += ',';
      describePrinted(t.getElements()[i], layout, info);
    }
    layout += ')';
    return;
  }
  layout += 'L';
  info.push_back(int64_t(t.getDType()));
  info.push_back(t.getRank());
  for (int64_t d : t.getShape())
    info.push_back(d);
}

llvm::Error FunctionEmitter::emitPrint(const ir::Operation &op) {
  const ir::Value *v = op.getOperand(0);
  Leaves &l = leavesOf(v);
  llvm::AllocaInst *array = entryBuilder.CreateAlloca(
      b.getPtrTy(), i64(std::max<size_t>(l.size(), 1)), "print.leaves");
  for (size_t i = 0; i < l.size(); ++i)
    b.CreateStore(l[i], b.CreateConstGEP1_64(b.getPtrTy(), array, i));
  if (me.options.jit) {
    // The JIT calls back into tdlc, which formats like the interpreter.
    unsigned id = me.addPrintType(v->getType());
    llvm::FunctionCallee hook = me.m.getOrInsertFunction(
        "tdl_jit_print",
        llvm::FunctionType::get(b.getVoidTy(), {b.getInt64Ty(), b.getPtrTy()},
                                false));
    b.CreateCall(hook, {i64(id), array});
    return llvm::Error::success();
  }
  // Objects format in the runtime and write to the application's callback
  // or stderr (docs/cpu-backend.md "print in objects").
  std::string layout;
  std::vector<int64_t> info;
  describePrinted(v->getType(), layout, info);
  llvm::Constant *infoArray = llvm::ConstantDataArray::get(ctx, info);
  auto *infoGlobal = new llvm::GlobalVariable(me.m, infoArray->getType(), true,
                                              llvm::GlobalValue::PrivateLinkage,
                                              infoArray, "print.info");
  b.CreateCall(
      me.rt("tdl_rt_print"),
      {b.CreateGlobalStringPtr(layout, "print.layout"), infoGlobal, array});
  return llvm::Error::success();
}

llvm::Error FunctionEmitter::emit() {
  fn = me.internalFunction(f);
  arena = fn->getArg(fn->arg_size() - 1);
  llvm::BasicBlock *entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  llvm::BasicBlock *start = llvm::BasicBlock::Create(ctx, "start", fn);
  exitBlock = llvm::BasicBlock::Create(ctx, "exit", fn);
  entryBuilder.SetInsertPoint(entry);
  retCode = entryBuilder.CreateAlloca(b.getInt32Ty(), nullptr, "ret");
  entryBuilder.CreateStore(i32(0), retCode);
  b.SetInsertPoint(start);
  computeLiveness();
  openFrame();
  pushScope();

  llvm::SmallVector<ir::Type, 8> argLeaves, resultLeaves;
  for (const ir::Type &t : f.getArgTypes())
    flattenType(t, argLeaves);
  for (const ir::Type &t : f.getResultTypes())
    flattenType(t, resultLeaves);
  unsigned next = 0;
  for (const ir::Value *arg : f.getBody().getArguments()) {
    llvm::SmallVector<ir::Type, 4> l;
    flattenType(arg->getType(), l);
    Leaves leaves;
    for (size_t i = 0; i < l.size(); ++i)
      leaves.push_back(fn->getArg(next++));
    bind(arg, leaves);
  }
  // A tensor the function returns, made by an op of its body, is written
  // straight into the caller's output (outputs must not overlap inputs,
  // docs/cpu-backend.md).
  const ir::Operation *ret = f.getBody().getTerminator();
  unsigned outLeaf = argLeaves.size();
  for (const ir::Value *v : ret->getOperands()) {
    llvm::SmallVector<ir::Type, 4> l;
    flattenType(v->getType(), l);
    const ir::Operation *def = v->getDefiningOp();
    if (l.size() == 1 && def && def->getParentRegion() == &f.getBody() &&
        !placedIn.count(v))
      placedIn[v] = fn->getArg(outLeaf);
    outLeaf += l.size();
  }
  if (llvm::Error e = emitRegionOps(f.getBody()))
    return e;
  Leaves from;
  for (const ir::Value *v : ret->getOperands())
    from.append(leavesOf(v));
  Leaves to;
  for (size_t i = 0; i < resultLeaves.size(); ++i)
    to.push_back(fn->getArg(argLeaves.size() + i));
  copyLeaves(from, to, resultLeaves);
  popScope();
  b.CreateBr(exitBlock);

  b.SetInsertPoint(exitBlock);
  closeFrame();
  me.frameUse[&f].frame = plan.peak();
  me.frameUse[&f].kernelScratch = kernelScratch;
  b.CreateRet(b.CreateLoad(b.getInt32Ty(), retCode));
  entryBuilder.CreateBr(start);
  return llvm::Error::success();
}

//===-- Exported wrappers (LANGUAGE.md §8) --------------------------------===//

/// Calls `inner` and drops the tape cells it pushed after it returns (also
/// after a run-time error); returns the status. The hidden last parameter
/// of internal functions carries the tape stack's saved top.
static llvm::Value *callWithArena(ModuleEmitter &me, llvm::IRBuilder<> &b,
                                  llvm::Function *inner,
                                  llvm::SmallVectorImpl<llvm::Value *> &args) {
  llvm::Value *mark = b.CreateAlloca(b.getPtrTy(), b.getInt64(3), "tapes");
  b.CreateCall(me.rt("tdl_rt_tape_mark"), {mark});
  args.push_back(mark);
  llvm::Value *code = b.CreateCall(inner, args);
  b.CreateCall(me.rt("tdl_rt_tape_reset"), {mark});
  return code;
}

/// `PREFIX f_workspace_size()`: the bytes of frame stack one call of f
/// uses; `PREFIX f_with_workspace(ws, bytes, args...)`: f on a buffer the
/// caller lends (docs/cpu-backend.md "Memory").
static void emitWorkspaceEntries(ModuleEmitter &me, const ir::Function &f,
                                 llvm::Function *wrapper) {
  llvm::LLVMContext &ctx = me.m.getContext();
  llvm::IRBuilder<> b(ctx);
  std::string base = me.options.prefix + f.getName().str();
  auto *sizeFn = llvm::Function::Create(
      llvm::FunctionType::get(b.getInt64Ty(), {}, false),
      llvm::GlobalValue::ExternalLinkage, base + "_workspace_size", me.m);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", sizeFn));
  b.CreateRet(b.getInt64(me.workspaceBytes(f)));

  llvm::SmallVector<llvm::Type *, 8> params{b.getPtrTy(), b.getInt64Ty()};
  for (llvm::Argument &a : wrapper->args())
    params.push_back(a.getType());
  auto *withFn = llvm::Function::Create(
      llvm::FunctionType::get(b.getInt32Ty(), params, false),
      llvm::GlobalValue::ExternalLinkage, base + "_with_workspace", me.m);
  withFn->getArg(0)->setName("workspace");
  withFn->getArg(1)->setName("workspace_bytes");
  for (unsigned i = 0; i < wrapper->arg_size(); ++i) {
    withFn->getArg(i + 2)->setName(wrapper->getArg(i)->getName());
    withFn->addParamAttrs(
        i + 2,
        llvm::AttrBuilder(ctx, wrapper->getAttributes().getParamAttrs(i)));
  }
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", withFn));
  // Chunk header and saved stack (Workspace.cpp): 7 pointers.
  llvm::Value *save = b.CreateAlloca(b.getPtrTy(), b.getInt64(8), "save");
  llvm::Value *lent =
      b.CreateCall(me.rt("tdl_rt_workspace_lend"),
                   {withFn->getArg(0), withFn->getArg(1), save});
  llvm::SmallVector<llvm::Value *, 8> args;
  for (unsigned i = 0; i < wrapper->arg_size(); ++i)
    args.push_back(withFn->getArg(i + 2));
  llvm::Value *code = b.CreateCall(wrapper, args);
  llvm::BasicBlock *give = llvm::BasicBlock::Create(ctx, "return", withFn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "done", withFn);
  b.CreateCondBr(b.CreateICmpNE(lent, b.getInt32(0)), give, done);
  b.SetInsertPoint(give);
  b.CreateCall(me.rt("tdl_rt_workspace_return"), {save});
  b.CreateBr(done);
  b.SetInsertPoint(done);
  b.CreateRet(code);
}

/// With offloaded regions: the accelerator's statistics of this call start
/// from zero (tdl_accel_call_stats reports the last call).
static void beginAcceleratorCall(ModuleEmitter &me, llvm::IRBuilder<> &b) {
  if (me.options.accelRegions.empty())
    return;
  b.CreateCall(me.m.getOrInsertFunction(
      "tdl_accel_begin_call", llvm::FunctionType::get(b.getVoidTy(), false)));
}

static void emitExportedWrapper(ModuleEmitter &me, const ir::Function &f) {
  llvm::LLVMContext &ctx = me.m.getContext();
  llvm::IRBuilder<> b(ctx);
  llvm::Function *inner = me.internalFunction(f);
  llvm::SmallVector<ir::Type, 8> argLeaves, resultLeaves;
  for (const ir::Type &t : f.getArgTypes())
    flattenType(t, argLeaves);
  for (const ir::Type &t : f.getResultTypes())
    flattenType(t, resultLeaves);
  llvm::SmallVector<llvm::Type *, 8> params;
  for (const ir::Type &t : argLeaves)
    params.push_back(t.getRank() == 0 ? llvmElemType(ctx, t.getDType())
                                      : b.getPtrTy());
  for (size_t i = 0; i < resultLeaves.size(); ++i)
    params.push_back(b.getPtrTy());
  auto *type = llvm::FunctionType::get(b.getInt32Ty(), params, false);
  llvm::Function *w =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                             me.options.prefix + f.getName(), me.m);
  for (size_t i = 0; i < argLeaves.size(); ++i) {
    w->getArg(i)->setName(paramName(f, i));
    if (argLeaves[i].getRank() == 0 &&
        argLeaves[i].getDType() == ir::DType::Bool)
      w->addParamAttr(i, llvm::Attribute::ZExt);
  }
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", w));
  llvm::SmallVector<llvm::Value *, 8> args;
  for (size_t i = 0; i < argLeaves.size(); ++i) {
    llvm::Value *a = w->getArg(i);
    if (argLeaves[i].getRank() == 0) {
      llvm::Value *slot = b.CreateAlloca(a->getType());
      b.CreateStore(a, slot);
      a = slot;
    }
    args.push_back(a);
  }
  for (size_t i = 0; i < resultLeaves.size(); ++i)
    args.push_back(w->getArg(argLeaves.size() + i));
  beginAcceleratorCall(me, b);
  b.CreateRet(callWithArena(me, b, inner, args));
  emitWorkspaceEntries(me, f, w);
}

static void emitJitEntry(ModuleEmitter &me, const ir::Function &f) {
  llvm::LLVMContext &ctx = me.m.getContext();
  llvm::IRBuilder<> b(ctx);
  llvm::Function *inner = me.internalFunction(f);
  auto *type = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, false);
  llvm::Function *w = llvm::Function::Create(
      type, llvm::GlobalValue::ExternalLinkage, "tdl_jit_entry", me.m);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", w));
  llvm::SmallVector<llvm::Value *, 8> args;
  for (unsigned i = 0; i + 1 < inner->arg_size(); ++i)
    args.push_back(b.CreateLoad(
        b.getPtrTy(), b.CreateConstGEP1_64(b.getPtrTy(), w->getArg(0), i)));
  beginAcceleratorCall(me, b);
  b.CreateRet(callWithArena(me, b, inner, args));
}

llvm::Expected<GeneratedModule> generateModule(const ir::Module &module,
                                               llvm::LLVMContext &context,
                                               const CodegenOptions &options) {
  GeneratedModule out;
  out.module = std::make_unique<llvm::Module>("tdl", context);
  std::unique_ptr<llvm::Module> runtime =
      loadRuntime(context, options.runtimeBitcode);
  out.module->setTargetTriple(runtime->getTargetTriple());
  out.module->setDataLayout(runtime->getDataLayout());
  ModuleEmitter me(*out.module, *runtime, options, out);

  std::vector<std::string> keep;
  std::vector<const ir::Function *> exported;
  for (const auto &fp : module.getFunctions()) {
    const ir::Function &f = *fp;
    if (f.isDerivedDeclaration())
      continue; // autodiff fills every declaration that is used
    FunctionEmitter fe(me, f);
    if (llvm::Error e = fe.emit())
      return e;
    if (f.isExported() && !options.jit) {
      exported.push_back(&f);
      keep.push_back(options.prefix + f.getName().str());
      keep.push_back(options.prefix + f.getName().str() + "_workspace_size");
      keep.push_back(options.prefix + f.getName().str() + "_with_workspace");
    }
  }
  // After every body: a wrapper's workspace bound needs its callees'.
  for (const ir::Function *f : exported)
    emitExportedWrapper(me, *f);
  for (const auto &fp : module.getFunctions())
    if (!fp->isDerivedDeclaration())
      out.memory.push_back({fp->getName().str(), me.frameUse[fp.get()].frame,
                            me.workspaceBytes(*fp), fp->isExported()});
  if (options.jit) {
    const ir::Function *entry = module.lookup(options.jitEntry);
    if (!entry)
      return llvm::make_error<CodegenError>(
          ir::Location(), "no function '@" + options.jitEntry + "'");
    emitJitEntry(me, *entry);
    keep.push_back("tdl_jit_entry");
  }
  // The error accessors and the state every object's runtime shares (weak
  // definitions: objects of several modules link into one program).
  for (const char *shared :
       {"tdl_last_error", "tdl_set_last_error", "tdl_set_print_callback"}) {
    keep.push_back(shared);
    me.rt(shared);
  }
  for (const char *state :
       {"tdl_rt_last_error_text", "tdl_rt_requested_threads",
        "tdl_rt_print_callback", "tdl_rt_print_user"})
    keep.push_back(state);
  // The pool's workers run the runtime's code: they are stopped before it
  // goes away: by the JIT's owner (Jit.cpp) or, for an object, by a
  // destructor (at exit, or when a shared library is unloaded).
  llvm::FunctionCallee shutdown = me.rt("tdl_rt_shutdown");
  if (options.jit) {
    keep.push_back("tdl_rt_shutdown");
    me.rt("tdl_rt_tape_peak"); // read by the JIT's caller (--stats)
    keep.push_back("tdl_rt_tape_peak");
  } else {
    llvm::appendToGlobalDtors(
        *out.module, llvm::cast<llvm::Function>(shutdown.getCallee()), 65535);
  }
  if (!options.jit) {
    // PREFIX tdl_set_num_threads(n): each object has its own pool.
    std::string name = options.prefix + "tdl_set_num_threads";
    llvm::IRBuilder<> b(context);
    // Weak: it sets the count all objects share (Parallel.cpp).
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(b.getVoidTy(), {b.getInt32Ty()}, false),
        llvm::GlobalValue::WeakAnyLinkage, name, *out.module);
    b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", fn));
    b.CreateCall(me.rt("tdl_rt_set_num_threads"), {fn->getArg(0)});
    b.CreateRetVoid();
    keep.push_back(name);
  }
  if (options.isaDispatch) {
    for (llvm::Function &f : *out.module)
      if (!f.isDeclaration())
        f.addFnAttr(kIsaDispatchAttr);
    me.rt(kIsaLevelFunction);
  }
  if (llvm::Error e = linkRuntime(*out.module, std::move(runtime), keep,
                                  options.jit, options.prefix))
    return e;
  if (llvm::verifyModule(*out.module, &llvm::errs()))
    llvm::report_fatal_error("cpu backend: generated an invalid LLVM module");
  return out;
}

} // namespace tdl::cpu
