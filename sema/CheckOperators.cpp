//===- CheckOperators.cpp - unary, binary and cast expressions ------------===//
//
// Elementwise operators take one dtype for both operands (only untyped
// literals adapt; `f32 + f64` is an error suggesting `as`) and broadcast
// NumPy style. A shape clash is reported at the operator with a note on each
// operand. Structs and tuples whose leaves are float tensors support `+ -`
// fieldwise and `* /` by a float scalar.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

namespace tdl::sema {

static llvm::SMRange opRange(const ast::BinaryExpr *e) {
  llvm::StringRef s = ast::getBinaryOpSpelling(e->getOp());
  return {e->getOpLoc(),
          llvm::SMLoc::getFromPointer(e->getOpLoc().getPointer() + s.size())};
}

/// Where `x` ends in the source, after its closing parenthesis if it is
/// written in parentheses (the node of `(a + b)` spans only `a + b`).
static llvm::SMLoc endWithParens(const SourceManager &sources,
                                 const ast::Expr *x) {
  llvm::SMRange r = x->getRange();
  llvm::StringRef text = sources.getBufferText(sources.findBuffer(r.Start));
  llvm::StringRef before(text.begin(), r.Start.getPointer() - text.begin());
  llvm::StringRef after(r.End.getPointer(), text.end() - r.End.getPointer());
  llvm::StringRef rest = after.ltrim();
  if (!before.rtrim().ends_with("(") || !rest.starts_with(")"))
    return r.End;
  return llvm::SMLoc::getFromPointer(rest.data() + 1);
}

/// The fix-it of an `f32 + f64` mix: convert the operand of the narrower
/// dtype (an integer one when mixed with a float one) with `as`, wrapping
/// it in parentheses unless it binds tighter than `as` (a name, a literal,
/// a call, an index, a field, a unary operator, `**`, anything in parens).
static void suggestCast(const SourceManager &sources, DiagnosticBuilder &d,
                        const ast::Expr *a, Elem ea, const ast::Expr *b,
                        Elem eb) {
  if (ea == Elem::Bool || eb == Elem::Bool)
    return;
  bool convertA = isInt(ea) == isInt(eb) ? ea < eb : isInt(ea);
  const ast::Expr *x = convertA ? a : b;
  llvm::StringRef to = elemName(convertA ? eb : ea);
  auto *bin = llvm::dyn_cast<ast::BinaryExpr>(x);
  bool parens = (bin && bin->getOp() != ast::BinaryOp::Pow) ||
                llvm::isa<ast::CastExpr, ast::IfExpr>(x);
  llvm::SMLoc end = endWithParens(sources, x);
  if (parens && end == x->getRange().End) {
    d.insertion(x->getRange().Start, "(");
    d.insertion(end, (") as " + to).str());
    return;
  }
  d.insertion(end, (" as " + to).str());
}

std::optional<Elem>
FunctionChecker::unifyElems(const ast::Expr *a, const Type *&ta,
                            const ast::Expr *b, const Type *&tb,
                            llvm::StringRef op, llvm::SMRange where) {
  Elem ea = ta->getElem(), eb = tb->getElem();
  if (isUntyped(ea) && isUntyped(eb))
    return ea == Elem::UntypedFloat || eb == Elem::UntypedFloat
               ? Elem::UntypedFloat
               : Elem::UntypedInt;
  auto adapt = [&](const ast::Expr *x, const Type *&tx, Elem to) {
    const Type *target = types.withElem(tx, to);
    Conversion c = convertTo(x, tx, target);
    if (c == Conversion::Mismatch)
      error(diag::DTypeMismatch, where, elemName(to), elemName(tx->getElem()),
            op);
    if (c != Conversion::Ok)
      return false;
    tx = target;
    return true;
  };
  if (isUntyped(ea))
    return adapt(a, ta, eb) ? std::optional(eb) : std::nullopt;
  if (isUntyped(eb))
    return adapt(b, tb, ea) ? std::optional(ea) : std::nullopt;
  if (ea != eb) {
    DiagnosticBuilder d =
        error(diag::DTypeMismatch, where, elemName(ea), elemName(eb), op);
    suggestCast(sema.sources, d, a, ea, b, eb);
    noteLiteralDefault(d, a);
    noteLiteralDefault(d, b);
    return std::nullopt;
  }
  return ea;
}

std::optional<Shape>
FunctionChecker::broadcastOrReport(const ast::Expr *a, const Type *ta,
                                   const ast::Expr *b, const Type *tb,
                                   llvm::StringRef op, llvm::SMRange where) {
  auto r = shapes::broadcast(ta->getShape(), tb->getShape());
  if (auto *s = std::get_if<Shape>(&r))
    return *s;
  auto clash = std::get<shapes::BroadcastClash>(r);
  DiagnosticBuilder d =
      error(diag::BroadcastMismatch, where, ta->str(), tb->str(), op,
            int64_t(clash.lhsDim), clash.lhsSize, int64_t(clash.rhsDim),
            clash.rhsSize);
  d.note(diag::OperandTypeIs, a->getRange(), "left", ta->str())
      .note(diag::OperandTypeIs, b->getRange(), "right", tb->str());
  noteOrigin(d, a, ta, "the left operand");
  noteOrigin(d, b, tb, "the right operand");
  return std::nullopt;
}

static void collectLeafElems(const Type *t, llvm::SmallVectorImpl<Elem> &out) {
  if (t->isTensor())
    out.push_back(t->getElem());
  else if (t->isTuple())
    for (const Type *e : t->getElements())
      collectLeafElems(e, out);
  else if (t->isStruct())
    for (const Type *e : t->getStruct()->fieldTypes)
      collectLeafElems(e, out);
}

/// `p - lr * g` on structs / tuples of float tensors.
static const Type *checkAggregateArith(FunctionChecker &c,
                                       const ast::BinaryExpr *e, const Type *ta,
                                       const Type *tb) {
  llvm::StringRef op = ast::getBinaryOpSpelling(e->getOp());
  ast::BinaryOp k = e->getOp();
  bool aAgg = !ta->isTensor(), bAgg = !tb->isTensor();
  if ((k == ast::BinaryOp::Add || k == ast::BinaryOp::Sub) && aAgg && bAgg) {
    ta = c.materialize(e->getLHS(), ta);
    tb = c.materialize(e->getRHS(), tb);
    if (ta != tb) {
      c.error(diag::StructArithMismatch, opRange(e), op, ta->str(), tb->str());
      return c.types.error();
    }
    if (!isFloatLeaves(ta)) {
      c.error(diag::StructArithOperator, opRange(e), op, ta->str());
      return c.types.error();
    }
    return ta;
  }
  // One aggregate, one float scalar: `s * g`, `g * s`, `g / s`.
  bool scalarOk = (k == ast::BinaryOp::Mul && aAgg != bAgg) ||
                  (k == ast::BinaryOp::Div && aAgg && !bAgg);
  const Type *agg = aAgg ? ta : tb;
  const Type *scal = aAgg ? tb : ta;
  const ast::Expr *scalExpr = aAgg ? e->getRHS() : e->getLHS();
  if (!scalarOk || !isFloatLeaves(agg) || !scal->isScalar() ||
      !isFloat(scal->getElem())) {
    if (!scalarOk || !isFloatLeaves(agg))
      c.error(diag::StructArithOperator, opRange(e), op, agg->str());
    else
      c.error(diag::StructArithOperator, opRange(e), op, scal->str());
    return c.types.error();
  }
  llvm::SmallVector<Elem, 8> leaves;
  collectLeafElems(agg, leaves);
  if (isUntyped(scal->getElem())) {
    // The literal is one value of one dtype, applied to every leaf.
    for (Elem l : leaves)
      if (l != leaves[0]) {
        c.error(diag::StructScaleMixedLeaves, opRange(e), op, agg->str(),
                elemName(leaves[0]), elemName(l));
        return c.types.error();
      }
    c.convertTo(scalExpr, scal, c.types.scalar(leaves[0]));
    scal = c.types.scalar(leaves[0]);
  }
  for (Elem l : leaves)
    if (l != scal->getElem()) {
      c.error(diag::DTypeMismatch, opRange(e), elemName(l),
              elemName(scal->getElem()), op);
      return c.types.error();
    }
  return agg;
}

const Type *FunctionChecker::checkUnary(const ast::UnaryExpr *e) {
  // `-9223372036854775808`: the magnitude alone does not fit in i64, but
  // the negated literal does (the range is checked for its final dtype).
  if (auto *l = llvm::dyn_cast<ast::IntLiteralExpr>(e->getOperand());
      l && e->getOp() == ast::UnaryOp::Neg &&
      l->getValue() == uint64_t(INT64_MAX) + 1) {
    setType(l, types.scalar(Elem::UntypedInt));
    instance.constants[l] = ConstValue::ofInt(INT64_MIN);
    instance.constants[e] = ConstValue::ofInt(INT64_MIN);
    return types.scalar(Elem::UntypedInt);
  }
  const Type *t = checkExpr(e->getOperand());
  if (t->isError())
    return t;
  llvm::StringRef op = ast::getUnaryOpSpelling(e->getOp());
  if (e->getOp() == ast::UnaryOp::Not) {
    t = materialize(e->getOperand(), t);
    if (!t->isTensor() || t->getElem() != Elem::Bool) {
      error(diag::OperandNotBool, e->getRange(), op, t->str());
      return types.error();
    }
    return t;
  }
  if (!t->isTensor()) {
    if (isFloatLeaves(t))
      return t; // -g on a struct of float tensors, fieldwise
    error(diag::OperandNotTensor, e->getRange(), op, t->str());
    return types.error();
  }
  if (t->getElem() == Elem::Bool) {
    error(diag::OperandNotNumeric, e->getRange(), op, t->str());
    return types.error();
  }
  if (auto v = constantOf(e->getOperand())) {
    if (v->kind == ConstValue::Kind::Int && v->i != INT64_MIN)
      instance.constants[e] = ConstValue::ofInt(-v->i);
    else if (v->kind == ConstValue::Kind::Float)
      instance.constants[e] = ConstValue::ofFloat(-v->f);
  }
  return t;
}

static bool isComparison(ast::BinaryOp k) {
  return k == ast::BinaryOp::Lt || k == ast::BinaryOp::Le ||
         k == ast::BinaryOp::Gt || k == ast::BinaryOp::Ge ||
         k == ast::BinaryOp::Eq || k == ast::BinaryOp::Ne;
}

const Type *FunctionChecker::checkBinary(const ast::BinaryExpr *e) {
  const Type *ta = checkExpr(e->getLHS());
  const Type *tb = checkExpr(e->getRHS());
  if (ta->isError() || tb->isError())
    return types.error();
  ast::BinaryOp k = e->getOp();
  llvm::StringRef op = ast::getBinaryOpSpelling(k);
  llvm::SMRange where = opRange(e);
  if (!ta->isTensor() || !tb->isTensor()) {
    if (ta->isTuple() || ta->isStruct() || tb->isTuple() || tb->isStruct())
      return checkAggregateArith(*this, e, ta, tb);
    error(diag::OperandNotTensor, where, op, (!ta->isTensor() ? ta : tb)->str())
        .range(e->getRange());
    return types.error();
  }
  bool logical =
      k == ast::BinaryOp::LogicalAnd || k == ast::BinaryOp::LogicalOr;
  if (logical || isComparison(k)) {
    // No untyped result: a comparison of two literals is a typed bool.
    if (isUntyped(ta->getElem()) && isUntyped(tb->getElem())) {
      Elem d = ta->getElem() == Elem::UntypedFloat ||
                       tb->getElem() == Elem::UntypedFloat
                   ? Elem::F32
                   : Elem::I32;
      convertTo(e->getLHS(), ta, types.withElem(ta, d));
      convertTo(e->getRHS(), tb, types.withElem(tb, d));
      ta = types.withElem(ta, d);
      tb = types.withElem(tb, d);
    }
  }
  auto elem = unifyElems(e->getLHS(), ta, e->getRHS(), tb, op, where);
  if (!elem)
    return types.error();
  if (logical && *elem != Elem::Bool) {
    error(diag::OperandNotBool, where, op, ta->str());
    return types.error();
  }
  bool intOnly = k == ast::BinaryOp::Shl || k == ast::BinaryOp::Shr ||
                 k == ast::BinaryOp::BitAnd || k == ast::BinaryOp::BitOr ||
                 k == ast::BinaryOp::BitXor;
  if (intOnly && !isInt(*elem)) {
    error(diag::OperandNotInt, where, op,
          (isInt(ta->getElem()) ? tb : ta)->str());
    return types.error();
  }
  bool equality = k == ast::BinaryOp::Eq || k == ast::BinaryOp::Ne;
  if (!logical && !equality && *elem == Elem::Bool) {
    error(diag::OperandNotNumeric, where, op, ta->str());
    return types.error();
  }
  if (k == ast::BinaryOp::MatMul) {
    auto r = shapes::matmul(ta->getShape(), tb->getShape());
    if (auto *msg = std::get_if<std::string>(&r)) {
      DiagnosticBuilder d =
          error(diag::MatMulMismatch, where, ta->str(), tb->str(), *msg);
      d.note(diag::OperandTypeIs, e->getLHS()->getRange(), "left", ta->str())
          .note(diag::OperandTypeIs, e->getRHS()->getRange(), "right",
                tb->str());
      noteOrigin(d, e->getLHS(), ta, "the left operand");
      noteOrigin(d, e->getRHS(), tb, "the right operand");
      return types.error();
    }
    // i8 @ i8 accumulates in i32 (the accelerator's widening MAC).
    Elem out = *elem == Elem::I8 ? Elem::I32 : defaultElem(*elem);
    if (isUntyped(*elem)) {
      materialize(e->getLHS(), ta);
      materialize(e->getRHS(), tb);
    }
    return types.tensor(out, std::get<Shape>(r));
  }
  auto shape = broadcastOrReport(e->getLHS(), ta, e->getRHS(), tb, op, where);
  if (!shape)
    return types.error();
  if (logical || isComparison(k))
    return types.tensor(Elem::Bool, *shape);
  // Constants fold, typed or not: `N / 2` of a dim parameter is a constant
  // slice bound.
  if (shape->empty()) {
    auto a = constantOf(e->getLHS()), b = constantOf(e->getRHS());
    if (a && b)
      if (auto v = foldBinary(e, *a, *b, isFloat(*elem)))
        instance.constants[e] = *v;
  }
  return types.tensor(*elem, *shape);
}

const Type *FunctionChecker::checkCast(const ast::CastExpr *e) {
  const Type *target = sema.resolveType(e->getTarget(), env);
  const Type *t = checkExpr(e->getOperand());
  if (target->isError() || t->isError())
    return types.error();
  if (!target->isScalar()) {
    error(diag::CastTargetNotDType, e->getTarget()->getRange(), target->str());
    return types.error();
  }
  if (!t->isTensor()) {
    t = materialize(e->getOperand(), t);
    error(diag::InvalidCast, e->getRange(), t->str(), target->str());
    return types.error();
  }
  Elem to = target->getElem();
  const Type *result = types.withElem(t, to);
  // Only a constant converts as a literal; an untyped local (`let i = 5;
  // i as f32`) or call takes its default first, as a cast gives it no type.
  if (isUntyped(t->getElem()) && !constantOf(e->getOperand()))
    t = materialize(e->getOperand(), t);
  if (isUntyped(t->getElem())) {
    // `300 as i8`: the literal itself must fit, as in Go.
    Conversion c = convertTo(e->getOperand(), t, result);
    if (c == Conversion::Mismatch)
      error(diag::InvalidCast, e->getRange(), t->str(), target->str());
    if (c != Conversion::Ok)
      return types.error();
    if (auto v = constantOf(e->getOperand()))
      instance.constants[e] = *v;
    return result;
  }
  // Numbers convert freely (section 2); bool -> number is 0/1; number ->
  // bool is not a cast (write `x != 0`).
  if (to == Elem::Bool && t->getElem() != Elem::Bool) {
    error(diag::InvalidCast, e->getRange(), t->str(), target->str());
    return types.error();
  }
  return result;
}

} // namespace tdl::sema
