//===- TextLexer.h - tokens of the IR text form -------------------*- C++
//-*-===//
#ifndef TDL_SSA_IR_TEXTLEXER_H
#define TDL_SSA_IR_TEXTLEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace tdl::ir {

struct Token {
  enum Kind {
    Eof,
    Error,     // an unexpected character
    Ident,     // bare word: op names, dtypes, keywords, nan, inf, -inf
    ValueName, // %name   (text without '%')
    Symbol,    // @name   (text without '@')
    Caret,     // ^
    Int,       // -?[0-9]+
    Float,     // -?digits with '.' or exponent
    String,    // "..." (text is the raw contents without quotes)
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Equal,
    Arrow,
    Less,
    Greater,
    Hash,
  };
  Kind kind = Eof;
  llvm::StringRef text;
  /// Where the token starts (the sigil or quote for %name, @name, "text").
  llvm::SMLoc loc() const {
    bool sigil = kind == ValueName || kind == Symbol || kind == String;
    return llvm::SMLoc::getFromPointer(text.data() - (sigil ? 1 : 0));
  }
  bool is(Kind k) const { return kind == k; }
  bool isIdent(llvm::StringRef s) const { return kind == Ident && text == s; }
};

/// Splits the text into tokens; `//` comments and whitespace are skipped.
class TextLexer {
public:
  explicit TextLexer(llvm::StringRef text) : text(text), pos(0) {}
  Token next();

private:
  Token make(Token::Kind k, size_t start, size_t end) {
    return Token{k, text.slice(start, end)};
  }
  llvm::StringRef text;
  size_t pos;
};

} // namespace tdl::ir

#endif
