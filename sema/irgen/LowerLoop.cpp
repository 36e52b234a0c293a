//===- LowerLoop.cpp - for and while loops
//---------------------------------===//
//
// A loop carries the bindings its body assigns that exist before it. A
// `for` without break or return is a `for` op. A loop that may break or
// return is a `while` op whose condition is `!broke && !returned && c`
// (evaluated through an `if`, so `c` is not evaluated once the loop has been
// left); a `for` of that kind carries its index as the first value.
// `continue` sets a flag that is reset at the start of every iteration and
// guards the rest of the body.
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/FunctionLowering.h"

namespace tdl::irgen {

namespace {
/// Saves and restores the builder, environment and nesting around a region.
struct RegionScope {
  RegionScope(ir::Builder &b, unsigned &nesting, ir::Region &r)
      : b(b), outer(b), nesting(nesting) {
    ++nesting;
    b.setInsertionPointToEnd(r);
  }
  ~RegionScope() {
    --nesting;
    b = outer;
  }
  ir::Builder &b;
  ir::Builder outer;
  unsigned &nesting;
};
} // namespace

/// The function's `@ad_loop_memory(N)` (checked by sema), if any.
static std::optional<int64_t> loopMemoryAttr(const sema::FuncInstance &inst) {
  if (!inst.decl)
    return std::nullopt;
  for (const ast::Attribute &a : inst.decl->getAttributes())
    if (a.name.name == "ad_loop_memory" && a.args.size() == 1)
      if (auto *lit = llvm::dyn_cast<ast::IntLiteralExpr>(a.args[0].value))
        return int64_t(std::min<uint64_t>(lit->getValue(), INT64_MAX));
  return std::nullopt;
}

FunctionLowering::LoopBody FunctionLowering::enterLoop(LoopContext &here,
                                                       const ast::Stmt *body) {
  LoopContext *outer = loop;
  loop = &here;
  KeySet assigned;
  collectAssigned(body, assigned, 0);
  here.mayBreak = assigned.count(&here.brokeKey);
  here.mayContinue = assigned.count(&here.continuedKey);
  return {outer, usesReturnFlag && assigned.count(&returnedKey),
          liveKeys(assigned)};
}

void FunctionLowering::carryBrokeFlag(LoopContext &here, LoopBody &body) {
  if (!here.mayBreak)
    return;
  env[&here.brokeKey] = ValueTree::tensor(boolConst(false));
  body.keys.push_back(&here.brokeKey);
}

void FunctionLowering::leaveWhile(ir::Operation *op, unsigned first,
                                  const LoopContext &here, const LoopBody &body,
                                  Env entry, Env saved) {
  env = std::move(entry);
  bindKeysFromResults(op, first, body.keys);
  for (Key k : body.keys)
    if (k != &here.brokeKey)
      saved[k] = env[k];
  env = std::move(saved);
  loop = body.outer;
}

void FunctionLowering::lowerFor(const ast::ForStmt *s) {
  ir::Value *lo =
      coerceTensor(lowerTensor(s->getLo()), ir::Type::scalar(ir::DType::I64));
  ir::Value *hi =
      coerceTensor(lowerTensor(s->getHi()), ir::Type::scalar(ir::DType::I64));
  LoopContext here;
  LoopBody body = enterLoop(here, s->getBody());
  const bool mayReturn = body.mayReturn;
  llvm::SmallVector<Key, 8> &keys = body.keys;
  const ast::VarDecl *index = s->getIndexVar();
  Env saved = env;

  if (!here.mayBreak && !mayReturn) {
    llvm::SmallVector<ir::Value *, 8> inits;
    for (Key k : keys)
      env[k].flatten(inits);
    ir::Operation *op = b.createFor(lo, hi, inits);
    if (std::optional<int64_t> bytes = loopMemoryAttr(inst))
      op->getAttrs().set("ad_memory", *bytes);
    {
      RegionScope scope(b, nesting, op->getRegion(0));
      ir::Value *i = op->getRegion(0).getArgument(0);
      i->setNameHint(index->getName().name);
      env[index] = ValueTree::tensor(i);
      bindKeysFromArgs(op->getRegion(0), 1, keys);
      if (here.mayContinue)
        env[&here.continuedKey] = ValueTree::tensor(boolConst(false));
      lowerStmts(s->getBody()->getStmts());
      yieldKeys({}, keys);
    }
    env = std::move(saved);
    bindKeysFromResults(op, 0, keys);
    loop = body.outer;
    return;
  }

  carryBrokeFlag(here, body);
  llvm::SmallVector<ir::Value *, 8> inits{lo};
  for (Key k : keys)
    env[k].flatten(inits);
  ir::Operation *op = b.createWhile(inits);
  if (std::optional<int64_t> bytes = loopMemoryAttr(inst))
    op->getAttrs().set("ad_memory", *bytes);
  Env entry = env;
  {
    RegionScope scope(b, nesting, op->getRegion(0));
    ir::Value *i = op->getRegion(0).getArgument(0);
    bindKeysFromArgs(op->getRegion(0), 1, keys);
    ir::Value *c = b.binary(ir::Opcode::Lt, i, hi);
    if (here.mayBreak)
      c = b.binary(ir::Opcode::And, c,
                   b.unary(ir::Opcode::Not, env[&here.brokeKey].leaf));
    if (mayReturn)
      c = b.binary(ir::Opcode::And, c,
                   b.unary(ir::Opcode::Not, env[&returnedKey].leaf));
    b.yield({c});
  }
  env = entry;
  {
    RegionScope scope(b, nesting, op->getRegion(1));
    ir::Value *i = op->getRegion(1).getArgument(0);
    i->setNameHint(index->getName().name);
    env[index] = ValueTree::tensor(i);
    bindKeysFromArgs(op->getRegion(1), 1, keys);
    if (here.mayContinue)
      env[&here.continuedKey] = ValueTree::tensor(boolConst(false));
    lowerStmts(s->getBody()->getStmts());
    ir::Value *next = b.binary(ir::Opcode::Add, i, i64Const(1));
    yieldKeys({next}, keys);
  }
  leaveWhile(op, 1, here, body, std::move(entry), std::move(saved));
}

void FunctionLowering::lowerWhile(const ast::WhileStmt *s) {
  LoopContext here;
  LoopBody body = enterLoop(here, s->getBody());
  const bool mayReturn = body.mayReturn;
  llvm::SmallVector<Key, 8> &keys = body.keys;
  Env saved = env;
  carryBrokeFlag(here, body);
  llvm::SmallVector<ir::Value *, 8> inits;
  for (Key k : keys)
    env[k].flatten(inits);
  ir::Operation *op = b.createWhile(inits);
  if (std::optional<int64_t> bytes = loopMemoryAttr(inst))
    op->getAttrs().set("ad_memory", *bytes);
  Env entry = env;
  {
    RegionScope scope(b, nesting, op->getRegion(0));
    bindKeysFromArgs(op->getRegion(0), 0, keys);
    ir::Value *c;
    if (here.mayBreak || mayReturn) {
      ir::Value *stop = nullptr;
      if (here.mayBreak)
        stop = env[&here.brokeKey].leaf;
      if (mayReturn)
        stop = stop ? b.binary(ir::Opcode::Or, stop, env[&returnedKey].leaf)
                    : env[&returnedKey].leaf;
      ir::Operation *guard =
          b.createIf(stop, {ir::Type::scalar(ir::DType::Bool)});
      {
        RegionScope thenScope(b, nesting, guard->getRegion(0));
        b.yield({boolConst(false)});
      }
      {
        RegionScope elseScope(b, nesting, guard->getRegion(1));
        b.yield({lowerTensor(s->getCond())});
      }
      c = guard->getResult(0);
    } else {
      c = lowerTensor(s->getCond());
    }
    b.yield({c});
  }
  env = entry;
  {
    RegionScope scope(b, nesting, op->getRegion(1));
    bindKeysFromArgs(op->getRegion(1), 0, keys);
    if (here.mayContinue)
      env[&here.continuedKey] = ValueTree::tensor(boolConst(false));
    lowerStmts(s->getBody()->getStmts());
    yieldKeys({}, keys);
  }
  leaveWhile(op, 0, here, body, std::move(entry), std::move(saved));
}

} // namespace tdl::irgen
