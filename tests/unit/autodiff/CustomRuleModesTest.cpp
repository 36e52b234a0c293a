//===- CustomRuleModesTest.cpp - user rules in both modes -----------------===//
//
// A vjp rule under forward mode (its transpose), a forward rule (custom_jvp)
// under forward mode and, transposed, under reverse mode; each mode using
// its own rule when both exist; inside loops and callees; and second order
// (jvp, vjp of grad). Derivatives are checked against central finite
// differences of the primal (GradCheck.h). The primals are written so that
// only the rule can pass: their bodies' automatic derivatives are NaN at the
// inputs (sqrt(x^4) at 0) or zero (stop_gradient), which the tests also
// show.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include <cmath>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

/// sq2(x) = sqrt(x^4) = x^2. Its automatic derivative 4x^3 / (2 sqrt(x^4))
/// is 0/0 = NaN at x = 0; the rule 2 x dy is exact everywhere. Called in a
/// loop with a dynamic trip count and through a callee.
const char *kSq2Body = R"(
  %x2 = mul %x, %x : f64[4]
  %x4 = mul %x2, %x2 : f64[4]
  %y = sqrt %x4 : f64[4]
  return %y
}
func @twice(%x: f64[4]) -> f64[4] {
  %c = call %x {callee = @sq2} : f64[4]
  %two = constant {value = 2.0} : f64[4]
  %r = mul %c, %two : f64[4]
  return %r
}
func @f(%x0: f64[4], %w: f64[4], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x0 : f64[4] {
  ^(%i: i64, %x: f64[4]):
    %m = mul %x, %w : f64[4]
    %s = call %m {callee = @twice} : f64[4]
    %t = sin %s : f64[4]
    yield %t
  }
  %q = call %r {callee = @sq2} : f64[4]
  %o = reduce_sum %q {axes = [0]} : f64
  return %o
}
)";

const char *kSq2VjpRule = R"(
func @sq2_vjp(%x: f64[4], %dy: f64[4]) -> f64[4] {
  %two = constant {value = 2.0} : f64[4]
  %d = mul %x, %two : f64[4]
  %g = mul %dy, %d : f64[4]
  return %g
}
)";

const char *kSq2JvpRule = R"(
func @sq2_jvp(%x: f64[4], %t: f64[4]) -> (f64[4], f64[4]) {
  %x2 = mul %x, %x : f64[4]
  %two = constant {value = 2.0} : f64[4]
  %d = mul %x, %two : f64[4]
  %ty = mul %d, %t : f64[4]
  return %x2, %ty
}
)";

std::string program(const char *attrs, bool vjpRule, bool jvpRule) {
  std::string s =
      std::string("func @sq2(%x: f64[4]) -> f64[4] ") + attrs + " {" + kSq2Body;
  if (vjpRule)
    s += kSq2VjpRule;
  if (jvpRule)
    s += kSq2JvpRule;
  return s;
}

/// Inputs with exact zeros where sq2 is evaluated (x0 = 0 at index 0, and
/// w = 0 at index 1 so x0 * w = 0 there in the first iteration).
CheckOptions zeroInputs() {
  CheckOptions o;
  o.inputs = {RuntimeValue::fromVector<double>(Type::tensor(DType::F64, {4}),
                                               {0.0, 0.7, -0.4, 0.3}),
              RuntimeValue::fromVector<double>(Type::tensor(DType::F64, {4}),
                                               {0.9, 0.0, -0.6, 0.5}),
              RuntimeValue::scalar<int64_t>(DType::I64, 3)};
  return o;
}

TEST(CustomRuleModes, AutomaticDerivativeIsNaNAtZero) {
  // Without a rule the body's own derivative is NaN at 0: what the rule
  // tests below rely on to tell the rule from the body.
  Parsed p = parseAndDifferentiate(program("", false, false) +
                                   "func @dj = jvp @f wrt [0]\n"
                                   "func @dv = grad @f wrt [0]\n");
  ASSERT_TRUE(p.module) << p.errors;
  CheckOptions o = zeroInputs();
  auto t = RuntimeValue::fromVector<double>(Type::tensor(DType::F64, {4}),
                                            {1.0, 1.0, 1.0, 1.0});
  auto jv = run(*p.module, "dj", {o.inputs[0], o.inputs[1], o.inputs[2], t});
  ASSERT_EQ(jv.size(), 2u);
  EXPECT_TRUE(std::isnan(jv[1].getAsDouble(0)));
  auto gv = run(*p.module, "dv", o.inputs);
  ASSERT_EQ(gv.size(), 1u);
  EXPECT_TRUE(std::isnan(gv[0].getAsDouble(0)));
}

TEST(CustomRuleModes, VjpRuleUnderForwardMode) {
  // jvp (and the dot-product identity with vjp) through the transposed
  // vjp rule, in a loop and a callee.
  checkGradients(program("custom_vjp @sq2_vjp", true, false), "f", {0, 1},
                 zeroInputs());
  checkGradients(program("custom_vjp @sq2_vjp", true, false), "f", {1},
                 zeroInputs());
}

TEST(CustomRuleModes, VjpRuleUnderJvpOfGrad) {
  // Hessian-vector products: jvp of grad (forward over reverse) uses the
  // transposed rule for the primal call in grad's forward part; vjp of
  // grad differentiates the rule's body.
  std::string text = program("custom_vjp @sq2_vjp", true, false) +
                     "func @g = grad @f wrt [0, 1]\n";
  checkGradients(text, "g", {0, 1}, zeroInputs());
}

TEST(CustomRuleModes, ForwardRuleUnderAllModes) {
  // The forward rule under jvp directly and under vjp / grad transposed.
  std::string text = program("custom_jvp @sq2_jvp", false, true);
  checkGradients(text, "f", {0, 1}, zeroInputs());
  checkGradients(text + "func @g = grad @f wrt [0, 1]\n", "g", {0, 1},
                 zeroInputs());
}

TEST(CustomRuleModes, BothRules) {
  std::string text =
      program("custom_vjp @sq2_vjp custom_jvp @sq2_jvp", true, true);
  checkGradients(text, "f", {0, 1}, zeroInputs());
  checkGradients(text + "func @g = grad @f wrt [0, 1]\n", "g", {0, 1},
                 zeroInputs());
}

/// exp computed behind stop_gradient: the value is exp(x), the automatic
/// derivative is zero. A rule of either mode restores dy * exp(x). Two
/// parameters (one integer in between), so the rule's tangents and
/// cotangents are matched to the differentiable parameters.
const char *kScaledExp = R"(
func @sexp(%x: f64[3], %k: i64, %s: f64) -> f64[3] %ATTR% {
  %e = exp %x : f64[3]
  %v = stop_gradient %e : f64[3]
  %sb = broadcast %s {dims = [], shape = [3]} : f64[3]
  %r = mul %v, %sb : f64[3]
  return %r
}
func @sexp_vjp(%x: f64[3], %k: i64, %s: f64, %dy: f64[3]) -> (f64[3], f64) {
  %e = exp %x : f64[3]
  %sb = broadcast %s {dims = [], shape = [3]} : f64[3]
  %es = mul %e, %sb : f64[3]
  %dx = mul %dy, %es : f64[3]
  %p = mul %dy, %e : f64[3]
  %ds = reduce_sum %p {axes = [0]} : f64
  return %dx, %ds
}
func @sexp_jvp(%x: f64[3], %k: i64, %s: f64, %tx: f64[3], %ts: f64) -> (f64[3], f64[3]) {
  %e = exp %x : f64[3]
  %sb = broadcast %s {dims = [], shape = [3]} : f64[3]
  %y = mul %e, %sb : f64[3]
  %a = mul %tx, %y : f64[3]
  %tsb = broadcast %ts {dims = [], shape = [3]} : f64[3]
  %b = mul %tsb, %e : f64[3]
  %ty = add %a, %b : f64[3]
  return %y, %ty
}
func @h(%x: f64[3], %s: f64) -> f64[3] {
  %k = constant {value = 2} : i64
  %a = call %x, %k, %s {callee = @sexp} : f64[3]
  %c = cos %a : f64[3]
  %m = mul %c, %x : f64[3]
  return %m
}
)";

std::string scaledExp(const std::string &attr) {
  std::string s = kScaledExp;
  s.replace(s.find("%ATTR%"), 6, attr);
  return s;
}

TEST(CustomRuleModes, TangentsMatchTheDifferentiableParameters) {
  for (const char *attr : {"custom_vjp @sexp_vjp", "custom_jvp @sexp_jvp",
                           "custom_vjp @sexp_vjp custom_jvp @sexp_jvp"}) {
    SCOPED_TRACE(attr);
    std::string text = scaledExp(attr);
    checkGradients(text, "h", {0, 1});
    checkGradients(text, "h", {0});
    checkGradients(text, "h", {1});
    checkGradients(text, "sexp", {0, 2});
    checkGradients(text, "sexp", {2});
  }
}

/// Deliberately different rules (3 dy and 5 t for x * x, whose derivative
/// is 2x) show which rule each mode uses: grad the vjp rule, jvp the
/// forward rule, and each mode the other's transpose when it has none.
const char *kSqRules = R"(
func @sq_vjp(%x: f64, %dy: f64) -> f64 {
  %three = constant {value = 3.0} : f64
  %g = mul %dy, %three : f64
  return %g
}
func @sq_jvp(%x: f64, %t: f64) -> (f64, f64) {
  %y = mul %x, %x : f64
  %five = constant {value = 5.0} : f64
  %ty = mul %t, %five : f64
  return %y, %ty
}
func @twice(%x: f64) -> f64 {
  %a = call %x {callee = @sq} : f64
  %b = call %a {callee = @sq} : f64
  return %b
}
func @looped(%x: f64) -> f64 {
  %lb = constant {value = 0} : i64
  %ub = constant {value = 4} : i64
  %r = for %lb, %ub, %x : f64 {
  ^(%i: i64, %v: f64):
    %s = call %v {callee = @twice} : f64
    yield %s
  }
  return %r
}
func @d_twice = grad @twice wrt [0]
func @d_looped = grad @looped wrt [0]
func @j_twice = jvp @twice wrt [0]
func @j_looped = jvp @looped wrt [0]
)";

TEST(CustomRuleModes, EachModeUsesItsOwnRule) {
  struct Case {
    const char *attrs;
    double reverse, forward; // d/dx of one sq call in each mode
  } cases[] = {{"custom_vjp @sq_vjp", 3, 3},
               {"custom_jvp @sq_jvp", 5, 5},
               {"custom_vjp @sq_vjp custom_jvp @sq_jvp", 3, 5}};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.attrs);
    Parsed p = parseAndDifferentiate(
        std::string("func @sq(%x: f64) -> f64 ") + c.attrs +
        " {\n  %y = mul %x, %x : f64\n  return %y\n}\n" + kSqRules);
    ASSERT_TRUE(p.module) << p.errors;
    auto x = RuntimeValue::scalar<double>(DType::F64, 0.7);
    auto t = RuntimeValue::scalar<double>(DType::F64, 1.0);
    double r = c.reverse, f = c.forward;
    EXPECT_EQ(run(*p.module, "d_twice", {x})[0].getAsDouble(0), r * r);
    EXPECT_EQ(run(*p.module, "d_looped", {x})[0].getAsDouble(0),
              std::pow(r, 8));
    EXPECT_EQ(run(*p.module, "j_twice", {x, t})[1].getAsDouble(0), f * f);
    EXPECT_EQ(run(*p.module, "j_looped", {x, t})[1].getAsDouble(0),
              std::pow(f, 8));
  }
}

/// A rule that calls its primal (the forward rule computes y = f(x) by a
/// call) and one whose linear part goes through a callee and a loop: the
/// transposes differentiate through both.
TEST(CustomRuleModes, RulesWithCallsAndLoops) {
  const char *text = R"(
func @cube(%x: f64[2]) -> f64[2] %ATTR% {
  %x2 = mul %x, %x : f64[2]
  %x3 = mul %x2, %x : f64[2]
  %v = stop_gradient %x3 : f64[2]
  return %v
}
func @scale3x2(%x: f64[2], %d: f64[2]) -> f64[2] {
  %x2 = mul %x, %x : f64[2]
  %three = constant {value = 3.0} : f64[2]
  %k = mul %x2, %three : f64[2]
  %r = mul %d, %k : f64[2]
  return %r
}
func @cube_vjp(%x: f64[2], %dy: f64[2]) -> f64[2] {
  %z = constant {value = 0.0} : f64[2]
  %lb = constant {value = 0} : i64
  %ub = constant {value = 2} : i64
  %acc = for %lb, %ub, %z : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %half = constant {value = 0.5} : f64[2]
    %h = mul %dy, %half : f64[2]
    %s = call %x, %h {callee = @scale3x2} : f64[2]
    %n = add %a, %s : f64[2]
    yield %n
  }
  return %acc
}
func @cube_jvp(%x: f64[2], %t: f64[2]) -> (f64[2], f64[2]) {
  %y = call %x {callee = @cube} : f64[2]
  %ty = call %x, %t {callee = @scale3x2} : f64[2]
  return %y, %ty
}
func @k(%x: f64[2]) -> f64 {
  %c = call %x {callee = @cube} : f64[2]
  %s = sin %c : f64[2]
  %r = reduce_sum %s {axes = [0]} : f64
  return %r
}
func @gk = grad @k wrt [0]
)";
  for (const char *attr : {"custom_vjp @cube_vjp", "custom_jvp @cube_jvp",
                           "custom_vjp @cube_vjp custom_jvp @cube_jvp"}) {
    SCOPED_TRACE(attr);
    std::string t = text;
    t.replace(t.find("%ATTR%"), 6, attr);
    checkGradients(t, "k", {0});
    checkGradients(t, "gk", {0});
    checkGradients(t, "cube", {0});
  }
}

} // namespace
