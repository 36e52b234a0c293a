//===- ShapeRulesTest.cpp - data movement, reductions, tuples, calls
//-------===//
#include "GradCheck.h"

using namespace tdl::ad::test;

namespace {

TEST(ShapeRules, BroadcastIsUnbroadcast) {
  // Both a new dim and a size-1 dim that grows.
  checkGradients(R"(
func @f(%x: f64[3,1], %y: f64[2,3,4]) -> f64[2,3,4] {
  %b = broadcast %x {dims = [1, 2], shape = [2,3,4]} : f64[2,3,4]
  %m = mul %b, %y : f64[2,3,4]
  return %m
})",
                 "f", {0, 1});
}

TEST(ShapeRules, ReshapeTransposeFlip) {
  checkGradients(R"(
func @f(%x: f64[2,3,4]) -> f64[4,6] {
  %t = transpose %x {perm = [2, 0, 1]} : f64[4,2,3]
  %f = flip %t {axes = [0, 2]} : f64[4,2,3]
  %r = reshape %f {shape = [4,6]} : f64[4,6]
  %s = mul %r, %r : f64[4,6]
  return %s
})",
                 "f", {0});
}

TEST(ShapeRules, StridedSliceAndConcat) {
  checkGradients(R"(
func @f(%x: f64[7,5], %y: f64[2,2]) -> f64[5,2] {
  %s = slice %x {limit = [7, 5], start = [1, 0], stride = [2, 3]} : f64[3,2]
  %c = concat %s, %y {axis = 0} : f64[5,2]
  %e = exp %c : f64[5,2]
  return %e
})",
                 "f", {0, 1});
}

TEST(ShapeRules, PadIncludingPaddingValue) {
  checkGradients(R"(
func @f(%x: f64[2,3], %v: f64) -> f64[5,4] {
  %p = pad %x, %v {hi = [2, 0], lo = [1, 1]} : f64[5,4]
  %s = sin %p : f64[5,4]
  return %s
})",
                 "f", {0, 1});
}

TEST(ShapeRules, DynamicSliceAndUpdate) {
  checkGradients(R"(
func @f(%x: f64[5,4], %u: f64[2,2], %i: i64) -> f64[5,4] {
  %one = constant {value = 1} : i64
  %d = dynamic_slice %x, %i, %one {sizes = [2, 2]} : f64[2,2]
  %m = mul %d, %u : f64[2,2]
  %w = dynamic_update_slice %x, %m, %one, %i : f64[5,4]
  %s = mul %w, %x : f64[5,4]
  return %s
})",
                 "f", {0, 1});
}

TEST(ShapeRules, Reductions) {
  for (const char *op :
       {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod"}) {
    SCOPED_TRACE(op);
    checkGradients(std::string(R"(
func @f(%x: f64[3,4,2]) -> f64[4] {
  %r = )") + op + R"( %x {axes = [0, 2]} : f64[4]
  return %r
})",
                   "f", {0});
  }
}

TEST(ShapeRules, ReduceProdWithZeros) {
  using namespace tdl::ir;
  // One zero in a group: only that element has a nonzero derivative; two
  // zeros: all zero. No division by x anywhere, so no NaN.
  Type t = Type::tensor(DType::F64, {2, 3});
  CheckOptions o;
  o.inputs = {RuntimeValue::fromVector<double>(
      t, std::vector<double>{0.0, 2.0, 3.0, 0.0, 0.0, 5.0})};
  checkGradients(R"(
func @f(%x: f64[2,3]) -> f64[2] {
  %r = reduce_prod %x {axes = [1]} : f64[2]
  return %r
})",
                 "f", {0}, o);
}

TEST(ShapeRules, ReduceProdZerosInReducedGroups) {
  using namespace tdl::ir;
  // Groups over axes [0, 2] of a [2,3,2] tensor (4 elements each): column 0
  // without zeros, column 1 with one zero, column 2 with two zeros.
  Type t = Type::tensor(DType::F64, {2, 3, 2});
  std::mt19937 rng(3);
  std::vector<double> xs = flatten(randomValue(rng, t, 0.5, 1.5));
  auto at = [&](int i, int j, int k) -> double & {
    return xs[(i * 3 + j) * 2 + k];
  };
  at(1, 1, 0) = 0.0;
  at(0, 2, 1) = 0.0;
  at(1, 2, 0) = 0.0;
  CheckOptions o;
  o.inputs = {RuntimeValue::fromVector<double>(t, xs)};
  checkGradients(R"(
func @f(%x: f64[2,3,2]) -> f64[3] {
  %r = reduce_prod %x {axes = [0, 2]} : f64[3]
  return %r
})",
                 "f", {0}, o);
}

TEST(ShapeRules, ReduceMaxTiesShareEqually) {
  using namespace tdl::ir;
  Type t = Type::tensor(DType::F64, {4});
  CheckOptions o;
  o.checkJvp = false; // FD of a max along a random direction is one-sided
  o.inputs = {RuntimeValue::fromVector<double>(
      t, std::vector<double>{1.0, 3.0, 3.0, -1.0})};
  checkGradients(R"(
func @f(%x: f64[4]) -> f64 {
  %r = reduce_max %x {axes = [0]} : f64
  return %r
})",
                 "f", {0}, o);
}

TEST(ShapeRules, MatmulBatchedAndBroadcast) {
  checkGradients(R"(
func @f(%a: f64[2,3,4], %b: f64[4,5]) -> f64[2,3,5] {
  %c = matmul %a, %b : f64[2,3,5]
  return %c
})",
                 "f", {0, 1});
  checkGradients(R"(
func @f(%a: f64[1,3,4], %b: f64[2,1,4,2]) -> f64[2,1,3,2] {
  %c = matmul %a, %b : f64[2,1,3,2]
  %t = tanh %c : f64[2,1,3,2]
  return %t
})",
                 "f", {0, 1});
}

TEST(ShapeRules, TuplesLeafByLeaf) {
  checkGradients(R"(
func @f(%p: (f64[3], (f64, i64)), %x: f64[3]) -> (f64[3], f64) {
  %w = get %p {index = 0} : f64[3]
  %q = get %p {index = 1} : (f64, i64)
  %b = get %q {index = 0} : f64
  %bb = broadcast %b {dims = [], shape = [3]} : f64[3]
  %y = mul %w, %x : f64[3]
  %z = add %y, %bb : f64[3]
  %t = tuple %z, %b : (f64[3], f64)
  %u = get %t {index = 0} : f64[3]
  %s = reduce_sum %u {axes = [0]} : f64
  %m = mul %s, %b : f64
  return %z, %m
})",
                 "f", {0, 1});
}

TEST(ShapeRules, CallsAreDifferentiatedOncePerPattern) {
  std::string text = R"(
func @sq(%a: f64[3], %b: f64[3]) -> f64[3] {
  %m = mul %a, %b : f64[3]
  %s = sin %m : f64[3]
  return %s
}
func @f(%x: f64[3], %c: f64[3]) -> f64[3] {
  %y = call %x, %c {callee = @sq} : f64[3]
  %z = call %y, %c {callee = @sq} : f64[3]
  %w = call %z, %x {callee = @sq} : f64[3]
  return %w
})";
  checkGradients(text, "f", {0});
  Parsed p = parseAndDifferentiate(text + "\nfunc @g = vjp @f wrt [0]");
  ASSERT_TRUE(p.module) << p.errors;
  // Two calls vary only argument 0 and one varies both: two cached splits
  // (SplitCallTest.cpp), no vjp recomputing sq.
  EXPECT_TRUE(p.module->lookup("sq.fwd_0"));
  EXPECT_TRUE(p.module->lookup("sq.bwd_0"));
  EXPECT_TRUE(p.module->lookup("sq.fwd_0_1"));
  EXPECT_TRUE(p.module->lookup("sq.bwd_0_1"));
  EXPECT_FALSE(p.module->lookup("sq.vjp_0"));
}

TEST(ShapeRules, IfTakesTheSameBranch) {
  std::string text = R"(
func @f(%x: f64[3], %c: f64) -> f64[3] {
  %z = constant {value = 0.0} : f64
  %p = gt %c, %z : bool
  %r = if %p : f64[3] {
    %e = exp %x : f64[3]
    %m = mul %e, %x : f64[3]
    yield %m
  } {
    %s = sin %x : f64[3]
    yield %s
  }
  return %r
})";
  CheckOptions o;
  checkGradients(text, "f", {0}, o);
  o.seed = 7; // the other sign of %c
  o.lo = -1.0;
  o.hi = -0.1;
  checkGradients(text, "f", {0}, o);
}

} // namespace

namespace {

TEST(ShapeRules, RecursiveCallee) {
  // p(x, n) = x^n by recursion; its vjp calls itself.
  using namespace tdl::ir;
  CheckOptions o;
  o.inputs = {RuntimeValue::scalar<double>(DType::F64, 0.8),
              RuntimeValue::scalar<int64_t>(DType::I64, 4)};
  checkGradients(R"(
func @p(%x: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %c = gt %n, %zero : bool
  %r = if %c : f64 {
    %one = constant {value = 1} : i64
    %m = sub %n, %one : i64
    %y = call %x, %m {callee = @p} : f64
    %z = mul %y, %x : f64
    yield %z
  } {
    %o = constant {value = 1.0} : f64
    yield %o
  }
  return %r
})",
                 "p", {0}, o);
}

} // namespace
