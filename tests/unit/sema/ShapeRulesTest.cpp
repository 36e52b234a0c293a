//===- ShapeRulesTest.cpp - broadcasting, '@', reshape, conv/pool sizes ---===//
#include "sema/ShapeRules.h"

#include <gtest/gtest.h>

using namespace tdl::sema;
using namespace tdl::sema::shapes;

namespace {

Shape S(std::initializer_list<int64_t> dims) { return Shape(dims); }

TEST(Broadcast, AlignsTrailingDimsAndStretchesOnes) {
  EXPECT_EQ(std::get<Shape>(broadcast(S({2, 3}), S({3}))), S({2, 3}));
  EXPECT_EQ(std::get<Shape>(broadcast(S({4, 1, 5}), S({3, 1}))), S({4, 3, 5}));
  EXPECT_EQ(std::get<Shape>(broadcast(S({}), S({7, 2}))), S({7, 2}));
  EXPECT_EQ(std::get<Shape>(broadcast(S({1}), S({1}))), S({1}));
}

TEST(Broadcast, ReportsTheClashingDims) {
  auto r = broadcast(S({2, 3}), S({4}));
  ASSERT_TRUE(std::holds_alternative<BroadcastClash>(r));
  BroadcastClash c = std::get<BroadcastClash>(r);
  EXPECT_EQ(c.lhsDim, 1u);
  EXPECT_EQ(c.rhsDim, 0u);
  EXPECT_EQ(c.lhsSize, 3);
  EXPECT_EQ(c.rhsSize, 4);
  // The clash is found at the first differing dim from the right.
  auto r2 = broadcast(S({5, 2, 3}), S({6, 1, 3}));
  ASSERT_TRUE(std::holds_alternative<BroadcastClash>(r2));
  EXPECT_EQ(std::get<BroadcastClash>(r2).lhsDim, 0u);
}

TEST(Broadcast, BroadcastsTo) {
  EXPECT_TRUE(broadcastsTo(S({3}), S({2, 3})));
  EXPECT_TRUE(broadcastsTo(S({1, 3}), S({4, 3})));
  EXPECT_FALSE(broadcastsTo(S({2, 3}), S({3})));
  EXPECT_FALSE(broadcastsTo(S({2}), S({2, 3})));
}

TEST(MatMul, Rules) {
  EXPECT_EQ(std::get<Shape>(matmul(S({2, 3}), S({3, 4}))), S({2, 4}));
  EXPECT_EQ(std::get<Shape>(matmul(S({3}), S({3, 4}))), S({4}));
  EXPECT_EQ(std::get<Shape>(matmul(S({2, 3}), S({3}))), S({2}));
  EXPECT_EQ(std::get<Shape>(matmul(S({3}), S({3}))), S({}));
  EXPECT_EQ(std::get<Shape>(matmul(S({8, 2, 3}), S({3, 4}))), S({8, 2, 4}));
  EXPECT_EQ(std::get<Shape>(matmul(S({8, 1, 2, 3}), S({5, 3, 4}))),
            S({8, 5, 2, 4}));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(matmul(S({2, 3}), S({4, 5}))));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(matmul(S({2, 2, 3}), S({3, 3, 4}))));
  EXPECT_TRUE(std::holds_alternative<std::string>(matmul(S({}), S({3}))));
}

TEST(Axes, NormalizeNegativeAndRange) {
  EXPECT_EQ(normalizeAxis(-1, 3), 2u);
  EXPECT_EQ(normalizeAxis(0, 3), 0u);
  EXPECT_EQ(normalizeAxis(-3, 3), 0u);
  EXPECT_FALSE(normalizeAxis(3, 3));
  EXPECT_FALSE(normalizeAxis(-4, 3));
  EXPECT_FALSE(normalizeAxis(0, 0));
}

TEST(Reduce, KeepdimsAndOrder) {
  EXPECT_EQ(reduce(S({2, 3, 4}), {1}, false), S({2, 4}));
  EXPECT_EQ(reduce(S({2, 3, 4}), {2, 0}, true), S({1, 3, 1}));
  EXPECT_EQ(reduce(S({2, 3, 4}), {0, 1, 2}, false), S({}));
}

TEST(Reshape, InfersOneMinusOne) {
  EXPECT_EQ(std::get<Shape>(reshape(S({2, 3, 4}), S({6, -1}))), S({6, 4}));
  EXPECT_EQ(std::get<Shape>(reshape(S({2, 3, 4}), S({-1}))), S({24}));
  EXPECT_EQ(std::get<Shape>(reshape(S({2, 3}), S({3, 2}))), S({3, 2}));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(reshape(S({2, 3}), S({4, -1}))));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(reshape(S({2, 3}), S({-1, -1}))));
  EXPECT_TRUE(std::holds_alternative<std::string>(reshape(S({2, 3}), S({5}))));
}

// Reference: out = floor((in + 2p - d(k-1) - 1) / s) + 1 (PyTorch Conv2d docs).
int64_t reference(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  int64_t num = in + 2 * p - d * (k - 1) - 1;
  return num < 0 ? 0 : num / s + 1;
}

TEST(Window, OutputSizeMatchesTheTextbookFormula) {
  for (int64_t in : {1, 5, 28, 32})
    for (int64_t k : {1, 2, 3, 5})
      for (int64_t s : {1, 2, 3})
        for (int64_t p : {0, 1, 2})
          for (int64_t d : {1, 2})
            EXPECT_EQ(windowOutputSize(in, k, s, p, p, d),
                      reference(in, k, s, p, d))
                << in << " " << k << " " << s << " " << p << " " << d;
  // Asymmetric padding counts both sides: 10 + 1 + 2 - 3 + 1 = 11.
  EXPECT_EQ(windowOutputSize(10, 3, 1, 1, 2, 1), 11);
}

TEST(Conv2D, ShapesAndGroups) {
  Conv2DParams p;
  EXPECT_EQ(std::get<Shape>(conv2d(S({2, 3, 32, 32}), S({8, 3, 5, 5}), p)),
            S({2, 8, 28, 28}));
  p.padTop = p.padBottom = p.padLeft = p.padRight = 2;
  p.strideH = p.strideW = 2;
  // (32 + 4 - 5) / 2 + 1 = 16
  EXPECT_EQ(std::get<Shape>(conv2d(S({1, 3, 32, 32}), S({4, 3, 5, 5}), p)),
            S({1, 4, 16, 16}));
  Conv2DParams g;
  g.groups = 3;
  EXPECT_EQ(std::get<Shape>(conv2d(S({1, 6, 9, 9}), S({12, 2, 3, 3}), g)),
            S({1, 12, 7, 7}));
  // Wrong per-group channels, non-dividing groups, too-large kernels.
  EXPECT_TRUE(std::holds_alternative<std::string>(
      conv2d(S({1, 6, 9, 9}), S({12, 6, 3, 3}), g)));
  g.groups = 4;
  EXPECT_TRUE(std::holds_alternative<std::string>(
      conv2d(S({1, 6, 9, 9}), S({12, 2, 3, 3}), g)));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      conv2d(S({1, 3, 4, 4}), S({1, 3, 5, 5}), Conv2DParams())));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      conv2d(S({3, 4, 4}), S({1, 3, 3, 3}), Conv2DParams())));
}

TEST(Pool2D, Shapes) {
  Conv2DParams p;
  p.strideH = p.strideW = 2;
  EXPECT_EQ(std::get<Shape>(pool2d(S({2, 3, 8, 8}), 2, 2, p)), S({2, 3, 4, 4}));
  p.padTop = p.padBottom = p.padLeft = p.padRight = 1;
  // (7 + 2 - 3) / 2 + 1 = 4
  EXPECT_EQ(std::get<Shape>(pool2d(S({1, 1, 7, 7}), 3, 3, p)), S({1, 1, 4, 4}));
  EXPECT_TRUE(std::holds_alternative<std::string>(pool2d(S({2, 3}), 2, 2, p)));
}

TEST(Permutation, Validity) {
  EXPECT_TRUE(isPermutation({2, 0, 1}, 3));
  EXPECT_FALSE(isPermutation({0, 0, 1}, 3));
  EXPECT_FALSE(isPermutation({0, 1}, 3));
  EXPECT_FALSE(isPermutation({0, 3, 1}, 3));
}

} // namespace
