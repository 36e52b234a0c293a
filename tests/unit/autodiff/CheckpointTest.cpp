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
    EXPECT_FALSE(c.reports[1].segments.empty());
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

} // namespace
