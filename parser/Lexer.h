//===- Lexer.h - the re2c lexer for TDL --------------------------*- C++
//-*-===//
//
// Turns one source buffer into tokens (LANGUAGE.md section 1). The scanner is
// generated from Lexer.re by re2c at build time. Lexical errors are reported
// as located diagnostics and the lexer carries on: a bad literal still yields
// a literal token (value 0), a bad character yields an Invalid token that the
// parser skips without a second diagnostic.
//
// Decisions the spec leaves open (see docs/language.md):
//  - `1..5` is `1` `..` `5`; `t.0.1` is `t` `.` `0` `.` `1`: after `.`
//    digits always form an integer, and `.5` is a float only where no
//    operand precedes it.
//  - The whole file must be valid UTF-8, comments included; non-ASCII
//    characters are allowed only inside comments.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_PARSER_LEXER_H
#define TDL_PARSER_LEXER_H

#include "basic/Diagnostic.h"
#include "parser/Token.h"

namespace tdl::parser {

class Lexer {
public:
  Lexer(SourceManager &sources, unsigned bufferId, DiagnosticEngine &diags);

  /// The next token; Eof forever at the end.
  Token lex();

  /// True once an unterminated block comment swallowed the end of the file
  /// (already diagnosed: the parser stays quiet about the missing rest).
  bool endedInComment() const { return unterminatedComment; }

private:
  Token make(TokenKind kind, const char *start) const;
  Token lexNumberAfterDot(const char *start);
  void skipBlockComment(const char *start);
  void checkCommentUTF8(const char *begin, const char *end);
  /// Skips one non-ASCII sequence at `start` and reports it.
  void reportNonAscii(const char *start);
  Token finishDecimal(const char *start, bool allowUnderscore);
  Token finishHex(const char *start);
  Token finishFloat(const char *start);
  bool checkSeparators(llvm::StringRef digits, llvm::StringRef text);
  llvm::SMLoc loc(const char *p) const {
    return llvm::SMLoc::getFromPointer(p);
  }

  DiagnosticEngine &diags;
  const char *bufferStart;
  const char *bufferEnd; // points at the terminating NUL
  const char *cur;
  TokenKind prevKind = TokenKind::Eof;
  bool unterminatedComment = false;
};

} // namespace tdl::parser

#endif
