//===- AsmLexer.cpp -------------------------------------------------------===//
#include "backends/accel/asm/AsmLexer.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::accel {

static bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.';
}

AsmToken AsmLexer::next() {
  // Whitespace and comments.
  while (cur != end) {
    if (*cur == '#') {
      while (cur != end && *cur != '\n')
        ++cur;
    } else if (llvm::isSpace(*cur)) {
      ++cur;
    } else {
      break;
    }
  }
  AsmToken tok;
  if (cur == end) {
    tok.kind = AsmToken::Eof;
    tok.text = llvm::StringRef(cur, 0);
    return tok;
  }
  const char *start = cur;
  char c = *cur;
  if (isIdentStart(c)) {
    while (cur != end && isIdentChar(*cur))
      ++cur;
    tok.kind = AsmToken::Ident;
  } else if (llvm::isDigit(c) ||
             (c == '-' && cur + 1 != end && llvm::isDigit(cur[1]))) {
    ++cur;
    while (cur != end && (llvm::isAlnum(*cur)))
      ++cur;
    tok.kind = AsmToken::Integer;
    llvm::StringRef digits(start, cur - start);
    bool negative = digits.consume_front("-");
    uint64_t magnitude = 0;
    // getAsInteger with radix 0 accepts 0x.. hex and decimal.
    if (digits.getAsInteger(0, magnitude)) {
      tok.kind = AsmToken::Error;
      tok.text = llvm::StringRef(start, cur - start);
      diags.report(diag::AsmExpected, tok.range(), "an integer");
      return tok;
    }
    if (negative ? magnitude > uint64_t(INT64_MAX) + 1
                 : magnitude > uint64_t(INT64_MAX))
      tok.overflow = true;
    tok.value = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
  } else if (c == '"') {
    ++cur;
    while (cur != end && *cur != '"' && *cur != '\n')
      ++cur;
    if (cur == end || *cur != '"') {
      tok.kind = AsmToken::Error;
      tok.text = llvm::StringRef(start, cur - start);
      diags.report(diag::AsmUnterminatedString,
                   SourceLoc::getFromPointer(start));
      return tok;
    }
    ++cur;
    tok.kind = AsmToken::String;
  } else if (llvm::StringRef("=:,()[]+").contains(c)) {
    ++cur;
    tok.kind = AsmToken::Punct;
  } else {
    ++cur;
    tok.kind = AsmToken::Error;
    tok.text = llvm::StringRef(start, 1);
    diags.report(diag::AsmUnexpectedCharacter, tok.range(),
                 std::string_view(start, 1));
    return tok;
  }
  tok.text = llvm::StringRef(start, cur - start);
  return tok;
}

} // namespace tdl::accel
