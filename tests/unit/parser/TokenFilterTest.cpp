//===- TokenFilterTest.cpp - generic '<', struct '{', statement 'if' ------===//
#include "parser/TokenFilter.h"

#include "TestHelpers.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::parser;
using tdl::testing::Source;
using K = TokenKind;

namespace {

/// The filtered token kinds of `text` (without the final Eof).
std::vector<K> filtered(const std::string &text, Source **keep = nullptr) {
  static std::unique_ptr<Source> last;
  last = std::make_unique<Source>(text);
  Lexer lexer(last->sources, last->buffer, last->engine);
  TokenFilter filter(lexer, last->engine);
  std::vector<K> out;
  for (int guard = 0; guard < 100000; ++guard) {
    Token t = filter.next();
    if (t.is(K::Eof))
      break;
    out.push_back(t.kind);
  }
  if (keep)
    *keep = last.get();
  return out;
}

size_t count(const std::vector<K> &ks, K k) {
  return std::count(ks.begin(), ks.end(), k);
}

TEST(TokenFilter, GenericCallIsDetected) {
  EXPECT_EQ(filtered("f<N>(x)"),
            (std::vector<K>{K::Identifier, K::GenericLess, K::Identifier,
                            K::Greater, K::LParen, K::Identifier, K::RParen}));
}

TEST(TokenFilter, ComparisonStaysAComparison) {
  EXPECT_EQ(count(filtered("a < b"), K::GenericLess), 0u);
  EXPECT_EQ(count(filtered("a < b > c"), K::GenericLess), 0u);
  EXPECT_EQ(count(filtered("a < b && c > d"), K::GenericLess), 0u);
  EXPECT_EQ(count(filtered("(a < b, c > d)"), K::GenericLess), 0u);
  EXPECT_EQ(count(filtered("a < b >> c"), K::GenericLess), 0u);
  EXPECT_EQ(count(filtered("x < 1.5 > y"), K::GenericLess), 0u);
}

TEST(TokenFilter, FollowTokensOfTheCSharpRule) {
  // The spec's list: ( ) , ; ] } .  -- plus { and = (see TokenFilter.h).
  for (const char *follow : {"(", ")", ",", ";", "]", "}", ".", "{", "="})
    EXPECT_EQ(count(filtered(std::string("a < b > ") + follow), K::GenericLess),
              1u)
        << follow;
  EXPECT_EQ(count(filtered("a < b > -"), K::GenericLess), 0u);
  // The classic C# case resolves to generic arguments.
  EXPECT_EQ(count(filtered("(a < b, c > (d))"), K::GenericLess), 1u);
}

TEST(TokenFilter, NestedGenericsSplitShiftRight) {
  std::vector<K> ks = filtered("Foo<Bar<1>>,");
  EXPECT_EQ(ks, (std::vector<K>{K::Identifier, K::GenericLess, K::Identifier,
                                K::GenericLess, K::IntLiteral, K::Greater,
                                K::Greater, K::Comma}));
}

TEST(TokenFilter, DimExpressionsInArguments) {
  EXPECT_EQ(
      count(filtered("f<2 * N + 1, f32, (M - 1) / 2, ..S>(x)"), K::GenericLess),
      1u);
  EXPECT_EQ(count(filtered("f<nn.T, g<1>>(x)"), K::GenericLess), 2u);
}

TEST(TokenFilter, DeclarationParameterListsAlwaysGeneric) {
  EXPECT_EQ(
      count(filtered("fn relu<T: float, ..S>(x: T[..S])"), K::GenericLess), 1u);
  EXPECT_EQ(
      count(filtered("struct Dense<I, O> { w: f32[I, O] }"), K::GenericLess),
      1u);
}

TEST(TokenFilter, StructLiteralBraces) {
  EXPECT_EQ(count(filtered("let l = Dense { w: 1 };"), K::StructLBrace), 1u);
  EXPECT_EQ(count(filtered("let l = Dense<4, 3> { w: 1 };"), K::StructLBrace),
            1u);
  EXPECT_EQ(count(filtered("let l = nn.Dense { w: 1 };"), K::StructLBrace), 1u);
  // Rust's rule: a condition's block is a block...
  EXPECT_EQ(count(filtered("if x { }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("while x { }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("for i in 0..n { }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("fn f() -> T { }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("fn f() -> Dense<I, O> { }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("struct S { a: f32 }"), K::StructLBrace), 0u);
  EXPECT_EQ(count(filtered("struct S<N> { a: f32[N] }"), K::StructLBrace), 0u);
  // ... unless the literal is parenthesized.
  EXPECT_EQ(count(filtered("if (S { a: 1 }).a { }"), K::StructLBrace), 1u);
  EXPECT_EQ(count(filtered("if f(S { a: 1 }) { }"), K::StructLBrace), 1u);
  // Inside the block, literals are allowed again.
  EXPECT_EQ(count(filtered("if c { let s = S { a: 1 }; }"), K::StructLBrace),
            1u);
}

TEST(TokenFilter, StatementIfVersusExpressionIf) {
  std::vector<K> ks = filtered("{ if c { } let y = if c { 1 } else { 2 }; }");
  EXPECT_EQ(count(ks, K::KwIfStmt), 1u);
  EXPECT_EQ(count(ks, K::KwIf), 1u);
  // `else if` continues the chain with a plain `if`.
  ks = filtered("{ if a { } else if b { } }");
  EXPECT_EQ(count(ks, K::KwIfStmt), 1u);
  EXPECT_EQ(count(ks, K::KwIf), 1u);
  // After a struct literal's `}` a new statement does not start.
  ks = filtered("{ x = S { a: 1 } if }");
  EXPECT_EQ(count(ks, K::KwIfStmt), 0u);
}

TEST(TokenFilter, NestingLimitEndsTheStream) {
  Source *src = nullptr;
  std::string deep(10000, '(');
  std::vector<K> ks = filtered(deep + "1" + std::string(10000, ')'), &src);
  EXPECT_EQ(ks.size(), TokenFilter::kMaxNesting);
  ASSERT_EQ(src->diags().size(), 1u);
  EXPECT_EQ(src->diags()[0].id, DiagId::ParseNestingTooDeep);
  EXPECT_EQ(src->column(src->diags()[0]), TokenFilter::kMaxNesting + 1);
}

TEST(TokenFilter, NestingJustBelowTheLimitIsFine) {
  Source *src = nullptr;
  unsigned n = TokenFilter::kMaxNesting;
  std::vector<K> ks = filtered(std::string(n, '[') + std::string(n, ']'), &src);
  EXPECT_EQ(ks.size(), 2 * n);
  EXPECT_TRUE(src->diags().empty());
}

TEST(TokenFilter, LongComparisonChainsStayCheap) {
  // a < b < b < ... never closes. Short chains stay comparisons; a chain
  // longer than the nesting limit is indistinguishable from deeply nested
  // generics and ends with the one nesting diagnostic (the input is invalid
  // either way: comparisons do not chain). Either way the scan is bounded.
  EXPECT_EQ(count(filtered("x = a < b < b < b;"), K::GenericLess), 0u);
  Source *src = nullptr;
  std::string text = "x = a";
  for (int i = 0; i < 20000; ++i)
    text += " < b";
  filtered(text, &src);
  EXPECT_LE(src->diags().size(), 1u);
}

} // namespace
