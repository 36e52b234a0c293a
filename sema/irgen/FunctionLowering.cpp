//===- FunctionLowering.cpp - the per-function driver and shared helpers --===//
#include "sema/irgen/FunctionLowering.h"

#include <fmt/format.h>

namespace tdl::irgen {

FunctionLowering::FunctionLowering(ModuleContext &ctx,
                                   const sema::FuncInstance &inst,
                                   ir::Function &fn)
    : ctx(ctx), inst(inst), fn(fn) {}

/// Names the leaves of a parameter for the printer: `%x`, `%l.w`, `%p.0`.
static void nameLeaves(const ValueTree &v, const sema::Type *t,
                       const std::string &name) {
  if (v.isTensor()) {
    v.leaf->setNameHint(name);
    return;
  }
  for (size_t i = 0; i < v.elems.size(); ++i) {
    std::string field =
        t->isStruct() ? t->getStruct()->fieldNames[i].str() : std::to_string(i);
    nameLeaves(v.elems[i],
               t->isStruct() ? t->getStruct()->fieldTypes[i]
                             : t->getElements()[i],
               name + "." + field);
  }
}

void FunctionLowering::run() {
  const ast::FuncDecl *decl = inst.decl;
  b.setInsertionPointToEnd(fn.getBody());
  LocScope loc(*this, decl->getLoc());
  llvm::ArrayRef<ir::Value *> args = fn.getBody().getArguments();
  for (size_t i = 0; i < decl->getParams().size(); ++i) {
    ValueTree v = fromLeaves(inst.paramTypes[i], args);
    nameLeaves(v, inst.paramTypes[i],
               decl->getParams()[i]->getName().name.str());
    env[decl->getParams()[i]] = std::move(v);
  }
  const ast::BlockStmt *body = decl->getBody();
  // Returns are flags when one appears anywhere but as a direct statement
  // of the body (in an if, a loop, or an if expression's block).
  usesReturnFlag = true; // so collectAssigned reports returns
  KeySet nested;
  for (const ast::Stmt *st : body->getStmts()) {
    if (auto *r = llvm::dyn_cast<ast::ReturnStmt>(st))
      collectAssignedExpr(r->getValue(), nested, 0);
    else
      collectAssigned(st, nested, 0);
  }
  usesReturnFlag = nested.count(&returnedKey) != 0;
  if (usesReturnFlag) {
    env[&returnedKey] = ValueTree::tensor(boolConst(false));
    env[&retvalKey] = zerosOf(inst.resultType);
  }
  lowerStmts(body->getStmts());
  if (terminated)
    return;
  LocScope endLoc(*this, llvm::SMLoc::getFromPointer(
                             body->getRange().End.getPointer() - 1));
  const sema::Type *result = inst.resultType;
  if (usesReturnFlag) {
    b.ret(env[&retvalKey].leaves());
  } else if (result->isTuple() && result->getElements().empty()) {
    b.ret({});
  } else {
    internalError(decl->getLoc(), "function '" + inst.name +
                                      "' can reach its end without a return");
    b.ret(zerosOf(result).leaves());
  }
}

void FunctionLowering::internalError(llvm::SMLoc, const std::string &message) {
  if (ctx.error.empty())
    ctx.error = fmt::format("in '{}': {}", inst.name, message);
}

const sema::Type *FunctionLowering::typeOf(const ast::Expr *e) {
  const sema::Type *t = inst.typeOf(e);
  if (!t) {
    internalError(e->getLoc(), "an expression has no type");
    return ctx.program.types.error();
  }
  return t;
}

ir::Value *FunctionLowering::coerceTensor(ir::Value *v, const ir::Type &t) {
  if (v->getType() == t)
    return v;
  if (!v->getType().isTensor() || !t.isTensor()) {
    internalError({},
                  "cannot convert " + v->getType().str() + " to " + t.str());
    return v;
  }
  if (v->getType().getDType() != t.getDType()) {
    internalError({}, "missing conversion from " + v->getType().str() + " to " +
                          t.str());
    v = b.cast(v, t.getDType());
  }
  if (v->getType().getShape() != t.getShape())
    v = b.broadcastTo(v, t.getShape());
  return v;
}

ValueTree FunctionLowering::coerce(const ValueTree &v, const sema::Type *t) {
  if (t->isTensor()) {
    if (!v.isTensor()) {
      internalError({}, "an aggregate where " + t->str() + " was expected");
      return zerosOf(t);
    }
    return ValueTree::tensor(coerceTensor(v.leaf, toIRType(t)));
  }
  llvm::ArrayRef<const sema::Type *> children =
      t->isStruct()
          ? llvm::ArrayRef<const sema::Type *>(t->getStruct()->fieldTypes)
          : t->getElements();
  if (v.isTensor() || v.elems.size() != children.size()) {
    internalError({}, "a value does not match " + t->str());
    return zerosOf(t);
  }
  std::vector<ValueTree> elems;
  for (size_t i = 0; i < children.size(); ++i)
    elems.push_back(coerce(v.elems[i], children[i]));
  return ValueTree::aggregate(std::move(elems));
}

ValueTree FunctionLowering::zerosOf(const sema::Type *t) {
  llvm::SmallVector<ir::Type, 4> types;
  leafTypes(t, types);
  llvm::SmallVector<ir::Value *, 4> leaves;
  for (const ir::Type &lt : types)
    leaves.push_back(b.constant(lt, 0));
  llvm::ArrayRef<ir::Value *> next = leaves;
  return fromLeaves(t, next);
}

ir::Value *FunctionLowering::scalarConst(ir::DType dt, double v) {
  return b.constant(ir::Type::scalar(dt), v);
}
ir::Value *FunctionLowering::i64Const(int64_t v) {
  return b.constantInt(ir::Type::scalar(ir::DType::I64), v);
}
ir::Value *FunctionLowering::boolConst(bool v) {
  return b.constantBool(ir::Type::scalar(ir::DType::Bool), v);
}

ir::Value *FunctionLowering::matmul(ir::Value *a, ir::Value *bv) {
  // The IR's matmul needs rank >= 2: a vector operand becomes a one-row
  // (left) or one-column (right) matrix and the added dim is dropped after.
  llvm::ArrayRef<int64_t> as = a->getType().getShape(),
                          bs = bv->getType().getShape();
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    a = b.reshape(a, {1, as[0]});
  if (bVec)
    bv = b.reshape(bv, {bs[0], 1});
  ir::Value *r = b.binary(ir::Opcode::Matmul, a, bv);
  if (!aVec && !bVec)
    return r;
  ir::Shape out(r->getType().getShape().begin(), r->getType().getShape().end());
  if (bVec)
    out.pop_back();
  if (aVec)
    out.erase(out.end() - 1 - (bVec ? 0 : 1));
  return b.reshape(r, out);
}

} // namespace tdl::irgen
