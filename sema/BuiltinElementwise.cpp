//===- BuiltinElementwise.cpp - elementwise, reduction, linalg rules ------===//
#include "sema/BuiltinCall.h"

namespace tdl::sema {

const Type *ruleUnaryFloat(BuiltinCall &b) {
  if (!b.accept(1, 1, {}))
    return b.types.error();
  b.keepUntyped = true;
  return b.floatTensor(b.pos(0), "x");
}

const Type *ruleUnaryNum(BuiltinCall &b) {
  if (!b.accept(1, 1, {}))
    return b.types.error();
  b.keepUntyped = true;
  return b.numTensor(b.pos(0), "x");
}

const Type *ruleIsNan(BuiltinCall &b) {
  if (!b.accept(1, 1, {}))
    return b.types.error();
  const Type *t = b.floatTensor(b.pos(0), "x");
  return t->isError() ? t : b.types.withElem(t, Elem::Bool);
}

/// Elementwise over `n` operands of one numeric dtype, broadcast.
static const Type *elementwiseNum(BuiltinCall &b, unsigned first, unsigned n,
                                  bool allowBool = false) {
  llvm::SmallVector<const ast::Expr *, 3> es;
  llvm::SmallVector<const Type *, 3> ts;
  for (unsigned i = first; i < first + n; ++i) {
    es.push_back(b.pos(i));
    ts.push_back(b.tensor(b.pos(i), i == first       ? "a"
                                    : i == first + 1 ? "b"
                                                     : "c"));
    if (ts.back()->isError())
      return b.types.error();
  }
  auto r = b.elementwise(es, ts);
  if (!r)
    return b.types.error();
  if (!allowBool && r->first == Elem::Bool) {
    b.argType(es[0], "a", "a numeric tensor", ts[0]);
    return b.types.error();
  }
  return b.types.tensor(r->first, r->second);
}

const Type *ruleBinaryNum(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  b.keepUntyped = true;
  return elementwiseNum(b, 0, 2);
}

/// Shared by every reduction: x, axis:, keepdims:.
static const Type *reduce(BuiltinCall &b, bool floatOnly) {
  if (!b.accept(1, 1, {"axis", "keepdims"}))
    return b.types.error();
  const Type *t =
      floatOnly ? b.floatTensor(b.pos(0), "x") : b.numTensor(b.pos(0), "x");
  if (t->isError())
    return t;
  if (!b.axes(b.named("axis"), t->getRank(), true, b.attrs.axes))
    return b.types.error();
  if (const ast::Expr *k = b.named("keepdims")) {
    auto v = b.constBool(k, "keepdims");
    if (!v)
      return b.types.error();
    b.attrs.keepdims = *v;
  }
  return b.types.tensor(
      t->getElem(),
      shapes::reduce(t->getShape(), b.attrs.axes, b.attrs.keepdims));
}

const Type *ruleReduce(BuiltinCall &b) { return reduce(b, false); }
const Type *ruleReduceFloat(BuiltinCall &b) { return reduce(b, true); }

const Type *ruleMaxMin(BuiltinCall &b) {
  // max(a, b) is elementwise; max(x, axis: ...) reduces.
  if (b.numPositional() == 2) {
    if (!b.accept(2, 2, {}))
      return b.types.error();
    b.keepUntyped = true;
    return elementwiseNum(b, 0, 2);
  }
  return reduce(b, false);
}

const Type *ruleArgReduce(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis", "keepdims"}))
    return b.types.error();
  const Type *t = b.numTensor(b.pos(0), "x");
  if (t->isError())
    return t;
  b.attrs.dtype = Elem::I64;
  if (const ast::Expr *k = b.named("keepdims")) {
    auto v = b.constBool(k, "keepdims");
    if (!v)
      return b.types.error();
    b.attrs.keepdims = *v;
  }
  // Without axis: the index into the flattened tensor (NumPy).
  if (!b.named("axis")) {
    llvm::SmallVector<unsigned, 4> all;
    for (unsigned i = 0; i < t->getRank(); ++i)
      all.push_back(i);
    if (t->getNumElements() == 0) {
      b.invalid(b.range(),
                fmt::format("{} has no elements to choose from", t->str()));
      return b.types.error();
    }
    return b.types.tensor(Elem::I64,
                          shapes::reduce(t->getShape(), all, b.attrs.keepdims));
  }
  if (!b.axes(b.named("axis"), t->getRank(), false, b.attrs.axes))
    return b.types.error();
  for (unsigned a : b.attrs.axes)
    if (t->getShape()[a] == 0) {
      b.invalid(b.range(), fmt::format("axis {} of {} is empty", a, t->str()));
      return b.types.error();
    }
  return b.types.tensor(
      Elem::I64, shapes::reduce(t->getShape(), b.attrs.axes, b.attrs.keepdims));
}

const Type *ruleClamp(BuiltinCall &b) {
  if (!b.accept(3, 3, {}))
    return b.types.error();
  b.keepUntyped = true;
  return elementwiseNum(b, 0, 3);
}

const Type *ruleSelect(BuiltinCall &b) {
  if (!b.accept(3, 3, {}))
    return b.types.error();
  const Type *cond = b.tensor(b.pos(0), "c");
  if (cond->isError())
    return cond;
  if (cond->getElem() != Elem::Bool) {
    b.argType(b.pos(0), "c", "a bool tensor", cond);
    return b.types.error();
  }
  const Type *v = elementwiseNum(b, 1, 2, /*allowBool=*/true);
  if (v->isError())
    return v;
  auto shape =
      b.c.broadcastOrReport(b.pos(0), cond, b.pos(1), v, b.name, b.range());
  return shape ? b.types.tensor(v->getElem(), *shape) : b.types.error();
}

static const Type *twoSameElem(BuiltinCall &b, const Type *&x, const Type *&y) {
  x = b.numTensor(b.pos(0), "a");
  y = b.tensor(b.pos(1), "b");
  if (x->isError() || y->isError())
    return b.types.error();
  y = b.toElem(b.pos(1), y, x->getElem());
  return y;
}

const Type *ruleMatMul(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  const Type *x, *y;
  if (twoSameElem(b, x, y)->isError())
    return b.types.error();
  auto r = shapes::matmul(x->getShape(), y->getShape());
  if (auto *msg = std::get_if<std::string>(&r)) {
    DiagnosticBuilder d =
        b.c.error(diag::MatMulMismatch, b.range(), x->str(), y->str(), *msg);
    b.c.noteOrigin(d, b.pos(0), x, "the first argument");
    b.c.noteOrigin(d, b.pos(1), y, "the second argument");
    return b.types.error();
  }
  return b.types.tensor(x->getElem() == Elem::I8 ? Elem::I32 : x->getElem(),
                        std::get<Shape>(r));
}

const Type *ruleDot(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  const Type *x, *y;
  if (twoSameElem(b, x, y)->isError())
    return b.types.error();
  if (x->getRank() != 1 || y->getRank() != 1 ||
      x->getShape()[0] != y->getShape()[0]) {
    b.invalid(b.range(), "needs two vectors of the same length, found " +
                             x->str() + " and " + y->str());
    return b.types.error();
  }
  return b.types.scalar(x->getElem() == Elem::I8 ? Elem::I32 : x->getElem());
}

const Type *ruleOuter(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  const Type *x, *y;
  if (twoSameElem(b, x, y)->isError())
    return b.types.error();
  if (x->getRank() != 1 || y->getRank() != 1) {
    b.invalid(b.range(),
              "needs two vectors, found " + x->str() + " and " + y->str());
    return b.types.error();
  }
  return b.types.tensor(x->getElem(), {x->getShape()[0], y->getShape()[0]});
}

const Type *ruleIdentity(BuiltinCall &b) {
  if (!b.accept(1, 1, {}))
    return b.types.error();
  const Type *t = b.tensor(b.pos(0), "x");
  if (t->isError() || !isUntyped(t->getElem()))
    return t;
  return b.toElem(b.pos(0), t, defaultElem(t->getElem()));
}

} // namespace tdl::sema
