//===- TextLexer.cpp ------------------------------------------------------===//
#include "ssa_ir/TextLexer.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::ir {

static bool isNameChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
}

Token TextLexer::next() {
  // Skip whitespace and comments.
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/') {
      while (pos < text.size() && text[pos] != '\n')
        ++pos;
    } else {
      break;
    }
  }
  if (pos >= text.size())
    return make(Token::Eof, text.size(), text.size());
  size_t start = pos;
  char c = text[pos++];
  auto single = [&](Token::Kind k) { return make(k, start, pos); };
  switch (c) {
  case '(':
    return single(Token::LParen);
  case ')':
    return single(Token::RParen);
  case '[':
    return single(Token::LBracket);
  case ']':
    return single(Token::RBracket);
  case '{':
    return single(Token::LBrace);
  case '}':
    return single(Token::RBrace);
  case ',':
    return single(Token::Comma);
  case ':':
    return single(Token::Colon);
  case '=':
    return single(Token::Equal);
  case '<':
    return single(Token::Less);
  case '>':
    return single(Token::Greater);
  case '#':
    return single(Token::Hash);
  case '^':
    return single(Token::Caret);
  case '%':
  case '@': {
    while (pos < text.size() && isNameChar(text[pos]))
      ++pos;
    if (pos == start + 1)
      return make(Token::Error, start, pos);
    return Token{c == '%' ? Token::ValueName : Token::Symbol,
                 text.slice(start + 1, pos)};
  }
  case '"': {
    while (pos < text.size() && text[pos] != '"' && text[pos] != '\n') {
      if (text[pos] == '\\')
        ++pos;
      ++pos;
    }
    if (pos >= text.size() || text[pos] != '"')
      return make(Token::Error, start, pos);
    ++pos;
    return Token{Token::String, text.slice(start + 1, pos - 1)};
  }
  case '-':
    if (pos < text.size() && text[pos] == '>')
      return ++pos, make(Token::Arrow, start, pos);
    if (text.substr(pos).starts_with("inf") &&
        (pos + 3 >= text.size() || !isNameChar(text[pos + 3]))) {
      pos += 3;
      return make(Token::Ident, start, pos);
    }
    if (pos >= text.size() || !llvm::isDigit(text[pos]))
      return make(Token::Error, start, pos);
    [[fallthrough]];
  default:
    break;
  }
  if (llvm::isDigit(c) || c == '-') {
    bool isFloat = false;
    while (pos < text.size() && llvm::isDigit(text[pos]))
      ++pos;
    if (pos < text.size() && text[pos] == '.') {
      isFloat = true;
      ++pos;
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
      size_t save = pos++;
      if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
        ++pos;
      if (pos < text.size() && llvm::isDigit(text[pos])) {
        isFloat = true;
        while (pos < text.size() && llvm::isDigit(text[pos]))
          ++pos;
      } else {
        pos = save;
      }
    }
    return make(isFloat ? Token::Float : Token::Int, start, pos);
  }
  if (llvm::isAlpha(c) || c == '_') {
    while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
      ++pos;
    return make(Token::Ident, start, pos);
  }
  return make(Token::Error, start, pos);
}

} // namespace tdl::ir
