//===- Parser.cpp - the IR text form (input) ------------------------------===//
//
// Recursive descent over TextLexer tokens with one token of lookahead (two
// where `{` may open an attribute dict or a region). Value names are unique
// per function, so one function-wide table resolves uses; a use must come
// after its definition in the text, and whether the definition dominates the
// use (e.g. not in a sibling region) is the verifier's job. The first error
// stops the parse.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/Parser.h"
#include "ssa_ir/TextLexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <cstdlib>

namespace tdl::ir {

namespace {

class Parser {
public:
  Parser(llvm::StringRef text, DiagnosticEngine &diags)
      : lexer(text), diags(diags) {
    tok = lexer.next();
    peekTok = lexer.next();
  }

  std::unique_ptr<Module> parseModule();
  std::optional<Type> parseTypeOnly() {
    std::optional<Type> t = parseType();
    if (t && !tok.is(Token::Eof))
      return std::nullopt;
    return t;
  }

private:
  void advance() {
    tok = peekTok;
    peekTok = lexer.next();
  }
  bool error(llvm::SMLoc loc, std::string_view what) {
    if (!failed)
      diags.report(diag::IRExpectedFound, loc, what,
                   tok.is(Token::Eof) ? std::string_view("end of input")
                                      : std::string_view(tok.text));
    failed = true;
    return false;
  }
  bool expect(Token::Kind k, std::string_view what) {
    if (!tok.is(k))
      return error(tok.loc(), what);
    advance();
    return true;
  }
  bool consume(Token::Kind k) {
    if (!tok.is(k))
      return false;
    advance();
    return true;
  }
  bool parseInt(int64_t &out);
  bool parseIntList(IntArray &out); // '[' ints ']'

  std::optional<Type> parseType();
  bool parseFunction(Module &m);
  bool parseLoc(Location &loc);
  bool defineValue(llvm::StringRef name, Value *v, llvm::SMLoc loc);
  Value *parseValueUse();
  bool parseRegion(Region &r);
  bool parseOp(Region &r);
  bool parseAttrDict(AttrList &attrs);
  bool parseAttrValue(llvm::StringRef name, std::optional<Attribute> &out);
  bool parseDense(llvm::StringRef name, std::optional<Attribute> &out);

  TextLexer lexer;
  DiagnosticEngine &diags;
  Token tok, peekTok;
  bool failed = false;
  // Per function: name -> value; for result groups the op's first result.
  llvm::StringMap<Value *> values;
  llvm::StringMap<Operation *> groups;
};

bool Parser::parseInt(int64_t &out) {
  if (!tok.is(Token::Int))
    return error(tok.loc(), "an integer");
  if (llvm::StringRef(tok.text).getAsInteger(10, out)) {
    diags.report(diag::IRBadNumber, tok.loc(), tok.text);
    failed = true;
    return false;
  }
  advance();
  return true;
}

bool Parser::parseIntList(IntArray &out) {
  if (!expect(Token::LBracket, "'['"))
    return false;
  while (!tok.is(Token::RBracket)) {
    int64_t v;
    if (!parseInt(v))
      return false;
    out.push_back(v);
    if (!consume(Token::Comma))
      break;
  }
  return expect(Token::RBracket, "']'");
}

std::optional<Type> Parser::parseType() {
  if (consume(Token::LParen)) {
    std::vector<Type> elems;
    while (!tok.is(Token::RParen)) {
      std::optional<Type> t = parseType();
      if (!t)
        return std::nullopt;
      elems.push_back(*t);
      if (!consume(Token::Comma))
        break;
    }
    if (!expect(Token::RParen, "')'"))
      return std::nullopt;
    return Type::tuple(elems);
  }
  if (!tok.is(Token::Ident)) {
    error(tok.loc(), "a type");
    return std::nullopt;
  }
  if (tok.isIdent("tape")) { // `tape<T>`
    advance();
    if (!expect(Token::Less, "'<'"))
      return std::nullopt;
    std::optional<Type> elem = parseType();
    if (!elem || !expect(Token::Greater, "'>'"))
      return std::nullopt;
    return Type::tape(*elem);
  }
  std::optional<DType> dt = parseDType(tok.text);
  if (!dt) {
    if (!failed)
      diags.report(diag::IRUnknownType, tok.loc(), tok.text);
    failed = true;
    return std::nullopt;
  }
  advance();
  Shape shape;
  if (tok.is(Token::LBracket)) {
    IntArray dims;
    if (!parseIntList(dims))
      return std::nullopt;
    int64_t count = 1;
    for (int64_t d : dims)
      if (d < 0 || __builtin_mul_overflow(count, d, &count) ||
          count > (int64_t(1) << 48)) {
        error(tok.loc(), "non-negative dims with at most 2^48 elements");
        return std::nullopt;
      }
    shape.assign(dims.begin(), dims.end());
  }
  return Type::tensor(*dt, shape);
}

bool Parser::parseLoc(Location &loc) {
  if (!tok.isIdent("loc"))
    return true;
  advance();
  if (!expect(Token::LParen, "'('"))
    return false;
  if (!tok.is(Token::String))
    return error(tok.loc(), "a file name string");
  std::string file;
  llvm::StringRef raw = tok.text;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 2 < raw.size() && llvm::isHexDigit(raw[i + 1]) &&
        llvm::isHexDigit(raw[i + 2])) {
      file += char(llvm::hexFromNibbles(raw[i + 1], raw[i + 2]));
      i += 2;
    } else if (raw[i] == '\\' && i + 1 < raw.size()) {
      file += raw[++i];
    } else {
      file += raw[i];
    }
  }
  advance();
  int64_t line, col;
  if (!expect(Token::Colon, "':'") || !parseInt(line) ||
      !expect(Token::Colon, "':'") || !parseInt(col) ||
      !expect(Token::RParen, "')'"))
    return false;
  if (line <= 0 || col <= 0)
    return error(tok.loc(), "a positive line and column");
  loc.file = std::move(file);
  loc.line = unsigned(line);
  loc.col = unsigned(col);
  return true;
}

bool Parser::defineValue(llvm::StringRef name, Value *v, llvm::SMLoc loc) {
  if (values.count(name) || groups.count(name)) {
    if (!failed)
      diags.report(diag::IRRedefinedValue, loc, name);
    failed = true;
    return false;
  }
  values[name] = v;
  // Names made only of digits are the printer's numbering: not hints.
  if (!llvm::all_of(name, llvm::isDigit))
    v->setNameHint(name);
  return true;
}

Value *Parser::parseValueUse() {
  if (!tok.is(Token::ValueName)) {
    error(tok.loc(), "a value");
    return nullptr;
  }
  Token name = tok;
  advance();
  if (tok.is(Token::Hash)) {
    advance();
    int64_t index;
    if (!parseInt(index))
      return nullptr;
    auto it = groups.find(name.text);
    if (it == groups.end()) {
      diags.report(diag::IRUndefinedValue, name.loc(), name.text);
      failed = true;
      return nullptr;
    }
    Operation *op = it->second;
    if (index < 0 || index >= int64_t(op->getNumResults())) {
      diags.report(diag::IRResultIndexOutOfRange, name.loc(), name.text,
                   int64_t(op->getNumResults()), index);
      failed = true;
      return nullptr;
    }
    return op->getResult(unsigned(index));
  }
  auto it = values.find(name.text);
  if (it == values.end()) {
    diags.report(diag::IRUndefinedValue, name.loc(), name.text);
    failed = true;
    return nullptr;
  }
  return it->second;
}

bool Parser::parseRegion(Region &r) {
  if (!expect(Token::LBrace, "'{' to open a region"))
    return false;
  if (consume(Token::Caret)) {
    if (!expect(Token::LParen, "'('"))
      return false;
    while (!tok.is(Token::RParen)) {
      if (!tok.is(Token::ValueName))
        return error(tok.loc(), "a block argument");
      Token name = tok;
      advance();
      if (!expect(Token::Colon, "':'"))
        return false;
      std::optional<Type> t = parseType();
      if (!t)
        return false;
      if (!defineValue(name.text, r.addArgument(*t), name.loc()))
        return false;
      if (!consume(Token::Comma))
        break;
    }
    if (!expect(Token::RParen, "')'") || !expect(Token::Colon, "':'"))
      return false;
  }
  while (!tok.is(Token::RBrace)) {
    if (tok.is(Token::Eof))
      return error(tok.loc(), "'}'");
    if (!parseOp(r))
      return false;
  }
  advance();
  return true;
}

bool Parser::parseDense(llvm::StringRef name, std::optional<Attribute> &out) {
  advance(); // dense
  if (!expect(Token::Less, "'<'"))
    return false;
  if (!tok.is(Token::Ident) || !parseDType(tok.text))
    return error(tok.loc(), "a dtype");
  DType dt = *parseDType(tok.text);
  advance();
  if (!expect(Token::Greater, "'>'") || !expect(Token::LBracket, "'['"))
    return false;
  DenseElements d;
  d.dtype = dt;
  auto append = [&](const void *p) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    d.bytes.insert(d.bytes.end(), b, b + dtypeSize(dt));
  };
  while (!tok.is(Token::RBracket)) {
    Token t = tok;
    if (dt == DType::Bool) {
      if (!t.isIdent("true") && !t.isIdent("false"))
        return error(t.loc(), "true or false");
      uint8_t v = t.isIdent("true");
      append(&v);
    } else if (isFloat(dt)) {
      double v;
      if (t.isIdent("nan"))
        v = NAN;
      else if (t.isIdent("inf"))
        v = INFINITY;
      else if (t.isIdent("-inf"))
        v = -INFINITY;
      else if (t.is(Token::Int) || t.is(Token::Float))
        v = std::strtod(t.text.str().c_str(), nullptr);
      else
        return error(t.loc(), "a number");
      if (dt == DType::F32) {
        float f = float(v);
        append(&f);
      } else {
        append(&v);
      }
    } else {
      int64_t v;
      if (!t.is(Token::Int) || llvm::StringRef(t.text).getAsInteger(10, v))
        return error(t.loc(), "an integer");
      int64_t lo = dt == DType::I8    ? INT8_MIN
                   : dt == DType::I32 ? INT32_MIN
                                      : INT64_MIN;
      int64_t hi = dt == DType::I8    ? INT8_MAX
                   : dt == DType::I32 ? INT32_MAX
                                      : INT64_MAX;
      if (v < lo || v > hi) {
        diags.report(diag::IRBadAttribute, t.loc(), name,
                     "element out of range for " + dtypeName(dt).str());
        failed = true;
        return false;
      }
      if (dt == DType::I8) {
        int8_t x = int8_t(v);
        append(&x);
      } else if (dt == DType::I32) {
        int32_t x = int32_t(v);
        append(&x);
      } else {
        append(&v);
      }
    }
    advance();
    if (!consume(Token::Comma))
      break;
  }
  if (!expect(Token::RBracket, "']'"))
    return false;
  out = Attribute(std::move(d));
  return true;
}

bool Parser::parseAttrValue(llvm::StringRef name,
                            std::optional<Attribute> &out) {
  Token t = tok;
  switch (t.kind) {
  case Token::Int: {
    int64_t v;
    if (!parseInt(v))
      return false;
    out = Attribute(v);
    return true;
  }
  case Token::Float:
    out = Attribute(std::strtod(t.text.str().c_str(), nullptr));
    advance();
    return true;
  case Token::LBracket: {
    IntArray a;
    if (!parseIntList(a))
      return false;
    out = Attribute(std::move(a));
    return true;
  }
  case Token::String:
    out = Attribute(t.text.str());
    advance();
    return true;
  case Token::Symbol:
    out = Attribute(SymbolRef{t.text.str()});
    advance();
    return true;
  case Token::Ident:
    if (t.text == "true" || t.text == "false") {
      out = Attribute(t.text == "true");
    } else if (t.text == "nan") {
      out = Attribute(double(NAN));
    } else if (t.text == "inf" || t.text == "-inf") {
      out = Attribute(t.text == "inf" ? double(INFINITY) : -double(INFINITY));
    } else if (t.text == "dense") {
      return parseDense(name, out);
    } else if (std::optional<DType> dt = parseDType(t.text)) {
      out = Attribute(*dt);
    } else {
      return error(t.loc(), "an attribute value");
    }
    advance();
    return true;
  default:
    return error(t.loc(), "an attribute value");
  }
}

bool Parser::parseAttrDict(AttrList &attrs) {
  advance(); // {
  while (!tok.is(Token::RBrace)) {
    if (!tok.is(Token::Ident))
      return error(tok.loc(), "an attribute name");
    Token name = tok;
    advance();
    if (!expect(Token::Equal, "'='"))
      return false;
    std::optional<Attribute> value;
    if (!parseAttrValue(name.text, value))
      return false;
    if (attrs.has(name.text)) {
      diags.report(diag::IRBadAttribute, name.loc(), name.text, "given twice");
      failed = true;
      return false;
    }
    attrs.set(name.text, std::move(*value));
    if (!consume(Token::Comma))
      break;
  }
  return expect(Token::RBrace, "'}'");
}

bool Parser::parseOp(Region &r) {
  llvm::SMLoc opLoc = tok.loc();
  Token resultName;
  int64_t numResults = 0;
  if (tok.is(Token::ValueName)) {
    resultName = tok;
    advance();
    numResults = 1;
    if (consume(Token::Colon)) {
      if (!parseInt(numResults))
        return false;
      if (numResults < 2)
        return error(opLoc, "a result count of at least 2");
    }
    if (!expect(Token::Equal, "'='"))
      return false;
  }
  if (!tok.is(Token::Ident))
    return error(tok.loc(), "an op name");
  std::optional<Opcode> opcode = lookupOpcode(tok.text);
  if (!opcode) {
    diags.report(diag::IRUnknownOp, tok.loc(), tok.text);
    failed = true;
    return false;
  }
  Token opName = tok;
  advance();
  llvm::SmallVector<Value *, 4> operands;
  if (tok.is(Token::ValueName)) {
    do {
      Value *v = parseValueUse();
      if (!v)
        return false;
      operands.push_back(v);
    } while (consume(Token::Comma));
  }
  AttrList attrs;
  if (tok.is(Token::LBrace) && peekTok.is(Token::Ident)) {
    // `{name =` is an attribute dict; anything else opens a region.
    TextLexer probe = lexer;
    Token third = probe.next();
    if (third.is(Token::Equal) && !parseAttrDict(attrs))
      return false;
  }
  llvm::SmallVector<Type, 2> types;
  if (consume(Token::Colon)) {
    do {
      std::optional<Type> t = parseType();
      if (!t)
        return false;
      types.push_back(*t);
    } while (consume(Token::Comma));
  }
  if (int64_t(types.size()) != numResults) {
    diags.report(diag::IRResultCountMismatch, opName.loc(), opName.text,
                 numResults, int64_t(types.size()));
    failed = true;
    return false;
  }
  Location loc(opLoc);
  if (!parseLoc(loc))
    return false;
  std::unique_ptr<Operation> op =
      Operation::create(*opcode, operands, types, std::move(attrs), loc);
  Operation *raw = r.push_back(std::move(op));
  if (numResults == 1 &&
      !defineValue(resultName.text, raw->getResult(0), resultName.loc()))
    return false;
  if (numResults > 1) {
    if (values.count(resultName.text) || groups.count(resultName.text)) {
      diags.report(diag::IRRedefinedValue, resultName.loc(), resultName.text);
      failed = true;
      return false;
    }
    groups[resultName.text] = raw;
    if (!llvm::all_of(resultName.text, llvm::isDigit))
      raw->getResult(0)->setNameHint(resultName.text);
  }
  for (unsigned i = 0; i < raw->getNumRegions(); ++i)
    if (!parseRegion(raw->getRegion(i)))
      return false;
  return true;
}

bool Parser::parseFunction(Module &m) {
  llvm::SMLoc start = tok.loc();
  bool exported = false;
  if (tok.isIdent("export")) {
    exported = true;
    advance();
  }
  if (!tok.isIdent("func"))
    return error(tok.loc(), "'func'");
  advance();
  if (!tok.is(Token::Symbol))
    return error(tok.loc(), "a function name '@name'");
  Token name = tok;
  advance();
  if (m.lookup(name.text)) {
    diags.report(diag::IRRedefinedFunction, name.loc(), name.text);
    failed = true;
    return false;
  }
  values.clear();
  groups.clear();
  if (consume(Token::Equal)) {
    if (!tok.is(Token::Ident))
      return error(tok.loc(), "grad, value_and_grad, vjp, jvp or checkpoint");
    std::optional<DerivedKind> kind = parseDerivedKind(tok.text);
    if (!kind) {
      diags.report(diag::IRUnknownDerivedKind, tok.loc(), tok.text);
      failed = true;
      return false;
    }
    advance();
    if (!tok.is(Token::Symbol))
      return error(tok.loc(), "the base function '@name'");
    std::string base = tok.text.str();
    advance();
    IntArray wrt;
    if (*kind != DerivedKind::Checkpoint) { // checkpoint has no wrt list
      if (!tok.isIdent("wrt"))
        return error(tok.loc(), "'wrt'");
      advance();
      if (!parseIntList(wrt))
        return false;
    }
    Location loc(start);
    if (!parseLoc(loc))
      return false;
    auto f = std::make_unique<Function>(name.text.str(), *kind, base, wrt, loc);
    f->setExported(exported);
    m.addFunction(std::move(f));
    return true;
  }
  if (!expect(Token::LParen, "'('"))
    return false;
  auto f = std::make_unique<Function>(name.text.str(), llvm::ArrayRef<Type>{},
                                      llvm::ArrayRef<Type>{}, Location(start));
  f->setExported(exported);
  llvm::SmallVector<Type, 4> argTypes, resultTypes;
  while (!tok.is(Token::RParen)) {
    if (!tok.is(Token::ValueName))
      return error(tok.loc(), "a parameter '%name: type'");
    Token argName = tok;
    advance();
    if (!expect(Token::Colon, "':'"))
      return false;
    std::optional<Type> t = parseType();
    if (!t)
      return false;
    argTypes.push_back(*t);
    if (!defineValue(argName.text, f->getBody().addArgument(*t), argName.loc()))
      return false;
    if (!consume(Token::Comma))
      break;
  }
  if (!expect(Token::RParen, "')'") || !expect(Token::Arrow, "'->'"))
    return false;
  std::optional<Type> results = parseType();
  if (!results)
    return false;
  if (results->isTuple())
    resultTypes.append(results->getElements().begin(),
                       results->getElements().end());
  else
    resultTypes.push_back(*results);
  f->setSignature(argTypes, resultTypes);
  if (tok.isIdent("custom_vjp")) { // a user derivative rule (docs/ir.md)
    advance();
    if (!tok.is(Token::Symbol))
      return error(tok.loc(), "the derivative function '@name'");
    f->setCustomVjp(tok.text.str());
    advance();
  }
  if (tok.isIdent("custom_jvp")) { // a user forward rule (docs/ir.md)
    advance();
    if (!tok.is(Token::Symbol))
      return error(tok.loc(), "the derivative function '@name'");
    f->setCustomJvp(tok.text.str());
    advance();
  }
  if (tok.isIdent("checkpoint")) { // a filled `checkpoint @g` (docs/ir.md)
    advance();
    f->setCheckpoint(true);
  }
  Location loc(start);
  if (!parseLoc(loc))
    return false;
  Function *fn = m.addFunction(std::move(f));
  fn->setLoc(loc);
  return parseRegion(fn->getBody());
}

std::unique_ptr<Module> Parser::parseModule() {
  auto m = std::make_unique<Module>();
  while (!tok.is(Token::Eof)) {
    if (tok.is(Token::Error)) {
      error(tok.loc(), "a token");
      return nullptr;
    }
    if (!parseFunction(*m))
      return nullptr;
  }
  if (llvm::Error e = m->resolveDerivedSignatures()) {
    std::string msg = llvm::toString(std::move(e));
    llvm::SMLoc loc;
    for (auto &f : m->getFunctions())
      if (f->isDerivedDeclaration() &&
          llvm::StringRef(msg).contains("'@" + f->getName().str() + "'"))
        loc = f->getLoc().pos;
    diags.report(diag::IRBadDerivedDecl, loc, msg);
    return nullptr;
  }
  return m;
}

} // namespace

std::unique_ptr<Module> parseModule(unsigned bufferId,
                                    DiagnosticEngine &diags) {
  Parser p(diags.getSourceManager().getBufferText(bufferId), diags);
  return p.parseModule();
}

std::optional<Type> parseTypeString(llvm::StringRef text) {
  SourceManager sm;
  DiagnosticEngine diags(sm);
  Parser p(text, diags);
  return p.parseTypeOnly();
}

} // namespace tdl::ir
