//===- NNRulesTest.cpp - conv2d and pooling gradient checks
//----------------===//
#include "GradCheck.h"

#include <fmt/format.h>

using namespace tdl::ad::test;

namespace {

struct ConvCase {
  const char *attrs;
  const char *x, *w, *y;
};

TEST(NNRules, Conv2DAllParameters) {
  ConvCase cases[] = {
      {"", "f64[1,2,5,5]", "f64[3,2,3,3]", "f64[1,3,3,3]"},
      {"{stride = [2, 2]}", "f64[2,1,6,5]", "f64[2,1,2,2]", "f64[2,2,3,2]"},
      {"{padding = [1, 0, 2, 1]}", "f64[1,2,4,4]", "f64[2,2,3,3]",
       "f64[1,2,3,5]"},
      {"{dilation = [2, 1]}", "f64[1,1,6,5]", "f64[1,1,2,3]", "f64[1,1,4,3]"},
      {"{groups = 2}", "f64[1,4,4,4]", "f64[6,2,2,2]", "f64[1,6,3,3]"},
      {"{dilation = [1, 2], groups = 2, padding = [1, 1, 0, 2], stride = [2, "
       "3]}",
       "f64[2,2,7,8]", "f64[4,1,3,2]", "f64[2,4,4,3]"},
      // Depthwise (one input channel per group), with a multiplier of 2.
      {"{groups = 3, padding = [1, 1, 1, 1]}", "f64[2,3,5,4]", "f64[3,1,3,3]",
       "f64[2,3,5,4]"},
      {"{groups = 3, stride = [2, 1]}", "f64[1,3,5,4]", "f64[6,1,2,2]",
       "f64[1,6,2,3]"},
      // The stride skips the last input row and column.
      {"{stride = [2, 3]}", "f64[1,2,6,7]", "f64[2,2,3,2]", "f64[1,2,2,2]"},
  };
  for (const ConvCase &c : cases) {
    SCOPED_TRACE(c.attrs);
    checkGradients(fmt::format(R"(
func @f(%x: {0}, %w: {1}) -> {2} {{
  %y = conv2d %x, %w {3} : {2}
  return %y
}})",
                               c.x, c.w, c.y, c.attrs),
                   "f", {0, 1});
  }
}

TEST(NNRules, Conv2DPullbacksDifferentiateAgain) {
  // conv2d_grad_input (w, dy) and conv2d_grad_filter (x, dy), what the
  // conv2d rule emits, are bilinear: their vjp (conv2d and the other
  // pullback op) and jvp, checked against finite differences, are what
  // second derivatives through conv2d use.
  ConvCase cases[] = {
      {"", "f64[1,2,5,5]", "f64[3,2,3,3]", "f64[1,3,3,3]"},
      {"{dilation = [1, 2], groups = 2, padding = [1, 1, 0, 2], stride = [2, "
       "3]}",
       "f64[2,2,7,8]", "f64[4,1,3,2]", "f64[2,4,4,3]"},
      {"{groups = 3, padding = [1, 1, 1, 1]}", "f64[2,3,5,4]", "f64[3,1,3,3]",
       "f64[2,3,5,4]"},
  };
  // The conv attributes plus `shape`, the dims of a type `f64[...]`.
  auto withShape = [](std::string attrs, const char *type) {
    std::string shape = std::string(type).substr(3);
    if (attrs.empty())
      return "{shape = " + shape + "}";
    return attrs.substr(0, attrs.size() - 1) + ", shape = " + shape + "}";
  };
  for (const ConvCase &c : cases) {
    SCOPED_TRACE(c.attrs);
    checkGradients(fmt::format(R"(
func @f(%w: {1}, %dy: {2}) -> {0} {{
  %g = conv2d_grad_input %w, %dy {3} : {0}
  return %g
}})",
                               c.x, c.w, c.y, withShape(c.attrs, c.x)),
                   "f", {0, 1});
    checkGradients(fmt::format(R"(
func @f(%x: {0}, %dy: {2}) -> {1} {{
  %g = conv2d_grad_filter %x, %dy {3} : {1}
  return %g
}})",
                               c.x, c.w, c.y, withShape(c.attrs, c.w)),
                   "f", {0, 1});
  }
}

TEST(NNRules, Pooling) {
  const char *cases[][2] = {
      {"{window = [2, 2]}", "f64[1,2,2,2]"},
      {"{stride = [1, 2], window = [2, 3]}", "f64[1,2,3,2]"},
      {"{padding = [1, 0, 1, 1], window = [3, 2]}", "f64[1,2,1,3]"},
      {"{padding = [1, 0, 1, 1], stride = [1, 1], window = [3, 2]}",
       "f64[1,2,3,6]"},
  };
  for (const char *op : {"max_pool2d", "avg_pool2d"})
    for (auto &c : cases) {
      SCOPED_TRACE(std::string(op) + " " + c[0]);
      checkGradients(fmt::format(R"(
func @f(%x: f64[1,2,4,5]) -> {2} {{
  %y = {0} %x {1} : {2}
  return %y
}})",
                                 op, c[0], c[1]),
                     "f", {0});
    }
}

TEST(NNRules, PoolingPullbacksDifferentiateAgain) {
  // max_pool2d_grad / avg_pool2d_grad (what the pooling rules emit) are
  // linear in the cotangent: their vjp and jvp, checked against finite
  // differences, are what second derivatives through pooling use.
  const char *cases[][2] = {
      {"{window = [2, 2]}", "f64[1,2,2,2]"},
      {"{padding = [1, 0, 1, 1], stride = [1, 1], window = [3, 2]}",
       "f64[1,2,3,6]"},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c[0]);
    checkGradients(fmt::format(R"(
func @f(%x: f64[1,2,4,5], %dy: {1}) -> f64[1,2,4,5] {{
  %y = max_pool2d %x {0} : {1}
  %g = max_pool2d_grad %x, %y, %dy {0} : f64[1,2,4,5]
  return %g
}})",
                               c[0], c[1]),
                   "f", {1});
    checkGradients(fmt::format(R"(
func @f(%x: f64[1,2,4,5], %dy: {1}) -> f64[1,2,4,5] {{
  %g = avg_pool2d_grad %x, %dy {0} : f64[1,2,4,5]
  return %g
}})",
                               c[0], c[1]),
                   "f", {1});
  }
}

TEST(NNRules, MaxPoolTieGoesToFirst) {
  // Convention (XLA select_and_scatter): the whole cotangent goes to the
  // first maximal element of the window in row-major order.
  Parsed p = parseAndDifferentiate(R"(
func @f(%x: f64[1,1,2,2]) -> f64[1,1,1,1] {
  %y = max_pool2d %x {window = [2, 2]} : f64[1,1,1,1]
  return %y
}
func @g = vjp @f wrt [0])");
  ASSERT_TRUE(p.module) << p.errors;
  using namespace tdl::ir;
  auto x = RuntimeValue::fromVector<double>(
      Type::tensor(DType::F64, {1, 1, 2, 2}), std::vector<double>{1, 4, 4, 2});
  auto u = RuntimeValue::fromVector<double>(
      Type::tensor(DType::F64, {1, 1, 1, 1}), std::vector<double>{3});
  auto g = run(*p.module, "g", {x, u});
  ASSERT_EQ(g.size(), 1u);
  expectClose(flatten(g[0]), {0, 3, 0, 0}, 0, "max_pool2d tie");
}

} // namespace
