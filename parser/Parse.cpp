//===- Parse.cpp - lexer -> token filter -> Bison parser
//-------------------===//
#include "parser/Parse.h"

#include "Parser.hpp"
#include "parser/ParseActions.h"

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

namespace tdl::parser {

namespace detail {

using P = BisonParser;

/// Hands the filter's tokens to Bison as its symbols.
P::symbol_type yylex(ParseState &S) {
  Token t = S.filter.next();
  Loc l{t.text.data(), t.text.data() + t.text.size()};
  switch (t.kind) {
  case TokenKind::Eof:
    return P::make_END(l);
  case TokenKind::Invalid:
    return P::make_INVALID(l);
  case TokenKind::Identifier:
    return P::make_IDENT(ast::Ident{t.text, t.getLoc()}, l);
  case TokenKind::IntLiteral:
    return P::make_INT(IntTok{t.text, t.intValue}, l);
  case TokenKind::FloatLiteral:
    return P::make_FLOAT(FloatTok{t.text, t.floatValue}, l);
  case TokenKind::KwFn:
    return P::make_FN(l);
  case TokenKind::KwLet:
    return P::make_LET(l);
  case TokenKind::KwVar:
    return P::make_VAR(l);
  case TokenKind::KwConst:
    return P::make_CONST(l);
  case TokenKind::KwStruct:
    return P::make_STRUCT(l);
  case TokenKind::KwReturn:
    return P::make_RETURN(l);
  case TokenKind::KwIf:
    return P::make_IF(l);
  case TokenKind::KwIfStmt:
    return P::make_IF_STMT(l);
  case TokenKind::KwElse:
    return P::make_ELSE(l);
  case TokenKind::KwFor:
    return P::make_FOR(l);
  case TokenKind::KwIn:
    return P::make_IN(l);
  case TokenKind::KwWhile:
    return P::make_WHILE(l);
  case TokenKind::KwBreak:
    return P::make_BREAK(l);
  case TokenKind::KwContinue:
    return P::make_CONTINUE(l);
  case TokenKind::KwImport:
    return P::make_IMPORT(l);
  case TokenKind::KwExport:
    return P::make_EXPORT(l);
  case TokenKind::KwAs:
    return P::make_AS(l);
  case TokenKind::KwTrue:
    return P::make_TRUE(l);
  case TokenKind::KwFalse:
    return P::make_FALSE(l);
  case TokenKind::LParen:
    return P::make_LPAREN(l);
  case TokenKind::RParen:
    return P::make_RPAREN(l);
  case TokenKind::LBracket:
    return P::make_LBRACKET(l);
  case TokenKind::RBracket:
    return P::make_RBRACKET(l);
  case TokenKind::LBrace:
    return P::make_LBRACE(l);
  case TokenKind::StructLBrace:
    return P::make_SLBRACE(l);
  case TokenKind::RBrace:
    return P::make_RBRACE(l);
  case TokenKind::Comma:
    return P::make_COMMA(l);
  case TokenKind::Semi:
    return P::make_SEMI(l);
  case TokenKind::Colon:
    return P::make_COLON(l);
  case TokenKind::Dot:
    return P::make_DOT(l);
  case TokenKind::DotDot:
    return P::make_DOTDOT(l);
  case TokenKind::Arrow:
    return P::make_ARROW(l);
  case TokenKind::At:
    return P::make_AT(l);
  case TokenKind::StarStar:
    return P::make_STARSTAR(l);
  case TokenKind::Star:
    return P::make_STAR(l);
  case TokenKind::Slash:
    return P::make_SLASH(l);
  case TokenKind::Percent:
    return P::make_PERCENT(l);
  case TokenKind::Plus:
    return P::make_PLUS(l);
  case TokenKind::Minus:
    return P::make_MINUS(l);
  case TokenKind::Shl:
    return P::make_SHL(l);
  case TokenKind::Shr:
    return P::make_SHR(l);
  case TokenKind::Amp:
    return P::make_AMP(l);
  case TokenKind::Caret:
    return P::make_CARET(l);
  case TokenKind::Pipe:
    return P::make_PIPE(l);
  case TokenKind::AmpAmp:
    return P::make_ANDAND(l);
  case TokenKind::PipePipe:
    return P::make_OROR(l);
  case TokenKind::Bang:
    return P::make_BANG(l);
  case TokenKind::Less:
    return P::make_LT(l);
  case TokenKind::LessEq:
    return P::make_LE(l);
  case TokenKind::Greater:
    return P::make_GT(l);
  case TokenKind::GreaterEq:
    return P::make_GE(l);
  case TokenKind::EqEq:
    return P::make_EQEQ(l);
  case TokenKind::BangEq:
    return P::make_NE(l);
  case TokenKind::Assign:
    return P::make_ASSIGN(l);
  case TokenKind::GenericLess:
    return P::make_GLT(l);
  }
  llvm_unreachable("unknown token kind");
}

} // namespace detail

ast::Module *parseBuffer(SourceManager &sources, unsigned bufferId,
                         DiagnosticEngine &diags, ast::ASTContext &ctx) {
  Lexer lexer(sources, bufferId, diags);
  TokenFilter filter(lexer, diags);
  ParseState state(ctx, diags, filter);
  detail::BisonParser parser(state);
  parser.parse();
  llvm::StringRef text = sources.getBufferText(bufferId);
  llvm::SMRange whole(llvm::SMLoc::getFromPointer(text.begin()),
                      llvm::SMLoc::getFromPointer(text.end()));
  return ctx.create<ast::Module>(whole, sources.getBufferName(bufferId),
                                 bufferId, state.copy(state.decls));
}

void dumpTokens(SourceManager &sources, unsigned bufferId,
                DiagnosticEngine &diags, llvm::raw_ostream &os) {
  Lexer lexer(sources, bufferId, diags);
  for (;;) {
    Token t = lexer.lex();
    LineColumn lc = sources.getLineColumn(t.getLoc());
    os << getTokenKindName(t.kind) << " '" << t.text << "' " << lc.line << ':'
       << lc.column;
    if (t.is(TokenKind::IntLiteral))
      os << " value=" << t.intValue;
    else if (t.is(TokenKind::FloatLiteral))
      os << " value=" << fmt::format("{}", t.floatValue);
    os << '\n';
    if (t.is(TokenKind::Eof))
      return;
  }
}

} // namespace tdl::parser
