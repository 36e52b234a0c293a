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

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Saturating arithmetic for byte counts.
int64_t satMul(int64_t a, int64_t b) {
  if (a != 0 && b > INT64_MAX / a)
    return INT64_MAX;
  return a * b;
}
int64_t satAdd(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
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

/// Adds a carried value to the `for` `loop` (init operand, body argument,
/// the yielded `makeNext(arg)` built before the yield, result).
Value *addForCarried(Operation &loop, Value *init,
                     llvm::function_ref<Value *(Builder &, Value *)> next) {
  llvm::SmallVector<Value *, 6> ops(loop.getOperands());
  ops.push_back(init);
  loop.setOperands(ops);
  Region &body = loop.getRegion(0);
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

Value *Emitter::addSnapshots(Value *k) {
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
  Value *zero = pre.constantInt(i64(), 0);
  // A counter from 0 to k - 1: a snapshot where it is 0.
  Value *count = nullptr;
  addForCarried(sweep, zero, [&](Builder &b, Value *c) {
    count = c;
    Value *next = b.binary(Opcode::Add, c, b.constantInt(i64(), 1));
    Value *wrap = b.binary(Opcode::Eq, next, k);
    return b.create1(Opcode::Select, {wrap, b.constantInt(i64(), 0), next});
  });
  return addForCarried(sweep, empty, [&](Builder &b, Value *t) {
    Value *start = b.binary(Opcode::Eq, count, b.constantInt(i64(), 0));
    Operation *ifOp = b.createIf(start, {tapeType});
    Builder tb(ifOp->getRegion(0));
    tb.setLoc(sweep.getLoc());
    tb.yield({tb.create1(Opcode::TapePush, {t, tb.tuple(state)})});
    Builder eb(ifOp->getRegion(1));
    eb.setLoc(sweep.getLoc());
    eb.yield({t});
    return ifOp->getResult(0);
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
  if (loop.getOpcode() != Opcode::For)
    return false;
  for (Value *v : loop.getResults())
    if (containsTape(v->getType()))
      return false;
  bool tapes = false;
  walk(loop.getRegion(0), [&](Operation &op) {
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

int64_t planPeakBytes(int64_t trips, llvm::ArrayRef<int64_t> segments,
                      int64_t snapshotBytes, int64_t iterationBytes,
                      int64_t *snapshots) {
  if (segments.empty()) {
    if (snapshots)
      *snapshots = 0;
    return satMul(trips, iterationBytes);
  }
  int64_t n = ceilDiv(trips, segments[0]);
  for (size_t l = 1; l < segments.size(); ++l)
    n += ceilDiv(segments[l - 1], segments[l]);
  if (snapshots)
    *snapshots = n;
  return satAdd(satMul(n, snapshotBytes),
                satMul(segments.back(), iterationBytes));
}

/// Forward iterations run to reverse `len` iterations from a snapshot at
/// level `l` (segments[l] is the length of its sub-segments).
static double rangeCost(int64_t len, llvm::ArrayRef<int64_t> segments,
                        size_t l) {
  if (l == segments.size())
    return double(len); // the recorded segment
  int64_t k = segments[l];
  int64_t n = ceilDiv(len, k);
  int64_t lastLen = len - (n - 1) * k;
  double cost = double((n - 1) * k); // the sweep
  if (n > 1)
    cost += double(n - 1) * rangeCost(k, segments, l + 1);
  return cost + rangeCost(lastLen, segments, l + 1);
}

double planRecompute(int64_t trips, llvm::ArrayRef<int64_t> segments) {
  if (segments.empty() || trips <= 0)
    return 1.0;
  // The top sweep runs every iteration (it computes the loop's results);
  // then each top segment as a range.
  int64_t k = segments[0];
  int64_t n = ceilDiv(trips, k);
  double cost = double(trips) + double(n - 1) * rangeCost(k, segments, 1) +
                rangeCost(trips - (n - 1) * k, segments, 1);
  return cost / double(trips);
}

llvm::SmallVector<int64_t, 4> planSegments(int64_t trips, int64_t snapshotBytes,
                                           int64_t iterationBytes,
                                           int64_t budget) {
  if (trips <= 1 || satMul(trips, iterationBytes) <= budget)
    return {};
  // Leaf lengths to try: every one up to 4096, then about 1% apart.
  llvm::SmallVector<int64_t, 0> leaves;
  for (int64_t x = 1; x < trips; x = x < 4096 ? x + 1 : x + x / 100)
    leaves.push_back(x);
  llvm::SmallVector<int64_t, 4> best;
  int64_t bestPeak = INT64_MAX;
  for (unsigned levels = 1; levels <= 6; ++levels) {
    llvm::SmallVector<int64_t, 4> bestHere;
    int64_t bestHerePeak = INT64_MAX;
    for (int64_t x : leaves) {
      // Lengths in geometric progression from x to about trips / ratio.
      double ratio = std::pow(double(trips) / double(x), 1.0 / levels);
      if (ratio < 2.0)
        break;
      llvm::SmallVector<int64_t, 4> segs(levels);
      bool ok = true;
      for (unsigned l = 0; l < levels; ++l) {
        segs[l] = int64_t(
            std::ceil(double(x) * std::pow(ratio, levels - 1 - l) - 1e-9));
        ok &= segs[l] < (l ? segs[l - 1] : trips) && segs[l] >= 1;
      }
      if (!ok)
        continue;
      int64_t peak = planPeakBytes(trips, segs, snapshotBytes, iterationBytes);
      if (peak < bestHerePeak) {
        bestHerePeak = peak;
        bestHere = segs;
      }
    }
    if (bestHere.empty())
      break;
    if (bestHerePeak <= budget)
      return bestHere;
    if (bestHerePeak < bestPeak) {
      bestPeak = bestHerePeak;
      best = bestHere;
    }
  }
  return best;
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
  if (trips >= 0) {
    segments = planSegments(trips, snapshotBytes,
                            std::max<int64_t>(iterationBytes, 1), budget);
    if (segments.empty())
      return notChecked(trips <= 1 ? "one iteration" : "the tape fits");
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

  // The sweep computes the primal results; F and R are gone (their copies
  // run per segment).
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
  r.rev = segLoop;

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
