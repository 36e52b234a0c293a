//===- LoopCheckpoint.cpp - reversing a `for` loop under a memory budget --===//
//
// Unchecked, the reversal of `for i in lb..ub` is
//
//   F: the forward loop, pushing what iteration i's pullback reads
//   R: the reverse loop, popping it, i = ub - 1 - j
//
// and the tape holds all T = ub - lb iterations. Checkpointed with segment
// length k (one level), it becomes
//
//   P: the primal sweep over lb..ub (F without its tape; it computes the
//      loop's results), pushing the carried state every k iterations
//   S: for each segment [a, b), last first: pop its snapshot, run F over
//      [a, b) from it (a local tape of b - a iterations), then R over it
//
// so the tape holds ceil(T/k) snapshots and one segment: O(sqrt T) for
// k ~ sqrt T, running the forward body twice per iteration. With L levels
// of segment lengths k_1 > ... > k_L, the body of S at level l sweeps its
// segment from the snapshot with snapshots every k_(l+1) (the last
// sub-segment's start is pushed after the sweep, which stops there) and
// reverses the sub-segments the same way: memory sum(k_(l-1)/k_l)
// snapshots plus k_L iterations, the body run about L + 1 times.
//
// With a constant trip count the binomial (Revolve) schedule is planned
// too and taken when it fits where the segments do not, or recomputes
// less: its actions (advance, push, pop, restore, one taped step) are an
// i64 constant, and S is a loop over them dispatching with `if`s to a copy
// of P over [a, b), to F and R over one iteration, or to the tape ops.
//
// F and R are the loops the unchecked reversal built (cloned per leaf
// segment with new bounds, initial state and adjoints), so nested loops
// with shared tapes, `if`s and calls need nothing new, and the results are
// bit-identical: the same ops run on the same values, and the adjoints
// accumulate in the same order (S carries R's accumulators through the
// segments). Each iteration of S pops everything its segment pushed; the
// loop gets the `reclaim_tapes` attribute, so the cpu backend drops the
// tape cells an iteration pushed when it ends (docs/ir.md).
//
//===----------------------------------------------------------------------===//
#include "autodiff/LoopCheckpoint.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassUtils.h"

#include <cmath>

namespace tdl::ad {

using namespace ir;

namespace {

int64_t typeBytes(const Type &t) {
  if (t.isTensor())
    return t.getNumElements() * int64_t(dtypeSize(t.getDType()));
  int64_t n = 0;
  if (t.isTuple())
    for (const Type &e : t.getElements())
      n += typeBytes(e);
  return n; // a tape: what its loop records, counted by that loop
}

bool containsTape(const Type &t) {
  if (t.isTape())
    return true;
  return t.isTuple() && llvm::any_of(t.getElements(), containsTape);
}

/// Bytes the loops directly in `body` (or in `if`s in it) leave on their
/// tapes per execution of `body`: a lower bound, `unknown` set when one
/// is only known at run time.
int64_t innerTapeBytes(const ADContext &ctx, Region &body, bool &unknown) {
  int64_t sum = 0;
  for (auto &op : body.getOps()) {
    if (op->getOpcode() == Opcode::If) {
      int64_t most = 0;
      for (unsigned r = 0; r < 2; ++r)
        most = std::max(most, innerTapeBytes(ctx, op->getRegion(r), unknown));
      sum = satAdd(sum, most);
      continue;
    }
    if (op->getNumRegions() == 0)
      continue;
    auto it = ctx.loopTapeBytes.find(op.get());
    if (it == ctx.loopTapeBytes.end())
      continue;
    if (it->second < 0)
      unknown = true;
    else
      sum = satAdd(sum, it->second);
  }
  return sum;
}

/// Adds a carried value to `loop`: its init operand, a body argument (and,
/// for a `while`, a condition-region argument), the yielded `next(arg)`
/// built before the body's yield, and a result.
Value *addCarried(Operation &loop, Value *init,
                  llvm::function_ref<Value *(Builder &, Value *)> next) {
  llvm::SmallVector<Value *, 6> ops(loop.getOperands());
  ops.push_back(init);
  loop.setOperands(ops);
  bool isWhile = loop.getOpcode() == Opcode::While;
  if (isWhile)
    loop.getRegion(0).addArgument(init->getType());
  Region &body = loop.getRegion(isWhile ? 1 : 0);
  Value *arg = body.addArgument(init->getType());
  Operation *yield = body.getTerminator();
  Builder b;
  b.setInsertionPoint(yield);
  b.setLoc(loop.getLoc());
  Value *n = next(b, arg);
  llvm::SmallVector<Value *, 6> outs(yield->getOperands());
  outs.push_back(n);
  yield->setOperands(outs);
  loop.addResult(init->getType());
  return loop.getResult(loop.getNumResults() - 1);
}

void erasePrints(Region &r) {
  llvm::SmallVector<Operation *, 4> prints;
  walk(r, [&](Operation &op) {
    if (op.getOpcode() == Opcode::Print)
      prints.push_back(&op);
  });
  for (Operation *p : prints) {
    p->dropAllReferences();
    p->erase();
  }
}

Type i64() { return Type::scalar(DType::I64); }

/// The code of one checkpointed reversal.
class Emitter {
public:
  /// `segments` empty: one level whose length is computed at run time.
  Emitter(ForReversal &r, llvm::ArrayRef<int64_t> segments)
      : r(r), segments(segments.begin(), segments.end()),
        levels(std::max<size_t>(segments.size(), 1)) {}

  /// Gives the sweep a snapshot tape that it pushes the carried state on
  /// where `when` (built in its body) holds; returns the tape it leaves.
  Value *addSnapshotTape(llvm::function_ref<Value *(Builder &)> when);
  /// Gives the sweep its snapshots (every `k`, a value the sweep's body
  /// may read) and returns the snapshot tape it leaves.
  Value *addSnapshots(Value *k);
  /// The reversal of the iterations [lo, hi), split into segments of
  /// length `k`, whose starts are on `snaps` (the last one on top):
  /// the loop over the segments, at `b`. Returns it.
  Operation *segmentLoop(Builder &b, unsigned level, Value *lo, Value *hi,
                         Value *k, Value *snaps,
                         llvm::ArrayRef<Value *> adjoints);

  Value *kOfSweep = nullptr; // the value the sweep's body reads as k

  /// F over [lo, hi) from `state` and R over it, from `adjoints`.
  llvm::SmallVector<Value *, 8> leafRange(Builder &b, Value *lo, Value *hi,
                                          llvm::ArrayRef<Value *> state,
                                          llvm::ArrayRef<Value *> adjoints) {
    return leaf(b, lo, hi, state, adjoints);
  }

  /// Gives the sweep a snapshot at the offsets in `at` (ascending, from
  /// lb) and returns the snapshot tape it leaves.
  Value *addSnapshotsAt(llvm::ArrayRef<int64_t> at);
  /// The reverse pass of a binomial schedule, at `b`: a loop over its
  /// actions carrying the snapshot tape, the adjoints and the state; its
  /// first results are the tape and the adjoints. `advance` is a copy of
  /// the sweep without snapshots (it is cloned per advance).
  Operation *binomialLoop(Builder &b, const BinomialSchedule &sched, Value *lo,
                          Value *snaps, llvm::ArrayRef<Value *> adjoints,
                          Operation &advance);

private:
  /// The reversal of [lo, hi) from `state` at `level` (segments.size():
  /// the tape of the whole range). Returns the adjoints.
  llvm::SmallVector<Value *, 8> reverseRange(Builder &b, unsigned level,
                                             Value *lo, Value *hi,
                                             llvm::ArrayRef<Value *> state,
                                             llvm::ArrayRef<Value *> adjoints);
  llvm::SmallVector<Value *, 8> leaf(Builder &b, Value *lo, Value *hi,
                                     llvm::ArrayRef<Value *> state,
                                     llvm::ArrayRef<Value *> adjoints);

  ForReversal &r;
  llvm::SmallVector<int64_t, 4> segments;
  size_t levels;
};

Value *Emitter::addSnapshotTape(llvm::function_ref<Value *(Builder &)> when) {
  Operation &sweep = *r.sweep;
  Region &body = sweep.getRegion(0);
  llvm::SmallVector<Value *, 6> state;
  llvm::SmallVector<Type, 6> types;
  for (unsigned i = 0; i < r.numCarried; ++i) {
    state.push_back(body.getArgument(1 + i));
    types.push_back(state.back()->getType());
  }
  Type tapeType = Type::tape(Type::tuple(types));
  Builder pre;
  pre.setInsertionPoint(&sweep);
  pre.setLoc(sweep.getLoc());
  Value *empty = pre.create1(Opcode::TapeNew, {}, {}, {tapeType});
  return addCarried(sweep, empty, [&](Builder &b, Value *t) {
    Operation *ifOp = b.createIf(when(b), {tapeType});
    Builder tb(ifOp->getRegion(0));
    tb.setLoc(sweep.getLoc());
    tb.yield({tb.create1(Opcode::TapePush, {t, tb.tuple(state)})});
    Builder eb(ifOp->getRegion(1));
    eb.setLoc(sweep.getLoc());
    eb.yield({t});
    return ifOp->getResult(0);
  });
}

Value *Emitter::addSnapshots(Value *k) {
  Operation &sweep = *r.sweep;
  Builder pre;
  pre.setInsertionPoint(&sweep);
  pre.setLoc(sweep.getLoc());
  Value *zero = pre.constantInt(i64(), 0);
  // A counter from 0 to k - 1: a snapshot where it is 0.
  Value *count = nullptr;
  addCarried(sweep, zero, [&](Builder &b, Value *c) {
    count = c;
    Value *next = b.binary(Opcode::Add, c, b.constantInt(i64(), 1));
    Value *wrap = b.binary(Opcode::Eq, next, k);
    return b.create1(Opcode::Select, {wrap, b.constantInt(i64(), 0), next});
  });
  return addSnapshotTape([&](Builder &b) {
    return b.binary(Opcode::Eq, count, b.constantInt(i64(), 0));
  });
}

Operation *Emitter::segmentLoop(Builder &b, unsigned level, Value *lo,
                                Value *hi, Value *k, Value *snaps,
                                llvm::ArrayRef<Value *> adjoints) {
  Value *n =
      b.binary(Opcode::Div,
               b.binary(Opcode::Add, b.binary(Opcode::Sub, hi, lo),
                        b.binary(Opcode::Sub, k, b.constantInt(i64(), 1))),
               k);
  llvm::SmallVector<Value *, 8> inits{snaps};
  inits.append(adjoints.begin(), adjoints.end());
  Operation *loop = b.createFor(b.constantInt(i64(), 0), n, inits);
  loop->setLoc(b.getLoc());
  loop->getAttrs().set("reclaim_tapes", Attribute(true));
  Region &body = loop->getRegion(0);
  Builder sb(body);
  sb.setLoc(b.getLoc());
  // Segment s = n - 1 - j: [lo + s k, min(lo + (s + 1) k, hi)).
  Value *s = sb.binary(Opcode::Sub,
                       sb.binary(Opcode::Sub, n, sb.constantInt(i64(), 1)),
                       body.getArgument(0));
  Value *a = sb.binary(Opcode::Add, lo, sb.binary(Opcode::Mul, s, k));
  Value *e = sb.binary(Opcode::Min, sb.binary(Opcode::Add, a, k), hi);
  Value *tape = body.getArgument(1);
  Value *top = sb.create1(Opcode::TapeTop, {tape});
  Value *rest = sb.create1(Opcode::TapePop, {tape});
  llvm::SmallVector<Value *, 6> state;
  for (unsigned i = 0; i < r.numCarried; ++i)
    state.push_back(sb.get(top, i));
  llvm::SmallVector<Value *, 8> adj;
  for (unsigned i = 0; i < adjoints.size(); ++i)
    adj.push_back(body.getArgument(2 + i));
  llvm::SmallVector<Value *, 8> outs{rest};
  llvm::SmallVector<Value *, 8> next =
      reverseRange(sb, level + 1, a, e, state, adj);
  outs.append(next.begin(), next.end());
  sb.yield(outs);
  return loop;
}

llvm::SmallVector<Value *, 8>
Emitter::reverseRange(Builder &b, unsigned level, Value *lo, Value *hi,
                      llvm::ArrayRef<Value *> state,
                      llvm::ArrayRef<Value *> adjoints) {
  if (level == levels)
    return leaf(b, lo, hi, state, adjoints);
  // A sweep of [lo, start of the last sub-segment) with snapshots every k,
  // then the snapshot of that start.
  Value *k = b.constantInt(i64(), segments[level]);
  Value *one = b.constantInt(i64(), 1);
  Value *n = b.binary(Opcode::Div,
                      b.binary(Opcode::Add, b.binary(Opcode::Sub, hi, lo),
                               b.binary(Opcode::Sub, k, one)),
                      k);
  Value *lastStart = b.binary(
      Opcode::Add, lo, b.binary(Opcode::Mul, b.binary(Opcode::Sub, n, one), k));
  llvm::SmallVector<Value *, 8> ops{lo, lastStart};
  ops.append(state.begin(), state.end());
  // The counter and the snapshot tape start like the top sweep's.
  for (unsigned i = 2 + r.numCarried; i < r.sweep->getNumOperands(); ++i) {
    ValueMap fresh;
    ops.push_back(cloneOp(b, *r.sweep->getOperand(i)->getDefiningOp(), fresh)
                      ->getResult(0));
  }
  // (More than one level: the sweep's k is a constant defined before it.)
  ValueMap map{{kOfSweep, k}};
  Operation *sweep = cloneOp(b, *r.sweep, map);
  erasePrints(sweep->getRegion(0));
  sweep->setOperands(ops);
  llvm::SmallVector<Value *, 6> end;
  for (unsigned i = 0; i < r.numCarried; ++i)
    end.push_back(sweep->getResult(i));
  Value *snaps = sweep->getResult(sweep->getNumResults() - 1);
  snaps = b.create1(Opcode::TapePush, {snaps, b.tuple(end)});
  Operation *loop = segmentLoop(b, level, lo, hi, k, snaps, adjoints);
  llvm::SmallVector<Value *, 8> out;
  for (unsigned i = 0; i < adjoints.size(); ++i)
    out.push_back(loop->getResult(1 + i));
  return out;
}

Value *Emitter::addSnapshotsAt(llvm::ArrayRef<int64_t> at) {
  Operation &sweep = *r.sweep;
  Value *lo = sweep.getOperand(0);
  std::optional<int64_t> lb = getConstantInt(lo),
                         ub = getConstantInt(sweep.getOperand(1));
  assert(lb && ub && "a binomial schedule needs constant bounds");
  std::vector<int64_t> mask(size_t(*ub - *lb), 0);
  for (int64_t p : at)
    mask[size_t(p)] = 1;
  Builder pre;
  pre.setInsertionPoint(&sweep);
  pre.setLoc(sweep.getLoc());
  Value *table =
      pre.constantDense(Type::tensor(DType::I64, {int64_t(mask.size())}),
                        DenseElements::from<int64_t>(DType::I64, mask));
  Value *index = sweep.getRegion(0).getArgument(0);
  return addSnapshotTape([&](Builder &b) {
    Value *off = b.binary(Opcode::Sub, index, lo);
    Value *flag = b.reshape(b.create1(Opcode::DynamicSlice, {table, off},
                                      {{"sizes", Attribute(IntArray{1})}}),
                            {});
    return b.binary(Opcode::Ne, flag, b.constantInt(i64(), 0));
  });
}

Operation *Emitter::binomialLoop(Builder &b, const BinomialSchedule &sched,
                                 Value *lo, Value *snaps,
                                 llvm::ArrayRef<Value *> adjoints,
                                 Operation &advance) {
  std::vector<int64_t> codes;
  for (const RevolveStep &a : sched.actions) {
    codes.push_back(int64_t(a.kind));
    codes.push_back(a.a);
    codes.push_back(a.b);
  }
  Value *table =
      b.constantDense(Type::tensor(DType::I64, {int64_t(codes.size())}),
                      DenseElements::from<int64_t>(DType::I64, codes));
  unsigned nAdj = adjoints.size();
  llvm::SmallVector<Value *, 8> inits{snaps};
  inits.append(adjoints.begin(), adjoints.end());
  // The sweep's final state, or without its snapshots the initial one.
  for (unsigned i = 0; i < r.numCarried; ++i)
    inits.push_back(sched.sweepSnapshots.empty() ? r.sweep->getOperand(2 + i)
                                                 : r.sweep->getResult(i));
  Operation *loop =
      b.createFor(b.constantInt(i64(), 0),
                  b.constantInt(i64(), int64_t(sched.actions.size())), inits);
  loop->setLoc(b.getLoc());
  Region &body = loop->getRegion(0);
  Builder sb(body);
  sb.setLoc(b.getLoc());
  auto load = [&](Value *idx) {
    return sb.reshape(sb.create1(Opcode::DynamicSlice, {table, idx},
                                 {{"sizes", Attribute(IntArray{1})}}),
                      {});
  };
  Value *base =
      sb.binary(Opcode::Mul, body.getArgument(0), sb.constantInt(i64(), 3));
  Value *kind = load(base);
  Value *a =
      sb.binary(Opcode::Add, lo,
                load(sb.binary(Opcode::Add, base, sb.constantInt(i64(), 1))));
  Value *e =
      sb.binary(Opcode::Add, lo,
                load(sb.binary(Opcode::Add, base, sb.constantInt(i64(), 2))));
  Value *tape = body.getArgument(1);
  llvm::SmallVector<Value *, 8> adj, state;
  llvm::SmallVector<Type, 8> types;
  for (unsigned i = 0; i < nAdj; ++i)
    adj.push_back(body.getArgument(2 + i));
  for (unsigned i = 0; i < r.numCarried; ++i)
    state.push_back(body.getArgument(2 + nAdj + i));
  for (unsigned i = 1; i < body.getNumArguments(); ++i)
    types.push_back(body.getArgument(i)->getType());
  auto pack = [](Value *t, llvm::ArrayRef<Value *> ad,
                 llvm::ArrayRef<Value *> st) {
    llvm::SmallVector<Value *, 8> v{t};
    v.append(ad.begin(), ad.end());
    v.append(st.begin(), st.end());
    return v;
  };
  // if kind == Step {..} else if kind == Advance {..} else ...: each
  // branch yields the carried values.
  Builder *cur = &sb;
  Operation *outer = nullptr;
  std::vector<std::unique_ptr<Builder>> keep;
  auto dispatch = [&](RevolveAction k) -> Builder & {
    Value *is =
        cur->binary(Opcode::Eq, kind, cur->constantInt(i64(), int64_t(k)));
    Operation *ifOp = cur->createIf(is, types);
    if (cur != &sb)
      cur->yield(llvm::SmallVector<Value *, 8>(ifOp->getResults()));
    else
      outer = ifOp;
    keep.push_back(std::make_unique<Builder>(ifOp->getRegion(0)));
    keep.back()->setLoc(b.getLoc());
    Builder &then = *keep.back();
    keep.push_back(std::make_unique<Builder>(ifOp->getRegion(1)));
    keep.back()->setLoc(b.getLoc());
    cur = keep.back().get();
    return then;
  };
  {
    // One iteration with its tape, and its pullback, in a loop of one trip
    // whose tape cells the cpu backend drops when it ends.
    Builder &tb = dispatch(RevolveAction::Step);
    Value *next = tb.binary(Opcode::Add, a, tb.constantInt(i64(), 1));
    Operation *one = tb.createFor(a, next, adj);
    one->setLoc(b.getLoc());
    one->getAttrs().set("reclaim_tapes", Attribute(true));
    Region &ob = one->getRegion(0);
    Builder obb(ob);
    obb.setLoc(b.getLoc());
    llvm::SmallVector<Value *, 8> oadj;
    for (unsigned i = 0; i < nAdj; ++i)
      oadj.push_back(ob.getArgument(1 + i));
    Value *i = ob.getArgument(0);
    llvm::SmallVector<Value *, 8> got =
        leaf(obb, i, obb.binary(Opcode::Add, i, obb.constantInt(i64(), 1)),
             state, oadj);
    obb.yield(got);
    tb.yield(
        pack(tape, llvm::SmallVector<Value *, 8>(one->getResults()), state));
  }
  {
    Builder &tb = dispatch(RevolveAction::Advance);
    ValueMap map;
    Operation *adv = cloneOp(tb, advance, map);
    llvm::SmallVector<Value *, 8> ops{a, e};
    ops.append(state.begin(), state.end());
    adv->setOperands(ops);
    llvm::SmallVector<Value *, 8> st;
    for (unsigned i = 0; i < r.numCarried; ++i)
      st.push_back(adv->getResult(i));
    tb.yield(pack(tape, adj, st));
  }
  {
    Builder &tb = dispatch(RevolveAction::Push);
    tb.yield(pack(tb.create1(Opcode::TapePush, {tape, tb.tuple(state)}), adj,
                  state));
  }
  {
    // The snapshot is the newest tape cell (the steps' are dropped): the
    // cpu backend frees it.
    Builder &tb = dispatch(RevolveAction::Pop);
    tb.yield(pack(
        tb.create1(Opcode::TapePop, {tape}, {{"release", Attribute(true)}}),
        adj, state));
  }
  // Restore: the newest snapshot is popped and pushed again (a top/pop
  // pair and a push, which reverse mode can differentiate again, where a
  // tape read twice could not be); the cpu backend writes it where it was.
  Value *top = cur->create1(Opcode::TapeTop, {tape});
  Value *below =
      cur->create1(Opcode::TapePop, {tape}, {{"release", Attribute(true)}});
  llvm::SmallVector<Value *, 8> st;
  for (unsigned i = 0; i < r.numCarried; ++i)
    st.push_back(cur->get(top, i));
  cur->yield(pack(cur->create1(Opcode::TapePush, {below, top}), adj, st));
  sb.yield(llvm::SmallVector<Value *, 8>(outer->getResults()));
  return loop;
}

llvm::SmallVector<Value *, 8> Emitter::leaf(Builder &b, Value *lo, Value *hi,
                                            llvm::ArrayRef<Value *> state,
                                            llvm::ArrayRef<Value *> adjoints) {
  // F over [lo, hi) from `state`, its tapes starting empty.
  llvm::SmallVector<Value *, 8> ops{lo, hi};
  ops.append(state.begin(), state.end());
  for (unsigned i = 2 + r.numCarried; i < r.fwd->getNumOperands(); ++i) {
    Operation *def = r.fwd->getOperand(i)->getDefiningOp();
    assert(def && def->getOpcode() == Opcode::TapeNew &&
           "the forward loop's tapes start empty");
    ValueMap fresh;
    ops.push_back(cloneOp(b, *def, fresh)->getResult(0));
  }
  ValueMap map;
  Operation *f = cloneOp(b, *r.fwd, map);
  f->setOperands(ops);
  erasePrints(f->getRegion(0));
  // R over the hi - lo iterations, i = hi - 1 - j, from `adjoints`.
  Value *count = b.binary(Opcode::Sub, hi, lo);
  Operation *rev = cloneOp(b, *r.rev, map);
  rev->setOperand(1, count);
  for (unsigned i = 0; i < adjoints.size(); ++i)
    rev->setOperand(3 + i, adjoints[i]);
  if (r.last) // i = hi - 1 - j
    lookupOr(map, r.last)->getDefiningOp()->setOperand(0, hi);
  llvm::SmallVector<Value *, 8> out;
  for (unsigned i = 0; i < adjoints.size(); ++i)
    out.push_back(rev->getResult(1 + i));
  return out;
}

} // namespace

int64_t loopBudget(const ADContext &ctx, const Operation &loop) {
  if (std::optional<int64_t> b = ir::OpAttrs(loop).adMemoryIf())
    return *b;
  return ctx.getOptions().loopMemory;
}

bool isCheckpointable(Operation &loop) {
  if (loop.getOpcode() != Opcode::For && loop.getOpcode() != Opcode::While)
    return false;
  for (Value *v : loop.getResults())
    if (containsTape(v->getType()))
      return false;
  bool tapes = false;
  for (unsigned i = 0; i < loop.getNumRegions(); ++i)
    walk(loop.getRegion(i), [&](Operation &op) {
      switch (op.getOpcode()) {
      case Opcode::TapeNew:
      case Opcode::TapePush:
      case Opcode::TapeTop:
      case Opcode::TapePop:
        tapes = true;
        break;
      default:
        break;
      }
    });
  return !tapes;
}

static void finishRewrite(ForReversal &r, Operation *rev) {
  Operation &fwd = *r.fwd;
  for (unsigned i = 0; i < r.numCarried; ++i)
    fwd.getResult(i)->replaceAllUsesWith(r.sweep->getResult(i));
  for (Value *res : r.rev->getResults())
    assert(res->use_empty() && "the reverse loop's results are unread yet");
  llvm::SmallVector<Operation *, 4> inits;
  for (unsigned i = 2 + r.numCarried; i < fwd.getNumOperands(); ++i)
    inits.push_back(fwd.getOperand(i)->getDefiningOp());
  r.rev->dropAllReferences();
  r.rev->erase();
  fwd.dropAllReferences();
  fwd.erase();
  for (Operation *init : inits)
    if (init && init->getResult(0)->use_empty())
      init->erase();
  r.fwd = nullptr;
  r.rev = rev;
}

namespace {

/// A `for` over [lb, ub) running the body of the `while` `w` (its
/// condition dropped: the iterations it runs are known to pass it) from
/// `inits`, leaving out carried value `skip` (-1: none). At `b`.
Operation *whileBodyAsFor(Builder &b, Operation &w, Value *lb, Value *ub,
                          llvm::ArrayRef<Value *> inits, int skip) {
  Operation *loop = b.createFor(lb, ub, inits);
  loop->setLoc(w.getLoc());
  Region &from = w.getRegion(1), &to = loop->getRegion(0);
  ValueMap map;
  unsigned k = 1;
  for (unsigned i = 0; i < from.getNumArguments(); ++i)
    if (int(i) != skip)
      map[from.getArgument(i)] = to.getArgument(k++);
  Builder fb(to);
  fb.setLoc(w.getLoc());
  // What computes only the skipped value (its counter) is left out.
  llvm::SmallPtrSet<Value *, 4> dropped;
  if (skip >= 0)
    dropped.insert(from.getArgument(unsigned(skip)));
  for (auto &op : from.getOps()) {
    if (op.get() == from.getTerminator())
      break;
    if (llvm::any_of(op->getOperands(),
                     [&](Value *v) { return dropped.count(v); })) {
      for (Value *res : op->getResults())
        dropped.insert(res);
      continue;
    }
    cloneOp(fb, *op, map);
  }
  llvm::SmallVector<Value *, 8> outs;
  Operation *yield = from.getTerminator();
  for (unsigned i = 0; i < yield->getNumOperands(); ++i)
    if (int(i) != skip)
      outs.push_back(lookupOr(map, yield->getOperand(i)));
  fb.yield(outs);
  return loop;
}

} // namespace

bool checkpointWhile(ReverseEmitter &e, ForReversal &r, unsigned countIndex,
                     int64_t budget) {
  ADContext &ctx = e.getContext();
  Operation &fwhile = *r.fwd;
  bool unknownInner = false;
  Type elem = fwhile.getResult(r.numCarried)->getType().getTapeElement();
  int64_t iterationBytes = satAdd(
      typeBytes(elem), innerTapeBytes(ctx, fwhile.getRegion(1), unknownInner));
  int64_t snapshotBytes = 8; // the iteration's index, and the state
  for (unsigned i = 0; i < r.numCarried; ++i)
    snapshotBytes += typeBytes(fwhile.getResult(i)->getType());
  ctx.loopTapeBytes[&fwhile] = -1;
  LoopCheckpointReport rep;
  rep.function = ctx.stack.empty() ? "" : ctx.stack.back()->getName().str();
  rep.loc = r.primal->getLoc();
  rep.budget = budget;
  rep.snapshotBytes = snapshotBytes;
  rep.iterationBytes = iterationBytes;
  rep.dynamicSegments = true;
  rep.recompute = 2.0;
  rep.note = "while: snapshots every sqrt(2 i snapshot/iteration)";
  Location loc = r.primal->getLoc();
  Type i64t = i64();

  // The forward pass: the sweep pushes (i, state) at i = 0 and then
  // every p(i) = max(1, floor(sqrt(2 (i + 1) snapshot / iteration)))
  // iterations, so that after T iterations about sqrt(2 T iteration /
  // snapshot) snapshots are taken and no segment is longer than about
  // sqrt(2 T snapshot / iteration): 2.1 sqrt(T snapshot iteration) bytes
  // at most, whatever T turns out to be.
  double ratio = 2.0 * double(std::max<int64_t>(snapshotBytes, 1)) /
                 double(std::max<int64_t>(iterationBytes, 1));
  Type f64 = Type::scalar(DType::F64);
  llvm::SmallVector<Type, 6> snapTypes{i64t};
  for (unsigned i = 0; i < r.numCarried; ++i)
    snapTypes.push_back(fwhile.getResult(i)->getType());
  Type tapeType = Type::tape(Type::tuple(snapTypes));
  Builder pre;
  pre.setInsertionPoint(r.sweep);
  pre.setLoc(loc);
  Operation *whileSweep = r.sweep;
  Region &sbody = whileSweep->getRegion(1);
  llvm::SmallVector<Value *, 6> state;
  for (unsigned i = 0; i < r.numCarried; ++i)
    state.push_back(sbody.getArgument(i));
  Value *iArg = nullptr, *nextArg = nullptr, *isStart = nullptr;
  Value *trips = addCarried(
      *whileSweep, pre.constantInt(i64t, 0), [&](Builder &b, Value *c) {
        iArg = c;
        return b.binary(Opcode::Add, c, b.constantInt(i64t, 1));
      });
  addCarried(
      *whileSweep, pre.constantInt(i64t, 0), [&](Builder &b, Value *next) {
        nextArg = next;
        isStart = b.binary(Opcode::Eq, iArg, next);
        Value *t = b.cast(b.binary(Opcode::Add, iArg, b.constantInt(i64t, 1)),
                          DType::F64);
        Value *p =
            b.binary(Opcode::Max,
                     b.cast(b.unary(Opcode::Floor,
                                    b.unary(Opcode::Sqrt,
                                            b.binary(Opcode::Mul, t,
                                                     b.constant(f64, ratio)))),
                            DType::I64),
                     b.constantInt(i64t, 1));
        return b.create1(Opcode::Select,
                         {isStart, b.binary(Opcode::Add, iArg, p), next});
      });
  Value *count = addCarried(
      *whileSweep, pre.constantInt(i64t, 0), [&](Builder &b, Value *n) {
        return b.binary(Opcode::Add, n, b.cast(isStart, DType::I64));
      });
  Value *snaps = addCarried(
      *whileSweep, pre.create1(Opcode::TapeNew, {}, {}, {tapeType}),
      [&](Builder &b, Value *t) {
        Operation *ifOp = b.createIf(isStart, {tapeType});
        Builder tb(ifOp->getRegion(0));
        tb.setLoc(loc);
        llvm::SmallVector<Value *, 6> elems{iArg};
        elems.append(state.begin(), state.end());
        tb.yield({tb.create1(Opcode::TapePush, {t, tb.tuple(elems)})});
        Builder eb(ifOp->getRegion(1));
        eb.setLoc(loc);
        eb.yield({t});
        return ifOp->getResult(0);
      });

  // F as a `for` (without the counter), the template the segments clone;
  // R reads its tapes.
  Builder b;
  b.setInsertionPoint(r.rev);
  b.setLoc(loc);
  Value *zero = b.constantInt(i64t, 0);
  llvm::SmallVector<Value *, 8> fInits;
  for (unsigned i = 0; i < fwhile.getNumOperands(); ++i)
    if (i != countIndex)
      fInits.push_back(fwhile.getOperand(i));
  Operation *ffor =
      whileBodyAsFor(b, fwhile, zero, zero, fInits, int(countIndex));
  for (unsigned i = r.numCarried, k = r.numCarried; i < fwhile.getNumResults();
       ++i) {
    if (i == countIndex)
      continue;
    fwhile.getResult(i)->replaceAllUsesWith(ffor->getResult(k++));
  }

  // The reverse pass: a loop over the snapshots, last first: pop (a,
  // state), run F over [a, end) from it and R over it; end = a.
  llvm::SmallVector<Value *, 8> inits{snaps};
  for (unsigned i = 0; i < r.numAdjoints; ++i)
    inits.push_back(r.rev->getOperand(3 + i));
  inits.push_back(trips);
  Operation *segLoop = b.createFor(zero, count, inits);
  segLoop->setLoc(loc);
  segLoop->getAttrs().set("reclaim_tapes", Attribute(true));
  Region &lbody = segLoop->getRegion(0);
  Builder sb(lbody);
  sb.setLoc(loc);
  Value *top = sb.create1(Opcode::TapeTop, {lbody.getArgument(1)});
  Value *rest = sb.create1(Opcode::TapePop, {lbody.getArgument(1)});
  Value *from = sb.get(top, 0);
  llvm::SmallVector<Value *, 6> st;
  for (unsigned i = 0; i < r.numCarried; ++i)
    st.push_back(sb.get(top, 1 + i));
  llvm::SmallVector<Value *, 8> adj;
  for (unsigned i = 0; i < r.numAdjoints; ++i)
    adj.push_back(lbody.getArgument(2 + i));
  Value *end = lbody.getArgument(2 + r.numAdjoints);
  r.fwd = ffor;
  Emitter em(r, {});
  llvm::SmallVector<Value *, 8> outs{rest};
  llvm::SmallVector<Value *, 8> got = em.leafRange(sb, from, end, st, adj);
  outs.append(got.begin(), got.end());
  outs.push_back(from);
  sb.yield(outs);

  // The forward `while` gives the primal results; F (both forms) and R go.
  for (unsigned i = 0; i < r.numCarried; ++i)
    fwhile.getResult(i)->replaceAllUsesWith(whileSweep->getResult(i));
  r.sweep = whileSweep;
  finishRewrite(r, segLoop); // erases the `for` form of F and R
  llvm::SmallVector<Operation *, 4> olds;
  for (unsigned i = r.numCarried; i < fwhile.getNumOperands(); ++i)
    olds.push_back(fwhile.getOperand(i)->getDefiningOp());
  fwhile.dropAllReferences();
  fwhile.erase();
  for (Operation *op : olds)
    if (op && op->getResult(0)->use_empty())
      op->erase();
  ctx.loopTapeBytes.erase(&fwhile);
  ctx.loopTapeBytes[whileSweep] = -1;
  ctx.report(rep);
  return true;
}

bool checkpointLoop(ReverseEmitter &e, ForReversal &r, int64_t budget) {
  ADContext &ctx = e.getContext();
  Operation &fwd = *r.fwd;
  auto dropSweep = [&] {
    if (!r.sweep)
      return false;
    r.sweep->dropAllReferences();
    r.sweep->erase();
    r.sweep = nullptr;
    return false;
  };

  // What one iteration stores: its tape element and what the loops in it
  // leave on the tapes they share with this one.
  bool unknownInner = false;
  Type elem = fwd.getResult(r.numCarried)->getType().getTapeElement();
  int64_t iterationBytes = satAdd(
      typeBytes(elem), innerTapeBytes(ctx, fwd.getRegion(0), unknownInner));
  int64_t snapshotBytes = 0;
  for (unsigned i = 0; i < r.numCarried; ++i)
    snapshotBytes += typeBytes(fwd.getResult(i)->getType());
  std::optional<int64_t> lb = getConstantInt(fwd.getOperand(0));
  std::optional<int64_t> ub = getConstantInt(fwd.getOperand(1));
  int64_t trips = lb && ub ? std::max<int64_t>(*ub - *lb, 0) : -1;
  ctx.loopTapeBytes[&fwd] =
      trips < 0 || unknownInner ? -1 : satMul(trips, iterationBytes);
  if (budget < 0)
    return dropSweep();

  LoopCheckpointReport rep;
  rep.function = ctx.stack.empty() ? "" : ctx.stack.back()->getName().str();
  rep.loc = r.primal->getLoc();
  rep.budget = budget;
  rep.trips = trips;
  rep.snapshotBytes = snapshotBytes;
  rep.iterationBytes = iterationBytes;
  rep.uncheckedBytes = trips < 0 ? -1 : satMul(trips, iterationBytes);
  if (unknownInner)
    rep.note = "inner loops of run-time length are not counted";
  auto notChecked = [&](llvm::StringRef why) {
    rep.note = why.str();
    rep.peakBytes = rep.uncheckedBytes;
    ctx.report(rep);
    return dropSweep();
  };
  if (!r.sweep)
    return notChecked("not a primal loop (it carries tapes)");
  llvm::SmallVector<int64_t, 4> segments;
  std::optional<BinomialSchedule> binomial;
  if (trips >= 0) {
    segments = planSegments(trips, snapshotBytes,
                            std::max<int64_t>(iterationBytes, 1), budget);
    if (segments.empty())
      return notChecked(trips <= 1 ? "one iteration" : "the tape fits");
    // The binomial schedule with the snapshots the budget leaves after one
    // iteration's tape, if it fits where the segments do not, or
    // recomputes less (its action table is 24 bytes per action: up to
    // about 2^20 iterations).
    int64_t slots =
        snapshotBytes > 0 && budget > iterationBytes
            ? std::min((budget - iterationBytes) / snapshotBytes, trips)
            : 0;
    if (slots >= 1 && trips <= (int64_t(1) << 20)) {
      BinomialSchedule sched = planBinomial(trips, slots);
      int64_t peak =
          satAdd(satMul(sched.maxSnapshots, snapshotBytes), iterationBytes);
      double recompute = double(2 * trips + sched.advances) / double(trips);
      bool segmentsFit = planPeakBytes(trips, segments, snapshotBytes,
                                       iterationBytes) <= budget;
      if (peak <= budget &&
          (!segmentsFit || recompute < planRecompute(trips, segments) - 1e-9) &&
          sched.actions.size() <= (size_t(1) << 22)) {
        rep.binomialSlots = sched.slots;
        binomial = std::move(sched);
        rep.snapshots = binomial->maxSnapshots;
        rep.peakBytes = peak;
        rep.recompute = recompute;
      }
    }
  }
  if (binomial) {
    Emitter em(r, {});
    Builder tb;
    tb.setInsertionPoint(r.sweep);
    ValueMap copy;
    Operation *advance = cloneOp(tb, *r.sweep, copy);
    erasePrints(advance->getRegion(0));
    Value *snaps = nullptr;
    if (binomial->sweepSnapshots.empty()) {
      llvm::SmallVector<Type, 6> types;
      for (unsigned i = 0; i < r.numCarried; ++i)
        types.push_back(fwd.getResult(i)->getType());
      Builder nb;
      nb.setInsertionPoint(r.rev);
      nb.setLoc(r.primal->getLoc());
      snaps =
          nb.create1(Opcode::TapeNew, {}, {}, {Type::tape(Type::tuple(types))});
    } else {
      snaps = em.addSnapshotsAt(binomial->sweepSnapshots);
    }
    Builder b;
    b.setInsertionPoint(r.rev);
    b.setLoc(r.primal->getLoc());
    llvm::SmallVector<Value *, 8> adjoints;
    for (unsigned i = 0; i < r.numAdjoints; ++i)
      adjoints.push_back(r.rev->getOperand(3 + i));
    Operation *loop = em.binomialLoop(b, *binomial, fwd.getOperand(0), snaps,
                                      adjoints, *advance);
    advance->dropAllReferences();
    advance->erase();
    finishRewrite(r, loop);
    ctx.loopTapeBytes[r.sweep] =
        unknownInner
            ? -1
            : satMul(int64_t(binomial->sweepSnapshots.size()), snapshotBytes);
    ctx.loopTapeBytes.erase(&fwd);
    ctx.report(rep);
    return true;
  }

  Emitter em(r, segments);
  Location loc = r.primal->getLoc();
  // k: a constant, or ceil(sqrt(T * snapshot / iteration bytes)) at run
  // time, computed in the sweep's body (so a loop in an `if` branch can be
  // moved to the forward branch with its sweep) and again before S.
  auto segmentLength = [&](Builder &b, Value *lo, Value *hi) -> Value * {
    if (!segments.empty())
      return b.constantInt(i64(), segments[0]);
    double ratio = double(std::max<int64_t>(snapshotBytes, 1)) /
                   double(std::max<int64_t>(iterationBytes, 1));
    Type f64 = Type::scalar(DType::F64);
    Value *t = b.cast(b.binary(Opcode::Sub, hi, lo), DType::F64);
    Value *k = b.unary(Opcode::Ceil,
                       b.unary(Opcode::Sqrt, b.binary(Opcode::Mul, t,
                                                      b.constant(f64, ratio))));
    return b.binary(Opcode::Max, b.cast(k, DType::I64),
                    b.constantInt(i64(), 1));
  };
  Value *sweepLo = r.sweep->getOperand(0), *sweepHi = r.sweep->getOperand(1);
  {
    Builder kb;
    if (segments.empty())
      kb.setInsertionPoint(r.sweep->getRegion(0).getOps().front().get());
    else
      kb.setInsertionPoint(r.sweep);
    kb.setLoc(loc);
    em.kOfSweep = segmentLength(kb, sweepLo, sweepHi);
  }
  Value *snaps = em.addSnapshots(em.kOfSweep);

  // The loop over the segments replaces R.
  Builder b;
  b.setInsertionPoint(r.rev);
  b.setLoc(loc);
  llvm::SmallVector<Value *, 8> adjoints;
  for (unsigned i = 0; i < r.numAdjoints; ++i)
    adjoints.push_back(r.rev->getOperand(3 + i));
  Value *lo = fwd.getOperand(0), *hi = fwd.getOperand(1);
  Operation *segLoop =
      em.segmentLoop(b, 0, lo, hi, segmentLength(b, lo, hi), snaps, adjoints);

  finishRewrite(r, segLoop);

  rep.segments = segments;
  rep.dynamicSegments = segments.empty();
  if (trips >= 0) {
    rep.peakBytes = planPeakBytes(trips, segments, snapshotBytes,
                                  iterationBytes, &rep.snapshots);
    rep.recompute = planRecompute(trips, segments);
    if (rep.peakBytes > budget)
      rep.note = "over budget: the least peak of up to 6 levels";
    ctx.loopTapeBytes[r.sweep] =
        unknownInner ? -1 : satMul(ceilDiv(trips, segments[0]), snapshotBytes);
  } else {
    rep.recompute = 2.0;
    ctx.loopTapeBytes[r.sweep] = -1;
  }
  ctx.loopTapeBytes.erase(&fwd);
  ctx.report(rep);
  return true;
}

} // namespace tdl::ad
