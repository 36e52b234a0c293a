//===- ElementwiseRulesTest.cpp - gradient checks of elementwise rules
//-----===//
#include "GradCheck.h"

#include <fmt/format.h>

using namespace tdl::ad::test;

namespace {

/// f(x) = op(x) elementwise on f64[4].
std::string unary(const std::string &op) {
  return fmt::format(R"(
func @f(%x: f64[4]) -> f64[4] {{
  %y = {0} %x : f64[4]
  return %y
}})",
                     op);
}

std::string binary(const std::string &op) {
  return fmt::format(R"(
func @f(%a: f64[4], %b: f64[4]) -> f64[4] {{
  %y = {0} %a, %b : f64[4]
  return %y
}})",
                     op);
}

TEST(ElementwiseRules, Unary) {
  for (const char *op :
       {"neg", "abs", "exp", "sin", "cos", "tanh", "sigmoid"}) {
    SCOPED_TRACE(op);
    checkGradients(unary(op), "f", {0});
  }
  // Positive domain for log / sqrt / rsqrt.
  for (const char *op : {"log", "sqrt", "rsqrt"}) {
    SCOPED_TRACE(op);
    CheckOptions o;
    o.lo = 0.5;
    o.hi = 2.0;
    checkGradients(unary(op), "f", {0}, o);
  }
}

TEST(ElementwiseRules, Binary) {
  for (const char *op : {"add", "sub", "mul", "max", "min"}) {
    SCOPED_TRACE(op);
    checkGradients(binary(op), "f", {0, 1});
  }
  CheckOptions pos;
  pos.lo = 0.5;
  pos.hi = 2.0;
  for (const char *op : {"div", "pow", "rem"}) {
    SCOPED_TRACE(op);
    checkGradients(binary(op), "f", {0, 1}, pos);
  }
}

TEST(ElementwiseRules, PowNegativeBaseIntegerExponent) {
  // a <= 0: d/da = e * a^(e-1) still holds for integer e; d/de is defined
  // as 0 there (documented), which the check does not differentiate.
  std::string text = R"(
func @f(%a: f64[3]) -> f64[3] {
  %e = constant {value = 3.0} : f64[3]
  %y = pow %a, %e : f64[3]
  return %y
})";
  CheckOptions o;
  o.lo = -2.0;
  o.hi = -0.5;
  checkGradients(text, "f", {0}, o);
}

TEST(ElementwiseRules, SelectCastStopGradient) {
  checkGradients(R"(
func @f(%a: f64[4], %b: f64[4]) -> f64[4] {
  %c = gt %a, %b : bool[4]
  %s = select %c, %a, %b : f64[4]
  %t = cast %s {dtype = f32} : f32[4]
  %u = cast %t {dtype = f64} : f64[4]
  %w = mul %u, %a : f64[4]
  %r = add %w, %s : f64[4]
  return %r
})",
                 "f", {0, 1}, [] {
                   CheckOptions o;
                   o.tol = 1e-4; // the f32 round trip loses precision
                   o.step = 1e-3;
                   return o;
                 }());
}

/// stop_gradient has derivative zero: d/dx (x * stop_gradient(x)) = x, the
/// analytic value (finite differences would see the stopped path too).
TEST(ElementwiseRules, StopGradientIsZero) {
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[3]) -> f64[3] {
  %z = stop_gradient %x : f64[3]
  %y = mul %x, %z : f64[3]
  return %y
}
func @g = vjp @f wrt [0])");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(3);
  tdl::ir::Type t = tdl::ir::Type::tensor(tdl::ir::DType::F64, {3});
  auto x = randomValue(rng, t), u = randomValue(rng, t);
  auto g = run(*p.module, "g", {x, u});
  ASSERT_EQ(g.size(), 1u);
  std::vector<double> want, xs = flatten(x), us = flatten(u);
  for (size_t i = 0; i < 3; ++i)
    want.push_back(us[i] * xs[i]);
  expectClose(flatten(g[0]), want, 1e-15, "stop_gradient");
}

/// Subgradient conventions at kinks, checked against central differences
/// (which see the same averages: ties split evenly, |x| at 0 gives 0).
TEST(ElementwiseRules, KinksMatchCentralDifferences) {
  using tdl::ir::DType;
  using tdl::ir::RuntimeValue;
  using tdl::ir::Type;
  Type t = Type::tensor(DType::F64, {4});
  std::vector<double> a{0.0, 1.0, -2.0, 0.5}, b{0.0, 1.0, -2.0, 0.25};
  for (const char *op : {"max", "min"}) {
    SCOPED_TRACE(op);
    CheckOptions o;
    o.inputs = {RuntimeValue::fromVector<double>(t, a),
                RuntimeValue::fromVector<double>(t, b)};
    checkGradients(binary(op), "f", {0, 1}, o);
  }
  CheckOptions o;
  o.inputs = {RuntimeValue::fromVector<double>(t, a)};
  checkGradients(unary("abs"), "f", {0}, o);
  // relu(x) = max(x, 0): 0.5 at x = 0 under the tie rule.
  checkGradients(R"(
func @f(%x: f64[4]) -> f64[4] {
  %z = constant {value = 0.0} : f64[4]
  %y = max %x, %z : f64[4]
  return %y
})",
                 "f", {0}, o);
}

TEST(ElementwiseRules, FanOutAccumulates) {
  checkGradients(R"(
func @f(%x: f64[3], %w: f64[3]) -> f64 {
  %a = mul %x, %x : f64[3]
  %b = mul %a, %x : f64[3]
  %c = sin %x : f64[3]
  %d = add %b, %c : f64[3]
  %e = mul %d, %w : f64[3]
  %s = reduce_sum %e {axes = [0]} : f64
  return %s
})",
                 "f", {0, 1});
}

} // namespace
