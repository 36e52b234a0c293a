//===- CustomRuleTest.cpp - custom_vjp rules replace the automatic ones
//----===//
#include "GradCheck.h"

#include <cmath>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

/// softplus(x) = log(1 + exp(x)) with the stable rule dy * sigmoid(x),
/// called inside a loop whose trip count is a parameter.
const char *kSoftplusLoop = R"(
func @softplus(%x: f64[3]) -> f64[3] custom_vjp @softplus_vjp {
  %e = exp %x : f64[3]
  %one = constant {value = 1.0} : f64[3]
  %s = add %one, %e : f64[3]
  %l = log %s : f64[3]
  return %l
}
func @softplus_vjp(%x: f64[3], %dy: f64[3]) -> f64[3] {
  %s = sigmoid %x : f64[3]
  %g = mul %dy, %s : f64[3]
  return %g
}
func @f(%x0: f64[3], %w: f64[3], %n: i64) -> f64[3] {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x0 : f64[3] {
  ^(%i: i64, %x: f64[3]):
    %m = mul %x, %w : f64[3]
    %y = call %m {callee = @softplus} : f64[3]
    yield %y
  }
  return %r
}
)";

TEST(CustomRules, CorrectRuleInsideLoopMatchesFiniteDifferences) {
  std::mt19937 rng(2);
  CheckOptions o;
  o.inputs = {randomValue(rng, Type::tensor(DType::F64, {3})),
              randomValue(rng, Type::tensor(DType::F64, {3})),
              RuntimeValue::scalar<int64_t>(DType::I64, 3)};
  checkGradients(kSoftplusLoop, "f", {0, 1}, o);
}

/// A deliberately different rule (3 * dy) proves the rule replaces the
/// automatic derivative everywhere: directly, in a callee and in a loop.
TEST(CustomRules, RuleReplacesAutomaticDerivative) {
  Parsed p = parseAndDifferentiate(R"(
func @sq(%x: f64) -> f64 custom_vjp @sq_rule {
  %y = mul %x, %x : f64
  return %y
}
func @sq_rule(%x: f64, %dy: f64) -> f64 {
  %three = constant {value = 3.0} : f64
  %g = mul %dy, %three : f64
  return %g
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
    %s = call %v {callee = @sq} : f64
    yield %s
  }
  return %r
}
func @d_sq = grad @sq wrt [0]
func @d_twice = grad @twice wrt [0]
func @d_looped = grad @looped wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  auto x = RuntimeValue::scalar<double>(DType::F64, 0.7);
  EXPECT_EQ(run(*p.module, "d_sq", {x})[0].getAsDouble(0), 3.0);
  EXPECT_EQ(run(*p.module, "d_twice", {x})[0].getAsDouble(0), 9.0);
  EXPECT_EQ(run(*p.module, "d_looped", {x})[0].getAsDouble(0), 81.0);
}

TEST(CustomRules, BadSignatureIsDiagnosed) {
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64, %y: f64) -> f64 custom_vjp @f_rule {
  %r = mul %x, %y : f64
  return %r
}
func @f_rule(%x: f64, %dy: f64) -> f64 {
  return %dy
}
func @g = grad @f wrt [0]
)");
  EXPECT_FALSE(p.module);
  EXPECT_NE(p.errors.find("invalid custom derivative 'f_rule' for 'f': "
                          "expected type (f64, f64, f64) -> (f64, f64)"),
            std::string::npos)
      << p.errors;
}

} // namespace
