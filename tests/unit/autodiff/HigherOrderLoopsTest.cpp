//===- HigherOrderLoopsTest.cpp - second derivatives through loops --------===//
//
// The gradient of a function with loops has tapes; these tests differentiate
// it again. The programs are programs/higher_order_loops/*.tir; their
// GRADCHECK lines (run by ProgramsTest.cpp) check @f and `grad @f` (vjp:
// reverse over reverse, jvp: forward over reverse) against central
// differences and the two against each other. Here: grad(grad f) against
// analytic second and third derivatives, reverse against forward
// Hessian-vector products, and work: the inner loop's primal ops run once
// per outer iteration, in the forward pass only.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/CostModel.h"
#include "basic/Diagnostic.h"
#include "ssa_ir/passes/PassManager.h"

#include <fmt/format.h>

#include <cmath>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

RuntimeValue f64(double x) {
  return RuntimeValue::scalar<double>(DType::F64, x);
}
RuntimeValue i64(int64_t x) {
  return RuntimeValue::scalar<int64_t>(DType::I64, x);
}

std::string program(const std::string &name) {
  return readProgram("higher_order_loops/" + name);
}

TEST(HigherOrderLoops, GradOfGradMatchesAnalytic) {
  // f(x) = x^(2^n) by n squarings; f'' = 2^n (2^n - 1) x^(2^n - 2).
  // Also an outer loop around it (n2 times): f = x^(2^(n n2)).
  Parsed p = parseAndDifferentiate(program("power_tower.tir") + R"(
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

TEST(HigherOrderLoops, ThirdDerivativeThroughNestedLoops) {
  // f(x) = x^k, k = 2^(n n2), again; f''' = k (k-1) (k-2) x^(k-3).
  Parsed p = parseAndDifferentiate(program("power_tower.tir") + R"(
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
  Parsed p = parseAndDifferentiate(program("nested_fors_with_if.tir") +
                                   program("nested_hvp.tir"));
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

TEST(HigherOrderLoops, InnerLoopPrimalRunsOnce) {
  // The inner body's `cos` is primal work only (its pullback uses sin):
  // the gradient must run it exactly as often as f does (n * m times), not
  // again in the outer reverse loop; the same holds for a `while` inside.
  Parsed p = parseAndDifferentiate(program("nested_fors_with_if.tir") +
                                   program("for_while_cos.tir"));
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

TEST(HigherOrderLoops, LoopInsideIfPrimalRunsOnce) {
  // The reverse branch reads the loops' tapes and the while's trip count
  // from extra results of the forward `if`: the gradient runs `cos` exactly
  // as often as f does; grad(grad) runs the primal's cos once more per sin
  // of the gradient (sin's pullback), not the loops again.
  Parsed p = parseAndDifferentiate(program("loops_in_if.tir") + R"(
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

TEST(HigherOrderLoops, NestedLoopCostRatios) {
  // docs/performance.md, "Autodiff: nested loops". FLOPs are static
  // (CostModel), ops are counted by the interpreter as they run.
  std::string table;
  for (const char *name : {"for_for", "for_while", "for_for_for"}) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(
        readProgram(fmt::format("nested_loop_cost/{}.tir", name)) +
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

TEST(HigherOrderLoops, CalleeWithLoopPrimalRunsOnce) {
  Parsed p = parseAndDifferentiate(program("callee_with_loop.tir") +
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

TEST(HigherOrderLoops, DerivedCalleeWithLoop) {
  // The gradient check is the file's GRADCHECK line. vg comes first, so the
  // pass differentiates f before it fills gh.
  Parsed p = parseAndDifferentiate("func @vg = value_and_grad @f wrt [0]\n" +
                                   program("derived_callee_with_loop.tir"));
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
