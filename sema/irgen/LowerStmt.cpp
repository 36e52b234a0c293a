//===- LowerStmt.cpp - statements and structured control flow -------------===//
//
// See FunctionLowering.h for the scheme. The invariant: after a statement
// is lowered, `env` maps every binding visible after it to a value defined
// in the current region (or an enclosing one).
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/FunctionLowering.h"

namespace tdl::irgen {

//===-- Which bindings a statement assigns --------------------------------===//

void FunctionLowering::collectAssignedExpr(const ast::Expr *e, KeySet &out,
                                           unsigned loopNest) {
  // Only `if` expressions hold statements; look for them anywhere.
  if (!e)
    return;
  switch (e->getKind()) {
  case ast::NodeKind::IfExpr: {
    auto *i = llvm::cast<ast::IfExpr>(e);
    collectAssignedExpr(i->getCond(), out, loopNest);
    collectAssigned(i->getThen(), out, loopNest);
    collectAssigned(i->getElse(), out, loopNest);
    return;
  }
  case ast::NodeKind::TensorLiteralExpr:
    for (const ast::Expr *x :
         llvm::cast<ast::TensorLiteralExpr>(e)->getElements())
      collectAssignedExpr(x, out, loopNest);
    return;
  case ast::NodeKind::TupleExpr:
    for (const ast::Expr *x : llvm::cast<ast::TupleExpr>(e)->getElements())
      collectAssignedExpr(x, out, loopNest);
    return;
  case ast::NodeKind::CallExpr:
    for (const ast::Argument &a : llvm::cast<ast::CallExpr>(e)->getArgs())
      collectAssignedExpr(a.value, out, loopNest);
    return;
  case ast::NodeKind::IndexExpr: {
    auto *i = llvm::cast<ast::IndexExpr>(e);
    collectAssignedExpr(i->getBase(), out, loopNest);
    for (const ast::Expr *x : i->getIndices())
      collectAssignedExpr(x, out, loopNest);
    return;
  }
  case ast::NodeKind::SliceExpr: {
    auto *s = llvm::cast<ast::SliceExpr>(e);
    collectAssignedExpr(s->getLo(), out, loopNest);
    collectAssignedExpr(s->getHi(), out, loopNest);
    return;
  }
  case ast::NodeKind::FieldExpr:
    collectAssignedExpr(llvm::cast<ast::FieldExpr>(e)->getBase(), out,
                        loopNest);
    return;
  case ast::NodeKind::UnaryExpr:
    collectAssignedExpr(llvm::cast<ast::UnaryExpr>(e)->getOperand(), out,
                        loopNest);
    return;
  case ast::NodeKind::BinaryExpr: {
    auto *bin = llvm::cast<ast::BinaryExpr>(e);
    collectAssignedExpr(bin->getLHS(), out, loopNest);
    collectAssignedExpr(bin->getRHS(), out, loopNest);
    return;
  }
  case ast::NodeKind::CastExpr:
    collectAssignedExpr(llvm::cast<ast::CastExpr>(e)->getOperand(), out,
                        loopNest);
    return;
  case ast::NodeKind::StructLiteralExpr:
    for (const ast::FieldInit &f :
         llvm::cast<ast::StructLiteralExpr>(e)->getFields())
      collectAssignedExpr(f.value, out, loopNest);
    return;
  default:
    return;
  }
}

/// `loopNest` counts the loops entered below the one whose break/continue
/// flags `loop` holds: only a break at nesting 0 sets them.
void FunctionLowering::collectAssigned(const ast::Stmt *s, KeySet &out,
                                       unsigned loopNest) {
  if (!s)
    return;
  switch (s->getKind()) {
  case ast::NodeKind::BlockStmt: {
    auto *blk = llvm::cast<ast::BlockStmt>(s);
    for (const ast::Stmt *x : blk->getStmts())
      collectAssigned(x, out, loopNest);
    collectAssignedExpr(blk->getValue(), out, loopNest);
    return;
  }
  case ast::NodeKind::LetStmt:
    collectAssignedExpr(llvm::cast<ast::LetStmt>(s)->getInit(), out, loopNest);
    return;
  case ast::NodeKind::AssignStmt: {
    auto *a = llvm::cast<ast::AssignStmt>(s);
    const ast::Expr *target = a->getTarget();
    if (auto *idx = llvm::dyn_cast<ast::IndexExpr>(target)) {
      for (const ast::Expr *x : idx->getIndices())
        collectAssignedExpr(x, out, loopNest);
      target = idx->getBase();
    }
    if (auto *n = llvm::dyn_cast<ast::NameExpr>(target))
      if (n->resolved)
        out.insert(n->resolved);
    collectAssignedExpr(a->getValue(), out, loopNest);
    return;
  }
  case ast::NodeKind::IfStmt: {
    auto *i = llvm::cast<ast::IfStmt>(s);
    collectAssignedExpr(i->getCond(), out, loopNest);
    collectAssigned(i->getThen(), out, loopNest);
    collectAssigned(i->getElse(), out, loopNest);
    return;
  }
  case ast::NodeKind::ForStmt: {
    auto *f = llvm::cast<ast::ForStmt>(s);
    collectAssignedExpr(f->getLo(), out, loopNest);
    collectAssignedExpr(f->getHi(), out, loopNest);
    collectAssigned(f->getBody(), out, loopNest + 1);
    return;
  }
  case ast::NodeKind::WhileStmt: {
    auto *w = llvm::cast<ast::WhileStmt>(s);
    collectAssignedExpr(w->getCond(), out, loopNest + 1);
    collectAssigned(w->getBody(), out, loopNest + 1);
    return;
  }
  case ast::NodeKind::BreakStmt:
    if (loopNest == 0 && loop)
      out.insert(&loop->brokeKey);
    return;
  case ast::NodeKind::ContinueStmt:
    if (loopNest == 0 && loop)
      out.insert(&loop->continuedKey);
    return;
  case ast::NodeKind::ReturnStmt:
    collectAssignedExpr(llvm::cast<ast::ReturnStmt>(s)->getValue(), out,
                        loopNest);
    if (usesReturnFlag) {
      out.insert(&returnedKey);
      out.insert(&retvalKey);
    }
    return;
  case ast::NodeKind::PrintStmt:
    for (const ast::Argument &a : llvm::cast<ast::PrintStmt>(s)->getArgs())
      collectAssignedExpr(a.value, out, loopNest);
    return;
  case ast::NodeKind::ExprStmt:
    collectAssignedExpr(llvm::cast<ast::ExprStmt>(s)->getExpr(), out, loopNest);
    return;
  default:
    return;
  }
}

llvm::SmallVector<FunctionLowering::Key, 8>
FunctionLowering::liveKeys(const KeySet &keys) const {
  llvm::SmallVector<Key, 8> out;
  for (Key k : keys)
    if (env.count(k))
      out.push_back(k);
  return out;
}

bool FunctionLowering::mayExit(const ast::Stmt *s) {
  KeySet keys;
  collectAssigned(s, keys, 0);
  if (usesReturnFlag && keys.count(&returnedKey))
    return true;
  return loop &&
         (keys.count(&loop->brokeKey) || keys.count(&loop->continuedKey));
}

//===-- Merging environments through structured ops -----------------------===//

void FunctionLowering::resultTypesOf(llvm::ArrayRef<Key> keys,
                                     llvm::SmallVectorImpl<ir::Type> &out) {
  for (Key k : keys)
    for (ir::Value *v : env[k].leaves())
      out.push_back(v->getType());
}

void FunctionLowering::bindKeysFromArgs(ir::Region &region, unsigned firstArg,
                                        llvm::ArrayRef<Key> keys) {
  unsigned next = firstArg;
  for (Key k : keys) {
    llvm::SmallVector<ir::Value *, 4> args;
    for (size_t i = 0, e = env[k].leaves().size(); i < e; ++i)
      args.push_back(region.getArgument(next++));
    llvm::ArrayRef<ir::Value *> ref = args;
    env[k] = env[k].withLeaves(ref);
  }
}

void FunctionLowering::yieldKeys(llvm::ArrayRef<ir::Value *> extra,
                                 llvm::ArrayRef<Key> keys) {
  llvm::SmallVector<ir::Value *, 8> values(extra.begin(), extra.end());
  for (Key k : keys)
    env[k].flatten(values);
  b.yield(values);
}

void FunctionLowering::bindKeysFromResults(ir::Operation *op,
                                           unsigned firstResult,
                                           llvm::ArrayRef<Key> keys) {
  unsigned next = firstResult;
  for (Key k : keys) {
    llvm::SmallVector<ir::Value *, 4> results;
    for (size_t i = 0, e = env[k].leaves().size(); i < e; ++i)
      results.push_back(op->getResult(next++));
    llvm::ArrayRef<ir::Value *> ref = results;
    env[k] = env[k].withLeaves(ref);
  }
}

//===-- Statements --------------------------------------------------------===//

void FunctionLowering::lowerStmts(llvm::ArrayRef<ast::Stmt *> stmts) {
  for (size_t i = 0; i < stmts.size(); ++i) {
    const ast::Stmt *s = stmts[i];
    lowerStmt(s);
    if (terminated || !ctx.error.empty())
      return;
    // Statements after an unconditional exit never run.
    if (llvm::isa<ast::ReturnStmt, ast::BreakStmt, ast::ContinueStmt>(s))
      return;
    if (i + 1 < stmts.size() && mayExit(s)) {
      guardRest(s, stmts.drop_front(i + 1));
      return;
    }
  }
}

void FunctionLowering::guardRest(const ast::Stmt *s,
                                 llvm::ArrayRef<ast::Stmt *> rest) {
  KeySet setBy;
  collectAssigned(s, setBy, 0);
  LocScope loc(*this, rest.front()->getLoc());
  ir::Value *exit = nullptr;
  auto orFlag = [&](Key k) {
    if (!setBy.count(k) || !env.count(k))
      return;
    ir::Value *f = env[k].leaf;
    exit = exit ? b.binary(ir::Opcode::Or, exit, f) : f;
  };
  if (usesReturnFlag)
    orFlag(&returnedKey);
  if (loop) {
    orFlag(&loop->brokeKey);
    orFlag(&loop->continuedKey);
  }
  if (!exit) {
    lowerStmts(rest);
    return;
  }
  KeySet assigned;
  for (const ast::Stmt *x : rest)
    collectAssigned(x, assigned, 0);
  llvm::SmallVector<Key, 8> keys = liveKeys(assigned);
  llvm::SmallVector<ir::Type, 8> types;
  resultTypesOf(keys, types);
  ir::Operation *op = b.createIf(exit, types);
  Env saved = env;
  ++nesting;
  {
    ir::Builder outer = b;
    b.setInsertionPointToEnd(op->getRegion(0)); // already exiting: no change
    yieldKeys({}, keys);
    b.setInsertionPointToEnd(op->getRegion(1));
    lowerStmts(rest);
    yieldKeys({}, keys);
    b = outer;
  }
  --nesting;
  env = std::move(saved);
  bindKeysFromResults(op, 0, keys);
}

void FunctionLowering::lowerStmt(const ast::Stmt *s) {
  LocScope loc(*this, s->getLoc());
  switch (s->getKind()) {
  case ast::NodeKind::BlockStmt:
    lowerStmts(llvm::cast<ast::BlockStmt>(s)->getStmts());
    return;
  case ast::NodeKind::LetStmt:
    lowerLet(llvm::cast<ast::LetStmt>(s));
    return;
  case ast::NodeKind::AssignStmt:
    lowerAssign(llvm::cast<ast::AssignStmt>(s));
    return;
  case ast::NodeKind::IfStmt:
    lowerIf(llvm::cast<ast::IfStmt>(s));
    return;
  case ast::NodeKind::ForStmt:
    lowerFor(llvm::cast<ast::ForStmt>(s));
    return;
  case ast::NodeKind::WhileStmt:
    lowerWhile(llvm::cast<ast::WhileStmt>(s));
    return;
  case ast::NodeKind::BreakStmt:
    if (loop)
      env[&loop->brokeKey] = ValueTree::tensor(boolConst(true));
    return;
  case ast::NodeKind::ContinueStmt:
    if (loop)
      env[&loop->continuedKey] = ValueTree::tensor(boolConst(true));
    return;
  case ast::NodeKind::ReturnStmt:
    lowerReturn(llvm::cast<ast::ReturnStmt>(s));
    return;
  case ast::NodeKind::PrintStmt:
    lowerPrint(llvm::cast<ast::PrintStmt>(s));
    return;
  case ast::NodeKind::ExprStmt:
    (void)lowerExpr(llvm::cast<ast::ExprStmt>(s)->getExpr());
    return;
  default:
    internalError(s->getLoc(), "unexpected statement kind");
    return;
  }
}

void FunctionLowering::bindPattern(const ast::Pattern *p, const ValueTree &v) {
  if (auto *n = llvm::dyn_cast<ast::NamePattern>(p)) {
    const ast::VarDecl *var = n->getVar();
    auto it = inst.varTypes.find(var);
    ValueTree bound = it == inst.varTypes.end() ? v : coerce(v, it->second);
    if (bound.isTensor() && bound.leaf->getNameHint().empty() &&
        !bound.leaf->isBlockArgument() &&
        bound.leaf->getDefiningOp()->getNumResults() == 1)
      bound.leaf->setNameHint(var->getName().name);
    env[var] = std::move(bound);
    return;
  }
  if (llvm::isa<ast::WildcardPattern>(p))
    return;
  auto *tp = llvm::cast<ast::TuplePattern>(p);
  if (v.isTensor() || v.elems.size() != tp->getElements().size()) {
    internalError(p->getLoc(), "tuple pattern does not match the value");
    return;
  }
  for (size_t i = 0; i < v.elems.size(); ++i)
    bindPattern(tp->getElements()[i], v.elems[i]);
}

void FunctionLowering::lowerLet(const ast::LetStmt *s) {
  bindPattern(s->getPattern(), lowerExpr(s->getInit()));
}

void FunctionLowering::lowerAssign(const ast::AssignStmt *s) {
  const ast::Expr *target = s->getTarget();
  auto *idx = llvm::dyn_cast<ast::IndexExpr>(target);
  auto *name = llvm::dyn_cast<ast::NameExpr>(idx ? idx->getBase() : target);
  auto *var =
      name ? llvm::dyn_cast_or_null<ast::VarDecl>(name->resolved) : nullptr;
  if (!var || !env.count(var)) {
    internalError(s->getLoc(), "assignment to an unknown variable");
    return;
  }
  if (idx) {
    LocScope eq(*this, s->getEqLoc());
    ir::Value *updated = lowerIndexUpdate(idx, env[var].leaf, s->getValue());
    env[var] = ValueTree::tensor(updated);
    return;
  }
  ValueTree v = lowerExpr(s->getValue());
  auto it = inst.varTypes.find(var);
  env[var] = it == inst.varTypes.end() ? v : coerce(v, it->second);
}

void FunctionLowering::lowerIf(const ast::IfStmt *s) {
  ir::Value *cond = lowerTensor(s->getCond());
  KeySet assigned;
  collectAssigned(s->getThen(), assigned, 0);
  collectAssigned(s->getElse(), assigned, 0);
  llvm::SmallVector<Key, 8> keys = liveKeys(assigned);
  llvm::SmallVector<ir::Type, 8> types;
  resultTypesOf(keys, types);
  ir::Operation *op = b.createIf(cond, types);
  Env saved = env;
  ir::Builder outer = b;
  ++nesting;
  b.setInsertionPointToEnd(op->getRegion(0));
  lowerStmts(s->getThen()->getStmts());
  yieldKeys({}, keys);
  env = saved;
  b.setInsertionPointToEnd(op->getRegion(1));
  if (s->getElse())
    lowerStmt(s->getElse());
  yieldKeys({}, keys);
  env = std::move(saved);
  --nesting;
  b = outer;
  bindKeysFromResults(op, 0, keys);
}

void FunctionLowering::lowerReturn(const ast::ReturnStmt *s) {
  ValueTree v = s->getValue()
                    ? coerce(lowerExpr(s->getValue()), inst.resultType)
                    : ValueTree::aggregate({});
  if (nesting == 0 && !usesReturnFlag) {
    b.ret(v.leaves());
    terminated = true;
    return;
  }
  env[&returnedKey] = ValueTree::tensor(boolConst(true));
  env[&retvalKey] = std::move(v);
}

void FunctionLowering::lowerPrint(const ast::PrintStmt *s) {
  // One line per argument; a tuple or struct prints as an IR tuple.
  std::function<ir::Value *(const ValueTree &)> pack =
      [&](const ValueTree &v) -> ir::Value * {
    if (v.isTensor())
      return v.leaf;
    llvm::SmallVector<ir::Value *, 4> elems;
    for (const ValueTree &e : v.elems)
      elems.push_back(pack(e));
    return b.tuple(elems);
  };
  for (const ast::Argument &a : s->getArgs()) {
    ValueTree v = lowerExpr(a.value);
    LocScope loc(*this, a.value->getLoc());
    b.print(pack(v));
  }
}

} // namespace tdl::irgen
