//===- TokenFilter.h - context decisions between lexer and parser -*- C++
//-*-===//
//
// The LALR(1) grammar stays conflict-free because this filter resolves, with
// unbounded lookahead, the three places where TDL's syntax is ambiguous with
// one token of lookahead:
//
//  1. `name < ...`: generic arguments or a comparison? The C# rule of
//     LANGUAGE.md section 5: if the tokens after `<` form a balanced generic
//     argument list closed by `>` and the next token is one of
//     `( ) , ; ] } . { =` the `<` becomes GenericLess (nested `<` too, and a
//     closing `>>` is split into two `>`). `{` and `=` extend the spec's list
//     so that `-> Dense<I, O> {` and `let l: Dense<4, 3> = ...` work; neither
//     can follow a valid comparison `a < b > c`, because comparisons do not
//     chain. After `fn name` / `struct name`, `<` always opens parameters.
//  2. `Name {`: a struct literal (StructLBrace) unless the `{` is the block
//     of an `if` / `while` condition, a `for` range, a function result type or
//     a struct declaration, at the same bracket depth (Rust's rule). A `{`
//     there followed by `field :` cannot open a block, so it is reported as
//     an unparenthesized struct literal and parsed as one (like rustc).
//  3. `if` at the start of a statement is an if statement (KwIfStmt);
//     anywhere else it is an if expression.
//
// It also bounds bracket nesting: deeper than kMaxNesting reports one
// diagnostic and ends the token stream, so nothing later can overflow.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_PARSER_TOKENFILTER_H
#define TDL_PARSER_TOKENFILTER_H

#include "parser/Lexer.h"

#include <deque>
#include <vector>

namespace tdl::parser {

class TokenFilter {
public:
  static constexpr unsigned kMaxNesting = 256;
  /// How far the generic-argument scan looks before deciding "comparison"
  /// (bounds the cost of `a < b < c < ...` chains to linear).
  static constexpr unsigned kMaxGenericScan = 4 * kMaxNesting;

  TokenFilter(Lexer &lexer, DiagnosticEngine &diags);

  /// The next token for the parser, with kinds rewritten as described above.
  Token next();

  /// Ends the token stream (every later next() is Eof).
  void abort() { aborted = true; }
  bool isAborted() const { return aborted; }
  /// True when the rest of the input is already diagnosed (lexer or limits):
  /// syntax errors at the end of file would only repeat it.
  bool isEndDiagnosed() const { return aborted || lexer.endedInComment(); }

  struct OpenBracket {
    TokenKind kind;
    llvm::SMLoc loc;
  };
  /// The innermost bracket still open before the last delivered token (for
  /// "to match this '('" notes), or null.
  const OpenBracket *getInnermostOpen() const;
  /// Where the token before the last delivered one ends (clang puts
  /// "expected ';'" there, right after the statement).
  llvm::SMLoc getPrevTokenEnd() const {
    return llvm::SMLoc::getFromPointer(prevEnd);
  }

private:
  struct OpenCondition {
    size_t depth;     // bracket depth of the condition
    TokenKind opener; // `if`, `while`, `in`, `->` or `struct`
  };

  const Token &peek(size_t i);
  bool scanGenericArgs(bool declContext);
  bool isStatementStart() const;
  void pushBracket(const Token &t);
  void popBracket(TokenKind opener);
  bool isMisplacedStructLiteral(const OpenCondition &cond);

  Lexer &lexer;
  DiagnosticEngine &diags;
  std::deque<Token> ahead;
  std::vector<OpenBracket> brackets;
  std::vector<OpenCondition> conditions; // innermost last
  std::vector<bool> braceIsStruct;       // per open '{' / struct '{'
  TokenKind prevKind = TokenKind::Eof;
  bool prevClosesGeneric = false;
  bool prevClosedStruct = false;
  bool lastPushed = false;
  bool aborted = false;
  const char *lastEnd = nullptr;
  const char *prevEnd = nullptr;
};

} // namespace tdl::parser

#endif
