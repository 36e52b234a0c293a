//===- Token.cpp - token kind names ---------------------------------------===//
#include "parser/Token.h"

#include "llvm/Support/ErrorHandling.h"

namespace tdl::parser {

llvm::StringRef getTokenKindName(TokenKind k) {
  switch (k) {
#define TOKEN(NAME, DISPLAY)                                                   \
  case TokenKind::NAME:                                                        \
    return #NAME;
#include "parser/TokenKinds.def"
  }
  llvm_unreachable("unknown token kind");
}

llvm::StringRef getTokenDisplay(TokenKind k) {
  switch (k) {
#define TOKEN(NAME, DISPLAY)                                                   \
  case TokenKind::NAME:                                                        \
    return DISPLAY;
#include "parser/TokenKinds.def"
  }
  llvm_unreachable("unknown token kind");
}

} // namespace tdl::parser
