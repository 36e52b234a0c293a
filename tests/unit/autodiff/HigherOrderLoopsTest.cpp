//===- HigherOrderLoopsTest.cpp - second derivatives through loops --------===//
//
// The gradient of a function with loops has tapes; these tests differentiate
// it again. checkGradients on `g = grad f` checks vjp(g) (reverse over
// reverse) and jvp(g) (forward over reverse) against central differences of
// g, and the two against each other (the dot-product identity: both are
// Hessian-vector products). grad(grad f) is checked against analytic second
// derivatives. Nested loops are also checked for work: the inner loop's
// primal ops run once per outer iteration, in the forward pass only.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/CostModel.h"
#include "basic/Diagnostic.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include <fmt/format.h>

#include <cmath>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

/// `text` defines @f; checks the first derivatives of @f and the
/// derivatives of `grad @f wrt [wrt]` (second order).
void checkHessian(const std::string &text, std::vector<int64_t> wrt,
                  CheckOptions opts) {
  checkGradients(text, "f", wrt, opts);
  std::string w;
  for (size_t i = 0; i < wrt.size(); ++i)
    w += (i ? ", " : "") + std::to_string(wrt[i]);
  checkGradients(text + "\nfunc @g = grad @f wrt [" + w + "]\n", "g", wrt,
                 opts);
}

RuntimeValue f64(double x) {
  return RuntimeValue::scalar<double>(DType::F64, x);
}
RuntimeValue i64(int64_t x) {
  return RuntimeValue::scalar<int64_t>(DType::I64, x);
}

/// a <- sin(a * w) + a * a / 2, n times (dynamic trip count); sum.
const char *kDynamicFor = R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
    %m = mul %a, %wb : f64[3]
    %s = sin %m : f64[3]
    %aa = mul %a, %a : f64[3]
    %h = constant {value = 0.5} : f64[3]
    %q = mul %aa, %h : f64[3]
    %y = add %s, %q : f64[3]
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})";

TEST(HigherOrderLoops, ForDynamicTripCount) {
  std::mt19937 rng(21);
  for (int64_t n : {0, 1, 3}) {
    SCOPED_TRACE(n);
    CheckOptions o;
    o.inputs = {randomValue(rng, Type::tensor(DType::F64, {3}), -0.5, 0.5),
                f64(0.7), i64(n)};
    checkHessian(kDynamicFor, {0, 1}, o);
  }
}

TEST(HigherOrderLoops, ForStaticTripCountUsesIndex) {
  CheckOptions o;
  o.lo = -0.6;
  o.hi = 0.6;
  checkHessian(R"(
func @f(%x: f64[2], %c: f64) -> f64 {
  %lb = constant {value = 2} : i64
  %ub = constant {value = 5} : i64
  %r:2 = for %lb, %ub, %x, %c : f64[2], f64 {
  ^(%i: i64, %acc: f64[2], %d: f64):
    %fi = cast %i {dtype = f64} : f64
    %fb = broadcast %fi {dims = [], shape = [2]} : f64[2]
    %db = broadcast %d {dims = [], shape = [2]} : f64[2]
    %m = mul %acc, %db : f64[2]
    %s = sin %m : f64[2]
    %n = add %s, %fb : f64[2]
    %d2 = mul %d, %d : f64
    %e = mul %d2, %fi : f64
    yield %n, %e
  }
  %t = reduce_sum %r#0 {axes = [0]} : f64
  %y = add %t, %r#1 : f64
  return %y
})",
               {0, 1}, o);
}

TEST(HigherOrderLoops, WhileDataDependentExit) {
  CheckOptions o;
  o.lo = 0.3;
  o.hi = 0.6;
  o.seed = 11;
  checkHessian(R"(
func @f(%x: f64[3], %t: f64) -> f64 {
  %r = while %x : f64[3] {
  ^(%a: f64[3]):
    %s = reduce_sum %a {axes = [0]} : f64
    %c = lt %s, %t : bool
    yield %c
  } {
  ^(%b: f64[3]):
    %k = constant {value = 1.5} : f64[3]
    %m = mul %b, %k : f64[3]
    %q = sin %b : f64[3]
    %p = mul %q, %b : f64[3]
    %y = add %m, %p : f64[3]
    yield %y
  }
  %sr = reduce_sum %r {axes = [0]} : f64
  %tt = broadcast %t {dims = [], shape = [3]} : f64[3]
  %v = mul %r, %tt : f64[3]
  %u = reduce_sum %v {axes = [0]} : f64
  %z = add %sr, %u : f64
  return %z
})",
               {0, 1}, o);
}

/// Outer loop over a, inner loop (trip count %m) over b capturing a and w;
/// an `if` on the outer index picks how the inner result is combined.
const char *kNested = R"(
func @f(%x: f64[2], %w: f64[2], %n: i64, %m: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %one = constant {value = 1} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %inner = for %zero, %m, %a : f64[2] {
    ^(%j: i64, %b: f64[2]):
      %p = mul %b, %w : f64[2]
      %c = cos %p : f64[2]
      %q = mul %c, %a : f64[2]
      yield %q
    }
    %odd = eq %i, %one : bool
    %y = if %odd : f64[2] {
      %e = mul %inner, %a : f64[2]
      yield %e
    } {
      %s = add %inner, %w : f64[2]
      %s2 = tanh %s : f64[2]
      yield %s2
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})";

TEST(HigherOrderLoops, NestedForsWithIf) {
  std::mt19937 rng(23);
  Type t = Type::tensor(DType::F64, {2});
  for (auto [n, m] : {std::pair<int64_t, int64_t>{3, 2}, {1, 0}, {2, 3}}) {
    SCOPED_TRACE(n * 10 + m);
    CheckOptions o;
    o.inputs = {randomValue(rng, t), randomValue(rng, t), i64(n), i64(m)};
    checkHessian(kNested, {0, 1}, o);
  }
}

TEST(HigherOrderLoops, WhileInsideStaticFor) {
  CheckOptions o;
  o.lo = 0.2;
  o.hi = 0.5;
  o.seed = 5;
  checkHessian(R"(
func @f(%x: f64[2], %t: f64) -> f64 {
  %zero = constant {value = 0} : i64
  %three = constant {value = 3} : i64
  %r = for %zero, %three, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %w = while %a : f64[2] {
    ^(%c: f64[2]):
      %s = reduce_sum %c {axes = [0]} : f64
      %k = lt %s, %t : bool
      yield %k
    } {
    ^(%b: f64[2]):
      %two = constant {value = 1.7} : f64[2]
      %sq = mul %b, %b : f64[2]
      %m = mul %b, %two : f64[2]
      %y = add %m, %sq : f64[2]
      yield %y
    }
    %h = constant {value = 0.25} : f64[2]
    %d = mul %w, %h : f64[2]
    %e = sin %d : f64[2]
    yield %e
  }
  %sr = reduce_sum %r {axes = [0]} : f64
  %tt = mul %sr, %t : f64
  return %tt
})",
               {0, 1}, o);
}

TEST(HigherOrderLoops, ThreeNestedLoops) {
  std::mt19937 rng(3);
  CheckOptions o;
  o.inputs = {randomValue(rng, Type::tensor(DType::F64, {2}), -0.5, 0.5),
              i64(2)};
  checkHessian(R"(
func @f(%x: f64[2], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %mid = for %zero, %two, %a : f64[2] {
    ^(%j: i64, %b: f64[2]):
      %in = for %zero, %n, %b : f64[2] {
      ^(%k: i64, %c: f64[2]):
        %s = sin %c : f64[2]
        %p = mul %s, %a : f64[2]
        %y = add %p, %c : f64[2]
        yield %y
      }
      %th = tanh %in : f64[2]
      yield %th
    }
    yield %mid
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})",
               {0}, o);
}

TEST(HigherOrderLoops, LoopCallingAFunction) {
  std::mt19937 rng(7);
  CheckOptions o;
  o.inputs = {randomValue(rng, Type::tensor(DType::F64, {3})), f64(0.4),
              i64(3)};
  checkHessian(R"(
func @cell(%a: f64[3], %w: f64) -> f64[3] {
  %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
  %m = mul %a, %wb : f64[3]
  %t = tanh %m : f64[3]
  %e = exp %t : f64[3]
  return %e
}
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %y = call %a, %w {callee = @cell} : f64[3]
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})",
               {0, 1}, o);
}

TEST(HigherOrderLoops, VjpOfValueAndGrad) {
  std::mt19937 rng(9);
  CheckOptions o;
  o.inputs = {randomValue(rng, Type::tensor(DType::F64, {3}), -0.5, 0.5),
              f64(0.9), i64(2)};
  checkGradients(std::string(kDynamicFor) +
                     "\nfunc @vg = value_and_grad @f wrt [0, 1]\n",
                 "vg", {0, 1}, o);
}

TEST(HigherOrderLoops, GradOfGradMatchesAnalytic) {
  // f(x) = x^(2^n) by n squarings; f'' = 2^n (2^n - 1) x^(2^n - 2).
  // Also an outer loop around it (n2 times): f = x^(2^(n n2)).
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64, %n: i64, %n2: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n2, %x : f64 {
  ^(%j: i64, %b: f64):
    %s = for %zero, %n, %b : f64 {
    ^(%i: i64, %a: f64):
      %q = mul %a, %a : f64
      yield %q
    }
    yield %s
  }
  return %r
}
func @df = grad @f wrt [0]
func @ddf = grad @df wrt [0]
func @hv = jvp @df wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  for (auto [n, n2] : {std::pair<int64_t, int64_t>{2, 1}, {1, 2}, {1, 3}}) {
    for (double x : {-0.9, 0.6, 1.1}) {
      double k = std::pow(2.0, double(n * n2));
      double want = k * (k - 1) * std::pow(x, k - 2);
      double got =
          run(*p.module, "ddf", {f64(x), i64(n), i64(n2)})[0].getAsDouble(0);
      EXPECT_NEAR(got, want, 1e-10 * std::max(1.0, std::fabs(want)))
          << x << " " << n << " " << n2;
      auto hv = run(*p.module, "hv", {f64(x), i64(n), i64(n2), f64(1.0)});
      ASSERT_EQ(hv.size(), 2u);
      EXPECT_NEAR(hv[1].getAsDouble(0), want,
                  1e-10 * std::max(1.0, std::fabs(want)));
    }
  }
}

TEST(HigherOrderLoops, LoopInsideIfInsideLoop) {
  // The inner loop sits in a branch: its tape is threaded through the `if`
  // and carried by the outer loop (LoopsInIfTest.cpp counts the work);
  // first and second order must be exact.
  const char *text = R"(
func @f(%x: f64[2], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %s = reduce_sum %a {axes = [0]} : f64
    %pos = gt %s, %w : bool
    %y = if %pos : f64[2] {
      %in = for %zero, %two, %a : f64[2] {
      ^(%j: i64, %b: f64[2]):
        %wb = broadcast %w {dims = [], shape = [2]} : f64[2]
        %p = mul %b, %wb : f64[2]
        %c = sin %p : f64[2]
        yield %c
      }
      yield %in
    } {
      %e = tanh %a : f64[2]
      %e2 = mul %e, %a : f64[2]
      yield %e2
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})";
  std::mt19937 rng(13);
  for (int64_t n : {1, 3}) {
    SCOPED_TRACE(n);
    CheckOptions o;
    o.inputs = {randomValue(rng, Type::tensor(DType::F64, {2})), f64(0.1),
                i64(n)};
    checkHessian(text, {0, 1}, o);
  }
}

TEST(HigherOrderLoops, ForInsideWhile) {
  CheckOptions o;
  o.lo = 0.2;
  o.hi = 0.4;
  o.seed = 17;
  checkHessian(R"(
func @f(%x: f64[2], %w: f64) -> f64 {
  %zero = constant {value = 0} : i64
  %three = constant {value = 3} : i64
  %r = while %x : f64[2] {
  ^(%a: f64[2]):
    %s = reduce_sum %a {axes = [0]} : f64
    %lim = constant {value = 6.0} : f64
    %k = lt %s, %lim : bool
    yield %k
  } {
  ^(%b: f64[2]):
    %in = for %zero, %three, %b : f64[2] {
    ^(%j: i64, %c: f64[2]):
      %wb = broadcast %w {dims = [], shape = [2]} : f64[2]
      %p = mul %c, %wb : f64[2]
      %q = sin %p : f64[2]
      %y = add %c, %q : f64[2]
      yield %y
    }
    %half = constant {value = 0.5} : f64[2]
    %z = add %in, %half : f64[2]
    yield %z
  }
  %t = reduce_sum %r {axes = [0]} : f64
  %tw = mul %t, %w : f64
  return %tw
})",
               {0, 1}, o);
}

TEST(HigherOrderLoops, ThirdDerivativeThroughNestedLoops) {
  // f(x) = x^k, k = 2^(n n2), again; f''' = k (k-1) (k-2) x^(k-3).
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64, %n: i64, %n2: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n2, %x : f64 {
  ^(%j: i64, %b: f64):
    %s = for %zero, %n, %b : f64 {
    ^(%i: i64, %a: f64):
      %q = mul %a, %a : f64
      yield %q
    }
    yield %s
  }
  return %r
}
func @df = grad @f wrt [0]
func @ddf = grad @df wrt [0]
func @dddf = grad @ddf wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  for (auto [n, n2] : {std::pair<int64_t, int64_t>{2, 1}, {1, 2}, {2, 2}}) {
    for (double x : {-0.9, 0.7}) {
      double k = std::pow(2.0, double(n * n2));
      double want = k * (k - 1) * (k - 2) * std::pow(x, k - 3);
      double got =
          run(*p.module, "dddf", {f64(x), i64(n), i64(n2)})[0].getAsDouble(0);
      EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::fabs(want)))
          << x << " " << n << " " << n2;
    }
  }
}

TEST(HigherOrderLoops, ReverseAndForwardHessianVectorProductsAgree) {
  // H is symmetric, so vjp(grad f)(x, v) = H v = jvp(grad f)(x, v) element
  // by element (stronger than the dot-product identity), and for a scalar
  // parameter grad(grad f) is the same number.
  Parsed p = parseAndDifferentiate(std::string(kNested) + R"(
func @g = grad @f wrt [0]
func @hr = vjp @g wrt [0]
func @hf = jvp @g wrt [0]
func @f1(%x: f64, %w: f64[2], %n: i64, %m: i64) -> f64 {
  %xb = broadcast %x {dims = [], shape = [2]} : f64[2]
  %y = call %xb, %w, %n, %m {callee = @f} : f64
  return %y
}
func @g1 = grad @f1 wrt [0]
func @gg1 = grad @g1 wrt [0]
func @hf1 = jvp @g1 wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(31);
  Type t = Type::tensor(DType::F64, {2});
  for (auto [n, m] : {std::pair<int64_t, int64_t>{3, 2}, {2, 4}}) {
    RuntimeValue x = randomValue(rng, t), w = randomValue(rng, t),
                 v = randomValue(rng, t);
    auto hr = run(*p.module, "hr", {x, w, i64(n), i64(m), v});
    auto hf = run(*p.module, "hf", {x, w, i64(n), i64(m), v});
    ASSERT_EQ(hr.size(), 1u);
    ASSERT_EQ(hf.size(), 2u);
    expectClose(flatten(hr[0]), flatten(hf[1]), 1e-10,
                "vjp(grad) vs jvp(grad)");
    RuntimeValue x1 = f64(0.3);
    double gg =
        run(*p.module, "gg1", {x1, w, i64(n), i64(m)})[0].getAsDouble(0);
    auto hf1 = run(*p.module, "hf1", {x1, w, i64(n), i64(m), f64(1.0)});
    ASSERT_EQ(hf1.size(), 2u);
    expectClose({gg}, {hf1[1].getAsDouble(0)}, 1e-10,
                "grad(grad) vs jvp(grad)");
  }
}

TEST(HigherOrderLoops, LoopInsideIfAndWhileInsideWhile) {
  CheckOptions o;
  o.lo = 0.2;
  o.hi = 0.4;
  o.seed = 19;
  checkHessian(R"(
func @f(%x: f64[2], %w: f64) -> f64 {
  %s0 = reduce_sum %x {axes = [0]} : f64
  %big = gt %s0, %w : bool
  %y = if %big : f64[2] {
    %r = while %x : f64[2] {
    ^(%a: f64[2]):
      %s = reduce_sum %a {axes = [0]} : f64
      %lim = constant {value = 5.0} : f64
      %k = lt %s, %lim : bool
      yield %k
    } {
    ^(%b: f64[2]):
      %in = while %b : f64[2] {
      ^(%c: f64[2]):
        %sc = reduce_sum %c {axes = [0]} : f64
        %sb = reduce_sum %b {axes = [0]} : f64
        %two = constant {value = 2.0} : f64
        %lim2 = mul %sb, %two : f64
        %k2 = lt %sc, %lim2 : bool
        yield %k2
      } {
      ^(%d: f64[2]):
        %wb = broadcast %w {dims = [], shape = [2]} : f64[2]
        %p = mul %d, %wb : f64[2]
        %q = sin %p : f64[2]
        %e = add %d, %q : f64[2]
        %f = add %e, %d : f64[2]
        yield %f
      }
      yield %in
    }
    yield %r
  } {
    %t = tanh %x : f64[2]
    yield %t
  }
  %sum = reduce_sum %y {axes = [0]} : f64
  %sw = mul %sum, %w : f64
  return %sw
})",
               {0, 1}, o);
}

TEST(HigherOrderLoops, TupleCarriedAndCalleeWithLoop) {
  // A tuple carried through the loop (with an integer leaf), and a callee
  // that itself has a loop, called from the loop body.
  std::mt19937 rng(41);
  CheckOptions o;
  o.inputs = {randomValue(rng, Type::tensor(DType::F64, {2}), -0.5, 0.5),
              f64(0.6), i64(3)};
  checkHessian(R"(
func @pow4(%a: f64[2], %n: i64) -> f64[2] {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %two, %a : f64[2] {
  ^(%i: i64, %b: f64[2]):
    %s = mul %b, %b : f64[2]
    %h = constant {value = 0.5} : f64[2]
    %t = mul %s, %h : f64[2]
    %u = add %t, %b : f64[2]
    yield %u
  }
  return %r
}
func @f(%x: f64[2], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %k0 = constant {value = 0} : i64
  %p0 = tuple %x, %k0, %w : (f64[2], i64, f64)
  %r = for %zero, %n, %p0 : (f64[2], i64, f64) {
  ^(%i: i64, %p: (f64[2], i64, f64)):
    %a = get %p {index = 0} : f64[2]
    %k = get %p {index = 1} : i64
    %c = get %p {index = 2} : f64
    %q = call %a, %n {callee = @pow4} : f64[2]
    %cb = broadcast %c {dims = [], shape = [2]} : f64[2]
    %m = mul %q, %cb : f64[2]
    %sn = sin %m : f64[2]
    %one = constant {value = 1} : i64
    %k2 = add %k, %one : i64
    %c2 = mul %c, %c : f64
    %p2 = tuple %sn, %k2, %c2 : (f64[2], i64, f64)
    yield %p2
  }
  %ra = get %r {index = 0} : f64[2]
  %rc = get %r {index = 2} : f64
  %s = reduce_sum %ra {axes = [0]} : f64
  %y = add %s, %rc : f64
  return %y
})",
               {0, 1}, o);
}

/// How often each op runs in `fn`.
std::vector<int64_t> opCounts(const Module &m, const std::string &fn,
                              const std::vector<RuntimeValue> &args) {
  std::vector<int64_t> counts;
  InterpreterOptions o;
  o.opCounts = &counts;
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = interpret(m, fn, args, os, o);
  if (!r)
    ADD_FAILURE() << formatRuntimeError(r.takeError(), nullptr);
  counts.resize(size_t(Opcode::NumOpcodes));
  return counts;
}

TEST(HigherOrderLoops, InnerLoopPrimalRunsOnce) {
  // The inner body's `cos` is primal work only (its pullback uses sin):
  // the gradient must run it exactly as often as f does (n * m times), not
  // again in the outer reverse loop; the same holds for a `while` inside.
  Parsed p = parseAndDifferentiate(std::string(kNested) + R"(
func @g = grad @f wrt [0, 1]
func @fw(%x: f64[2], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %w = while %a : f64[2] {
    ^(%c: f64[2]):
      %s = reduce_sum %c {axes = [0]} : f64
      %lim = constant {value = 12.0} : f64
      %k = lt %s, %lim : bool
      yield %k
    } {
    ^(%b: f64[2]):
      %e = cos %b : f64[2]
      %two = constant {value = 2.0} : f64[2]
      %y = add %b, %two : f64[2]
      %z = add %y, %e : f64[2]
      yield %z
    }
    %h = constant {value = 0.1} : f64[2]
    %d = mul %w, %h : f64[2]
    yield %d
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @gw = grad @fw wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(2);
  Type t = Type::tensor(DType::F64, {2});
  std::vector<RuntimeValue> args = {randomValue(rng, t), randomValue(rng, t),
                                    i64(4), i64(3)};
  size_t cos = size_t(Opcode::Cos);
  int64_t primal = opCounts(*p.module, "f", args)[cos];
  EXPECT_EQ(primal, 4 * 3 * 1); // one cos on f64[2] per inner iteration
  EXPECT_EQ(opCounts(*p.module, "g", args)[cos], primal);

  std::vector<RuntimeValue> wargs = {randomValue(rng, t, 0.0, 0.5), i64(3)};
  int64_t wprimal = opCounts(*p.module, "fw", wargs)[cos];
  EXPECT_GT(wprimal, 3);
  EXPECT_EQ(opCounts(*p.module, "gw", wargs)[cos], wprimal);
}

/// A `for` (trip count %n) and a `while` inside an `if` branch (tanh in
/// the other). The loops' `cos` is primal work only (its pullback uses sin).
const char *kLoopsInIf = R"(
func @f(%x: f64[2], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %s = reduce_sum %x {axes = [0]} : f64
  %pos = gt %s, %w : bool
  %y = if %pos : f64[2] {
    %in = for %zero, %n, %x : f64[2] {
    ^(%j: i64, %b: f64[2]):
      %wb = broadcast %w {dims = [], shape = [2]} : f64[2]
      %p = mul %b, %wb : f64[2]
      %c = cos %p : f64[2]
      %h = constant {value = 0.5} : f64[2]
      %c2 = mul %c, %h : f64[2]
      %z = add %b, %c2 : f64[2]
      yield %z
    }
    %wl = while %in : f64[2] {
    ^(%a: f64[2]):
      %sa = reduce_sum %a {axes = [0]} : f64
      %lim = constant {value = 7.0} : f64
      %k = lt %sa, %lim : bool
      yield %k
    } {
    ^(%b2: f64[2]):
      %e = cos %b2 : f64[2]
      %two = constant {value = 2.0} : f64[2]
      %y2 = add %b2, %two : f64[2]
      %z2 = add %y2, %e : f64[2]
      yield %z2
    }
    yield %wl
  } {
    %e3 = tanh %x : f64[2]
    yield %e3
  }
  %t = reduce_sum %y {axes = [0]} : f64
  return %t
})";

TEST(HigherOrderLoops, LoopsInsideIf) {
  // Both branches (w below and above sum(x)); first and second order
  // (vjp and jvp of grad) against finite differences.
  std::mt19937 rng(5);
  for (double w : {-3.0, 3.0})
    for (int64_t n : {0, 2}) {
      SCOPED_TRACE(fmt::format("w={} n={}", w, n));
      CheckOptions o;
      o.inputs = {randomValue(rng, Type::tensor(DType::F64, {2}), 0.1, 0.4),
                  f64(w), i64(n)};
      checkHessian(kLoopsInIf, {0, 1}, o);
    }
}

TEST(HigherOrderLoops, LoopInsideIfInsideIf) {
  // The inner `if`'s reversal exports the loop's tape; the outer one then
  // exports the inner `if`'s extra result in turn (every path).
  const char *text = R"(
func @f(%x: f64[2], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %s = reduce_sum %x {axes = [0]} : f64
  %pos = gt %s, %w : bool
  %y = if %pos : f64[2] {
    %lim = constant {value = 0.0} : f64
    %big = gt %w, %lim : bool
    %in = if %big : f64[2] {
      %l = for %zero, %n, %x : f64[2] {
      ^(%j: i64, %b: f64[2]):
        %wb = broadcast %w {dims = [], shape = [2]} : f64[2]
        %p = mul %b, %wb : f64[2]
        %c = sin %p : f64[2]
        yield %c
      }
      yield %l
    } {
      %e = exp %x : f64[2]
      yield %e
    }
    yield %in
  } {
    %e3 = tanh %x : f64[2]
    yield %e3
  }
  %t = reduce_sum %y {axes = [0]} : f64
  return %t
})";
  std::mt19937 rng(8);
  for (double w : {-3.0, -0.01, 0.01, 3.0}) {
    SCOPED_TRACE(w);
    CheckOptions o;
    o.inputs = {randomValue(rng, Type::tensor(DType::F64, {2}), 0.1, 0.4),
                f64(w), i64(2)};
    checkHessian(text, {0, 1}, o);
  }
}

TEST(HigherOrderLoops, LoopInsideIfPrimalRunsOnce) {
  // The reverse branch reads the loops' tapes and the while's trip count
  // from extra results of the forward `if`: the gradient runs `cos` exactly
  // as often as f does; grad(grad) runs the primal's cos once more per sin
  // of the gradient (sin's pullback), not the loops again.
  Parsed p = parseAndDifferentiate(std::string(kLoopsInIf) + R"(
func @vg = value_and_grad @f wrt [0, 1]
func @gw = grad @f wrt [1]
func @gg = grad @gw wrt [0, 1]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(3);
  size_t cos = size_t(Opcode::Cos);
  for (double w : {-3.0, 3.0}) {
    SCOPED_TRACE(w);
    std::vector<RuntimeValue> args = {
        randomValue(rng, Type::tensor(DType::F64, {2}), 0.1, 0.4), f64(w),
        i64(3)};
    int64_t primal = opCounts(*p.module, "f", args)[cos];
    EXPECT_EQ(primal > 0, w < 0);
    // value_and_grad: the primal result is live, so the forward loops are.
    EXPECT_EQ(opCounts(*p.module, "vg", args)[cos], primal);
    int64_t first = opCounts(*p.module, "gw", args)[size_t(Opcode::Sin)];
    EXPECT_EQ(opCounts(*p.module, "gw", args)[cos], primal);
    // gg: gw's forward part once, plus the pullback of each sin of gw (cos).
    EXPECT_EQ(opCounts(*p.module, "gg", args)[cos], primal + first);
  }
}

/// Nested loops with constant trip counts (so static counts are exact):
/// (outer, inner) = (8, 6) for / for; for / while; three levels (4, 3, 3).
const char *kCostPrograms[][2] = {{"for_for", R"(
func @f(%x: f64[16], %w: f64[16]) -> f64 {
  %zero = constant {value = 0} : i64
  %n = constant {value = 8} : i64
  %m = constant {value = 6} : i64
  %r = for %zero, %n, %x : f64[16] {
  ^(%i: i64, %a: f64[16]):
    %in = for %zero, %m, %a : f64[16] {
    ^(%j: i64, %b: f64[16]):
      %p = mul %b, %w : f64[16]
      %c = tanh %p : f64[16]
      %q = add %c, %a : f64[16]
      yield %q
    }
    %e = sin %in : f64[16]
    yield %e
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
                                  {"for_while", R"(
func @f(%x: f64[16], %w: f64[16]) -> f64 {
  %zero = constant {value = 0} : i64
  %n = constant {value = 8} : i64
  %r = for %zero, %n, %x : f64[16] {
  ^(%i: i64, %a: f64[16]):
    %z:2 = while %a, %zero : f64[16], i64 {
    ^(%c: f64[16], %k: i64):
      %six = constant {value = 6} : i64
      %go = lt %k, %six : bool
      yield %go
    } {
    ^(%b: f64[16], %k2: i64):
      %p = mul %b, %w : f64[16]
      %c2 = tanh %p : f64[16]
      %q = add %c2, %a : f64[16]
      %one = constant {value = 1} : i64
      %k3 = add %k2, %one : i64
      yield %q, %k3
    }
    %e = sin %z#0 : f64[16]
    yield %e
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
                                  {"for_for_for", R"(
func @f(%x: f64[16], %w: f64[16]) -> f64 {
  %zero = constant {value = 0} : i64
  %n = constant {value = 4} : i64
  %m = constant {value = 3} : i64
  %r = for %zero, %n, %x : f64[16] {
  ^(%i: i64, %a: f64[16]):
    %mid = for %zero, %m, %a : f64[16] {
    ^(%j: i64, %b: f64[16]):
      %in = for %zero, %m, %b : f64[16] {
      ^(%k: i64, %c: f64[16]):
        %p = mul %c, %w : f64[16]
        %s = tanh %p : f64[16]
        %q = add %s, %a : f64[16]
        yield %q
      }
      %e = sin %in : f64[16]
      yield %e
    }
    yield %mid
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"}};

TEST(HigherOrderLoops, NestedLoopCostRatios) {
  // docs/performance.md, "Autodiff: nested loops". FLOPs are static
  // (CostModel), ops are counted by the interpreter as they run.
  std::string table;
  for (auto &[name, text] : kCostPrograms) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(std::string(text) +
                                     "\nfunc @g = grad @f wrt [0, 1]\n");
    ASSERT_TRUE(p.module) << p.errors;
    // Fold the reverse loops' trip counts (ub - lb) to constants; the one
    // dynamic count left (the inner while) runs 6 times.
    tdl::SourceManager sources;
    tdl::DiagnosticEngine diags(sources);
    ASSERT_TRUE(createCanonicalizePass()->run(*p.module, diags));
    ASSERT_TRUE(createDCEPass()->run(*p.module, diags));
    const Module &m = *p.module;
    tdl::ad::Cost primal = tdl::ad::countCost(m, *m.lookup("f"), 6);
    tdl::ad::Cost grad = tdl::ad::countCost(m, *m.lookup("g"), 6);
    std::mt19937 rng(1);
    Type t = Type::tensor(DType::F64, {16});
    std::vector<RuntimeValue> args = {randomValue(rng, t), randomValue(rng, t)};
    auto sum = [](const std::vector<int64_t> &c) {
      int64_t s = 0;
      for (int64_t x : c)
        s += x;
      return s;
    };
    int64_t pops = sum(opCounts(m, "f", args)),
            gops = sum(opCounts(m, "g", args));
    double reverse = double(grad.flops - primal.flops) / double(primal.flops);
    table += fmt::format("| {} | {} | {} | {} | {} | {:.2f} |\n", name, pops,
                         primal.flops, gops, grad.flops, reverse);
    EXPECT_LE(reverse, 3.0);
  }
  std::printf("%s", table.c_str());
}

/// @lp has a loop: reverse mode inlines it into the caller (its residuals
/// would be tapes) instead of keeping a vjp call that re-runs it. The loop's
/// `cos` is primal work only (its pullback uses sin).
const char *kLoopCallee = R"(
func @lp(%x: f64[3], %n: i64) -> f64[3] {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %b: f64[3]):
    %e = cos %b : f64[3]
    %h = constant {value = 0.5} : f64[3]
    %m = mul %e, %h : f64[3]
    %y = add %b, %m : f64[3]
    yield %y
  }
  return %r
}
func @f(%x: f64[3], %n: i64) -> f64 {
  %a = call %x, %n {callee = @lp} : f64[3]
  %b = call %a, %n {callee = @lp} : f64[3]
  %s = tanh %b : f64[3]
  %r = reduce_sum %s {axes = [0]} : f64
  return %r
}
)";

TEST(HigherOrderLoops, CalleeWithLoopFirstAndSecondOrder) {
  checkHessian(kLoopCallee, {0}, CheckOptions{});
}

TEST(HigherOrderLoops, CalleeWithLoopPrimalRunsOnce) {
  Parsed p = parseAndDifferentiate(std::string(kLoopCallee) +
                                   "func @vg = value_and_grad @f wrt [0]\n");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(5);
  std::vector<RuntimeValue> args = {
      randomValue(rng, Type::tensor(DType::F64, {3})), i64(4)};
  size_t cos = size_t(Opcode::Cos);
  int64_t primal = opCounts(*p.module, "f", args)[cos];
  EXPECT_EQ(primal, 2 * 4); // two calls, four iterations each
  EXPECT_EQ(opCounts(*p.module, "vg", args)[cos], primal);
  EXPECT_FALSE(p.module->lookup("lp.vjp_0")); // no recomputing vjp call
}

/// @gh = grad @h is called in f; h has a loop. Differentiating f fills gh
/// first and inlines it (its body has loops), so gh's forward loop runs once.
/// The loop's `exp` only appears as primal work: its pullback reuses the
/// result, and so does the pullback of that pullback.
const char *kDerivedLoopCallee = R"(
func @h(%x: f64[3], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %b: f64[3]):
    %sq = mul %b, %b : f64[3]
    %ng = neg %sq : f64[3]
    %e = exp %ng : f64[3]
    %h = constant {value = 0.5} : f64[3]
    %m = mul %e, %h : f64[3]
    %y = add %b, %m : f64[3]
    yield %y
  }
  %s = reduce_sum %r {axes = [0]} : f64
  return %s
}
func @gh = grad @h wrt [0]
func @f(%x: f64[3], %n: i64) -> f64 {
  %g = call %x, %n {callee = @gh} : f64[3]
  %t = tanh %g : f64[3]
  %r = reduce_sum %t {axes = [0]} : f64
  return %r
}
)";

TEST(HigherOrderLoops, DerivedCalleeWithLoop) {
  checkGradients(kDerivedLoopCallee, "f", {0});
  // vg comes first, so the pass differentiates f before it fills gh.
  Parsed p = parseAndDifferentiate("func @vg = value_and_grad @f wrt [0]\n" +
                                   std::string(kDerivedLoopCallee));
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(7);
  std::vector<RuntimeValue> args = {
      randomValue(rng, Type::tensor(DType::F64, {3})), i64(3)};
  size_t exp = size_t(Opcode::Exp);
  int64_t primal = opCounts(*p.module, "f", args)[exp];
  EXPECT_EQ(primal, 3);
  EXPECT_EQ(opCounts(*p.module, "vg", args)[exp], primal);
}

} // namespace
