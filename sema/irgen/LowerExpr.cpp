//===- LowerExpr.cpp - expressions
//-----------------------------------------===//
//
// Every expression has its concrete type in the instance's side table.
// Expressions sema folded to constants (literals, dim parameters, `const`
// parameters, module constants, constant tensor literals) become `constant`
// ops of their final dtype: a splat for one value, dense data otherwise.
// Elementwise operands whose shape differs from the result are broadcast
// explicitly (NumPy rules, validated by sema).
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/FunctionLowering.h"

namespace tdl::irgen {

ir::Value *FunctionLowering::lowerTensor(const ast::Expr *e) {
  ValueTree v = lowerExpr(e);
  if (!v.isTensor()) {
    internalError(e->getLoc(), "expected a tensor value");
    return scalarConst(ir::DType::F32, 0);
  }
  return v.leaf;
}

ir::Value *FunctionLowering::lowerBroadcast(const ast::Expr *e,
                                            llvm::ArrayRef<int64_t> shape) {
  ir::Value *v = lowerTensor(e);
  if (v->getType().getShape() == shape)
    return v;
  LocScope loc(*this, e->getLoc());
  return b.broadcastTo(v, shape);
}

ValueTree FunctionLowering::lowerExpr(const ast::Expr *e) {
  LocScope loc(*this, e->getLoc());
  const sema::Type *t = typeOf(e);
  if (t->isError())
    return ValueTree::tensor(scalarConst(ir::DType::F32, 0));
  auto c = inst.constants.find(e);
  if (c != inst.constants.end() && !t->isFunction())
    return lowerConstant(c->second, t);
  switch (e->getKind()) {
  case ast::NodeKind::NameExpr:
    return lowerName(llvm::cast<ast::NameExpr>(e));
  case ast::NodeKind::TensorLiteralExpr:
    return lowerTensorLiteral(llvm::cast<ast::TensorLiteralExpr>(e));
  case ast::NodeKind::CallExpr:
    return lowerCall(llvm::cast<ast::CallExpr>(e));
  case ast::NodeKind::IndexExpr:
    return ValueTree::tensor(lowerIndex(llvm::cast<ast::IndexExpr>(e)));
  case ast::NodeKind::FieldExpr:
    return lowerField(llvm::cast<ast::FieldExpr>(e));
  case ast::NodeKind::UnaryExpr: {
    // `-p` of a struct or tuple (of float tensors) negates every leaf.
    auto *u = llvm::cast<ast::UnaryExpr>(e);
    ir::Opcode op =
        u->getOp() == ast::UnaryOp::Neg ? ir::Opcode::Neg : ir::Opcode::Not;
    ValueTree x = lowerExpr(u->getOperand());
    llvm::SmallVector<ir::Value *, 4> leaves = x.leaves();
    for (ir::Value *&leaf : leaves)
      leaf = b.unary(op, leaf);
    llvm::ArrayRef<ir::Value *> next = leaves;
    return x.withLeaves(next);
  }
  case ast::NodeKind::BinaryExpr:
    return lowerBinary(llvm::cast<ast::BinaryExpr>(e));
  case ast::NodeKind::CastExpr: {
    ir::Value *x = lowerTensor(llvm::cast<ast::CastExpr>(e)->getOperand());
    ir::DType to = toIRDType(t->getElem());
    if (x->getType().getDType() != to)
      x = b.cast(x, to);
    return ValueTree::tensor(coerceTensor(x, toIRType(t)));
  }
  case ast::NodeKind::IfExpr:
    return lowerIfExpr(llvm::cast<ast::IfExpr>(e));
  case ast::NodeKind::TupleExpr: {
    auto elems = llvm::cast<ast::TupleExpr>(e)->getElements();
    std::vector<ValueTree> out;
    for (size_t i = 0; i < elems.size(); ++i)
      out.push_back(coerce(lowerExpr(elems[i]), t->getElements()[i]));
    return ValueTree::aggregate(std::move(out));
  }
  case ast::NodeKind::StructLiteralExpr:
    return lowerStructLiteral(llvm::cast<ast::StructLiteralExpr>(e));
  default:
    internalError(e->getLoc(), "cannot lower this expression (" +
                                   ast::getNodeKindName(e->getKind()).str() +
                                   ")");
    return zerosOf(t);
  }
}

//===-- Constants ---------------------------------------------------------===//

static void flattenConst(const sema::ConstValue &v,
                         std::vector<const sema::ConstValue *> &out) {
  if (v.kind == sema::ConstValue::Kind::Tuple) {
    for (const sema::ConstValue &e : v.elems)
      flattenConst(e, out);
    return;
  }
  out.push_back(&v);
}

template <typename T>
static ir::DenseElements denseOf(ir::DType dt,
                                 llvm::ArrayRef<const sema::ConstValue *> vs) {
  std::vector<T> data;
  for (const sema::ConstValue *v : vs) {
    if (v->kind == sema::ConstValue::Kind::Bool)
      data.push_back(T(v->b));
    else if (v->kind == sema::ConstValue::Kind::Int)
      data.push_back(T(v->i));
    else
      data.push_back(T(v->f));
  }
  return ir::DenseElements::from<T>(dt, data);
}

ValueTree FunctionLowering::lowerConstant(const sema::ConstValue &v,
                                          const sema::Type *t) {
  if (!t->isTensor()) {
    llvm::ArrayRef<const sema::Type *> children =
        t->isStruct()
            ? llvm::ArrayRef<const sema::Type *>(t->getStruct()->fieldTypes)
            : t->getElements();
    if (v.kind != sema::ConstValue::Kind::Tuple ||
        v.elems.size() != children.size()) {
      internalError({}, "constant " + v.str() + " does not match " + t->str());
      return zerosOf(t);
    }
    std::vector<ValueTree> out;
    for (size_t i = 0; i < children.size(); ++i)
      out.push_back(lowerConstant(v.elems[i], children[i]));
    return ValueTree::aggregate(std::move(out));
  }
  ir::Type type = toIRType(t);
  std::vector<const sema::ConstValue *> scalars;
  flattenConst(v, scalars);
  if (scalars.size() == 1) {
    const sema::ConstValue &s = *scalars[0];
    if (s.kind == sema::ConstValue::Kind::Int && !ir::isFloat(type.getDType()))
      return ValueTree::tensor(b.constantInt(type, s.i));
    if (s.kind == sema::ConstValue::Kind::Bool)
      return ValueTree::tensor(b.constantBool(type, s.b));
    return ValueTree::tensor(b.constant(type, s.asDouble()));
  }
  if (int64_t(scalars.size()) != type.getNumElements()) {
    internalError({}, "constant " + v.str() + " does not fill " + t->str());
    return zerosOf(t);
  }
  ir::DType dt = type.getDType();
  ir::DenseElements data;
  switch (dt) {
  case ir::DType::Bool:
    data = denseOf<uint8_t>(dt, scalars);
    break;
  case ir::DType::I8:
    data = denseOf<int8_t>(dt, scalars);
    break;
  case ir::DType::I32:
    data = denseOf<int32_t>(dt, scalars);
    break;
  case ir::DType::I64:
    data = denseOf<int64_t>(dt, scalars);
    break;
  case ir::DType::F32:
    data = denseOf<float>(dt, scalars);
    break;
  case ir::DType::F64:
    data = denseOf<double>(dt, scalars);
    break;
  }
  return ValueTree::tensor(b.constantDense(type, std::move(data)));
}

//===-- Names, fields, literals -------------------------------------------===//

ValueTree FunctionLowering::lowerName(const ast::NameExpr *e) {
  auto it = e->resolved ? env.find(e->resolved) : env.end();
  if (it == env.end()) {
    internalError(e->getLoc(), "no value for '" + e->getName().str() + "'");
    return zerosOf(typeOf(e));
  }
  return it->second;
}

ValueTree FunctionLowering::lowerField(const ast::FieldExpr *e) {
  auto it = inst.fields.find(e);
  if (it == inst.fields.end()) {
    internalError(e->getLoc(), "unresolved field access");
    return zerosOf(typeOf(e));
  }
  switch (it->second.kind) {
  case sema::FieldAccess::Kind::TupleElement:
  case sema::FieldAccess::Kind::StructField: {
    ValueTree base = lowerExpr(e->getBase());
    if (base.isTensor() || it->second.index >= base.elems.size()) {
      internalError(e->getLoc(), "field of a non-aggregate value");
      return zerosOf(typeOf(e));
    }
    return base.elems[it->second.index];
  }
  case sema::FieldAccess::Kind::Transpose: {
    ir::Value *x = lowerTensor(e->getBase());
    ir::IntArray perm;
    for (unsigned i = x->getType().getRank(); i-- > 0;)
      perm.push_back(i);
    return ValueTree::tensor(
        b.create1(ir::Opcode::Transpose, {x}, {{"perm", ir::Attribute(perm)}}));
  }
  case sema::FieldAccess::Kind::Qualified:
    break;
  }
  internalError(e->getLoc(), "a qualified name used as a value");
  return zerosOf(typeOf(e));
}

ValueTree
FunctionLowering::lowerTensorLiteral(const ast::TensorLiteralExpr *e) {
  // Elements that are not all constants: each becomes a [1, ...] slab,
  // concatenated along the new leading dim.
  ir::Type t = toIRType(typeOf(e));
  ir::Shape elemShape(t.getShape().begin() + 1, t.getShape().end());
  ir::Shape slab{1};
  slab.append(elemShape.begin(), elemShape.end());
  llvm::SmallVector<ir::Value *, 8> parts;
  for (const ast::Expr *x : e->getElements()) {
    // `..S` (a list of i64 scalars): already its i64[rank(S)] run of dims.
    if (llvm::isa<ast::PackSpliceExpr>(x)) {
      parts.push_back(lowerTensor(x));
      continue;
    }
    ir::Value *v =
        coerceTensor(lowerTensor(x), ir::Type::tensor(t.getDType(), elemShape));
    parts.push_back(b.reshape(v, slab));
  }
  return ValueTree::tensor(
      b.create1(ir::Opcode::Concat, parts, {{"axis", ir::Attribute(0)}}));
}

ValueTree
FunctionLowering::lowerStructLiteral(const ast::StructLiteralExpr *e) {
  const sema::Type *t = typeOf(e);
  if (!t->isStruct()) {
    internalError(e->getLoc(), "struct literal of a non-struct type");
    return zerosOf(t);
  }
  const sema::StructInstance *si = t->getStruct();
  std::vector<ValueTree> fields;
  for (size_t i = 0; i < si->fieldNames.size(); ++i) {
    const ast::FieldInit *init = nullptr;
    for (const ast::FieldInit &f : e->getFields())
      if (f.name.name == si->fieldNames[i])
        init = &f;
    if (!init) {
      internalError(e->getLoc(), "missing field " + si->fieldNames[i].str());
      fields.push_back(zerosOf(si->fieldTypes[i]));
      continue;
    }
    fields.push_back(coerce(lowerExpr(init->value), si->fieldTypes[i]));
  }
  return ValueTree::aggregate(std::move(fields));
}

//===-- Operators ---------------------------------------------------------===//

static ir::Opcode binaryOpcode(ast::BinaryOp op) {
  switch (op) {
  case ast::BinaryOp::Pow:
    return ir::Opcode::Pow;
  case ast::BinaryOp::Mul:
    return ir::Opcode::Mul;
  case ast::BinaryOp::Div:
    return ir::Opcode::Div;
  case ast::BinaryOp::Rem:
    return ir::Opcode::Rem;
  case ast::BinaryOp::MatMul:
    return ir::Opcode::Matmul;
  case ast::BinaryOp::Add:
    return ir::Opcode::Add;
  case ast::BinaryOp::Sub:
    return ir::Opcode::Sub;
  case ast::BinaryOp::Shl:
    return ir::Opcode::Shl;
  case ast::BinaryOp::Shr:
    return ir::Opcode::Shr;
  case ast::BinaryOp::BitAnd:
    return ir::Opcode::And;
  case ast::BinaryOp::BitXor:
    return ir::Opcode::Xor;
  case ast::BinaryOp::BitOr:
    return ir::Opcode::Or;
  case ast::BinaryOp::Lt:
    return ir::Opcode::Lt;
  case ast::BinaryOp::Le:
    return ir::Opcode::Le;
  case ast::BinaryOp::Gt:
    return ir::Opcode::Gt;
  case ast::BinaryOp::Ge:
    return ir::Opcode::Ge;
  case ast::BinaryOp::Eq:
    return ir::Opcode::Eq;
  case ast::BinaryOp::Ne:
    return ir::Opcode::Ne;
  case ast::BinaryOp::LogicalAnd:
    return ir::Opcode::And;
  case ast::BinaryOp::LogicalOr:
    return ir::Opcode::Or;
  }
  llvm_unreachable("bad binary operator");
}

ir::Value *FunctionLowering::lowerTensorBinary(ast::BinaryOp op, ir::Value *a,
                                               ir::Value *bv,
                                               const sema::Type *resultType) {
  if (op == ast::BinaryOp::MatMul)
    return matmul(a, bv);
  // Both operands take the result's shape; each keeps its dtype (a
  // comparison's result is bool).
  llvm::ArrayRef<int64_t> shape = resultType->getShape();
  if (a->getType().getShape() != shape)
    a = b.broadcastTo(a, shape);
  if (bv->getType().getShape() != shape)
    bv = b.broadcastTo(bv, shape);
  if (a->getType().getDType() != bv->getType().getDType()) {
    internalError({}, "operands of different dtypes: " + a->getType().str() +
                          " and " + bv->getType().str());
    bv = b.cast(bv, a->getType().getDType());
  }
  return b.binary(binaryOpcode(op), a, bv);
}

ValueTree FunctionLowering::lowerBinary(const ast::BinaryExpr *e) {
  const sema::Type *t = typeOf(e);
  ValueTree l = lowerExpr(e->getLHS());
  ValueTree r = lowerExpr(e->getRHS());
  LocScope loc(*this, e->getOpLoc());
  // Struct / tuple arithmetic is fieldwise; a tensor operand (a scalar)
  // applies to every leaf.
  std::function<ValueTree(const ValueTree &, const ValueTree &,
                          const sema::Type *)>
      apply = [&](const ValueTree &x, const ValueTree &y,
                  const sema::Type *ty) -> ValueTree {
    if (ty->isTensor()) {
      if (!x.isTensor() || !y.isTensor()) {
        internalError(e->getOpLoc(), "fieldwise operands do not match");
        return zerosOf(ty);
      }
      return ValueTree::tensor(
          lowerTensorBinary(e->getOp(), x.leaf, y.leaf, ty));
    }
    llvm::ArrayRef<const sema::Type *> children =
        ty->isStruct()
            ? llvm::ArrayRef<const sema::Type *>(ty->getStruct()->fieldTypes)
            : ty->getElements();
    std::vector<ValueTree> out;
    for (size_t i = 0; i < children.size(); ++i)
      out.push_back(apply(x.isTensor() ? x : x.elems[i],
                          y.isTensor() ? y : y.elems[i], children[i]));
    return ValueTree::aggregate(std::move(out));
  };
  return apply(l, r, t);
}

//===-- Calls and if expressions ------------------------------------------===//

ValueTree FunctionLowering::lowerCall(const ast::CallExpr *e) {
  auto it = inst.calls.find(e);
  if (it == inst.calls.end()) {
    internalError(e->getLoc(), "unresolved call");
    return zerosOf(typeOf(e));
  }
  const sema::ResolvedCall &rc = it->second;
  if (rc.kind == sema::ResolvedCall::Kind::Builtin)
    return lowerBuiltinCall(e, rc);
  ir::Function *callee = nullptr;
  llvm::ArrayRef<const sema::Type *> params;
  const sema::Type *resultType = nullptr;
  if (rc.kind == sema::ResolvedCall::Kind::Function && rc.function) {
    callee = ctx.functions.lookup(rc.function);
    params = rc.function->paramTypes;
    resultType = rc.function->resultType;
  } else if (rc.derived) {
    callee = ctx.derived.lookup(rc.derived);
    params = rc.derived->type->getParams();
    resultType = rc.derived->type->getResult();
  }
  if (!callee || params.size() != rc.args.size()) {
    internalError(e->getLoc(), "call of a function with no IR function");
    return zerosOf(typeOf(e));
  }
  llvm::SmallVector<ir::Value *, 8> args;
  for (size_t i = 0; i < rc.args.size(); ++i) {
    const sema::CallArg &a = rc.args[i];
    const sema::Type *pt = params[i];
    ValueTree v;
    if (a.expr)
      v = lowerExpr(a.expr);
    else if (a.value)
      v = lowerConstant(*a.value, pt);
    else {
      internalError(e->getLoc(), "a call argument has no value");
      v = zerosOf(pt);
    }
    coerce(v, pt).flatten(args);
  }
  ir::Operation *op = b.call(*callee, args);
  llvm::SmallVector<ir::Value *, 4> results = op->getResults();
  llvm::ArrayRef<ir::Value *> next = results;
  return fromLeaves(resultType, next);
}

ValueTree FunctionLowering::lowerIfExpr(const ast::IfExpr *e) {
  const sema::Type *t = typeOf(e);
  ir::Value *cond = lowerTensor(e->getCond());
  KeySet assigned;
  collectAssigned(e->getThen(), assigned, 0);
  collectAssigned(e->getElse(), assigned, 0);
  llvm::SmallVector<Key, 8> keys = liveKeys(assigned);
  llvm::SmallVector<ir::Type, 8> types;
  leafTypes(t, types);
  size_t numValues = types.size();
  resultTypesOf(keys, types);
  ir::Operation *op = b.createIf(cond, types);
  Env saved = env;
  ir::Builder outer = b;
  ++nesting;
  for (unsigned r = 0; r < 2; ++r) {
    const ast::BlockStmt *blk = r == 0 ? e->getThen() : e->getElse();
    b.setInsertionPointToEnd(op->getRegion(r));
    env = saved;
    lowerStmts(blk->getStmts());
    ValueTree v =
        blk->getValue() ? coerce(lowerExpr(blk->getValue()), t) : zerosOf(t);
    yieldKeys(v.leaves(), keys);
  }
  --nesting;
  b = outer;
  env = std::move(saved);
  bindKeysFromResults(op, numValues, keys);
  llvm::SmallVector<ir::Value *, 4> results;
  for (size_t i = 0; i < numValues; ++i)
    results.push_back(op->getResult(i));
  llvm::ArrayRef<ir::Value *> next = results;
  return fromLeaves(t, next);
}

} // namespace tdl::irgen
