//===- ParserErrorTest.cpp - syntax errors, recovery and limits -----------===//
#include "parser/Parse.h"

#include "TestHelpers.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::ast;
using tdl::testing::Source;

namespace {

struct Parsed {
  explicit Parsed(const std::string &text) : src(text) {
    module = parser::parseBuffer(src.sources, src.buffer, src.engine, ctx);
  }
  Source src;
  ASTContext ctx;
  Module *module = nullptr;
};

struct ErrorCase {
  const char *text;
  DiagId id;
  const char *message; // a substring of the message
  unsigned column;
};

TEST(ParserErrors, OneDiagnosticPerMistake) {
  const ErrorCase cases[] = {
      {"fn f() { let x = a < b < c; }", DiagId::ParseNonAssociative,
       "'<' after '<'", 24},
      {"fn f() { let x = a == b != c; }", DiagId::ParseNonAssociative,
       "'!=' after '=='", 25},
      {"fn f() { g(k: 1, 2); }", DiagId::ParsePositionalAfterNamed,
       "positional argument after a named argument", 18},
      {"fn f() { 3 = x; }", DiagId::ParseInvalidAssignTarget, "cannot assign",
       10},
      {"fn f() { f(x) = 1; }", DiagId::ParseInvalidAssignTarget,
       "cannot assign", 10},
      {"fn f() { x }", DiagId::ParseExpectedSemiAfterExpr, "expected ';'", 11},
      {"fn f() { if c { x } }", DiagId::ParseExpectedSemiAfterExpr,
       "expected ';'", 18},
      {"fn f() { let y = if c { 1 }; }", DiagId::ParseIfExprNeedsElse,
       "needs an 'else'", 18},
      {"fn f() { let y = if c { 1; } else { 2 }; }",
       DiagId::ParseIfExprBranchNeedsValue, "must end with a value", 23},
      {"fn f() { let s = f(x).S { x: 1 }; }", DiagId::ParseNotAStructName,
       "expected a struct name before '{'", 18},
      {"fn f() { let s = t.0.S { x: 1 }; }", DiagId::ParseNotAStructName,
       "expected a struct name before '{'", 18},
      {"fn f<T: real>() {}", DiagId::ParseUnknownConstraint,
       "unknown dtype constraint 'real'", 9},
      {"@inline fn f() {}", DiagId::ParseExpectedFound, "expected '('", 9},
      {"@inline() fn f() {}", DiagId::ParseUnknownAttribute,
       "unknown attribute '@inline'", 2},
      {"@derivative(of: f) struct S {}", DiagId::ParseAttributeNotOnFunction,
       "only allowed on functions", 1},
      {"export struct S {}", DiagId::ParseExportNotFunction,
       "only functions can be exported", 1},
      {"export import a;", DiagId::ParseExportNotFunction,
       "only functions can be exported", 1},
      {"fn f(x: f32[rnk(S)]) {}", DiagId::ParseBadDimCall, "'rnk'", 13},
      {"fn f(x: a.b[3]) {}", DiagId::ParseBadTensorElement, "expected a dtype",
       9},
      {"fn f() { let x = (1 + 2; }", DiagId::ParseExpectedFound,
       "expected ')', found ';'", 24},
      {"fn f() { let x = [1, 2; }", DiagId::ParseExpectedFound,
       "expected ']', found ';'", 23},
      {"fn f() { let = 1; }", DiagId::ParseExpectedFound, "found '='", 14},
      {"fn f() { return 1 }", DiagId::ParseExpectedFound,
       "expected ';', found '}'", 18},
      {"fn f() { let x = 1\n let y = 2; }", DiagId::ParseExpectedFound,
       "expected ';', found 'let'", 19},
      {"fn f() { let x = ; }", DiagId::ParseExpectedFound,
       "expected expression", 18},
      {"let x = 1;", DiagId::ParseUnexpected, "unexpected 'let'", 1},
      {"fn f() {", DiagId::ParseExpectedFound, "found end of file", 9},
      {"fn f() { let x = 1..5; }", DiagId::ParseUnexpected, "unexpected '..'",
       19},
      {"fn f() { let f32 = 1; }", DiagId::ParseDTypeNameBound,
       "'f32' is a dtype name and cannot be used as the name of a variable",
       14},
      {"fn f(i8: f32) {}", DiagId::ParseDTypeNameBound, "of a parameter", 6},
      {"fn bool() {}", DiagId::ParseDTypeNameBound, "of a function", 4},
      {"struct f64 {}", DiagId::ParseDTypeNameBound, "of a struct", 8},
      {"const i64 = 1;", DiagId::ParseDTypeNameBound, "of a constant", 7},
      {"fn g<i32>() {}", DiagId::ParseDTypeNameBound, "of a generic parameter",
       6},
      {"fn f() { for i32 in 0..1 {} }", DiagId::ParseDTypeNameBound,
       "of a variable", 14},
  };
  for (const ErrorCase &c : cases) {
    Parsed p(c.text);
    ASSERT_EQ(p.src.diags().size(), 1u)
        << c.text << " first: "
        << (p.src.diags().empty() ? "<none>" : p.src.diags()[0].message);
    const Diagnostic &d = p.src.diags()[0];
    EXPECT_EQ(d.id, c.id) << c.text << ": " << d.message;
    EXPECT_NE(d.message.find(c.message), std::string::npos)
        << c.text << ": " << d.message;
    EXPECT_EQ(p.src.column(d), c.column) << c.text << ": " << d.message;
  }
}

TEST(ParserErrors, UnclosedBracketGetsANote) {
  Parsed p("fn f() {\n  let x = g(a, [1, 2], (3, 4);\n}");
  ASSERT_EQ(p.src.diags().size(), 1u);
  const Diagnostic &d = p.src.diags()[0];
  EXPECT_EQ(d.message, "expected ')', found ';'");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "to match this '('");
  EXPECT_EQ(p.src.column(d.notes[0]), 12u);
}

TEST(ParserErrors, RecoversAtSemicolonsAndDeclarations) {
  Parsed p(R"(fn a() { let x = ; let y = 2; let z = * 3; }
fn b() { return 1 + ; }
struct S { a f32 }
fn c() -> f32 { return 1.0; }
)");
  std::vector<DiagId> ids = p.src.diagIds();
  EXPECT_EQ(ids.size(), 4u);
  unsigned lines[] = {1, 1, 2, 3};
  for (size_t i = 0; i < ids.size() && i < 4; ++i)
    EXPECT_EQ(p.src.sources.getLineColumn(p.src.diags()[i].loc).line, lines[i]);
  // The declarations that parsed are all there, including the last one.
  bool sawC = false;
  for (Decl *d : p.module->getDecls())
    sawC |= d->getName().name == "c";
  EXPECT_TRUE(sawC);
}

TEST(ParserErrors, LexerErrorsDoNotCascade) {
  Parsed p("fn f() { let x = $; let y = 1; }");
  ASSERT_EQ(p.src.diags().size(), 1u);
  EXPECT_EQ(p.src.diags()[0].id, DiagId::LexInvalidCharacter);
  Parsed q("fn f() { /* never closed");
  ASSERT_EQ(q.src.diags().size(), 1u);
  EXPECT_EQ(q.src.diags()[0].id, DiagId::LexUnterminatedBlockComment);
}

TEST(ParserErrors, DeepNestingGivesOneDiagnostic) {
  for (const char *open : {"(", "[", "f("}) {
    std::string text = "fn f() { let x = ";
    for (int i = 0; i < 10000; ++i)
      text += open;
    text += "1";
    for (int i = 0; i < 10000; ++i)
      text += *open == '[' ? "]" : ")";
    text += "; }";
    Parsed p(text);
    ASSERT_EQ(p.src.diags().size(), 1u) << open;
    EXPECT_EQ(p.src.diags()[0].id, DiagId::ParseNestingTooDeep);
  }
}

TEST(ParserErrors, DeepBlocksGiveOneDiagnostic) {
  std::string text = "fn f() ";
  for (int i = 0; i < 10000; ++i)
    text += "{ if c ";
  for (int i = 0; i < 10000; ++i)
    text += "} ";
  Parsed p(text);
  ASSERT_EQ(p.src.diags().size(), 1u);
  EXPECT_EQ(p.src.diags()[0].id, DiagId::ParseNestingTooDeep);
}

TEST(ParserErrors, LongOperatorChainsHitTheDepthLimit) {
  const char *chains[] = {"- ", "! ", "1 + ", "2 ** ", "x as f32 as "};
  for (const char *piece : chains) {
    std::string text = "fn f() { let x = ";
    for (int i = 0; i < 10000; ++i)
      text += piece;
    text += std::string(piece) == "x as f32 as " ? "f32; }" : "1; }";
    Parsed p(text);
    ASSERT_EQ(p.src.diags().size(), 1u) << piece;
    EXPECT_EQ(p.src.diags()[0].id, DiagId::ParseExprTooDeep) << piece;
  }
  // Within the limit is fine.
  std::string ok = "fn f() { let x = 1";
  for (int i = 0; i < 1000; ++i)
    ok += " + 1";
  Parsed p(ok + "; }");
  EXPECT_TRUE(p.src.diags().empty());
}

TEST(ParserErrors, LongElseIfChainHitsTheDepthLimit) {
  std::string text = "fn f() { if a { }";
  for (int i = 0; i < 5000; ++i)
    text += " else if a { }";
  Parsed p(text + " }");
  ASSERT_EQ(p.src.diags().size(), 1u);
  EXPECT_EQ(p.src.diags()[0].id, DiagId::ParseExprTooDeep);
}

TEST(ParserErrors, ErrorLimitStopsParsing) {
  Source src("");
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "fn f() { let = ; }\n";
  SourceManager sm;
  DiagnosticEngine engine(sm);
  auto c = std::make_unique<tdl::testing::Collector>();
  auto *col = c.get();
  engine.setConsumer(std::move(c));
  engine.setErrorLimit(5);
  unsigned id = sm.addBuffer("t.tdl", text);
  ASTContext ctx;
  parser::parseBuffer(sm, id, engine, ctx);
  EXPECT_EQ(col->seen.size(), 6u); // five errors and "too many errors"
}

} // namespace
