//===- TokenFilter.cpp - generic `<`, struct `{`, statement `if` ----------===//
#include "parser/TokenFilter.h"

namespace tdl::parser {

TokenFilter::TokenFilter(Lexer &lexer, DiagnosticEngine &diags)
    : lexer(lexer), diags(diags) {}

const Token &TokenFilter::peek(size_t i) {
  while (ahead.size() <= i) {
    if (!ahead.empty() && ahead.back().is(TokenKind::Eof))
      return ahead.back();
    ahead.push_back(lexer.lex());
  }
  return ahead[i];
}

const TokenFilter::OpenBracket *TokenFilter::getInnermostOpen() const {
  size_t n = brackets.size();
  if (lastPushed)
    --n; // the lookahead itself opened the innermost one
  return n ? &brackets[n - 1] : nullptr;
}

static bool isGenericFollow(TokenKind k) {
  switch (k) {
  case TokenKind::LParen:
  case TokenKind::RParen:
  case TokenKind::Comma:
  case TokenKind::Semi:
  case TokenKind::RBracket:
  case TokenKind::RBrace:
  case TokenKind::Dot:
  case TokenKind::LBrace:
  case TokenKind::Assign:
    return true;
  default:
    return false;
  }
}

/// ahead[0] is the `<` after an identifier. Decides whether it opens generic
/// arguments; if so rewrites the list's tokens.
bool TokenFilter::scanGenericArgs(bool declContext) {
  int depth = 0;
  std::vector<size_t> opens, closers, splits;
  size_t i = 0;
  for (;; ++i) {
    if (i >= kMaxGenericScan)
      return false;
    const Token &t = peek(i);
    switch (t.kind) {
    case TokenKind::Less:
      if (i != 0 && !peek(i - 1).is(TokenKind::Identifier))
        return false;
      ++depth;
      opens.push_back(i);
      // Deeper than any legal nesting: take it as generic so that the
      // nesting limit, not a confusing syntax error, reports it.
      if (opens.size() > kMaxNesting) {
        for (size_t o : opens)
          ahead[o].kind = TokenKind::GenericLess;
        return true;
      }
      continue;
    case TokenKind::Greater:
      --depth;
      closers.push_back(i);
      break;
    case TokenKind::Shr:
      if (depth < 2)
        return false;
      depth -= 2;
      splits.push_back(i);
      break;
    case TokenKind::Identifier:
    case TokenKind::IntLiteral:
    case TokenKind::Comma:
    case TokenKind::Plus:
    case TokenKind::Minus:
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::LParen:
    case TokenKind::RParen:
    case TokenKind::LBracket:
    case TokenKind::RBracket:
    case TokenKind::DotDot:
    case TokenKind::Dot:
      continue;
    case TokenKind::Colon:
      if (declContext)
        continue;
      return false;
    default:
      return false;
    }
    if (depth == 0)
      break;
  }
  if (!declContext && !isGenericFollow(peek(i + 1).kind))
    return false;
  for (size_t o : opens)
    ahead[o].kind = TokenKind::GenericLess;
  for (size_t c : closers)
    ahead[c].closesGeneric = true;
  for (auto it = splits.rbegin(); it != splits.rend(); ++it) {
    Token first = ahead[*it];
    first.kind = TokenKind::Greater;
    first.closesGeneric = true;
    Token second = first;
    first.text = first.text.take_front(1);
    second.text = second.text.drop_front(1);
    ahead[*it] = first;
    ahead.insert(ahead.begin() + *it + 1, second);
  }
  return true;
}

bool TokenFilter::isStatementStart() const {
  switch (prevKind) {
  case TokenKind::Semi:
  case TokenKind::LBrace:
    return true;
  case TokenKind::RBrace:
    return !prevClosedStruct;
  default:
    return false;
  }
}

/// Called at a `{` that would open the block of `cond`: `Name { field :`
/// in an `if`/`while` condition or a `for` range is a struct literal the user
/// forgot to parenthesize (no statement starts with `name :`).
bool TokenFilter::isMisplacedStructLiteral(const OpenCondition &cond) {
  if (cond.opener != TokenKind::KwIf && cond.opener != TokenKind::KwWhile &&
      cond.opener != TokenKind::KwIn)
    return false;
  if (prevKind != TokenKind::Identifier &&
      !(prevKind == TokenKind::Greater && prevClosesGeneric))
    return false;
  return peek(0).is(TokenKind::Identifier) && peek(1).is(TokenKind::Colon);
}

void TokenFilter::pushBracket(const Token &t) {
  brackets.push_back({t.kind, t.getLoc()});
  lastPushed = true;
  if (brackets.size() > kMaxNesting) {
    diags.report(diag::ParseNestingTooDeep, t.getLoc(), kMaxNesting);
    aborted = true;
  }
}

void TokenFilter::popBracket(TokenKind opener) {
  // A mismatched closer is left for the parser to report.
  if (brackets.empty() || brackets.back().kind != opener)
    return;
  brackets.pop_back();
  while (!conditions.empty() && conditions.back().depth > brackets.size())
    conditions.pop_back();
}

Token TokenFilter::next() {
  if (!aborted && diags.hasReachedErrorLimit())
    aborted = true;
  if (aborted) {
    Token eof;
    eof.kind = TokenKind::Eof;
    eof.text = llvm::StringRef(lastEnd ? lastEnd : "", 0);
    return eof;
  }
  peek(0);
  Token t = ahead.front();
  ahead.pop_front();
  lastPushed = false;
  bool closedStruct = false;
  size_t depth = brackets.size();

  switch (t.kind) {
  case TokenKind::Identifier:
    if (peek(0).is(TokenKind::Less))
      scanGenericArgs(prevKind == TokenKind::KwFn ||
                      prevKind == TokenKind::KwStruct);
    break;
  case TokenKind::LBrace: {
    bool inCondition = !conditions.empty() && conditions.back().depth == depth;
    if (inCondition && isMisplacedStructLiteral(conditions.back())) {
      // Recover as a struct literal; the condition's block is still to come.
      diags.report(diag::ParseStructLiteralNeedsParens, t.getLoc());
      t.kind = TokenKind::StructLBrace;
    } else if (inCondition) {
      conditions.pop_back();
    } else if (prevKind == TokenKind::Identifier ||
               (prevKind == TokenKind::Greater && prevClosesGeneric)) {
      t.kind = TokenKind::StructLBrace;
    }
    pushBracket(t);
    break;
  }
  case TokenKind::KwIf:
    if (isStatementStart())
      t.kind = TokenKind::KwIfStmt;
    conditions.push_back({depth, TokenKind::KwIf});
    break;
  case TokenKind::KwWhile:
  case TokenKind::KwIn:
  case TokenKind::Arrow:
  case TokenKind::KwStruct:
    conditions.push_back({depth, t.kind});
    break;
  case TokenKind::LParen:
  case TokenKind::LBracket:
  case TokenKind::GenericLess:
    pushBracket(t);
    break;
  case TokenKind::RParen:
    popBracket(TokenKind::LParen);
    break;
  case TokenKind::RBracket:
    popBracket(TokenKind::LBracket);
    break;
  case TokenKind::RBrace:
    if (!brackets.empty() && brackets.back().kind == TokenKind::StructLBrace) {
      closedStruct = true;
      popBracket(TokenKind::StructLBrace);
    } else {
      popBracket(TokenKind::LBrace);
    }
    break;
  case TokenKind::Greater:
    if (t.closesGeneric)
      popBracket(TokenKind::GenericLess);
    break;
  default:
    break;
  }
  prevKind = t.kind;
  prevClosesGeneric = t.closesGeneric;
  prevClosedStruct = closedStruct;
  prevEnd = lastEnd;
  lastEnd = t.text.data() + t.text.size();
  if (aborted) {
    // Nesting limit hit on this token: end the stream right here.
    t.kind = TokenKind::Eof;
    t.text = llvm::StringRef(t.text.data(), 0);
  }
  return t;
}

} // namespace tdl::parser
