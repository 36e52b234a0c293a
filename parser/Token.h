//===- Token.h - one lexed token ---------------------------------*- C++
//-*-===//
#ifndef TDL_PARSER_TOKEN_H
#define TDL_PARSER_TOKEN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>

namespace tdl::parser {

enum class TokenKind : uint8_t {
#define TOKEN(NAME, DISPLAY) NAME,
#include "parser/TokenKinds.def"
};

/// "Identifier", "KwFn", "LParen": the enumerator name (used by --emit=tokens).
llvm::StringRef getTokenKindName(TokenKind k);
/// "identifier", "fn", "(": how diagnostics refer to the kind.
llvm::StringRef getTokenDisplay(TokenKind k);

struct Token {
  TokenKind kind = TokenKind::Eof;
  /// Set by the token filter on a `>` that closes a generic argument list.
  bool closesGeneric = false;
  /// The token's spelling, pointing into the source buffer.
  llvm::StringRef text;
  /// IntLiteral: the value (0 if it overflowed, already diagnosed).
  uint64_t intValue = 0;
  /// FloatLiteral: the value, correctly rounded to double.
  double floatValue = 0;

  bool is(TokenKind k) const { return kind == k; }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(text.data());
  }
  llvm::SMLoc getEndLoc() const {
    return llvm::SMLoc::getFromPointer(text.data() + text.size());
  }
  llvm::SMRange getRange() const { return {getLoc(), getEndLoc()}; }
};

} // namespace tdl::parser

#endif
