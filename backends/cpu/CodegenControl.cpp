//===- CodegenControl.cpp - if / for / while / fused as basic blocks ------===//
//
// `if` results are buffers of the enclosing scope; each branch copies its
// yield into them and frees its own temporaries. Loops carry their values
// in two buffer sets that swap roles every iteration (phis of pointers): the
// body reads the current set and its yield goes into the other one, so a
// yield that permutes the carried values (`yield %b, %a`) never overwrites
// a value it still has to read. A tensor the body computes and yields is
// written by its op straight into its slot of the other set; other yields
// (block arguments, aliases, a value yielded twice) are copied. Each region
// is a scope: its temporaries are freed at the end of every iteration.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"
#include "backends/cpu/LoopNest.h"
#include "ssa_ir/FusedIndexing.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::cpu {

static llvm::SmallVector<ir::Type, 8> leafTypes(llvm::ArrayRef<ir::Type> ts) {
  llvm::SmallVector<ir::Type, 8> out;
  for (const ir::Type &t : ts)
    flattenType(t, out);
  return out;
}

/// The leaves of a region's yield operands.
static Leaves yieldLeaves(FunctionEmitter &fe, const ir::Region &r,
                          unsigned firstOperand = 0) {
  Leaves out;
  const ir::Operation *y = r.getTerminator();
  for (unsigned i = firstOperand; i < y->getNumOperands(); ++i)
    out.append(fe.leavesOf(y->getOperand(i)));
  return out;
}

/// Binds each of `values` to its share of consecutive `leaves`.
static void bindConsecutive(FunctionEmitter &fe,
                            llvm::ArrayRef<const ir::Value *> values,
                            llvm::ArrayRef<llvm::Value *> leaves) {
  unsigned next = 0;
  for (const ir::Value *v : values) {
    llvm::SmallVector<ir::Type, 4> l;
    flattenType(v->getType(), l);
    fe.bind(v, Leaves(leaves.begin() + next, leaves.begin() + next + l.size()));
    next += l.size();
  }
}

/// Binds a loop's results to the leaves it ends with.
static void bindResults(FunctionEmitter &fe, const ir::Operation &op,
                        llvm::ArrayRef<llvm::Value *> leaves) {
  llvm::SmallVector<ir::Value *, 2> res = op.getResults(); // a copy
  llvm::SmallVector<const ir::Value *, 4> results(res.begin(), res.end());
  bindConsecutive(fe, results, leaves);
}

/// Binds a region's block arguments (from `firstArg`) to consecutive leaves.
static void bindArgs(FunctionEmitter &fe, const ir::Region &r,
                     llvm::ArrayRef<llvm::Value *> leaves,
                     unsigned firstArg = 0) {
  llvm::SmallVector<const ir::Value *, 4> args;
  for (unsigned i = firstArg; i < r.getNumArguments(); ++i)
    args.push_back(r.getArgument(i));
  bindConsecutive(fe, args, leaves);
}

llvm::Error FunctionEmitter::emitIf(const ir::Operation &op) {
  Leaves results;
  for (const ir::Value *r : op.getResults()) {
    Leaves l = resultLeaves(r);
    bind(r, l);
    results.append(l);
  }
  auto types = leafTypes(op.getResultTypes());
  llvm::Value *cond =
      b.CreateICmpNE(loadScalar(op.getOperand(0)), b.getInt8(0));
  llvm::BasicBlock *thenBB = llvm::BasicBlock::Create(ctx, "then", fn);
  llvm::BasicBlock *elseBB = llvm::BasicBlock::Create(ctx, "else", fn);
  llvm::BasicBlock *merge = llvm::BasicBlock::Create(ctx, "endif", fn);
  b.CreateCondBr(cond, thenBB, elseBB);
  for (unsigned k = 0; k < 2; ++k) {
    b.SetInsertPoint(k == 0 ? thenBB : elseBB);
    const ir::Region &r = op.getRegion(k);
    pushScope();
    if (llvm::Error e = emitRegionOps(r))
      return e;
    copyLeaves(yieldLeaves(*this, r), results, types);
    popScope();
    b.CreateBr(merge);
  }
  b.SetInsertPoint(merge);
  return llvm::Error::success();
}

namespace {
/// The two buffer sets of a loop and the header phis that select them.
struct Carried {
  llvm::BasicBlock *preheader = nullptr;
  Leaves cur, other;
  llvm::SmallVector<llvm::PHINode *, 4> curPhis, otherPhis;
  Leaves sets; // the buffers behind the phis
};

} // namespace

/// Allocates both sets, copies `init` into the first and opens the header.
static Carried openLoop(FunctionEmitter &fe, llvm::ArrayRef<ir::Type> types,
                        llvm::ArrayRef<llvm::Value *> init,
                        llvm::BasicBlock *header) {
  Carried c;
  Leaves a, bset;
  for (const ir::Type &t : types) {
    a.push_back(fe.allocBuffer(t));
    bset.push_back(fe.allocBuffer(t));
    // Both sets stay placed until the loop's results hold them (endLoop).
    fe.pinBuffer(a.back(), true);
    fe.pinBuffer(bset.back(), true);
  }
  fe.copyLeaves(init, a, types);
  llvm::BasicBlock *pre = fe.b.GetInsertBlock();
  c.preheader = pre;
  fe.b.CreateBr(header);
  fe.b.SetInsertPoint(header);
  for (size_t i = 0; i < types.size(); ++i) {
    llvm::PHINode *pc = fe.b.CreatePHI(fe.b.getPtrTy(), 2, "cur");
    llvm::PHINode *po = fe.b.CreatePHI(fe.b.getPtrTy(), 2, "other");
    pc->addIncoming(a[i], pre);
    po->addIncoming(bset[i], pre);
    fe.holdBuffers(pc, {a[i], bset[i]});
    fe.holdBuffers(po, {a[i], bset[i]});
    c.curPhis.push_back(pc);
    c.otherPhis.push_back(po);
    c.sets.push_back(a[i]);
    c.sets.push_back(bset[i]);
    c.cur.push_back(pc);
    c.other.push_back(po);
  }
  return c;
}

/// Binds the loop's results to the set it ends with and hands the sets over
/// to them.
static void endLoop(FunctionEmitter &fe, const ir::Operation &op,
                    const Carried &c) {
  bindResults(fe, op, c.cur);
  for (llvm::Value *set : c.sets)
    fe.pinBuffer(set, false);
}

/// Whether `y`, yielded by loop body `r` for the carried value `arg`, is
/// made by an op that may write it over `arg`'s buffer: an elementwise op
/// (or a group of them) or a dynamic_update_slice of `arg`, each reading
/// `arg` only at the index it writes, with every other use of `arg` an op
/// of `r` before it that does not alias it. The accumulators of a reverse
/// pass (`acc + g`, a slice update of a cotangent) are such.
static bool updatesInPlace(const ir::Value *y, const ir::Value *arg,
                           const ir::Region &r) {
  const ir::Operation *def = y->getDefiningOp();
  if (!def || def->getParentRegion() != &r || y->getType() != arg->getType())
    return false;
  ir::Opcode code = def->getOpcode();
  bool flat = def->hasTrait(ir::Elementwise);
  if (code == ir::Opcode::Fused) {
    flat = def->getNumResults() == 1;
    for (const auto &m : def->getRegion(0).getOps())
      flat = flat &&
             (m->hasTrait(ir::Elementwise) || m->hasTrait(ir::Terminator) ||
              m->getOpcode() == ir::Opcode::Constant);
  }
  bool reads = false;
  for (unsigned i = 0; i < def->getNumOperands(); ++i)
    if (def->getOperand(i) == arg)
      reads =
          reads || flat || (code == ir::Opcode::DynamicUpdateSlice && i == 0);
  if (!reads)
    return false;
  for (const ir::Use &u : arg->getUses()) {
    const ir::Operation *user = u.user;
    if (user == def)
      continue;
    if (user->getParentRegion() != &r)
      return false; // inside a nested region: keep it simple
    switch (user->getOpcode()) {
    case ir::Opcode::Reshape:
    case ir::Opcode::StopGradient:
    case ir::Opcode::Cast:
    case ir::Opcode::Transpose:
    case ir::Opcode::Tuple:
    case ir::Opcode::Get:
    case ir::Opcode::Yield:
      return false; // may alias `arg`, or reads it after `def`
    default:
      break;
    }
    bool before = false;
    for (const auto &op : r.getOps()) {
      if (op.get() == def)
        break;
      if (op.get() == user) {
        before = true;
        break;
      }
    }
    if (!before)
      return false;
  }
  return true;
}

/// Where each tensor that an op of loop body `r` computes and `r` yields
/// (from operand `firstOperand`) is written, so the yield copies nothing:
/// over its own carried value when it updates that in place (the slot then
/// keeps its buffer: `stays`), else its slot of the other set. Only the body
/// writes the other set, and only through these values: it reads the
/// current one.
static void placeYields(FunctionEmitter &fe, const ir::Region &r,
                        const Carried &c, llvm::SmallVectorImpl<bool> &stays,
                        unsigned firstOperand = 0, unsigned firstArg = 0) {
  const ir::Operation *y = r.getTerminator();
  stays.assign(c.cur.size(), false);
  unsigned leaf = 0;
  for (unsigned i = firstOperand; i < y->getNumOperands(); ++i) {
    const ir::Value *v = y->getOperand(i);
    llvm::SmallVector<ir::Type, 4> l;
    flattenType(v->getType(), l);
    const ir::Operation *def = v->getDefiningOp();
    if (l.size() == 1 && def && def->getParentRegion() == &r &&
        !fe.placedIn.count(v)) {
      stays[leaf] = updatesInPlace(v, r.getArgument(firstArg + i), r);
      fe.placedIn[v] = stays[leaf] ? c.cur[leaf] : c.other[leaf];
    }
    leaf += l.size();
  }
}

/// The buffers the yield goes to: each slot's own for those that stay.
static Leaves yieldTargets(const Carried &c, llvm::ArrayRef<bool> stays) {
  Leaves out;
  for (size_t i = 0; i < c.cur.size(); ++i)
    out.push_back(stays[i] ? c.cur[i] : c.other[i]);
  return out;
}

/// Swaps the sets on the back edge from the current block (except for the
/// slots that stay).
static void swapSets(FunctionEmitter &fe, Carried &c,
                     llvm::ArrayRef<bool> stays) {
  llvm::BasicBlock *latch = fe.b.GetInsertBlock();
  for (size_t i = 0; i < c.cur.size(); ++i) {
    c.curPhis[i]->addIncoming(stays[i] ? c.cur[i] : c.other[i], latch);
    c.otherPhis[i]->addIncoming(stays[i] ? c.other[i] : c.cur[i], latch);
  }
}

/// True if every tape loop body `r` yields is one of its arguments or a
/// pop of one: no tape cell pushed by an iteration outlives it, so
/// `reclaim_tapes` is safe (whatever else yielded is copied out).
static bool yieldsNoNewTapeCell(const ir::Region &r) {
  for (const ir::Value *v : r.getTerminator()->getOperands()) {
    if (!v->getType().isTape())
      continue;
    while (const ir::Operation *def = v->getDefiningOp()) {
      if (def->getOpcode() != ir::Opcode::TapePop)
        return false;
      v = def->getOperand(0);
    }
    if (v->getParentRegion() != &r)
      return false; // an outer tape (never yielded by generated code)
  }
  return true;
}

llvm::Error FunctionEmitter::emitFor(const ir::Operation &op) {
  llvm::Value *lb = loadScalar(op.getOperand(0));
  llvm::Value *ub = loadScalar(op.getOperand(1));
  Leaves init;
  for (unsigned i = 2; i < op.getNumOperands(); ++i)
    init.append(leavesOf(op.getOperand(i)));
  auto types = leafTypes(op.getResultTypes());
  llvm::BasicBlock *header = llvm::BasicBlock::Create(ctx, "for", fn);
  llvm::BasicBlock *body = llvm::BasicBlock::Create(ctx, "for.body", fn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "for.end", fn);
  Carried c = openLoop(*this, types, init, header);
  llvm::PHINode *iv = b.CreatePHI(b.getInt64Ty(), 2, "iv");
  iv->addIncoming(lb, c.preheader);
  b.CreateCondBr(b.CreateICmpSLT(iv, ub), body, done);

  b.SetInsertPoint(body);
  const ir::Region &r = op.getRegion(0);
  llvm::Value *ivBuf = allocBuffer(ir::Type::scalar(ir::DType::I64));
  b.CreateStore(iv, ivBuf);
  bind(r.getArgument(0), {ivBuf});
  bindArgs(*this, r, c.cur, 1);
  llvm::SmallVector<bool, 8> stays;
  placeYields(*this, r, c, stays, 0, 1);
  // `reclaim_tapes` (autodiff's loop over checkpointed segments): nothing
  // an iteration pushes outlives it, so its tape cells are dropped at its
  // end, after the yield has copied whatever aliases them.
  llvm::Value *tapeMark = nullptr;
  if (std::optional<bool> reclaim = ir::OpAttrs(op).reclaimTapesIf();
      reclaim && *reclaim && yieldsNoNewTapeCell(r)) {
    tapeMark =
        entryBuilder.CreateAlloca(b.getPtrTy(), b.getInt64(3), "tape.mark");
    b.CreateCall(me.rt("tdl_rt_tape_mark"), {tapeMark});
  }
  pushScope();
  if (llvm::Error e = emitRegionOps(r))
    return e;
  copyLeaves(yieldLeaves(*this, r), yieldTargets(c, stays), types);
  popScope();
  if (tapeMark)
    b.CreateCall(me.rt("tdl_rt_tape_reset"), {tapeMark});
  pollInterrupt(op); // the REPL's Ctrl-C, on the back edge
  swapSets(*this, c, stays);
  iv->addIncoming(b.CreateAdd(iv, i64(1), "", true, true), b.GetInsertBlock());
  b.CreateBr(header);

  b.SetInsertPoint(done);
  endLoop(*this, op, c);
  return llvm::Error::success();
}

llvm::Error FunctionEmitter::emitWhile(const ir::Operation &op) {
  Leaves init;
  for (const ir::Value *v : op.getOperands())
    init.append(leavesOf(v));
  auto types = leafTypes(op.getResultTypes());
  llvm::BasicBlock *header = llvm::BasicBlock::Create(ctx, "while", fn);
  llvm::BasicBlock *body = llvm::BasicBlock::Create(ctx, "while.body", fn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "while.end", fn);
  Carried c = openLoop(*this, types, init, header);

  const ir::Region &condRegion = op.getRegion(0);
  bindArgs(*this, condRegion, c.cur);
  pushScope();
  if (llvm::Error e = emitRegionOps(condRegion))
    return e;
  llvm::Value *keepGoing = b.CreateICmpNE(
      loadScalar(condRegion.getTerminator()->getOperand(0)), b.getInt8(0));
  popScope();
  b.CreateCondBr(keepGoing, body, done);

  b.SetInsertPoint(body);
  const ir::Region &r = op.getRegion(1);
  bindArgs(*this, r, c.cur);
  llvm::SmallVector<bool, 8> stays;
  placeYields(*this, r, c, stays);
  pushScope();
  if (llvm::Error e = emitRegionOps(r))
    return e;
  copyLeaves(yieldLeaves(*this, r), yieldTargets(c, stays), types);
  popScope();
  pollInterrupt(op); // the REPL's Ctrl-C, on the back edge
  swapSets(*this, c, stays);
  b.CreateBr(header);

  b.SetInsertPoint(done);
  endLoop(*this, op, c);
  return llvm::Error::success();
}

llvm::Error FunctionEmitter::emitFused(const ir::Operation &op) {
  // One loop nest for the whole group (LoopNest.h): its members are
  // computed in registers, only the root is written.
  const ir::Region &r = op.getRegion(0);
  Leaves operands;
  for (const ir::Value *v : op.getOperands())
    operands.append(leavesOf(v));
  bindArgs(*this, r, operands);
  llvm::SmallVector<const ir::Operation *, 16> members;
  for (const auto &m : r.getOps())
    if (!m->hasTrait(ir::Terminator))
      members.push_back(m.get());
  const ir::Value *yielded = r.getTerminator()->getOperand(0);
  const ir::Operation *root = yielded->getDefiningOp();
  bool indexable = llvm::all_of(members, [](const ir::Operation *m) {
    return ir::isIndexableMember(*m);
  });
  if (op.getNumResults() != 1 || !root || !indexable ||
      !(ir::isReduction(root->getOpcode()) ||
        root->hasTrait(ir::Elementwise))) {
    // Not a group the fusion pass forms (hand-written IR): op by op.
    if (llvm::Error e = emitRegionOps(r))
      return e;
    bind(op.getResult(0), leavesOf(yielded));
    return llvm::Error::success();
  }
  // A group of elementwise ops reads every input at the index it writes:
  // it may write over an input that dies here.
  bool flat = llvm::all_of(members, [](const ir::Operation *m) {
    return m->hasTrait(ir::Elementwise) ||
           m->getOpcode() == ir::Opcode::Constant;
  });
  llvm::Value *out =
      flat ? inPlaceResultBuffer(op) : resultBuffer(op.getResult(0));
  bind(op.getResult(0), {out});
  return emitLoopNest(*this, members, *root, out);
}

} // namespace tdl::cpu
