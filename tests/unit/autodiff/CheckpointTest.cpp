//===- CheckpointTest.cpp - checkpoint(f) and loops under a memory budget -===//
//
// Checkpointing trades memory for recomputation and must not change a bit
// of the result: every test runs the same derivative with and without it
// and requires identical doubles, checks it against finite differences
// (GradCheck.h), and counts the tape: the interpreter's tapeMemory() peak
// (the bytes of the values on live tape cells) must shrink as the plan in
// the pass's report promises.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/LoopCheckpoint.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/interp/Interpreter.h"

#include <fmt/format.h>

#include <cstring>
#include <map>

using namespace tdl::ad;
using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

struct Measured {
  std::vector<RuntimeValue> out;
  int64_t peak = 0; // tape bytes
};

Measured runMeasured(const Module &m, const std::string &fn,
                     const std::vector<RuntimeValue> &args) {
  int64_t before = tapeMemory().live;
  resetTapePeak();
  Measured r;
  r.out = run(m, fn, args);
  r.peak = tapeMemory().peak - before;
  return r;
}

std::vector<double> flattenAll(const std::vector<RuntimeValue> &vs) {
  std::vector<double> out;
  for (const RuntimeValue &v : vs) {
    std::vector<double> f = flatten(v);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

void expectBitIdentical(const std::vector<RuntimeValue> &got,
                        const std::vector<RuntimeValue> &want) {
  std::vector<double> g = flattenAll(got), w = flattenAll(want);
  ASSERT_EQ(g.size(), w.size());
  ASSERT_FALSE(g.empty());
  for (size_t i = 0; i < g.size(); ++i) {
    uint64_t a, b;
    std::memcpy(&a, &g[i], 8);
    std::memcpy(&b, &w[i], 8);
    EXPECT_EQ(a, b) << "element " << i << ": " << g[i] << " vs " << w[i];
  }
}

/// The module differentiated under `budget` (-1: none), with its reports.
struct Differentiated {
  Parsed parsed;
  std::vector<LoopCheckpointReport> reports;
};

Differentiated differentiate(const std::string &text, int64_t budget) {
  Differentiated d;
  AutodiffOptions o;
  o.loopMemory = budget;
  o.reports = &d.reports;
  d.parsed = parseAndDifferentiate(text, o);
  return d;
}

std::vector<RuntimeValue> randomArgs(const Module &m, const std::string &fn,
                                     unsigned seed, double lo = -1.0,
                                     double hi = 1.0) {
  std::mt19937 rng(seed);
  std::vector<RuntimeValue> args;
  for (const Type &t : m.lookup(fn)->getArgTypes())
    args.push_back(randomValue(rng, t, lo, hi));
  return args;
}

/// A tanh RNN of `trips` steps (static bounds) whose step reads the index.
std::string rnn(int64_t trips) {
  return fmt::format(R"(
func @f(%x: f64[4], %w: f64[4,4]) -> f64 {{
  %lb = constant {{value = 0}} : i64
  %ub = constant {{value = {0}}} : i64
  %r = for %lb, %ub, %x : f64[4] {{
  ^(%i: i64, %h: f64[4]):
    %h2 = reshape %h {{shape = [1, 4]}} : f64[1,4]
    %m = matmul %h2, %w : f64[1,4]
    %m1 = reshape %m {{shape = [4]}} : f64[4]
    %t = tanh %m1 : f64[4]
    %fi = cast %i {{dtype = f64}} : f64
    %c = constant {{value = 0.001}} : f64
    %d = mul %fi, %c : f64
    %db = broadcast %d {{dims = [], shape = [4]}} : f64[4]
    %y = add %t, %db : f64[4]
    yield %y
  }}
  %s = reduce_sum %r {{axes = [0]}} : f64
  return %s
}}
func @g = grad @f wrt [0, 1]
)",
                     trips);
}

/// Differentiates `text` without and with `budget`, runs `fn` on the same
/// inputs and requires identical results; returns the two tape peaks and
/// the budgeted run's reports.
struct Compared {
  int64_t uncheckedPeak = 0, checkedPeak = 0;
  std::vector<LoopCheckpointReport> reports;
};

Compared compareBudget(const std::string &text, const std::string &fn,
                       int64_t budget, std::vector<RuntimeValue> args = {},
                       unsigned seed = 3) {
  Compared c;
  Differentiated plain = differentiate(text, -1);
  Differentiated ck = differentiate(text, budget);
  EXPECT_TRUE(plain.parsed.module) << plain.parsed.errors;
  EXPECT_TRUE(ck.parsed.module) << ck.parsed.errors;
  if (!plain.parsed.module || !ck.parsed.module)
    return c;
  if (args.empty())
    args = randomArgs(*plain.parsed.module, fn, seed, -0.8, 0.8);
  Measured a = runMeasured(*plain.parsed.module, fn, args);
  Measured b = runMeasured(*ck.parsed.module, fn, args);
  expectBitIdentical(b.out, a.out);
  c.uncheckedPeak = a.peak;
  c.checkedPeak = b.peak;
  c.reports = ck.reports;
  return c;
}

TEST(LoopCheckpoint, PlanShrinksWithTheBudget) {
  // 10000 iterations of 64 bytes, 32-byte snapshots: the one-level optimum
  // is about 2 sqrt(T s i) = 9051 bytes, two levels about 3 (T s^2 i)^(1/3)
  // = 2605.
  EXPECT_TRUE(planSegments(10000, 32, 64, 640000).empty()); // the tape fits
  int64_t previousPeak = 640000;
  size_t previousLevels = 0;
  for (int64_t budget : {100000, 9100, 8000, 3000, 2000, 1500}) {
    SCOPED_TRACE(budget);
    llvm::SmallVector<int64_t, 4> plan = planSegments(10000, 32, 64, budget);
    ASSERT_FALSE(plan.empty());
    int64_t peak = planPeakBytes(10000, plan, 32, 64);
    EXPECT_LE(peak, budget);
    EXPECT_LE(peak, previousPeak);
    EXPECT_GE(plan.size(), previousLevels); // more levels for less memory
    // Each level adds about one forward run of the body.
    double r = planRecompute(10000, plan);
    EXPECT_GT(r, double(plan.size()) + 0.5);
    EXPECT_LE(r, double(plan.size()) + 1.0);
    previousPeak = peak;
    previousLevels = plan.size();
  }
  EXPECT_EQ(planSegments(10000, 32, 64, 9100).size(), 1u);
  EXPECT_EQ(planSegments(10000, 32, 64, 8000).size(), 2u);
  EXPECT_EQ(planSegments(10000, 32, 64, 2000).size(), 3u);
  // An impossible budget gets the least peak found.
  llvm::SmallVector<int64_t, 4> tight = planSegments(10000, 32, 64, 10);
  ASSERT_FALSE(tight.empty());
  EXPECT_GT(planPeakBytes(10000, tight, 32, 64), 10);
}

/// The least advances (iterations run without tape) that reverse l
/// iterations from a snapshot of the first with `free` more snapshot slots,
/// by brute force over every first split: F(1, f) = 0, F(l, 0) =
/// l (l - 1) / 2 (advance from the start to each iteration), F(l, f) =
/// min over m of m + F(l - m, f - 1) + F(m, f).
int64_t bruteAdvances(int64_t l, int64_t free,
                      std::map<std::pair<int64_t, int64_t>, int64_t> &memo) {
  if (l <= 1)
    return 0;
  if (free == 0)
    return l * (l - 1) / 2;
  auto key = std::make_pair(l, free);
  if (auto it = memo.find(key); it != memo.end())
    return it->second;
  int64_t best = INT64_MAX;
  for (int64_t m = 1; m < l; ++m)
    best = std::min(best, m + bruteAdvances(l - m, free - 1, memo) +
                              bruteAdvances(m, free, memo));
  memo[key] = best;
  return best;
}

/// Runs a schedule on a model of the loop: a state is the index of the
/// iteration about to run; checks every action is legal, every iteration
/// is reversed exactly once in decreasing order, the snapshot stack ends
/// empty and never holds more than `depth`, nor more than `allocated`
/// snapshots in memory: a restore pops the snapshot and pushes it again,
/// and the sweep's stay allocated to the end (the reverse loop's initial
/// tape holds them). Returns the advances.
int64_t simulate(int64_t trips, const BinomialSchedule &s, int64_t depth,
                 int64_t allocated = INT64_MAX) {
  std::vector<int64_t> stack(s.sweepSnapshots.begin(), s.sweepSnapshots.end());
  if (!stack.empty())
    EXPECT_EQ(stack.front(), 0);
  for (size_t i = 1; i < stack.size(); ++i)
    EXPECT_LT(stack[i - 1], stack[i]);
  // The sweep leaves the final state, or nothing (the initial one).
  int64_t state = stack.empty() ? 0 : trips, next = trips - 1, advances = 0;
  size_t most = stack.size(), swept = stack.size();
  std::vector<bool> bySweep(stack.size(), true);
  int64_t pushed = 0; // by the actions, live
  for (const RevolveStep &a : s.actions) {
    switch (a.kind) {
    case RevolveAction::Restore:
      EXPECT_FALSE(stack.empty());
      EXPECT_EQ(a.a, stack.back());
      state = stack.back();
      if (bySweep.back()) { // pushed again: a second copy
        bySweep.back() = false;
        ++pushed;
        EXPECT_LE(int64_t(swept) + pushed, allocated);
      }
      break;
    case RevolveAction::Advance:
      EXPECT_EQ(a.a, state);
      EXPECT_LT(a.a, a.b);
      EXPECT_LE(a.b, next); // never runs past what is still to reverse
      advances += a.b - a.a;
      state = a.b;
      break;
    case RevolveAction::Push:
      EXPECT_EQ(a.a, state);
      stack.push_back(state);
      bySweep.push_back(false);
      most = std::max(most, stack.size());
      ++pushed;
      EXPECT_LE(int64_t(swept) + pushed, allocated);
      break;
    case RevolveAction::Pop:
      EXPECT_FALSE(stack.empty());
      EXPECT_EQ(a.a, stack.back());
      stack.pop_back();
      if (!bySweep.back())
        --pushed;
      bySweep.pop_back();
      break;
    case RevolveAction::Step:
      EXPECT_EQ(a.a, state);
      EXPECT_EQ(a.a, next) << "iterations are reversed last first";
      --next;
      break;
    }
  }
  EXPECT_EQ(next, -1) << "every iteration reversed";
  EXPECT_TRUE(stack.empty());
  EXPECT_LE(int64_t(most), depth);
  return advances;
}

TEST(BinomialSchedule, ReversesEveryIterationOnceWithTheLeastAdvances) {
  std::map<std::pair<int64_t, int64_t>, int64_t> memo;
  for (int64_t trips = 1; trips <= 70; ++trips) {
    for (int64_t slots = 1; slots <= 6; ++slots) {
      SCOPED_TRACE(fmt::format("trips {} slots {}", trips, slots));
      BinomialSchedule full = binomialSchedule(trips, slots, false);
      ASSERT_TRUE(full.sweepSnapshots.empty());
      int64_t adv = simulate(trips, full, std::min(slots, trips));
      EXPECT_EQ(adv, full.advances);
      // The advances of the whole schedule are the optimum.
      int64_t opt = bruteAdvances(trips, std::min(slots, trips) - 1, memo);
      EXPECT_EQ(full.totalAdvances, opt);
      EXPECT_EQ(adv, opt);
      EXPECT_EQ(binomialMinAdvances(trips, std::min(slots, trips)), opt);
      // With the sweep's snapshots: the same schedule, the sweep's part
      // done by the primal sweep.
      BinomialSchedule swept = binomialSchedule(trips, slots, true);
      int64_t last = swept.sweepSnapshots.back();
      EXPECT_EQ(simulate(trips, swept, std::min(slots, trips)) + last, opt);
      EXPECT_EQ(swept.totalAdvances, opt);
    }
  }
  // By hand: 2 iterations, 1 snapshot: advance 0 -> 1 once. 3 iterations,
  // 1 snapshot: 2 + 1. 3 with 2: advance to 1, snapshot, 1 -> 2; then 2
  // reversed from the snapshot at 1 and 1 from 0: 2 advances. 10
  // iterations with 2 snapshots: r = 3 (C(5, 2) = 10), 3 * 10 - C(5, 3) =
  // 20.
  EXPECT_EQ(binomialSchedule(2, 1).totalAdvances, 1);
  EXPECT_EQ(binomialSchedule(3, 1).totalAdvances, 3);
  EXPECT_EQ(binomialSchedule(3, 2).totalAdvances, 2);
  EXPECT_EQ(binomialSchedule(10, 2).totalAdvances, 20);
  EXPECT_EQ(bruteAdvances(10, 1, memo), 20);
  // 1000 iterations, 5 snapshots: r = 8 (C(13, 5) = 1287 >= 1000 > 792),
  // 8 * 1000 - C(13, 6) = 6284.
  EXPECT_EQ(binomialSchedule(1000, 5, false).totalAdvances, 6284);
}

TEST(BinomialSchedule, PlanKeepsTheSweepsSnapshotsInTheCount) {
  for (int64_t trips : {5, 40, 333, 1000}) {
    for (int64_t slots : {1, 2, 3, 7, 30}) {
      SCOPED_TRACE(fmt::format("trips {} slots {}", trips, slots));
      BinomialSchedule s = planBinomial(trips, slots);
      EXPECT_LE(s.maxSnapshots, slots);
      // Snapshots the sweep leaves are not freed before the end: the
      // stack model never holds more than the plan says.
      simulate(trips, s, s.maxSnapshots, slots);
      EXPECT_GE(s.advances, 0);
    }
  }
}

TEST(LoopCheckpoint, OneLevelIsBitIdenticalAndShrinksTheTape) {
  std::string text = rnn(64);
  // Without a budget that fits: the report gives the plain tape's size.
  Differentiated probe = differentiate(text, INT64_MAX / 2);
  ASSERT_EQ(probe.reports.size(), 1u);
  int64_t unchecked = probe.reports[0].uncheckedBytes;
  EXPECT_TRUE(probe.reports[0].segments.empty());
  ASSERT_GT(unchecked, 0);

  Compared c = compareBudget(text, "g", unchecked / 3);
  EXPECT_EQ(c.uncheckedPeak, unchecked); // the plain tape, counted
  ASSERT_EQ(c.reports.size(), 1u);
  const LoopCheckpointReport &r = c.reports[0];
  EXPECT_EQ(r.trips, 64);
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_LE(r.peakBytes, unchecked / 3);
  EXPECT_LE(c.checkedPeak, r.peakBytes); // as the report promises
  EXPECT_LT(c.checkedPeak, unchecked / 3);
  EXPECT_NEAR(r.recompute, 2.0, 1e-9); // the sweep and one replay
}

TEST(LoopCheckpoint, MoreLevelsForLessMemory) {
  std::string text = rnn(400);
  Differentiated probe = differentiate(text, INT64_MAX / 2);
  ASSERT_EQ(probe.reports.size(), 1u);
  const LoopCheckpointReport &p = probe.reports[0];
  // Below the one-level optimum 2 sqrt(T s i).
  int64_t oneLevel = int64_t(2.0 * std::sqrt(400.0 * double(p.snapshotBytes) *
                                             double(p.iterationBytes)));
  Compared c = compareBudget(text, "g", oneLevel * 7 / 10);
  ASSERT_EQ(c.reports.size(), 1u);
  const LoopCheckpointReport &r = c.reports[0];
  EXPECT_GE(r.segments.size(), 2u);
  EXPECT_LE(r.peakBytes, oneLevel * 7 / 10);
  EXPECT_LE(c.checkedPeak, r.peakBytes);
  EXPECT_GT(r.recompute, 2.5);
  EXPECT_LT(c.checkedPeak * 10, c.uncheckedPeak);
}

TEST(LoopCheckpoint, FiniteDifferences) {
  for (int64_t budget : {int64_t(300), int64_t(1)}) {
    SCOPED_TRACE(budget);
    CheckOptions o;
    o.autodiff.loopMemory = budget;
    o.lo = -0.8;
    o.hi = 0.8;
    checkGradients(rnn(30), "f", {0, 1}, o);
  }
}

TEST(LoopCheckpoint, DynamicTripCountUsesSqrtSegments) {
  std::string text = R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
    %m = mul %a, %wb : f64[3]
    %s = sin %m : f64[3]
    %h = constant {value = 0.5} : f64[3]
    %q = mul %a, %h : f64[3]
    %y = add %s, %q : f64[3]
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0, 1]
)";
  std::mt19937 rng(5);
  RuntimeValue x = randomValue(rng, Type::tensor(DType::F64, {3}));
  for (int64_t n : {0, 1, 2, 7, 50, 101}) {
    SCOPED_TRACE(n);
    Compared c =
        compareBudget(text, "g", 1,
                      {x, RuntimeValue::scalar<double>(DType::F64, 0.9),
                       RuntimeValue::scalar<int64_t>(DType::I64, n)});
    ASSERT_EQ(c.reports.size(), 1u);
    EXPECT_TRUE(c.reports[0].dynamicSegments);
    EXPECT_EQ(c.reports[0].trips, -1);
    if (n >= 50) // about 2 sqrt(n) entries of the tape's size, not n
      EXPECT_LT(c.checkedPeak * 3, c.uncheckedPeak);
  }
  CheckOptions o;
  o.autodiff.loopMemory = 1;
  o.inputs = {x, RuntimeValue::scalar<double>(DType::F64, 0.9),
              RuntimeValue::scalar<int64_t>(DType::I64, 9)};
  checkGradients(text, "f", {0, 1}, o);
}

/// Nested static loops: the inner loop's tape is shared with the outer one
/// (the inner sweep's snapshots when it is checkpointed).
const char *kNested = R"(
func @f(%x: f64[2], %w: f64[2]) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %n = constant {value = 12} : i64
  %m = constant {value = 9} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %inner = for %zero, %m, %a : f64[2] {
    ^(%j: i64, %b: f64[2]):
      %p = mul %b, %w : f64[2]
      %c = cos %p : f64[2]
      %q = mul %c, %a : f64[2]
      yield %q
    }
    %k = rem %i, %two : i64
    %odd = eq %k, %zero : bool
    %y = if %odd : f64[2] {
      %e = mul %inner, %a : f64[2]
      %e2 = tanh %e : f64[2]
      yield %e2
    } {
      %s = add %inner, %w : f64[2]
      yield %s
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0, 1]
)";

TEST(LoopCheckpoint, NestedLoops) {
  for (int64_t budget : {int64_t(4000), int64_t(600), int64_t(1)}) {
    SCOPED_TRACE(budget);
    Compared c = compareBudget(kNested, "g", budget);
    ASSERT_EQ(c.reports.size(), 2u); // inner first
    EXPECT_TRUE(!c.reports[1].segments.empty() ||
                c.reports[1].binomialSlots > 0);
    EXPECT_LT(c.checkedPeak, c.uncheckedPeak);
    // The outer plan counts the inner tapes (or snapshots) per iteration.
    EXPECT_LE(c.checkedPeak, c.reports[1].peakBytes + c.reports[0].peakBytes);
    CheckOptions o;
    o.autodiff.loopMemory = budget;
    o.lo = -0.8;
    o.hi = 0.8;
    checkGradients(kNested, "f", {0, 1}, o);
  }
}

TEST(LoopCheckpoint, LoopInsideIfAndDynamicNesting) {
  // A checkpointed loop in an `if` branch, inside a loop of run-time length.
  std::string text = R"(
func @f(%x: f64[2], %w: f64[2], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %m = constant {value = 20} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %k = rem %i, %two : i64
    %even = eq %k, %zero : bool
    %y = if %even : f64[2] {
      %inner = for %zero, %m, %a : f64[2] {
      ^(%j: i64, %b: f64[2]):
        %p = mul %b, %w : f64[2]
        %c = sin %p : f64[2]
        %q = add %c, %b : f64[2]
        %h = constant {value = 0.5} : f64[2]
        %q2 = mul %q, %h : f64[2]
        yield %q2
      }
      yield %inner
    } {
      %s = mul %a, %w : f64[2]
      yield %s
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0, 1]
)";
  std::mt19937 rng(9);
  RuntimeValue x = randomValue(rng, Type::tensor(DType::F64, {2}));
  RuntimeValue w = randomValue(rng, Type::tensor(DType::F64, {2}));
  for (int64_t n : {0, 1, 4}) {
    SCOPED_TRACE(n);
    Compared c = compareBudget(
        text, "g", 200, {x, w, RuntimeValue::scalar<int64_t>(DType::I64, n)});
    if (n == 4)
      EXPECT_LT(c.checkedPeak, c.uncheckedPeak);
    // 100 bytes: one iteration (48) and 3 snapshots (16), where segments
    // do not fit: the inner loop gets the binomial schedule.
    Compared bin = compareBudget(
        text, "g", 100, {x, w, RuntimeValue::scalar<int64_t>(DType::I64, n)});
    ASSERT_EQ(bin.reports.size(), 2u); // inner first
    EXPECT_GT(bin.reports[0].binomialSlots, 0);
    if (n == 4)
      EXPECT_LT(bin.checkedPeak, bin.uncheckedPeak);
  }
  CheckOptions o;
  o.autodiff.loopMemory = 200;
  o.inputs = {x, w, RuntimeValue::scalar<int64_t>(DType::I64, 3)};
  checkGradients(text, "f", {0, 1}, o);

  // The primal sweep moved to the forward branch: the loop's body runs as
  // often as without checkpointing in the forward pass, plus one replay.
  Differentiated d = differentiate(text + "func @vg = value_and_grad @f "
                                          "wrt [0, 1]\n",
                                   200);
  ASSERT_TRUE(d.parsed.module) << d.parsed.errors;
  std::string ir;
  llvm::raw_string_ostream os(ir);
  printModule(*d.parsed.module, os);
  EXPECT_NE(ir.find("reclaim_tapes = true"), std::string::npos) << ir;
}

/// A loop whose body calls `@cell`, or its checkpoint.
std::string callsCell(bool checkpointed) {
  return std::string(R"(
func @cell(%h: f64[4], %w: f64[4,4]) -> f64[4] {
  %h2 = reshape %h {shape = [1, 4]} : f64[1,4]
  %m = matmul %h2, %w : f64[1,4]
  %m1 = reshape %m {shape = [4]} : f64[4]
  %t = tanh %m1 : f64[4]
  %s = sin %t : f64[4]
  %e = exp %s : f64[4]
  %u = mul %e, %t : f64[4]
  %v = sigmoid %u : f64[4]
  return %v
}
)") + (checkpointed ? "func @ck = checkpoint @cell\n" : "") +
         R"(
func @f(%x: f64[4], %w: f64[4,4]) -> f64 {
  %lb = constant {value = 0} : i64
  %ub = constant {value = 30} : i64
  %r = for %lb, %ub, %x : f64[4] {
  ^(%i: i64, %h: f64[4]):
    %y = call %h, %w {callee = @)" +
         (checkpointed ? "ck" : "cell") + R"(} : f64[4]
    yield %y
  }
  %s = reduce_sum %r {axes = [0]} : f64
  return %s
}
func @g = grad @f wrt [0, 1]
func @hv = jvp @g wrt [0, 1]
func @gg = vjp @g2 wrt [0]
func @g2 = grad @f2 wrt [0]
func @f2(%x: f64[4], %w: f64[4,4]) -> f64 {
  %y = call %x, %w {callee = @)" +
         (checkpointed ? "ck" : "cell") + R"(} : f64[4]
  %s = reduce_sum %y {axes = [0]} : f64
  return %s
}
func @fj = jvp @f wrt [0, 1]
)";
}

TEST(Checkpoint, CallsStoreOnlyTheArguments) {
  Differentiated plain = differentiate(callsCell(false), -1);
  Differentiated ck = differentiate(callsCell(true), -1);
  ASSERT_TRUE(plain.parsed.module) << plain.parsed.errors;
  ASSERT_TRUE(ck.parsed.module) << ck.parsed.errors;
  const Module &a = *plain.parsed.module, &b = *ck.parsed.module;
  for (const char *fn : {"g", "hv", "gg", "fj"}) {
    SCOPED_TRACE(fn);
    std::vector<RuntimeValue> args = randomArgs(a, fn, 4, -0.8, 0.8);
    Measured ma = runMeasured(a, fn, args), mb = runMeasured(b, fn, args);
    expectBitIdentical(mb.out, ma.out);
    if (std::string(fn) == "g") {
      // Per iteration the tape keeps h (32 bytes) instead of the residuals
      // of @cell's split forward function.
      EXPECT_EQ(mb.peak, 30 * 32);
      EXPECT_GT(ma.peak, 3 * mb.peak);
    }
  }
  // The pullback calls the checkpoint's vjp, which recomputes @cell.
  std::string ir;
  llvm::raw_string_ostream os(ir);
  printModule(b, os);
  EXPECT_NE(ir.find("func @ck("), std::string::npos) << ir;
  EXPECT_NE(ir.find(") -> f64[4] checkpoint"), std::string::npos) << ir;
  EXPECT_NE(ir.find("callee = @ck.vjp_0_1"), std::string::npos) << ir;
  CheckOptions o;
  o.lo = -0.8;
  o.hi = 0.8;
  checkGradients(callsCell(true), "f", {0, 1}, o);
  checkGradients(callsCell(true), "g", {0, 1}, o);
}

TEST(Checkpoint, LoopInsideCheckpointedFunction) {
  // checkpoint(body) where body has a budgeted loop, called in a loop.
  std::string body = R"(
func @body(%h: f64[3], %w: f64) -> f64[3] {
  %lb = constant {value = 0} : i64
  %ub = constant {value = 16} : i64
  %r = for %lb, %ub, %h : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
    %m = mul %a, %wb : f64[3]
    %s = sin %m : f64[3]
    yield %s
  }
  return %r
}
func @ck = checkpoint @body
func @f(%x: f64[3], %w: f64) -> f64 {
  %lb = constant {value = 0} : i64
  %ub = constant {value = 10} : i64
  %r = for %lb, %ub, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %y = call %a, %w {callee = @CALLEE} : f64[3]
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0, 1]
)";
  auto with = [&](const char *callee) {
    std::string t = body;
    t.replace(t.find("CALLEE"), 6, callee);
    return t;
  };
  std::mt19937 rng(2);
  std::vector<RuntimeValue> args{
      randomValue(rng, Type::tensor(DType::F64, {3}), 0.2, 0.9),
      RuntimeValue::scalar<double>(DType::F64, 1.3)};
  Differentiated plain = differentiate(with("body"), -1);
  ASSERT_TRUE(plain.parsed.module) << plain.parsed.errors;
  Measured ref = runMeasured(*plain.parsed.module, "g", args);
  for (int64_t budget : {int64_t(-1), int64_t(100)}) {
    SCOPED_TRACE(budget);
    Differentiated d = differentiate(with("ck"), budget);
    ASSERT_TRUE(d.parsed.module) << d.parsed.errors;
    Measured m = runMeasured(*d.parsed.module, "g", args);
    expectBitIdentical(m.out, ref.out);
    EXPECT_LT(m.peak, ref.peak);
    CheckOptions o;
    o.autodiff.loopMemory = budget;
    o.inputs = args;
    checkGradients(with("ck"), "f", {0, 1}, o);
  }
}

/// Differentiates `text` without and with `budget` and compares `fn` to
/// relative `tol`.
void compareClose(const std::string &text, const std::string &fn,
                  int64_t budget, double tol) {
  Differentiated plain = differentiate(text, -1);
  Differentiated ck = differentiate(text, budget);
  ASSERT_TRUE(plain.parsed.module) << plain.parsed.errors;
  ASSERT_TRUE(ck.parsed.module) << ck.parsed.errors;
  std::vector<RuntimeValue> args =
      randomArgs(*plain.parsed.module, fn, 3, -0.8, 0.8);
  expectClose(flattenAll(run(*ck.parsed.module, fn, args)),
              flattenAll(run(*plain.parsed.module, fn, args)), tol, fn);
}

TEST(LoopCheckpoint, SecondOrderMatchesUnchecked) {
  // The derivative's loops carry tapes and are not checkpointed again;
  // the first-order loop is, inside grad(grad) and jvp(grad). Forward over
  // reverse runs the same sums; reverse over reverse adds the segments'
  // contributions in another order, so it agrees to rounding.
  std::string text = rnn(25) + "func @gg = grad @h wrt [0]\n"
                               "func @h(%x: f64[4], %w: f64[4,4]) -> f64 {\n"
                               "  %d:2 = call %x, %w {callee = @g} : "
                               "f64[4], f64[4,4]\n"
                               "  %s = reduce_sum %d#0 {axes = [0]} : f64\n"
                               "  return %s\n}\n"
                               "func @hv = jvp @g wrt [0, 1]\n";
  compareBudget(text, "hv", 200);
  compareBudget(text, "hv", 1);
  compareClose(text, "gg", 200, 1e-13);
  compareClose(text, "gg", 1, 1e-13);
}

TEST(LoopCheckpoint, BinomialScheduleIsBitIdenticalAndFitsTheBudget) {
  // A budget of one iteration's tape plus s snapshots leaves no room for
  // segments of two iterations (an iteration stores more than a snapshot):
  // the multi-level plan is over budget, the binomial schedule is taken.
  // value_and_grad: the primal sweep is live (for grad alone, without
  // the sweep's snapshots, it is dead code and the loop runs once less).
  std::string text = rnn(200);
  text.replace(text.find("= grad @f"), 9, "= value_and_grad @f");
  Differentiated probe = differentiate(text, INT64_MAX / 2);
  ASSERT_EQ(probe.reports.size(), 1u);
  const LoopCheckpointReport &p = probe.reports[0];
  ASSERT_GT(p.snapshotBytes, 0);
  for (int64_t slots : {1, 2, 3, 5, 9}) {
    SCOPED_TRACE(slots);
    int64_t budget = p.iterationBytes + slots * p.snapshotBytes;
    Compared c = compareBudget(text, "g", budget);
    ASSERT_EQ(c.reports.size(), 1u);
    const LoopCheckpointReport &r = c.reports[0];
    EXPECT_TRUE(r.segments.empty());
    EXPECT_GT(r.binomialSlots, 0);
    EXPECT_LE(r.snapshots, slots);
    EXPECT_LE(r.peakBytes, budget);
    EXPECT_LE(c.checkedPeak, r.peakBytes); // measured, as promised
    EXPECT_LT(c.checkedPeak * 10, c.uncheckedPeak);
    // The recomputation the report gives is what runs: the step's tanh
    // runs once per forward iteration (the pullback reads it from the
    // tape).
    Differentiated ck = differentiate(text, budget);
    ASSERT_TRUE(ck.parsed.module) << ck.parsed.errors;
    std::vector<RuntimeValue> args =
        randomArgs(*ck.parsed.module, "g", 3, -0.8, 0.8);
    int64_t tanhs =
        opCounts(*ck.parsed.module, "g", args)[size_t(Opcode::Tanh)];
    EXPECT_EQ(double(tanhs), r.recompute * 200.0);
    // At least the optimum of Griewank's bound for its snapshots: 200
    // steps (sweep) + 200 taped steps + the advances of a schedule with
    // r.binomialSlots snapshots, less what the sweep did.
    EXPECT_GE(tanhs, 400 + binomialMinAdvances(200, r.binomialSlots) - 200);
  }
  // With one snapshot: every iteration is recomputed from the start.
  Compared one = compareBudget(text, "g", p.iterationBytes + p.snapshotBytes);
  ASSERT_EQ(one.reports.size(), 1u);
  EXPECT_EQ(one.reports[0].binomialSlots, 1);
  EXPECT_NEAR(one.reports[0].recompute, 2.0 + 199.0 * 200.0 / 2.0 / 200.0,
              1e-9);
}

TEST(LoopCheckpoint, BinomialFiniteDifferencesAndHigherOrder) {
  std::string base = rnn(30);
  Differentiated probe = differentiate(base, INT64_MAX / 2);
  ASSERT_EQ(probe.reports.size(), 1u);
  int64_t budget =
      probe.reports[0].iterationBytes + 3 * probe.reports[0].snapshotBytes;
  CheckOptions o;
  o.autodiff.loopMemory = budget;
  o.lo = -0.8;
  o.hi = 0.8;
  checkGradients(base, "f", {0, 1}, o);
  std::string text = base + "func @gg = grad @h wrt [0]\n"
                            "func @h(%x: f64[4], %w: f64[4,4]) -> f64 {\n"
                            "  %d:2 = call %x, %w {callee = @g} : "
                            "f64[4], f64[4,4]\n"
                            "  %s = reduce_sum %d#0 {axes = [0]} : f64\n"
                            "  return %s\n}\n"
                            "func @hv = jvp @g wrt [0, 1]\n";
  Compared c = compareBudget(text, "hv", budget);
  ASSERT_FALSE(c.reports.empty());
  EXPECT_GT(c.reports[0].binomialSlots, 0);
  compareClose(text, "gg", budget, 1e-13);
  compareBudget(text, "g", budget);
  // Nested: the inner loop binomial, the outer one too or in segments.
  for (int64_t b : {int64_t(200), int64_t(420)}) {
    SCOPED_TRACE(b);
    Compared n = compareBudget(kNested, "g", b);
    ASSERT_EQ(n.reports.size(), 2u);
    EXPECT_LT(n.checkedPeak, n.uncheckedPeak);
    CheckOptions no;
    no.autodiff.loopMemory = b;
    no.lo = -0.8;
    no.hi = 0.8;
    checkGradients(kNested, "f", {0, 1}, no);
  }
}

/// A `while` whose trip count depends on the data: a sin step until the
/// counter reaches %n or the state's sum exceeds %cap.
const char *kWhile = R"(
func @f(%x: f64[3], %w: f64, %n: i64, %cap: f64) -> f64 {
  %zero = constant {value = 0} : i64
  %r:2 = while %x, %zero : f64[3], i64 {
  ^(%a: f64[3], %i: i64):
    %lt = lt %i, %n : bool
    %s = reduce_sum %a {axes = [0]} : f64
    %ok = lt %s, %cap : bool
    %go = and %lt, %ok : bool
    yield %go
  } {
  ^(%a2: f64[3], %i2: i64):
    %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
    %m = mul %a2, %wb : f64[3]
    %sn = sin %m : f64[3]
    %h = constant {value = 0.5} : f64[3]
    %q = mul %a2, %h : f64[3]
    %y = add %sn, %q : f64[3]
    %one = constant {value = 1} : i64
    %i3 = add %i2, %one : i64
    yield %y, %i3
  }
  %t = reduce_sum %r#0 {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0, 1]
func @vg = value_and_grad @f wrt [0, 1]
)";

TEST(LoopCheckpoint, WhileLoopsTakeSnapshotsFurtherApartAsTheyRun) {
  std::mt19937 rng(7);
  RuntimeValue x = randomValue(rng, Type::tensor(DType::F64, {3}), 0.1, 0.5);
  auto args = [&](int64_t n, double cap) {
    return std::vector<RuntimeValue>{
        x, RuntimeValue::scalar<double>(DType::F64, 0.9),
        RuntimeValue::scalar<int64_t>(DType::I64, n),
        RuntimeValue::scalar<double>(DType::F64, cap)};
  };
  for (int64_t n : {0, 1, 2, 7, 50, 400}) {
    for (const char *fn : {"g", "vg"}) {
      SCOPED_TRACE(fmt::format("{} n {}", fn, n));
      Compared c = compareBudget(kWhile, fn, 1, args(n, 100.0));
      ASSERT_EQ(c.reports.size(), 2u); // g's and vg's
      for (const LoopCheckpointReport &r : c.reports) {
        EXPECT_TRUE(r.dynamicSegments);
        EXPECT_EQ(r.trips, -1);
        EXPECT_EQ(r.recompute, 2.0);
        // (a, i) and the snapshot's index: 24 + 8 + 8 bytes.
        EXPECT_EQ(r.snapshotBytes, 40);
      }
      if (n >= 50) {
        // sqrt(2 n i / s) snapshots and segments of at most sqrt(2 n s /
        // i) iterations of i bytes: 2 sqrt(2) sqrt(n s i), plus rounding.
        double s = 40.0, i = double(c.reports[0].iterationBytes);
        EXPECT_EQ(i, 72.0); // three f64[3] for the pullbacks of mul and sin
        EXPECT_LT(c.checkedPeak * 3, c.uncheckedPeak);
        EXPECT_LE(double(c.checkedPeak),
                  2.0 * std::sqrt(2.0 * double(n) * s * i) + 2.0 * (s + i));
      }
    }
  }
  // Stopped by the data, not the counter (bit-identical, compared inside).
  Compared early = compareBudget(kWhile, "g", 1, args(1000, 1.2));
  EXPECT_EQ(early.reports.size(), 2u);
  // Without a budget: not reported, stored as before.
  EXPECT_TRUE(differentiate(kWhile, -1).reports.empty());
  // Second order: jvp(grad) runs the same sums; grad(grad) adds the
  // segments' contributions in another order (agrees to rounding).
  std::string second = std::string(kWhile) + R"(
func @hv = jvp @g wrt [0, 1]
func @gg = grad @h wrt [0]
func @h(%x: f64[3], %w: f64, %n: i64, %cap: f64) -> f64 {
  %d:2 = call %x, %w, %n, %cap {callee = @g} : f64[3], f64
  %s = reduce_sum %d#0 {axes = [0]} : f64
  %t = add %s, %d#1 : f64
  return %t
}
)";
  std::vector<RuntimeValue> hvArgs = args(40, 100.0);
  hvArgs.push_back(randomValue(rng, Type::tensor(DType::F64, {3})));
  hvArgs.push_back(RuntimeValue::scalar<double>(DType::F64, 0.3));
  compareBudget(second, "hv", 1, hvArgs);
  Differentiated plain = differentiate(second, -1);
  Differentiated ck = differentiate(second, 1);
  ASSERT_TRUE(plain.parsed.module && ck.parsed.module);
  expectClose(flattenAll(run(*ck.parsed.module, "gg", args(40, 100.0))),
              flattenAll(run(*plain.parsed.module, "gg", args(40, 100.0))),
              1e-13, "gg");
  for (int64_t n : {0, 3, 30, 1000}) {
    SCOPED_TRACE(n);
    CheckOptions o;
    o.autodiff.loopMemory = 1;
    o.inputs = args(n, n == 1000 ? 1.2 : 100.0);
    checkGradients(kWhile, "f", {0, 1}, o);
  }
}

} // namespace
