//===- ParseActions.cpp - AST builders and checks behind the grammar ------===//
#include "parser/ParseActions.h"

#include "llvm/ADT/STLExtras.h"

namespace tdl::parser {

using namespace ast;

//===-- Expressions
//--------------------------------------------------------===//

Expr *ParseState::makeName(const Ident &id) {
  if (std::optional<DType> dt = parseDTypeName(id.name))
    return ctx.create<DTypeExpr>(id.getRange(), *dt);
  return ctx.create<NameExpr>(id.getRange(), id);
}

static bool isComparison(BinaryOp op) {
  return op == BinaryOp::Lt || op == BinaryOp::Le || op == BinaryOp::Gt ||
         op == BinaryOp::Ge;
}
static bool isEquality(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne;
}

bool ParseState::isChainedComparison(BinaryOp op, Expr *lhs) const {
  auto *b = llvm::dyn_cast<BinaryExpr>(lhs);
  if (!b || parens.contains(b))
    return false;
  return (isComparison(op) && isComparison(b->getOp())) ||
         (isEquality(op) && isEquality(b->getOp()));
}

Expr *ParseState::makeBinary(BinaryOp op, const Loc &opLoc, Expr *l, Expr *r,
                             const Loc &all) {
  if (isChainedComparison(op, l))
    diags
        .report(diag::ParseNonAssociative, range(opLoc),
                getBinaryOpSpelling(op),
                getBinaryOpSpelling(llvm::cast<BinaryExpr>(l)->getOp()))
        .range(l->getRange());
  return depth(ctx.create<BinaryExpr>(range(all), op, start(opLoc), l, r),
               {l, r});
}

Expr *ParseState::makeUnary(UnaryOp op, Expr *e, const Loc &all) {
  return depth(ctx.create<UnaryExpr>(range(all), op, e), {e});
}

Expr *ParseState::makeCast(Expr *e, TypeExpr *t, const Loc &all) {
  return depth(ctx.create<CastExpr>(range(all), e, t), {e, t});
}

Expr *ParseState::makeCall(Expr *callee, std::vector<Argument> &args,
                           const Loc &all) {
  const Argument *firstNamed = nullptr;
  uint32_t d = callee->getDepth();
  for (const Argument &a : args) {
    d = std::max(d, a.value->getDepth());
    if (a.isNamed()) {
      if (!firstNamed)
        firstNamed = &a;
    } else if (firstNamed) {
      diags.report(diag::ParsePositionalAfterNamed, a.value->getRange())
          .note(diag::ParseFirstNamedHere, firstNamed->label.loc);
    }
  }
  auto *c = ctx.create<CallExpr>(range(all), callee, copy(args));
  return finishDepth(c, d);
}

Expr *ParseState::makeIndex(Expr *base, std::vector<Expr *> &indices,
                            const Loc &all) {
  auto *e = ctx.create<IndexExpr>(range(all), base, copy(indices));
  return depthList(e, llvm::ArrayRef<Expr *>(indices), base->getDepth());
}

Expr *ParseState::makeSlice(Expr *lo, Expr *hi, const Loc &all) {
  return depth(ctx.create<SliceExpr>(range(all), lo, hi), {lo, hi});
}

Expr *ParseState::makeField(Expr *base, const Ident &field, const Loc &all) {
  return depth(ctx.create<FieldExpr>(range(all), base, field, std::nullopt),
               {base});
}

Expr *ParseState::makeTupleField(Expr *base, const IntTok &index,
                                 const Loc &indexLoc, const Loc &all) {
  Ident field{index.text, start(indexLoc)};
  return depth(ctx.create<FieldExpr>(range(all), base, field, index.value),
               {base});
}

Expr *ParseState::makeInstantiate(Expr *base, std::vector<TypeExpr *> &args,
                                  const Loc &all) {
  auto *e = ctx.create<InstantiateExpr>(range(all), base, copy(args));
  return depthList(e, llvm::ArrayRef<TypeExpr *>(args), base->getDepth());
}

/// `a.b.C` written as expressions, as a type path; false if not a path.
static bool collectPath(Expr *e, std::vector<Ident> &path) {
  if (auto *n = llvm::dyn_cast<NameExpr>(e)) {
    path.push_back(n->getIdent());
    return true;
  }
  if (auto *f = llvm::dyn_cast<FieldExpr>(e)) {
    if (f->getTupleIndex() || !collectPath(f->getBase(), path))
      return false;
    path.push_back(f->getField());
    return true;
  }
  return false;
}

Expr *ParseState::makeStructLiteral(Expr *typeName,
                                    std::vector<FieldInit> &fields,
                                    const Loc &all) {
  std::vector<Ident> path;
  llvm::ArrayRef<TypeExpr *> genericArgs;
  bool hasArgs = false;
  Expr *nameExpr = typeName;
  if (auto *inst = llvm::dyn_cast<InstantiateExpr>(typeName)) {
    nameExpr = inst->getBase();
    genericArgs = inst->getGenericArgs();
    hasArgs = true;
  }
  if (!collectPath(nameExpr, path)) {
    diags.report(diag::ParseNotAStructName, typeName->getRange());
    return ctx.create<ErrorExpr>(range(all));
  }
  auto *type = ctx.create<NamedTypeExpr>(typeName->getRange(), copy(path),
                                         genericArgs, hasArgs);
  type->setDepth(typeName->getDepth());
  auto *e = ctx.create<StructLiteralExpr>(range(all), type, copy(fields));
  uint32_t d = type->getDepth();
  for (const FieldInit &f : fields)
    d = std::max(d, f.value->getDepth());
  return finishDepth(e, d);
}

Expr *ParseState::makeTensorLiteral(std::vector<Expr *> &elems,
                                    const Loc &all) {
  auto *e = ctx.create<TensorLiteralExpr>(range(all), copy(elems));
  return depthList(e, llvm::ArrayRef<Expr *>(elems));
}

Expr *ParseState::makeTuple(std::vector<Expr *> &elems, const Loc &all) {
  auto *e = ctx.create<TupleExpr>(range(all), copy(elems));
  return depthList(e, llvm::ArrayRef<Expr *>(elems));
}

Expr *ParseState::parenthesized(Expr *e) {
  if (llvm::isa<BinaryExpr>(e))
    parens.insert(e);
  return e;
}

//===-- If expressions and value blocks
//------------------------------------===//

/// An if expression's branch: must end in a value. A trailing if statement
/// (`{ ...; if c { 1 } else { 2 } }`) is that value, as in Rust.
BlockStmt *ParseState::valueBlock(BlockStmt *b) {
  if (b->getValue())
    return b;
  llvm::ArrayRef<Stmt *> stmts = b->getStmts();
  if (!stmts.empty())
    if (auto *last = llvm::dyn_cast<IfStmt>(stmts.back())) {
      Loc l{last->getRange().Start.getPointer(),
            last->getRange().End.getPointer()};
      Expr *value = makeIfExpr(last, l);
      b->setContents(stmts.drop_back(), value);
      return b;
    }
  if (!stmts.empty())
    settle(stmts.back());
  diags.report(diag::ParseIfExprBranchNeedsValue, b->getRange());
  b->setContents(stmts, ctx.create<ErrorExpr>(llvm::SMRange(
                            b->getRange().End, b->getRange().End)));
  return b;
}

Expr *ParseState::makeIfExpr(IfStmt *parts, const Loc &all) {
  BlockStmt *thenBlock = valueBlock(parts->getThen());
  BlockStmt *elseBlock = nullptr;
  Stmt *elseBranch = parts->getElse();
  if (!elseBranch) {
    diags.report(diag::ParseIfExprNeedsElse, range(all).Start)
        .range(parts->getCond()->getRange());
    llvm::SMLoc end = range(all).End;
    elseBlock =
        ctx.create<BlockStmt>(llvm::SMRange(end, end), llvm::ArrayRef<Stmt *>(),
                              ctx.create<ErrorExpr>(llvm::SMRange(end, end)));
  } else if (auto *b = llvm::dyn_cast<BlockStmt>(elseBranch)) {
    elseBlock = valueBlock(b);
  } else {
    // `else if ...`: an else block whose value is the nested if expression.
    auto *nested = llvm::cast<IfStmt>(elseBranch);
    Loc l{nested->getRange().Start.getPointer(),
          nested->getRange().End.getPointer()};
    Expr *value = makeIfExpr(nested, l);
    elseBlock = ctx.create<BlockStmt>(nested->getRange(),
                                      llvm::ArrayRef<Stmt *>(), value);
    elseBlock->setDepth(value->getDepth() + 1);
  }
  auto *e =
      ctx.create<IfExpr>(range(all), parts->getCond(), thenBlock, elseBlock);
  return depth(e, {parts->getCond(), thenBlock, elseBlock,
                   thenBlock->getValue(), elseBlock->getValue()});
}

//===-- Statements
//-----------------------------------------------------------===//

/// `s` is now known to be a statement (not the value of an if expression):
/// any block it owns must not end in a value.
void ParseState::settle(Stmt *s) {
  if (auto *b = llvm::dyn_cast<BlockStmt>(s)) {
    stmtBlock(b);
  } else if (auto *i = llvm::dyn_cast<IfStmt>(s)) {
    stmtBlock(i->getThen());
    if (i->getElse())
      settle(i->getElse());
  }
}

BlockStmt *ParseState::stmtBlock(BlockStmt *b) {
  if (Expr *v = b->getValue()) {
    diags.report(diag::ParseExpectedSemiAfterExpr, v->getRange().End)
        .range(v->getRange())
        .insertion(v->getRange().End, ";");
    std::vector<Stmt *> stmts(b->getStmts().begin(), b->getStmts().end());
    stmts.push_back(ctx.create<ExprStmt>(v->getRange(), v));
    b->setContents(copy(stmts), nullptr);
    return b;
  }
  if (!b->getStmts().empty())
    settle(b->getStmts().back());
  return b;
}

BlockStmt *ParseState::makeBlock(std::vector<Stmt *> &stmts, Expr *value,
                                 const Loc &all) {
  // Every statement but the last is certainly a statement; the last is one
  // too unless the block may become an if-expression branch.
  for (size_t i = 0; i + 1 < stmts.size(); ++i)
    settle(stmts[i]);
  if (value && !stmts.empty())
    settle(stmts.back());
  auto *b = ctx.create<BlockStmt>(range(all), copy(stmts), value);
  return depthList(b, llvm::ArrayRef<Stmt *>(stmts),
                   value ? value->getDepth() : 0);
}

Stmt *ParseState::makeExprStmt(Expr *e, const Loc &all) {
  // `print(...)` is a statement (print is not a keyword).
  if (auto *call = llvm::dyn_cast<CallExpr>(e))
    if (auto *callee = llvm::dyn_cast<NameExpr>(call->getCallee());
        callee && callee->getName() == "print")
      return depth(ctx.create<PrintStmt>(range(all), call->getArgs()), {e});
  return depth(ctx.create<ExprStmt>(range(all), e), {e});
}

Stmt *ParseState::makeAssign(Expr *target, const Loc &eq, Expr *value,
                             const Loc &all) {
  Expr *base = target;
  if (auto *idx = llvm::dyn_cast<IndexExpr>(target))
    base = idx->getBase();
  if (!llvm::isa<NameExpr>(base) && !llvm::isa<ErrorExpr>(base))
    diags.report(diag::ParseInvalidAssignTarget, target->getRange());
  return depth(ctx.create<AssignStmt>(range(all), target, start(eq), value),
               {target, value});
}

void ParseState::checkBindable(const Ident &name, llvm::StringRef what) {
  if (parseDTypeName(name.name))
    diags.report(diag::ParseDTypeNameBound, name.getRange(), name.name, what);
}

Pattern *ParseState::makeNamePattern(const Ident &id, const Loc &all) {
  checkBindable(id, "variable");
  if (id.name == "_")
    return ctx.create<WildcardPattern>(range(all));
  auto *var = ctx.create<VarDecl>(range(all), id, VarDecl::Kind::Let);
  return ctx.create<NamePattern>(range(all), var);
}

void ParseState::setPatternKind(Pattern *p, VarDecl::Kind kind,
                                llvm::SMLoc keyword) {
  if (auto *n = llvm::dyn_cast<NamePattern>(p)) {
    *n->getVar() =
        VarDecl(n->getVar()->getRange(), n->getVar()->getName(), kind, keyword);
  } else if (auto *t = llvm::dyn_cast<TuplePattern>(p)) {
    for (Pattern *e : t->getElements())
      setPatternKind(e, kind, keyword);
  }
}

Stmt *ParseState::makeLet(bool isVar, Pattern *p, TypeExpr *t, Expr *init,
                          const Loc &all) {
  setPatternKind(p, isVar ? VarDecl::Kind::Var : VarDecl::Kind::Let,
                 range(all).Start);
  return depth(ctx.create<LetStmt>(range(all), isVar, p, t, init),
               {p, t, init});
}

//===-- Types
//------------------------------------------------------------------===//

TypeExpr *ParseState::makeNamedType(std::vector<Ident> &path,
                                    std::vector<TypeExpr *> *genericArgs,
                                    const Loc &all) {
  if (path.size() == 1 && !genericArgs)
    if (std::optional<DType> dt = parseDTypeName(path[0].name))
      return ctx.create<DTypeTypeExpr>(range(all), *dt);
  llvm::ArrayRef<TypeExpr *> args;
  if (genericArgs)
    args = copy(*genericArgs);
  auto *t = ctx.create<NamedTypeExpr>(range(all), copy(path), args,
                                      genericArgs != nullptr);
  return depthList(t, args);
}

TypeExpr *ParseState::makeTensorType(std::vector<Ident> &element,
                                     std::vector<TypeExpr *> &dims,
                                     const Loc &all) {
  TypeExpr *elem;
  llvm::SMRange elemRange = {element.front().loc,
                             element.back().getRange().End};
  if (element.size() != 1) {
    diags.report(diag::ParseBadTensorElement, elemRange);
    elem = ctx.create<ErrorTypeExpr>(elemRange);
  } else if (std::optional<DType> dt = parseDTypeName(element[0].name)) {
    elem = ctx.create<DTypeTypeExpr>(elemRange, *dt);
  } else {
    elem = ctx.create<NamedTypeExpr>(elemRange, copy(element),
                                     llvm::ArrayRef<TypeExpr *>(), false);
  }
  auto *t = ctx.create<TensorTypeExpr>(range(all), elem, copy(dims));
  return depthList(t, llvm::ArrayRef<TypeExpr *>(dims), 1);
}

TypeExpr *ParseState::makeDimBinary(BinaryOp op, const Loc &opLoc, TypeExpr *l,
                                    TypeExpr *r, const Loc &all) {
  return depth(ctx.create<DimBinaryExpr>(range(all), op, start(opLoc), l, r),
               {l, r});
}

TypeExpr *ParseState::makeDimCall(const Ident &callee, const Ident &pack,
                                  const Loc &all) {
  if (callee.name != "prod" && callee.name != "rank")
    diags.report(diag::ParseBadDimCall, callee.getRange(), callee.name);
  return ctx.create<DimCallExpr>(range(all), callee, pack);
}

TypeExpr *ParseState::makeDimList(std::vector<TypeExpr *> &dims,
                                  const Loc &all) {
  auto *t = ctx.create<DimListExpr>(range(all), copy(dims));
  return depthList(t, llvm::ArrayRef<TypeExpr *>(dims));
}

TypeExpr *ParseState::makeTupleType(std::vector<TypeExpr *> &elems,
                                    const Loc &all) {
  auto *t = ctx.create<TupleTypeExpr>(range(all), copy(elems));
  return depthList(t, llvm::ArrayRef<TypeExpr *>(elems));
}

//===-- Declarations
//-------------------------------------------------------===//

GenericParamDecl *ParseState::makeGenericParam(const Ident &name,
                                               const Ident *constraint,
                                               bool isPack, const Loc &all) {
  using G = GenericParamDecl;
  checkBindable(name, "generic parameter");
  if (isPack)
    return ctx.create<G>(range(all), name, G::Kind::Pack, G::Constraint::None);
  if (!constraint)
    return ctx.create<G>(range(all), name, G::Kind::Plain, G::Constraint::None);
  G::Constraint c = G::Constraint::None;
  if (constraint->name == "float")
    c = G::Constraint::Float;
  else if (constraint->name == "int")
    c = G::Constraint::Int;
  else if (constraint->name == "num")
    c = G::Constraint::Num;
  else
    diags.report(diag::ParseUnknownConstraint, constraint->getRange(),
                 constraint->name);
  return ctx.create<G>(range(all), name, G::Kind::DType, c);
}

void ParseState::addDecl(Decl *d, Prefix &prefix, bool isFunction) {
  for (const Attribute &a : prefix.attrs) {
    if (!isFunction)
      diags.report(diag::ParseAttributeNotOnFunction, a.range);
    else if (a.name.name != "derivative" && a.name.name != "ad_loop_memory")
      diags.report(diag::ParseUnknownAttribute, a.name.getRange(), a.name.name);
  }
  if (prefix.isExport && !isFunction)
    diags.report(diag::ParseExportNotFunction, range(prefix.exportLoc));
  llvm::ArrayRef<Attribute> attrs = copy(prefix.attrs);
  // Attributes and `export` precede the declaration: rebuild the function
  // node with them and its full range.
  llvm::SMLoc begin = d->getRange().Start;
  if (!prefix.attrs.empty())
    begin = prefix.attrs.front().range.Start;
  else if (prefix.isExport)
    begin = start(prefix.exportLoc);
  llvm::SMRange full(begin, d->getRange().End);
  if (auto *f = llvm::dyn_cast<FuncDecl>(d)) {
    d = ctx.create<FuncDecl>(full, f->getName(), f->getGenericParams(),
                             f->getParams(), f->getResultType(), f->getBody(),
                             prefix.isExport, attrs);
  } else if (auto *g = llvm::dyn_cast<DerivedFuncDecl>(d)) {
    d = ctx.create<DerivedFuncDecl>(full, g->getName(), g->getDefinition(),
                                    prefix.isExport, attrs);
  }
  decls.push_back(d);
}

//===-- Syntax errors
//------------------------------------------------------===//

void ParseState::reportSyntaxError(llvm::SMRange at, llvm::StringRef found,
                                   std::vector<std::string> &expected,
                                   bool expectsExpression,
                                   llvm::StringRef expectedCloser,
                                   bool preferSemi) {
  if (expectsExpression) {
    llvm::erase_if(expected, [](const std::string &s) {
      return s == "identifier" || s == "'('" || s == "'['";
    });
    expected.insert(expected.begin(), "expression");
  }
  std::string list;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (i)
      list += i + 1 == expected.size() ? " or " : ", ";
    list += expected[i];
  }
  const TokenFilter::OpenBracket *open = filter.getInnermostOpen();
  auto closerOf = [](TokenKind k) -> char {
    switch (k) {
    case TokenKind::LParen:
      return ')';
    case TokenKind::LBracket:
      return ']';
    case TokenKind::LBrace:
    case TokenKind::StructLBrace:
      return '}';
    case TokenKind::GenericLess:
      return '>';
    default:
      return 0;
    }
  };
  bool closerExpected = open && closerOf(open->kind) &&
                        expectedCloser.contains(closerOf(open->kind));
  // The next statement or declaration starts on a later line: the one
  // before it is missing its ';' (`import std.nn` then `fn`), whatever
  // else could have continued it.
  llvm::SMLoc prevEnd = filter.getPrevTokenEnd();
  bool onLaterLine =
      prevEnd.getPointer() && prevEnd.getPointer() < at.Start.getPointer() &&
      llvm::StringRef(prevEnd.getPointer(),
                      at.Start.getPointer() - prevEnd.getPointer())
          .contains('\n');
  if ((expected.size() > 6 || onLaterLine) && preferSemi && !closerExpected) {
    // A statement ended without ';' before the next one (or a '}'): say so
    // right after it, as clang does.
    diags
        .report(diag::ParseExpectedFound, filter.getPrevTokenEnd(), "';'",
                found)
        .insertion(filter.getPrevTokenEnd(), ";");
    return;
  }
  if (expected.size() > 6) {
    // Too many alternatives to list (typically "an operator or ...");
    // the unclosed bracket is the most useful thing to name.
    if (!closerExpected) {
      diags.report(diag::ParseUnexpected, at, found);
      return;
    }
    list = "'" + std::string(1, closerOf(open->kind)) + "'";
  } else if (expected.empty()) {
    diags.report(diag::ParseUnexpected, at, found);
    return;
  }
  auto b = diags.report(diag::ParseExpectedFound, at, list, found);
  if (closerExpected)
    b.note(diag::ParseToMatchThis, open->loc,
           std::string(open->loc.getPointer(), 1));
}

} // namespace tdl::parser
