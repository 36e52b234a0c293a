//===- LexerTest.cpp - every token kind and the literal edge cases --------===//
#include "parser/Lexer.h"

#include "TestHelpers.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::parser;
using tdl::testing::Source;

namespace {

std::vector<Token> lexAll(Source &src) {
  Lexer lexer(src.sources, src.buffer, src.engine);
  std::vector<Token> out;
  for (;;) {
    Token t = lexer.lex();
    out.push_back(t);
    if (t.is(TokenKind::Eof) || out.size() > 10000)
      return out;
  }
}

std::vector<TokenKind> kinds(const std::string &text) {
  Source src(text);
  std::vector<TokenKind> out;
  for (const Token &t : lexAll(src))
    out.push_back(t.kind);
  EXPECT_TRUE(src.diags().empty()) << "unexpected diagnostic for: " << text;
  return out;
}

Token single(Source &src) {
  std::vector<Token> toks = lexAll(src);
  EXPECT_EQ(toks.size(), 2u);
  return toks.front();
}

using K = TokenKind;

TEST(Lexer, EmptyInputIsJustEof) {
  EXPECT_EQ(kinds(""), std::vector<K>{K::Eof});
  EXPECT_EQ(kinds("  \n\t // only a comment"), std::vector<K>{K::Eof});
}

TEST(Lexer, EveryKeyword) {
  const std::pair<const char *, K> keywords[] = {
      {"fn", K::KwFn},
      {"let", K::KwLet},
      {"var", K::KwVar},
      {"const", K::KwConst},
      {"struct", K::KwStruct},
      {"return", K::KwReturn},
      {"if", K::KwIf},
      {"else", K::KwElse},
      {"for", K::KwFor},
      {"in", K::KwIn},
      {"while", K::KwWhile},
      {"break", K::KwBreak},
      {"continue", K::KwContinue},
      {"import", K::KwImport},
      {"export", K::KwExport},
      {"as", K::KwAs},
      {"true", K::KwTrue},
      {"false", K::KwFalse},
  };
  for (auto [text, kind] : keywords) {
    EXPECT_EQ(kinds(text), (std::vector<K>{kind, K::Eof})) << text;
    // A keyword prefix of a longer word is an identifier.
    EXPECT_EQ(kinds(std::string(text) + "x"),
              (std::vector<K>{K::Identifier, K::Eof}))
        << text;
  }
}

TEST(Lexer, Identifiers) {
  Source src("_ a_b1 Z9 f32 print");
  std::vector<Token> toks = lexAll(src);
  ASSERT_EQ(toks.size(), 6u);
  const char *names[] = {"_", "a_b1", "Z9", "f32", "print"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(toks[i].kind, K::Identifier);
    EXPECT_EQ(toks[i].text, names[i]);
  }
}

TEST(Lexer, EveryPunctuator) {
  const std::pair<const char *, K> puncts[] = {
      {"(", K::LParen},     {")", K::RParen},    {"[", K::LBracket},
      {"]", K::RBracket},   {"{", K::LBrace},    {"}", K::RBrace},
      {",", K::Comma},      {";", K::Semi},      {":", K::Colon},
      {".", K::Dot},        {"..", K::DotDot},   {"->", K::Arrow},
      {"@", K::At},         {"**", K::StarStar}, {"*", K::Star},
      {"/", K::Slash},      {"%", K::Percent},   {"+", K::Plus},
      {"-", K::Minus},      {"<<", K::Shl},      {">>", K::Shr},
      {"&", K::Amp},        {"^", K::Caret},     {"|", K::Pipe},
      {"&&", K::AmpAmp},    {"||", K::PipePipe}, {"!", K::Bang},
      {"<", K::Less},       {"<=", K::LessEq},   {">", K::Greater},
      {">=", K::GreaterEq}, {"==", K::EqEq},     {"!=", K::BangEq},
      {"=", K::Assign},
  };
  for (auto [text, kind] : puncts)
    EXPECT_EQ(kinds(text), (std::vector<K>{kind, K::Eof})) << text;
  // Maximal munch.
  EXPECT_EQ(kinds("***"), (std::vector<K>{K::StarStar, K::Star, K::Eof}));
  EXPECT_EQ(kinds("<<="), (std::vector<K>{K::Shl, K::Assign, K::Eof}));
  EXPECT_EQ(kinds("a->b"),
            (std::vector<K>{K::Identifier, K::Arrow, K::Identifier, K::Eof}));
}

TEST(Lexer, IntegerLiterals) {
  const std::pair<const char *, uint64_t> cases[] = {
      {"0", 0},
      {"42", 42},
      {"0x2A", 42},
      {"0X2a", 42},
      {"1_000", 1000},
      {"0xFF_FF", 65535},
      {"18446744073709551615", UINT64_MAX},
      {"0xFFFFFFFFFFFFFFFF", UINT64_MAX},
      {"007", 7},
  };
  for (auto [text, value] : cases) {
    Source src(text);
    Token t = single(src);
    EXPECT_EQ(t.kind, K::IntLiteral) << text;
    EXPECT_EQ(t.intValue, value) << text;
    EXPECT_EQ(t.text, text);
    EXPECT_TRUE(src.diags().empty()) << text;
  }
}

TEST(Lexer, FloatLiterals) {
  const std::pair<const char *, double> cases[] = {
      {"1.0", 1.0},       {".5", 0.5},           {"2.", 2.0},
      {"1e-3", 1e-3},     {"6.02e+23", 6.02e23}, {"1E3", 1000.0},
      {"1_0.2_5", 10.25}, {"0.1", 0.1},          {"2.e3", 2000.0},
  };
  for (auto [text, value] : cases) {
    Source src(text);
    Token t = single(src);
    EXPECT_EQ(t.kind, K::FloatLiteral) << text;
    EXPECT_EQ(t.floatValue, value) << text;
    EXPECT_TRUE(src.diags().empty()) << text;
  }
}

TEST(Lexer, RangeIsNotAFloat) {
  // `1..5` is 1 .. 5, not `1.` followed by `.5`.
  Source src("1..5");
  std::vector<Token> toks = lexAll(src);
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[0].kind, K::IntLiteral);
  EXPECT_EQ(toks[0].intValue, 1u);
  EXPECT_EQ(toks[1].kind, K::DotDot);
  EXPECT_EQ(toks[2].kind, K::IntLiteral);
  EXPECT_EQ(toks[2].intValue, 5u);
}

TEST(Lexer, TupleFieldsAreIntegers) {
  // `t.0.1` is t . 0 . 1 (not `t` `.` `0.1`), and `f(x).1` a field.
  EXPECT_EQ(kinds("t.0.1"),
            (std::vector<K>{K::Identifier, K::Dot, K::IntLiteral, K::Dot,
                            K::IntLiteral, K::Eof}));
  EXPECT_EQ(kinds("f(x).1"),
            (std::vector<K>{K::Identifier, K::LParen, K::Identifier, K::RParen,
                            K::Dot, K::IntLiteral, K::Eof}));
  // Without an operand before it, `.5` is a float.
  EXPECT_EQ(kinds("= .5"),
            (std::vector<K>{K::Assign, K::FloatLiteral, K::Eof}));
}

TEST(Lexer, CommentsNestAndAreSkipped) {
  EXPECT_EQ(kinds("a /* x /* y */ z */ b"),
            (std::vector<K>{K::Identifier, K::Identifier, K::Eof}));
  EXPECT_EQ(kinds("a // c /* not open\nb"),
            (std::vector<K>{K::Identifier, K::Identifier, K::Eof}));
  // UTF-8 is fine inside comments.
  EXPECT_EQ(kinds("a // h\xc3\xa9 \xe2\x82\xac\nb /* \xf0\x9f\x98\x80 */"),
            (std::vector<K>{K::Identifier, K::Identifier, K::Eof}));
}

TEST(Lexer, TokenLocations) {
  Source src("fn f\n  (x)");
  std::vector<Token> toks = lexAll(src);
  ASSERT_EQ(toks.size(), 6u);
  LineColumn lc = src.sources.getLineColumn(toks[2].getLoc());
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 3u);
  EXPECT_EQ(toks[3].text, "x");
}

struct BadInput {
  const char *text;
  DiagId id;
  unsigned column;
};

TEST(Lexer, DiagnosesBadInput) {
  const BadInput cases[] = {
      {"a $ b", DiagId::LexInvalidCharacter, 3},
      {"a \xc3\xa9", DiagId::LexNonAsciiCharacter, 3},
      {"a \xff", DiagId::LexInvalidUTF8, 3},
      {"a \xc3(", DiagId::LexInvalidUTF8, 3},
      {"/* \xc3( */", DiagId::LexInvalidUTF8, 4},
      {"// \xed\xa0\x80", DiagId::LexInvalidUTF8, 4}, // a UTF-16 surrogate
      {"x /* a /* b */", DiagId::LexUnterminatedBlockComment, 3},
      {"99999999999999999999", DiagId::LexIntegerTooLarge, 1},
      {"18446744073709551616", DiagId::LexIntegerTooLarge, 1},
      {"0x10000000000000000", DiagId::LexIntegerTooLarge, 1},
      {"1e999", DiagId::LexFloatOutOfRange, 1},
      {"0x", DiagId::LexHexNoDigits, 1},
      {"0x_", DiagId::LexHexNoDigits, 1},
      {"1e+", DiagId::LexExponentNoDigits, 1},
      {"1_", DiagId::LexBadDigitSeparator, 1},
      {"1_.5", DiagId::LexBadDigitSeparator, 2},
      {"0x_1", DiagId::LexBadDigitSeparator, 3},
      {"12abc", DiagId::LexInvalidSuffix, 3},
      {"1.5f", DiagId::LexInvalidSuffix, 4},
  };
  for (const BadInput &c : cases) {
    Source src(c.text);
    lexAll(src);
    ASSERT_EQ(src.diags().size(), 1u) << c.text;
    EXPECT_EQ(src.diags()[0].id, c.id) << c.text;
    EXPECT_EQ(src.column(src.diags()[0]), c.column) << c.text;
  }
}

TEST(Lexer, EmbeddedNulIsAnErrorAndLexingContinues) {
  std::string text("a\0b", 3);
  Source src(text);
  std::vector<Token> toks = lexAll(src);
  ASSERT_EQ(src.diags().size(), 1u);
  EXPECT_EQ(src.diags()[0].id, DiagId::LexNulCharacter);
  EXPECT_EQ(src.column(src.diags()[0]), 2u);
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[1].text, "b");
}

TEST(Lexer, NonAsciiMessageNamesTheCodePoint) {
  Source src("\xe2\x82\xac");
  lexAll(src);
  ASSERT_EQ(src.diags().size(), 1u);
  EXPECT_EQ(src.diags()[0].message,
            "unexpected character U+20AC outside a comment");
}

TEST(Lexer, BadLiteralsStillYieldLiteralTokens) {
  Source src("99999999999999999999 + 1");
  std::vector<Token> toks = lexAll(src);
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[0].kind, K::IntLiteral);
  EXPECT_EQ(toks[0].intValue, 0u);
  EXPECT_EQ(toks[2].intValue, 1u);
}

TEST(Lexer, EofRepeats) {
  Source src("x");
  Lexer lexer(src.sources, src.buffer, src.engine);
  EXPECT_EQ(lexer.lex().kind, K::Identifier);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(lexer.lex().kind, K::Eof);
}

} // namespace
