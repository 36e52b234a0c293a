//===- DimSolverTest.cpp - solving dim-expression constraints at calls ----===//
//
// A parameter typed `f32[2 * N + 1]` given an `f32[7]` argument must infer
// N = 3. Each test compiles a call and reads the instance's generic
// arguments; where a value is solved, the test also substitutes it back into
// the expression, so a wrong inverse cannot pass by matching a wrong
// expectation. Unsolvable and uninferable constraints must name the
// parameter, the expression and the value, and never print -1.
//
//===----------------------------------------------------------------------===//
#include "SemaTestUtil.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::sema;
using tdl::sema::test::Compiled;

namespace {

/// The generic arguments of the only instance named `name<...>`.
std::vector<int64_t> dimsOf(const Compiled &c, llvm::StringRef name) {
  std::vector<int64_t> out;
  for (auto &f : c.program->functions)
    if (f->decl->getName().name == name)
      for (const GenericValue &v : f->genericArgs)
        out.push_back(v.dim);
  return out;
}

bool mentions(const std::vector<std::string> &ms, llvm::StringRef text) {
  return llvm::any_of(ms, [&](const std::string &m) {
    return llvm::StringRef(m).contains(text);
  });
}

TEST(DimSolver, AffineExpression) {
  Compiled c(R"(
    fn f<N>(x: f32[2 * N + 1]) -> f32[N] { return zeros([N]); }
    fn main(x: f32[7]) -> f32[3] { return f(x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  auto d = dimsOf(c, "f");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(2 * d[0] + 1, 7);
}

TEST(DimSolver, UnknownOnTheRightOfSubAndDiv) {
  Compiled c(R"(
    fn f<N>(x: f32[10 - N], y: f32[12 / N]) -> f32[N] { return zeros([N]); }
    fn g<K>(x: f32[(K - 1) / 3]) -> f32[K] { return zeros([K]); }
    fn main(x: f32[6], y: f32[3], z: f32[5]) -> f32[16] { let a = f(x, y); return g(z); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  auto f = dimsOf(c, "f");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(10 - f[0], 6);
  EXPECT_EQ(12 / f[0], 3);
  auto g = dimsOf(c, "g");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ((g[0] - 1) % 3, 0);
  EXPECT_EQ((g[0] - 1) / 3, 5);
}

TEST(DimSolver, ProductWithTheOtherFactorBoundLater) {
  // `N * M` comes first; M is bound by the second argument, so the
  // constraint is solved after unification, not when it is met.
  Compiled c(R"(
    fn f<N, M>(y: f32[N * M], x: f32[M]) -> f32[N] { return zeros([N]); }
    fn main(y: f32[12], x: f32[4]) -> f32[3] { return f(y, x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  auto d = dimsOf(c, "f");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[1], 4);
  EXPECT_EQ(d[0] * d[1], 12);
}

TEST(DimSolver, ConstraintsUnblockEachOther) {
  // Only the last constraint is solvable at first; solving it binds A, which
  // makes `A * B` solvable, which binds B for `B - C`.
  Compiled c(R"(
    fn f<A, B, C>(z: f32[B - C], y: f32[A * B], x: f32[A + 1]) -> f32[C] { return zeros([C]); }
    fn main(z: f32[1], y: f32[12], x: f32[4]) -> f32[3] { return f(z, y, x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  auto d = dimsOf(c, "f");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0] + 1, 4);
  EXPECT_EQ(d[0] * d[1], 12);
  EXPECT_EQ(d[1] - d[2], 1);
}

TEST(DimSolver, ProdOfABoundPackIsChecked) {
  Compiled good(R"(
    fn f<..S>(x: f32[..S], y: f32[prod(S)]) -> i64 { return rank(S); }
    fn main(x: f32[2, 3], y: f32[6]) -> i64 { return f(x, y); }
  )");
  EXPECT_TRUE(good.messages.empty()) << good.errors();
  Compiled bad(R"(
    fn f<..S>(x: f32[..S], y: f32[prod(S)]) -> i64 { return rank(S); }
    fn main(x: f32[2, 3], y: f32[5]) -> i64 { return f(x, y); }
  )");
  ASSERT_EQ(bad.messages.size(), 1u) << bad.errors();
  EXPECT_TRUE(mentions(bad.messages, "dim 'prod(S)' is 6, but the argument's "
                                     "dim is 5"))
      << bad.errors();
}

TEST(DimSolver, NonIntegralOrNegativeInverseIsAnError) {
  for (const char *src : {
           "fn f<N>(x: f32[2 * N + 1]) -> f32[N] { return zeros([N]); }\n"
           "fn main(x: f32[8]) -> f32 { let y = f(x); return 0.0; }",
           "fn f<N>(x: f32[10 - N]) -> f32[N] { return zeros([N]); }\n"
           "fn main(x: f32[12]) -> f32 { let y = f(x); return 0.0; }",
           "fn f<N>(x: f32[N - 3 + 1]) -> f32[N] { return zeros([N]); }\n"
           "fn main(x: f32[0]) -> f32 { let y = f(x); return 0.0; }",
           "fn f<N>(x: f32[12 / N]) -> f32[N] { return zeros([N]); }\n"
           "fn main(x: f32[5]) -> f32 { let y = f(x); return 0.0; }",
       }) {
    Compiled c(src);
    ASSERT_EQ(c.messages.size(), 1u) << src << "\n" << c.errors();
    EXPECT_TRUE(mentions(c.messages, "no non-negative integer value of 'N'"))
        << c.errors();
    EXPECT_FALSE(mentions(c.messages, "-1")) << c.errors();
    EXPECT_TRUE(mentions(c.notes, "generic parameter 'N' declared here"));
  }
}

TEST(DimSolver, SecondInferenceStepCannotGoNegative) {
  // N - 3 would have to be -2 for `(N - 3) + 3 == 1`: dims are never
  // negative, so there is no solution even though N = 1 satisfies the sum.
  Compiled c(R"(
    fn f<N>(x: f32[N - 3 + 3]) -> f32[N] { return zeros([N]); }
    fn main(x: f32[1]) -> f32 { let y = f(x); return 0.0; }
  )");
  ASSERT_EQ(c.messages.size(), 1u) << c.errors();
  EXPECT_TRUE(mentions(c.messages, "makes dim 'N - 3 + 3' equal to 1"));
}

TEST(DimSolver, UninferableNamesTheParametersAndSuggestsInstantiation) {
  Compiled two(R"(
    fn f<N, M>(x: f32[N + M]) -> f32[N] { return zeros([N]); }
    fn main(x: f32[5]) -> f32 { let y = f(x); return 0.0; }
  )");
  ASSERT_EQ(two.messages.size(), 1u) << two.errors();
  EXPECT_TRUE(mentions(two.messages,
                       "cannot infer generic parameters 'N' and 'M' of 'f' "
                       "from dim 'N + M' of argument 'x' (which is 5); "
                       "instantiate explicitly: 'f<N, M>'"))
      << two.errors();
  EXPECT_EQ(two.notes.size(), 2u);

  // Twice the same unknown is not inverted.
  Compiled square(R"(
    fn f<N>(x: f32[N * N]) -> f32[N] { return zeros([N]); }
    fn main(x: f32[9]) -> f32 { let y = f(x); return 0.0; }
  )");
  ASSERT_EQ(square.messages.size(), 1u) << square.errors();
  EXPECT_TRUE(mentions(square.messages, "cannot infer generic parameter 'N'"));

  // `0 * N == 0` holds for every N.
  Compiled zero(R"(
    fn f<N>(x: f32[0 * N]) -> f32[N] { return zeros([N]); }
    fn main(x: f32[0]) -> f32 { let y = f(x); return 0.0; }
  )");
  ASSERT_EQ(zero.messages.size(), 1u) << zero.errors();
  EXPECT_TRUE(mentions(zero.messages, "cannot infer generic parameter 'N'"));
}

TEST(DimSolver, PartialExplicitInstantiationLeavesOneUnknown) {
  Compiled c(R"(
    fn f<N, M>(x: f32[N + M]) -> f32[M] { return zeros([M]); }
    fn main(x: f32[5]) -> f32[3] { return f<2>(x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  auto d = dimsOf(c, "f");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], 2);
  EXPECT_EQ(d[0] + d[1], 5);
}

} // namespace
