//===- CompositeTest.cpp - whole programs: gradients and their cost
//--------===//
//
// The programs in programs/*.tir are checked against finite differences, and
// the cost of their gradient is compared with the primal's (CostModel.h).
// `AutodiffTests --gtest_filter='Composite.*'` prints the table recorded in
// docs/performance.md.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/CostModel.h"

#include <fmt/format.h>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

struct Program {
  const char *file;
  std::vector<int64_t> wrt;
  int64_t trips; // the value of the i64 parameter, if any, and of
                 // dynamic trip counts in the cost model
  double lo = -1.0, hi = 1.0;
};

const Program kPrograms[] = {
    {"mlp.tir", {1, 2, 3, 4}, 0},
    {"lstm.tir", {0, 1, 2, 3, 4}, 5},
    {"gmm.tir", {0, 1, 2, 3}, 0},
    {"convnet.tir", {1, 2, 3}, 0},
    {"while_newton.tir", {0, 1}, 6, 0.5, 2.0},
    {"softplus_loop.tir", {0, 1}, 3},
    {"mlp_calls.tir", {1, 2, 3, 4}, 0},
};

std::vector<RuntimeValue> inputsFor(const Program &p, const std::string &text,
                                    unsigned seed) {
  Parsed parsed = parseAndDifferentiate(text);
  std::vector<RuntimeValue> xs;
  if (!parsed.module) {
    ADD_FAILURE() << parsed.errors;
    return xs;
  }
  std::mt19937 rng(seed);
  for (const Type &t : parsed.module->lookup("loss")->getArgTypes())
    xs.push_back(t.isScalarOf(DType::I64)
                     ? RuntimeValue::scalar<int64_t>(DType::I64, p.trips)
                     : randomValue(rng, t, p.lo, p.hi));
  return xs;
}

TEST(Composite, GradientsMatchFiniteDifferences) {
  for (const Program &p : kPrograms) {
    SCOPED_TRACE(p.file);
    std::string text = readProgram(p.file);
    ASSERT_FALSE(text.empty());
    CheckOptions o;
    o.inputs = inputsFor(p, text, 17);
    o.lo = p.lo;
    o.hi = p.hi;
    checkGradients(text, "loss", p.wrt, o);
  }
}

TEST(Composite, ReversePassCostsAtMostThreePrimals) {
  std::string table =
      "| program | primal ops | primal FLOPs | grad ops | grad FLOPs | "
      "reverse / primal FLOPs |\n|---|---|---|---|---|---|\n";
  for (const Program &p : kPrograms) {
    SCOPED_TRACE(p.file);
    std::string wrt;
    for (size_t i = 0; i < p.wrt.size(); ++i)
      wrt += (i ? ", " : "") + std::to_string(p.wrt[i]);
    Parsed parsed = parseAndDifferentiate(
        readProgram(p.file) + "\nfunc @loss_grad = grad @loss wrt [" + wrt +
        "]\n");
    ASSERT_TRUE(parsed.module) << parsed.errors;
    const Module &m = *parsed.module;
    int64_t trips = std::max<int64_t>(p.trips, 1);
    tdl::ad::Cost primal = tdl::ad::countCost(m, *m.lookup("loss"), trips);
    tdl::ad::Cost grad = tdl::ad::countCost(m, *m.lookup("loss_grad"), trips);
    // The gradient function runs the primal once, then the reverse pass.
    double reverse = double(grad.flops - primal.flops) / double(primal.flops);
    table +=
        fmt::format("| {} | {} | {} | {} | {} | {:.2f} |\n", p.file, primal.ops,
                    primal.flops, grad.ops, grad.flops, reverse);
    EXPECT_LE(reverse, 3.0) << p.file;
  }
  std::printf("%s", table.c_str());
}

} // namespace

namespace {

TEST(Composite, CostModelCountsLoopsAndMatmuls) {
  Parsed p = parseAndDifferentiate(R"(
func @f(%a: f64[2,3], %b: f64[3,4]) -> f64[2,4] {
  %lb = constant {value = 1} : i64
  %ub = constant {value = 4} : i64
  %m = matmul %a, %b : f64[2,4]
  %r = for %lb, %ub, %m : f64[2,4] {
  ^(%i: i64, %x: f64[2,4]):
    %e = exp %x : f64[2,4]
    yield %e
  }
  return %r
})");
  ASSERT_TRUE(p.module) << p.errors;
  tdl::ad::Cost c = tdl::ad::countCost(*p.module, *p.module->lookup("f"), 7);
  // matmul 2*2*4*3 = 48, then 3 iterations of 8 exps.
  EXPECT_EQ(c.flops, 48 + 3 * 8);
  // constant, constant, matmul, for, and 3 x exp.
  EXPECT_EQ(c.ops, 4 + 3);
}

} // namespace
