//===- HigherOrderTest.cpp - second derivatives against analytic ones
//------===//
#include "GradCheck.h"

#include <cmath>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

TEST(HigherOrder, GradOfGradScalar) {
  // f = x^3 sin x; f'' = 6x sin x + 6x^2 cos x - x^3 sin x.
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64) -> f64 {
  %x2 = mul %x, %x : f64
  %x3 = mul %x2, %x : f64
  %s = sin %x : f64
  %y = mul %x3, %s : f64
  return %y
}
func @df = grad @f wrt [0]
func @ddf = grad @df wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  for (double x : {-1.3, 0.2, 2.5}) {
    double want =
        6 * x * std::sin(x) + 6 * x * x * std::cos(x) - x * x * x * std::sin(x);
    double got =
        run(*p.module, "ddf", {RuntimeValue::scalar<double>(DType::F64, x)})[0]
            .getAsDouble(0);
    EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::fabs(want))) << x;
  }
}

/// Hessian-vector products (forward over reverse) of
/// f(x) = sum(exp(x) * x) + (sum x)^2: H = diag(exp(x) (x + 2)) + 2.
std::vector<double> hvpWant(const std::vector<double> &x,
                            const std::vector<double> &v) {
  double sv = 0;
  for (double e : v)
    sv += e;
  std::vector<double> out;
  for (size_t i = 0; i < x.size(); ++i)
    out.push_back(std::exp(x[i]) * (x[i] + 2) * v[i] + 2 * sv);
  return out;
}

TEST(HigherOrder, JvpOfGradIsHessianVectorProduct) {
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[4]) -> f64 {
  %e = exp %x : f64[4]
  %m = mul %e, %x : f64[4]
  %a = reduce_sum %m {axes = [0]} : f64
  %s = reduce_sum %x {axes = [0]} : f64
  %s2 = mul %s, %s : f64
  %y = add %a, %s2 : f64
  return %y
}
func @g = grad @f wrt [0]
func @hvp = jvp @g wrt [0]
func @gg = vjp @g wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(4);
  Type t = Type::tensor(DType::F64, {4});
  RuntimeValue x = randomValue(rng, t), v = randomValue(rng, t);
  std::vector<double> want = hvpWant(flatten(x), flatten(v));
  auto out = run(*p.module, "hvp", {x, v});
  ASSERT_EQ(out.size(), 2u);
  expectClose(flatten(out[1]), want, 1e-12, "jvp(grad f)");
  // Reverse over reverse: vjp of the gradient (H is symmetric).
  auto rr = run(*p.module, "gg", {x, v});
  ASSERT_EQ(rr.size(), 1u);
  expectClose(flatten(rr[0]), want, 1e-12, "vjp(grad f)");
}

TEST(HigherOrder, VjpOfVjp) {
  // f(x) = x sin x elementwise; g(x, u) = u (sin x + x cos x);
  // vjp of g with cotangent w: d/dx = w u (2 cos x - x sin x),
  // d/du = w (sin x + x cos x).
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[3]) -> f64[3] {
  %s = sin %x : f64[3]
  %y = mul %x, %s : f64[3]
  return %y
}
func @g = vjp @f wrt [0]
func @h = vjp @g wrt [0, 1]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(8);
  Type t = Type::tensor(DType::F64, {3});
  RuntimeValue x = randomValue(rng, t), u = randomValue(rng, t),
               w = randomValue(rng, t);
  auto out = run(*p.module, "h", {x, u, w});
  ASSERT_EQ(out.size(), 2u);
  std::vector<double> xs = flatten(x), us = flatten(u), ws = flatten(w), dx, du;
  for (size_t i = 0; i < 3; ++i) {
    dx.push_back(ws[i] * us[i] *
                 (2 * std::cos(xs[i]) - xs[i] * std::sin(xs[i])));
    du.push_back(ws[i] * (std::sin(xs[i]) + xs[i] * std::cos(xs[i])));
  }
  expectClose(flatten(out[0]), dx, 1e-12, "d/dx");
  expectClose(flatten(out[1]), du, 1e-12, "d/du");
}

TEST(HigherOrder, HessianVectorProductThroughALoop) {
  // f(x) = sum(x^(2^n)) via n squarings in a loop (n = 2 here):
  // f = sum x^4, H = diag(12 x^2).
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[3], %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %s = mul %a, %a : f64[3]
    yield %s
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
}
func @g = grad @f wrt [0]
func @hvp = jvp @g wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(9);
  Type t = Type::tensor(DType::F64, {3});
  RuntimeValue x = randomValue(rng, t), v = randomValue(rng, t);
  auto out = run(*p.module, "hvp",
                 {x, RuntimeValue::scalar<int64_t>(DType::I64, 2), v});
  ASSERT_EQ(out.size(), 2u);
  std::vector<double> xs = flatten(x), vs = flatten(v), want;
  for (size_t i = 0; i < 3; ++i)
    want.push_back(12 * xs[i] * xs[i] * vs[i]);
  expectClose(flatten(out[1]), want, 1e-12, "hvp through a loop");
}

TEST(HigherOrder, HessianOfReduceProdWithAndWithoutZeros) {
  // f(x) = prod x: H_ij = prod of x_k over k != i, j (i != j), H_ii = 0.
  // The analytic value is computed by plain products, so it is exact at
  // zeros too; checked at a random point and with one, two and three zeros.
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[5]) -> f64 {
  %r = reduce_prod %x {axes = [0]} : f64
  return %r
}
func @g = grad @f wrt [0]
func @hvp = jvp @g wrt [0]
func @gg = vjp @g wrt [0]
)");
  ASSERT_TRUE(p.module) << p.errors;
  std::mt19937 rng(12);
  Type t = Type::tensor(DType::F64, {5});
  std::vector<double> base = flatten(randomValue(rng, t, 0.5, 1.5));
  for (int zeros = 0; zeros <= 3; ++zeros) {
    SCOPED_TRACE(zeros);
    std::vector<double> xs = base;
    for (int k = 0; k < zeros; ++k)
      xs[1 + k] = 0.0;
    std::vector<double> vs = flatten(randomValue(rng, t)), want(5, 0.0);
    for (size_t i = 0; i < 5; ++i)
      for (size_t j = 0; j < 5; ++j) {
        if (i == j)
          continue;
        double h = 1.0;
        for (size_t k = 0; k < 5; ++k)
          if (k != i && k != j)
            h *= xs[k];
        want[i] += h * vs[j];
      }
    RuntimeValue x = RuntimeValue::fromVector<double>(t, xs),
                 v = RuntimeValue::fromVector<double>(t, vs);
    auto out = run(*p.module, "hvp", {x, v});
    ASSERT_EQ(out.size(), 2u);
    expectClose(flatten(out[1]), want, 1e-12, "jvp(grad prod)");
    auto rr = run(*p.module, "gg", {x, v});
    ASSERT_EQ(rr.size(), 1u);
    expectClose(flatten(rr[0]), want, 1e-12, "vjp(grad prod)");
  }
}

} // namespace
