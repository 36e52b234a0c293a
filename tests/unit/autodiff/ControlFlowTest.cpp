//===- ControlFlowTest.cpp - gradients through for and while loops
//---------===//
#include "GradCheck.h"

using namespace tdl::ad::test;

namespace {

/// x_{k+1} = tanh(W x_k + b) * s, n times (n is a parameter: dynamic trip
/// count); W, b and s are captured from outside the loop.
const char *kRecurrence = R"(
func @f(%x0: f64[3], %w: f64[3,3], %b: f64[3], %s: f64, %n: i64) -> f64[3] {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x0 : f64[3] {
  ^(%i: i64, %x: f64[3]):
    %xc = reshape %x {shape = [3, 1]} : f64[3,1]
    %wx = matmul %w, %xc : f64[3,1]
    %v = reshape %wx {shape = [3]} : f64[3]
    %a = add %v, %b : f64[3]
    %t = tanh %a : f64[3]
    %sb = broadcast %s {dims = [], shape = [3]} : f64[3]
    %y = mul %t, %sb : f64[3]
    yield %y
  }
  return %r
})";

TEST(ControlFlow, ForDynamicTripCount) {
  using namespace tdl::ir;
  std::mt19937 rng(5);
  for (int64_t n : {0, 1, 4}) {
    SCOPED_TRACE(n);
    CheckOptions o;
    for (const char *t : {"f64[3]", "f64[3,3]", "f64[3]", "f64"})
      o.inputs.push_back(randomValue(rng, *parseTypeString(t)));
    o.inputs.push_back(RuntimeValue::scalar<int64_t>(DType::I64, n));
    checkGradients(kRecurrence, "f", {0, 1, 2, 3}, o);
  }
}

TEST(ControlFlow, ForStaticTripCountUsesIndex) {
  // The body reads the induction variable (as a float) and a value that is
  // carried but not differentiated (an integer counter).
  checkGradients(R"(
func @f(%x: f64[2], %c: f64) -> f64[2] {
  %lb = constant {value = 2} : i64
  %ub = constant {value = 6} : i64
  %k0 = constant {value = 0} : i64
  %r:3 = for %lb, %ub, %x, %c, %k0 : f64[2], f64, i64 {
  ^(%i: i64, %acc: f64[2], %d: f64, %k: i64):
    %fi = cast %i {dtype = f64} : f64
    %fb = broadcast %fi {dims = [], shape = [2]} : f64[2]
    %db = broadcast %d {dims = [], shape = [2]} : f64[2]
    %m = mul %acc, %db : f64[2]
    %s = sin %m : f64[2]
    %n = add %s, %fb : f64[2]
    %d2 = mul %d, %d : f64
    %one = constant {value = 1} : i64
    %k2 = add %k, %one : i64
    yield %n, %d2, %k2
  }
  return %r#0
})",
                 "f", {0, 1});
}

TEST(ControlFlow, WhileDataDependentExit) {
  // Doubles-and-squashes x until its sum exceeds a threshold: the number of
  // iterations depends on the data (not on the perturbation, at these inputs).
  checkGradients(R"(
func @f(%x: f64[3], %t: f64) -> f64[3] {
  %r = while %x : f64[3] {
  ^(%a: f64[3]):
    %s = reduce_sum %a {axes = [0]} : f64
    %c = lt %s, %t : bool
    yield %c
  } {
  ^(%b: f64[3]):
    %two = constant {value = 1.5} : f64[3]
    %m = mul %b, %two : f64[3]
    %q = sin %b : f64[3]
    %y = add %m, %q : f64[3]
    yield %y
  }
  return %r
})",
                 "f", {0, 1}, [] {
                   CheckOptions o;
                   o.lo = 0.3;
                   o.hi = 0.6;
                   o.seed = 11;
                   return o;
                 }());
}

TEST(ControlFlow, NestedLoopsAndIf) {
  checkGradients(R"(
func @f(%x: f64[2], %w: f64[2]) -> f64 {
  %zero = constant {value = 0} : i64
  %three = constant {value = 3} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %three, %x : f64[2] {
  ^(%i: i64, %a: f64[2]):
    %inner = for %zero, %two, %a : f64[2] {
    ^(%j: i64, %b: f64[2]):
      %m = mul %b, %w : f64[2]
      %c = cos %m : f64[2]
      yield %c
    }
    %odd = eq %i, %two : bool
    %y = if %odd : f64[2] {
      %e = mul %inner, %a : f64[2]
      yield %e
    } {
      %s = add %inner, %w : f64[2]
      yield %s
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})",
                 "f", {0, 1});
}

} // namespace
