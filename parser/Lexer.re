//===- Lexer.re - re2c specification of the TDL lexer ---------------------===//
//
// re2c generates Lexer.cpp from this file in the build tree. The buffer is
// NUL-terminated (SourceManager guarantees it), so the scanner runs without
// bounds checks: a NUL at the end is end of file, any other NUL is an error.
//
//===----------------------------------------------------------------------===//
#include "parser/Lexer.h"

#include "llvm/Support/ConvertUTF.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace tdl::parser {

Lexer::Lexer(SourceManager &sources, unsigned bufferId, DiagnosticEngine &diags)
    : diags(diags) {
  llvm::StringRef text = sources.getBufferText(bufferId);
  bufferStart = text.data();
  bufferEnd = text.data() + text.size();
  cur = bufferStart;
}

Token Lexer::make(TokenKind kind, const char *start) const {
  Token t;
  t.kind = kind;
  t.text = llvm::StringRef(start, cur - start);
  return t;
}

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// Tokens after which `.5` means field `5` of an operand, not a float.
static bool endsOperand(TokenKind k) {
  return k == TokenKind::Identifier || k == TokenKind::IntLiteral ||
         k == TokenKind::FloatLiteral || k == TokenKind::RParen ||
         k == TokenKind::RBracket || k == TokenKind::RBrace;
}

Token Lexer::lex() {
  Token t;
  do {
    const char *start = cur;
    if (prevKind == TokenKind::Dot && isDigit(*cur)) {
      t = lexNumberAfterDot(start);
      break;
    }
    if (*cur == '.' && isDigit(cur[1]) && endsOperand(prevKind)) {
      ++cur;
      t = make(TokenKind::Dot, start);
      break;
    }
    const char *marker = nullptr;
    const char *ctxmarker = nullptr;
    (void)marker;
    (void)ctxmarker;
#define TOK(K)                                                                 \
  {                                                                            \
    t = make(TokenKind::K, start);                                             \
    break;                                                                     \
  }
    /*!re2c
      re2c:define:YYCTYPE = "unsigned char";
      re2c:define:YYCURSOR = "cur";
      re2c:define:YYMARKER = "marker";
      re2c:define:YYCTXMARKER = "ctxmarker";
      re2c:yyfill:enable = 0;

      dec    = [0-9] [0-9_]*;
      hexd   = [0-9a-fA-F_];
      exp    = [eE] [+-]? [0-9] [0-9_]*;
      float  = dec "." dec? exp? | "." dec exp? | dec exp;
      badexp = (dec "." dec? | "." dec | dec) [eE] [+-]?;
      word   = [a-zA-Z_] [a-zA-Z0-9_]*;

      "\x00" {
        if (start == bufferEnd) {
          cur = start; // stay at the end: Eof forever
          t = make(TokenKind::Eof, start);
          break;
        }
        diags.report(diag::LexNulCharacter, loc(start));
        continue;
      }
      [ \t\r\n\f\v]+ { continue; }
      "//" { cur = start + 2;
             while (*cur != '\n' && cur != bufferEnd)
               ++cur;
             checkCommentUTF8(start, cur);
             continue; }
      "/*" { skipBlockComment(start); continue; }

      float        { t = finishFloat(start); break; }
      badexp       { diags.report(diag::LexExponentNoDigits, loc(start),
                                  llvm::StringRef(start, cur - start));
                     t = make(TokenKind::FloatLiteral, start);
                     break; }
      "0" [xX] hexd* { t = finishHex(start); break; }
      dec / ".."   { t = finishDecimal(start, true); break; }
      dec          { t = finishDecimal(start, true); break; }
      (dec | float | "0" [xX] hexd*) word {
        // Find where the literal ends to name the suffix.
        const char *p = start;
        const char *suffix = start;
        while (p < cur && (isDigit(*p) || *p == '_' || *p == '.'))
          ++p;
        suffix = p;
        diags.report(diag::LexInvalidSuffix,
                     llvm::SMRange(loc(suffix), loc(cur)),
                     llvm::StringRef(suffix, cur - suffix));
        t = make(TokenKind::IntLiteral, start);
        break;
      }

      "fn" { TOK(KwFn) }
      "let" { TOK(KwLet) }
      "var" { TOK(KwVar) }
      "const" { TOK(KwConst) }
      "struct" { TOK(KwStruct) }
      "return" { TOK(KwReturn) }
      "if" { TOK(KwIf) }
      "else" { TOK(KwElse) }
      "for" { TOK(KwFor) }
      "in" { TOK(KwIn) }
      "while" { TOK(KwWhile) }
      "break" { TOK(KwBreak) }
      "continue" { TOK(KwContinue) }
      "import" { TOK(KwImport) }
      "export" { TOK(KwExport) }
      "as" { TOK(KwAs) }
      "true" { TOK(KwTrue) }
      "false" { TOK(KwFalse) }
      word { TOK(Identifier) }

      "(" { TOK(LParen) }
      ")" { TOK(RParen) }
      "[" { TOK(LBracket) }
      "]" { TOK(RBracket) }
      "{" { TOK(LBrace) }
      "}" { TOK(RBrace) }
      "," { TOK(Comma) }
      ";" { TOK(Semi) }
      ":" { TOK(Colon) }
      "." { TOK(Dot) }
      ".." { TOK(DotDot) }
      "->" { TOK(Arrow) }
      "@" { TOK(At) }
      "**" { TOK(StarStar) }
      "*" { TOK(Star) }
      "/" { TOK(Slash) }
      "%" { TOK(Percent) }
      "+" { TOK(Plus) }
      "-" { TOK(Minus) }
      "<<" { TOK(Shl) }
      ">>" { TOK(Shr) }
      "&" { TOK(Amp) }
      "^" { TOK(Caret) }
      "|" { TOK(Pipe) }
      "&&" { TOK(AmpAmp) }
      "||" { TOK(PipePipe) }
      "!" { TOK(Bang) }
      "<" { TOK(Less) }
      "<=" { TOK(LessEq) }
      ">" { TOK(Greater) }
      ">=" { TOK(GreaterEq) }
      "==" { TOK(EqEq) }
      "!=" { TOK(BangEq) }
      "=" { TOK(Assign) }

      [\x80-\xff] {
        reportNonAscii(start);
        t = make(TokenKind::Invalid, start);
        break;
      }
      * {
        diags.report(diag::LexInvalidCharacter, loc(start),
                     llvm::StringRef(start, 1));
        t = make(TokenKind::Invalid, start);
        break;
      }
    */
#undef TOK
  } while (true);
  prevKind = t.kind;
  return t;
}

Token Lexer::lexNumberAfterDot(const char *start) {
  // `t.0.1`: a field index is a plain run of digits.
  while (isDigit(*cur))
    ++cur;
  return finishDecimal(start, false);
}

bool Lexer::checkSeparators(llvm::StringRef digits, llvm::StringRef text) {
  if (!digits.empty() && digits.back() == '_') {
    diags.report(diag::LexBadDigitSeparator, loc(digits.data()), text);
    return false;
  }
  return true;
}

Token Lexer::finishDecimal(const char *start, bool allowUnderscore) {
  Token t = make(TokenKind::IntLiteral, start);
  if (!checkSeparators(t.text, t.text))
    return t;
  uint64_t value = 0;
  for (char c : t.text) {
    if (c == '_')
      continue;
    uint64_t digit = c - '0';
    if (value > (UINT64_MAX - digit) / 10) {
      diags.report(diag::LexIntegerTooLarge, t.getRange(), t.text);
      return t;
    }
    value = value * 10 + digit;
  }
  t.intValue = value;
  return t;
}

static unsigned hexDigitValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return c - 'A' + 10;
}

Token Lexer::finishHex(const char *start) {
  Token t = make(TokenKind::IntLiteral, start);
  llvm::StringRef digits = t.text.drop_front(2);
  if (digits.find_first_not_of('_') == llvm::StringRef::npos) {
    diags.report(diag::LexHexNoDigits, t.getRange());
    return t;
  }
  if (digits.front() == '_') {
    diags.report(diag::LexBadDigitSeparator, loc(digits.data()), t.text);
    return t;
  }
  if (!checkSeparators(digits, t.text))
    return t;
  uint64_t value = 0;
  for (char c : digits) {
    if (c == '_')
      continue;
    if (value >> 60) {
      diags.report(diag::LexIntegerTooLarge, t.getRange(), t.text);
      return t;
    }
    value = value * 16 + hexDigitValue(c);
  }
  t.intValue = value;
  return t;
}

Token Lexer::finishFloat(const char *start) {
  Token t = make(TokenKind::FloatLiteral, start);
  std::string clean;
  clean.reserve(t.text.size());
  // Every run of digits must end in a digit, not a separator.
  for (size_t i = 0; i < t.text.size(); ++i) {
    char c = t.text[i];
    if (c == '_') {
      char next = i + 1 < t.text.size() ? t.text[i + 1] : '\0';
      if (next != '_' && !isDigit(next)) {
        diags.report(diag::LexBadDigitSeparator, loc(start + i), t.text);
        return t;
      }
      continue;
    }
    clean.push_back(c);
  }
  errno = 0;
  double value = std::strtod(clean.c_str(), nullptr);
  if (std::isinf(value)) {
    diags.report(diag::LexFloatOutOfRange, t.getRange(), t.text);
    return t;
  }
  t.floatValue = value;
  return t;
}

void Lexer::skipBlockComment(const char *start) {
  // Nestable: `/* a /* b */ c */` is one comment.
  unsigned depth = 1;
  const char *p = start + 2;
  const char *checked = p;
  while (depth > 0) {
    if (p == bufferEnd) {
      checkCommentUTF8(checked, p);
      diags.report(diag::LexUnterminatedBlockComment, loc(start));
      unterminatedComment = true;
      cur = p;
      return;
    }
    if (p[0] == '/' && p[1] == '*') {
      ++depth;
      p += 2;
    } else if (p[0] == '*' && p[1] == '/') {
      --depth;
      p += 2;
    } else if (*p == '\0') {
      checkCommentUTF8(checked, p);
      diags.report(diag::LexNulCharacter, loc(p));
      checked = ++p;
    } else {
      ++p;
    }
  }
  checkCommentUTF8(checked, p);
  cur = p;
}

/// One diagnostic per malformed sequence: skip its continuation bytes.
static const char *skipContinuationBytes(const char *p, const char *end) {
  while (p < end && (static_cast<unsigned char>(*p) & 0xC0) == 0x80)
    ++p;
  return p;
}

void Lexer::checkCommentUTF8(const char *begin, const char *end) {
  const char *p = begin;
  while (p < end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    auto *u = reinterpret_cast<const llvm::UTF8 *>(p);
    unsigned n = llvm::getNumBytesForUTF8(*u);
    if (n <= static_cast<unsigned>(end - p) &&
        llvm::isLegalUTF8Sequence(u, u + n)) {
      p += n;
      continue;
    }
    diags.report(diag::LexInvalidUTF8, loc(p), static_cast<unsigned>(*u));
    p = skipContinuationBytes(p + 1, end);
  }
}

void Lexer::reportNonAscii(const char *start) {
  auto *u = reinterpret_cast<const llvm::UTF8 *>(start);
  unsigned n = llvm::getNumBytesForUTF8(*u);
  auto *end = reinterpret_cast<const llvm::UTF8 *>(bufferEnd);
  if (n <= static_cast<unsigned>(end - u) && llvm::isLegalUTF8Sequence(u, u + n)) {
    const llvm::UTF8 *src = u;
    llvm::UTF32 cp = 0;
    llvm::convertUTF8Sequence(&src, u + n, &cp, llvm::strictConversion);
    diags.report(diag::LexNonAsciiCharacter, loc(start),
                 static_cast<uint32_t>(cp));
    cur = start + n;
    return;
  }
  diags.report(diag::LexInvalidUTF8, loc(start), static_cast<unsigned>(*u));
  cur = skipContinuationBytes(start + 1, bufferEnd);
}

} // namespace tdl::parser
