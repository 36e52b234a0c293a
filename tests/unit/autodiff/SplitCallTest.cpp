//===- SplitCallTest.cpp - reverse mode over calls without recomputation --===//
//
// Calls are reversed through split callees (g.fwd_W / g.bwd_W, see
// autodiff/SplitCallee.cpp). Gradients are checked against finite
// differences (and second derivatives against analytic ones); a structural
// test counts the callee's primal ops reachable from the derived function.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include <cmath>
#include <functional>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

// g(x, c) = sin(x * c) * x; h(x) = exp(x) * g(x, x).
const char *kCallees = R"(
func @g(%x: f64[3], %c: f64[3]) -> f64[3] {
  %m = mul %x, %c : f64[3]
  %s = sin %m : f64[3]
  %y = mul %s, %x : f64[3]
  return %y
}
func @h(%x: f64[3]) -> f64[3] {
  %e = exp %x : f64[3]
  %a = call %x, %x {callee = @g} : f64[3]
  %y = mul %e, %a : f64[3]
  return %y
}
)";

/// How often an op named `name` runs per call of `fn`, following calls
/// (static count: straight code, each region once).
int64_t countOps(const Module &m, const Function &fn, llvm::StringRef name) {
  int64_t n = 0;
  std::function<void(const Region &)> visit = [&](const Region &r) {
    for (auto &op : r.getOps()) {
      if (op->getName() == name)
        ++n;
      if (op->getOpcode() == Opcode::Call)
        visit(m.lookup(op->getAttrs().getSymbol("callee")->name)->getBody());
      for (unsigned i = 0; i < op->getNumRegions(); ++i)
        visit(op->getRegion(i));
    }
  };
  visit(fn.getBody());
  return n;
}

TEST(SplitCall, StraightCodeAndCalledTwice) {
  checkGradients(std::string(kCallees) + R"(
func @f(%x: f64[3], %c: f64[3]) -> f64[3] {
  %a = call %x, %c {callee = @g} : f64[3]
  %b = call %a, %x {callee = @g} : f64[3]
  %y = add %a, %b : f64[3]
  return %y
})",
                 "f", {0, 1});
}

TEST(SplitCall, NestedCalls) {
  checkGradients(std::string(kCallees) + R"(
func @f(%x: f64[3]) -> f64 {
  %a = call %x {callee = @h} : f64[3]
  %r = reduce_sum %a {axes = [0]} : f64
  return %r
})",
                 "f", {0});
}

TEST(SplitCall, CallInsideIf) {
  std::string text = std::string(kCallees) + R"(
func @f(%x: f64[3], %c: f64) -> f64[3] {
  %z = constant {value = 0.0} : f64
  %p = gt %c, %z : bool
  %cb = broadcast %c {dims = [], shape = [3]} : f64[3]
  %r = if %p : f64[3] {
    %a = call %x, %cb {callee = @g} : f64[3]
    %m = mul %a, %x : f64[3]
    yield %m
  } {
    %b = call %x {callee = @h} : f64[3]
    yield %b
  }
  return %r
})";
  CheckOptions o;
  o.lo = 0.1;
  checkGradients(text, "f", {0, 1}, o);
  o.lo = -1.0;
  o.hi = -0.1;
  checkGradients(text, "f", {0, 1}, o);
}

TEST(SplitCall, CallInsideForAndWhile) {
  CheckOptions o;
  o.inputs = {RuntimeValue::fromVector<double>(Type::tensor(DType::F64, {3}),
                                               {0.3, -0.5, 0.8}),
              RuntimeValue::fromVector<double>(Type::tensor(DType::F64, {3}),
                                               {0.9, 0.4, -0.7}),
              RuntimeValue::scalar<int64_t>(DType::I64, 3)};
  checkGradients(std::string(kCallees) + R"(
func @f(%x0: f64[3], %c: f64[3], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x0 : f64[3] {
  ^(%i: i64, %x: f64[3]):
    %a = call %x, %c {callee = @g} : f64[3]
    %t = tanh %a : f64[3]
    yield %t
  }
  %o = reduce_sum %r {axes = [0]} : f64
  return %o
})",
                 "f", {0, 1}, o);
  o.inputs.pop_back();
  checkGradients(std::string(kCallees) + R"(
func @f(%x0: f64[3], %c: f64[3]) -> f64 {
  %z = constant {value = 0} : i64
  %lim = constant {value = 4} : i64
  %r:2 = while %x0, %z : f64[3], i64 {
  ^(%xc: f64[3], %kc: i64):
    %go = lt %kc, %lim : bool
    yield %go
  } {
  ^(%x: f64[3], %k: i64):
    %a = call %x, %c {callee = @g} : f64[3]
    %t = tanh %a : f64[3]
    %one = constant {value = 1} : i64
    %k1 = add %k, %one : i64
    yield %t, %k1
  }
  %o = reduce_sum %r#0 {axes = [0]} : f64
  return %o
})",
                 "f", {0, 1}, o);
}

TEST(SplitCall, CalleePrimalRunsOnce) {
  // Without the split, grad(f) ran g's sin twice (the forward call and the
  // vjp's recomputation) and h's exp twice.
  Parsed p = parseAndDifferentiate(std::string(kCallees) + R"(
func @f(%x: f64[3]) -> f64 {
  %a = call %x {callee = @h} : f64[3]
  %r = reduce_sum %a {axes = [0]} : f64
  return %r
}
func @df = grad @f wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  const Module &m = *p.module;
  EXPECT_EQ(countOps(m, *m.lookup("f"), "sin"), 1);
  EXPECT_EQ(countOps(m, *m.lookup("df"), "sin"), 1);
  EXPECT_EQ(countOps(m, *m.lookup("df"), "exp"), 1);
  EXPECT_TRUE(m.lookup("h.fwd_0"));
  EXPECT_TRUE(m.lookup("h.bwd_0"));
  EXPECT_TRUE(m.lookup("g.fwd_0_1"));
  EXPECT_FALSE(m.lookup("h.vjp_0"));
  // Only residuals the pullback reads cross: g's pullback reads x and c
  // (passed by the caller, not returned), the sine's argument m (for cos m)
  // and the sine s; not the product y.
  const Function *gf = m.lookup("g.fwd_0_1");
  EXPECT_EQ(gf->getResultTypes().size(), 1u + 2u);
  EXPECT_EQ(m.lookup("g.bwd_0_1")->getArgTypes().size(), 4u + 1u);
}

TEST(SplitCall, HigherOrderOverCalls) {
  // f(x) = sum(h(x)) with h(x) = exp(x) sin(x^2) x elementwise.
  // f'' per element: let u = x^2; p = exp(x) x, q = sin(u):
  // f' = p' q + p q' 2x, f'' = p'' q + 2 p' cos(u) 2x
  //      + p (2 cos(u) - 4 x^2 sin(u)), with p' = exp(x)(x + 1),
  // p'' = exp(x)(x + 2).
  Parsed p = parseAndDifferentiate(std::string(kCallees) + R"(
func @f(%x: f64[3]) -> f64 {
  %a = call %x {callee = @h} : f64[3]
  %r = reduce_sum %a {axes = [0]} : f64
  return %r
}
func @s(%x: f64) -> f64 {
  %b = broadcast %x {dims = [], shape = [3]} : f64[3]
  %a = call %b {callee = @h} : f64[3]
  %r = reduce_sum %a {axes = [0]} : f64
  return %r
}
func @df = grad @f wrt [0]
func @hvp = jvp @df wrt [0]
func @vv = vjp @df wrt [0]
func @ds = grad @s wrt [0]
func @dds = grad @ds wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  auto second = [](double x) {
    double u = x * x, e = std::exp(x);
    double p0 = e * x, p1 = e * (x + 1), p2 = e * (x + 2);
    return p2 * std::sin(u) + 4 * x * p1 * std::cos(u) +
           p0 * (2 * std::cos(u) - 4 * u * std::sin(u));
  };
  std::mt19937 rng(5);
  Type t = Type::tensor(DType::F64, {3});
  RuntimeValue x = randomValue(rng, t), v = randomValue(rng, t);
  std::vector<double> xs = flatten(x), vs = flatten(v), want;
  for (size_t i = 0; i < 3; ++i)
    want.push_back(second(xs[i]) * vs[i]);
  auto out = run(*p.module, "hvp", {x, v});
  ASSERT_EQ(out.size(), 2u);
  expectClose(flatten(out[1]), want, 1e-10, "jvp(grad f)");
  auto rr = run(*p.module, "vv", {x, v});
  ASSERT_EQ(rr.size(), 1u);
  expectClose(flatten(rr[0]), want, 1e-10, "vjp(grad f)");
  for (double s : {-0.7, 0.4}) {
    double got =
        run(*p.module, "dds", {RuntimeValue::scalar<double>(DType::F64, s)})[0]
            .getAsDouble(0);
    EXPECT_NEAR(got, 3 * second(s), 1e-10 * std::max(1.0, std::fabs(got)));
  }
}

TEST(SplitCall, CallOfADerivedFunction) {
  // k calls the gradient of f (itself made of split calls); reverse mode
  // over k splits the derived function like any callee.
  checkGradients(std::string(kCallees) + R"(
func @f(%x: f64[3]) -> f64 {
  %a = call %x {callee = @h} : f64[3]
  %r = reduce_sum %a {axes = [0]} : f64
  return %r
}
func @df = grad @f wrt [0]
func @k(%x: f64[3]) -> f64[3] {
  %d = call %x {callee = @df} : f64[3]
  %s = sin %d : f64[3]
  return %s
})",
                 "k", {0});
}

} // namespace
