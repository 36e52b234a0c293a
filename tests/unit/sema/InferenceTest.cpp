//===- InferenceTest.cpp - unification and dim-expression evaluation ------===//
//
// Each test compiles a small program through the parser and sema and looks
// at the instances in the Program: which generic arguments unification chose
// and what the dim expressions of the signature evaluated to. The expected
// numbers are computed in the test from the same formulas, independently.
//
//===----------------------------------------------------------------------===//
#include "SemaTestUtil.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::sema;
using tdl::sema::test::Compiled;

namespace {

Shape S(std::initializer_list<int64_t> d) { return Shape(d); }

TEST(Unify, BindsDimsFromSeveralArguments) {
  Compiled c(R"(
    fn f<B, I, O>(x: f32[B, I], w: f32[I, O], b: f32[O]) -> f32[B, O] { return x @ w + b; }
    fn main(x: f32[5, 7], w: f32[7, 11], b: f32[11]) -> f32[5, 11] { return f(x, w, b); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  const FuncInstance *f = c.instance("f<5, 7, 11>");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->genericArgs.size(), 3u);
  EXPECT_EQ(f->genericArgs[0].dim, 5);
  EXPECT_EQ(f->genericArgs[1].dim, 7);
  EXPECT_EQ(f->genericArgs[2].dim, 11);
  EXPECT_EQ(f->resultType->getShape(), llvm::ArrayRef<int64_t>(S({5, 11})));
}

TEST(Unify, PackTakesTheDimsBetweenFixedOnes) {
  Compiled c(R"(
    fn g<A, ..S, Z>(x: f32[A, ..S, Z]) -> f32[A, Z] { return zeros([A, Z]); }
    fn h<..S>(x: f32[..S]) -> i64 { return rank(S); }
    fn main(x: f32[2, 3, 4, 5], y: f32[9, 8], s: f32) -> f32[2, 5] {
      let r = h(s);
      let q = g(y);
      return g(x);
    }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  const FuncInstance *g = c.instance("g<9, [], 8>");
  ASSERT_NE(g, nullptr) << "an empty pack between two fixed dims";
  EXPECT_TRUE(g->genericArgs[1].pack.empty());
  const FuncInstance *g2 = c.instance("g<2, [3, 4], 5>");
  ASSERT_NE(g2, nullptr);
  EXPECT_EQ(g2->genericArgs[1].pack, S({3, 4}));
  const FuncInstance *h = c.instance("h<[]>");
  ASSERT_NE(h, nullptr) << "a scalar binds an empty pack";
}

TEST(Unify, ConflictNamesBothValues) {
  Compiled c(R"(
    fn f<N>(a: f32[N], b: f32[N]) -> f32[N] { return a + b; }
    fn main(a: f32[3], b: f32[4]) -> f32[3] { return f(a, b); }
  )");
  ASSERT_FALSE(c.messages.empty());
  EXPECT_EQ(c.messages[0],
            "conflicting values for generic parameter 'N' of 'f': 3 and 4");
}

TEST(Unify, DTypeParameterFromTypedArgumentNotLiteral) {
  Compiled c(R"(
    fn add<T, ..S>(a: T[..S], b: T[..S]) -> T[..S] { return a + b; }
    fn main(x: f64[2]) -> f64[2] { return add([1, 2], x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  const FuncInstance *f = c.instance("add<f64, [2]>");
  ASSERT_NE(f, nullptr) << "the literal adapts to f64 instead of binding i32";
}

TEST(DimExpressions, EvaluateUnderBindings) {
  // For each N, the result dims follow the written formulas.
  for (int64_t n : {2, 4, 6, 10}) {
    std::string src = fmt::format(R"(
      fn f<N, M>(a: f32[N], b: f32[M]) -> f32[N * M + 1, N / 2, N - 1, N + M] {{
        return zeros([N * M + 1, N / 2, N - 1, N + M]);
      }}
      fn main(a: f32[{0}], b: f32[3]) -> f32 {{
        let r = f(a, b);
        return 0.0;
      }}
    )",
                                  n);
    Compiled c(src);
    ASSERT_TRUE(c.messages.empty()) << c.errors();
    const FuncInstance *f = c.instance(fmt::format("f<{}, 3>", n));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->resultType->getShape(),
              llvm::ArrayRef<int64_t>(S({n * 3 + 1, n / 2, n - 1, n + 3})));
  }
}

TEST(DimExpressions, SolvesASingleUnknown) {
  Compiled c(R"(
    fn f<N>(a: f32[N + 2]) -> f32[N] { return a[1:-1]; }
    fn g<K>(a: f32[K * 3]) -> f32[K] { return reshape(a, [K, 3])[:, 0]; }
    fn main(a: f32[7], b: f32[12]) -> f32[5] { let k = g(b); return f(a); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  EXPECT_NE(c.instance("f<5>"), nullptr);
  EXPECT_NE(c.instance("g<4>"), nullptr);
}

TEST(DimExpressions, ProdAndRankOfPacks) {
  Compiled c(R"(
    fn flat<B, ..S>(x: f32[B, ..S]) -> f32[B, prod(S)] { return reshape(x, [B, -1]); }
    fn r<..S>(x: f32[..S]) -> f32[rank(S)] { return zeros([rank(S)]); }
    fn main(x: f32[2, 3, 4, 5]) -> f32[2, 60] { let q = r(x); return flat(x); }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  const FuncInstance *f = c.instance("flat<2, [3, 4, 5]>");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->resultType->getShape(),
            llvm::ArrayRef<int64_t>(S({2, 3 * 4 * 5})));
  const FuncInstance *r = c.instance("r<[2, 3, 4, 5]>");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->resultType->getShape(), llvm::ArrayRef<int64_t>(S({4})));
}

TEST(Monomorphization, OneInstancePerBinding) {
  Compiled c(R"(
    fn id<..S>(x: f32[..S]) -> f32[..S] { return x; }
    fn main(a: f32[2], b: f32[2], d: f32[3]) -> f32[2] {
      let x = id(a);
      let y = id(b);
      let z = id(d);
      return id(x);
    }
  )");
  ASSERT_TRUE(c.messages.empty()) << c.errors();
  int count2 = 0, count3 = 0;
  for (auto &f : c.program->functions) {
    count2 += f->name == "id<[2]>";
    count3 += f->name == "id<[3]>";
  }
  EXPECT_EQ(count2, 1);
  EXPECT_EQ(count3, 1);
}

} // namespace
