//===- BuiltinShape.cpp - reshape, transpose, concat, pad ... rules -------===//
#include "sema/BuiltinCall.h"

#include <fmt/format.h>

namespace tdl::sema {

/// The operand of a shape builtin: literals default.
static const Type *operand(BuiltinCall &b, unsigned i, llvm::StringRef what) {
  const Type *t = b.tensor(b.pos(i), what);
  if (t->isError() || !isUntyped(t->getElem()))
    return t;
  return b.toElem(b.pos(i), t, defaultElem(t->getElem()));
}

const Type *ruleReshape(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  auto target = b.intList(b.pos(1), "shape");
  if (t->isError() || !target)
    return b.types.error();
  auto r = shapes::reshape(t->getShape(), *target);
  if (auto *msg = std::get_if<std::string>(&r)) {
    b.invalid(b.range(), *msg);
    return b.types.error();
  }
  b.attrs.shape = std::get<Shape>(r);
  return b.types.tensor(t->getElem(), b.attrs.shape);
}

const Type *ruleTranspose(BuiltinCall &b) {
  if (!b.accept(1, 1, {"perm"}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  if (t->isError())
    return t;
  unsigned rank = t->getRank();
  if (const ast::Expr *p = b.named("perm")) {
    auto perm = b.intList(p, "perm");
    if (!perm)
      return b.types.error();
    if (!shapes::isPermutation(*perm, rank)) {
      b.invalid(p->getRange(),
                fmt::format("perm ({}) is not a permutation of the {} dims "
                            "of {}",
                            fmt::join(*perm, ", "), rank, t->str()));
      return b.types.error();
    }
    b.attrs.perm = *perm;
  } else {
    for (unsigned i = 0; i < rank; ++i)
      b.attrs.perm.push_back(rank - 1 - i);
  }
  Shape out;
  for (int64_t p : b.attrs.perm)
    out.push_back(t->getShape()[p]);
  return b.types.tensor(t->getElem(), out);
}

const Type *ruleBroadcastTo(BuiltinCall &b) {
  if (!b.accept(2, 2, {}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  auto target = b.intList(b.pos(1), "shape");
  if (t->isError() || !target)
    return b.types.error();
  if (!shapes::broadcastsTo(t->getShape(), *target)) {
    b.invalid(b.range(), fmt::format("{} does not broadcast to {}", t->str(),
                                     shapeToString(*target)));
    return b.types.error();
  }
  b.attrs.shape.assign(target->begin(), target->end());
  return b.types.tensor(t->getElem(), b.attrs.shape);
}

const Type *ruleExpandDims(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis"}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  if (t->isError())
    return t;
  const ast::Expr *a = b.named("axis");
  if (!a) {
    b.c.error(diag::BuiltinMissingArg, b.range(), b.name, "axis");
    return b.types.error();
  }
  // The axis is a position in the result (rank + 1 dims), as in NumPy.
  if (!b.axes(a, t->getRank() + 1, false, b.attrs.axes))
    return b.types.error();
  Shape out(t->getShape().begin(), t->getShape().end());
  out.insert(out.begin() + b.attrs.axes[0], 1);
  return b.types.tensor(t->getElem(), out);
}

const Type *ruleSqueeze(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis"}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  if (t->isError())
    return t;
  auto shape = t->getShape();
  if (const ast::Expr *a = b.named("axis")) {
    if (!b.axes(a, t->getRank(), true, b.attrs.axes))
      return b.types.error();
    for (unsigned ax : b.attrs.axes)
      if (shape[ax] != 1) {
        b.invalid(a->getRange(), fmt::format("dim {} of {} is {}, not 1", ax,
                                             t->str(), shape[ax]));
        return b.types.error();
      }
  } else {
    for (unsigned i = 0; i < shape.size(); ++i)
      if (shape[i] == 1)
        b.attrs.axes.push_back(i);
  }
  return b.types.tensor(t->getElem(),
                        shapes::reduce(shape, b.attrs.axes, false));
}

/// concat / stack: the first argument is a tuple of tensors `(a, b, c)`.
static bool tensorTuple(BuiltinCall &b,
                        llvm::SmallVectorImpl<const Type *> &ts) {
  const ast::Expr *e = b.pos(0);
  auto *tuple = llvm::dyn_cast<ast::TupleExpr>(e);
  if (!tuple || tuple->getElements().empty()) {
    const Type *t = b.c.checkExpr(e);
    if (!t->isError())
      b.argType(e, "tensors", "a tuple of tensors such as (a, b)", t);
    return false;
  }
  llvm::SmallVector<const ast::Expr *, 4> es;
  for (const ast::Expr *x : tuple->getElements()) {
    es.push_back(x);
    ts.push_back(b.tensor(x, "tensors"));
    if (ts.back()->isError())
      return false;
  }
  // One dtype for all (literals adapt to the first typed one).
  std::optional<Elem> el;
  for (const Type *t : ts)
    if (!isUntyped(t->getElem()) && !el)
      el = t->getElem();
  for (size_t i = 0; i < ts.size(); ++i) {
    ts[i] = b.toElem(es[i], ts[i], el ? *el : defaultElem(ts[i]->getElem()));
    if (ts[i]->isError())
      return false;
  }
  std::vector<const Type *> elems(ts.begin(), ts.end());
  b.c.setType(e, b.types.tuple(elems));
  return true;
}

const Type *ruleConcat(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis"}))
    return b.types.error();
  llvm::SmallVector<const Type *, 4> ts;
  if (!tensorTuple(b, ts))
    return b.types.error();
  const Type *first = ts[0];
  if (first->getRank() == 0) {
    b.invalid(b.range(), "cannot concatenate scalars; use stack");
    return b.types.error();
  }
  llvm::SmallVector<unsigned, 1> ax;
  if (const ast::Expr *a = b.named("axis")) {
    if (!b.axes(a, first->getRank(), false, ax))
      return b.types.error();
  } else {
    ax.push_back(0);
  }
  b.attrs.axes.assign(ax.begin(), ax.end());
  Shape out(first->getShape().begin(), first->getShape().end());
  for (size_t i = 1; i < ts.size(); ++i) {
    auto s = ts[i]->getShape();
    bool ok = s.size() == out.size();
    for (unsigned d = 0; ok && d < s.size(); ++d)
      ok = d == ax[0] || s[d] == first->getShape()[d];
    if (!ok) {
      DiagnosticBuilder d =
          b.invalid(b.range(), fmt::format("{} and {} differ outside axis {}",
                                           first->str(), ts[i]->str(), ax[0]));
      auto es = llvm::cast<ast::TupleExpr>(b.pos(0))->getElements();
      b.c.noteOrigin(d, es[0], first, "tuple element 0");
      b.c.noteOrigin(d, es[i], ts[i], fmt::format("tuple element {}", i));
      return b.types.error();
    }
    out[ax[0]] += s[ax[0]];
  }
  return b.types.tensor(first->getElem(), out);
}

const Type *ruleStack(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis"}))
    return b.types.error();
  llvm::SmallVector<const Type *, 4> ts;
  if (!tensorTuple(b, ts))
    return b.types.error();
  for (const Type *t : ts)
    if (t != ts[0]) {
      b.invalid(b.range(), fmt::format("all tensors must have one type, "
                                       "found {} and {}",
                                       ts[0]->str(), t->str()));
      return b.types.error();
    }
  llvm::SmallVector<unsigned, 1> ax;
  if (const ast::Expr *a = b.named("axis")) {
    if (!b.axes(a, ts[0]->getRank() + 1, false, ax))
      return b.types.error();
  } else {
    ax.push_back(0);
  }
  b.attrs.axes.assign(ax.begin(), ax.end());
  Shape out(ts[0]->getShape().begin(), ts[0]->getShape().end());
  out.insert(out.begin() + ax[0], int64_t(ts.size()));
  return b.types.tensor(ts[0]->getElem(), out);
}

const Type *rulePad(BuiltinCall &b) {
  if (!b.accept(2, 2, {"value"}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  if (t->isError())
    return t;
  const ast::Expr *p = b.pos(1);
  std::optional<ConstValue> v;
  if (auto *list = llvm::dyn_cast<ast::TensorLiteralExpr>(p)) {
    // `[(lo, hi), ...]` is a list of tuples, not a tensor literal.
    ConstValue all;
    all.kind = ConstValue::Kind::Tuple;
    std::vector<const Type *> elemTypes;
    bool allConst = true;
    for (const ast::Expr *x : list->getElements()) {
      const Type *xt = b.c.checkExpr(x);
      if (xt->isError())
        return xt;
      elemTypes.push_back(b.c.materialize(x, xt));
      if (auto xv = b.c.constantOf(x))
        all.elems.push_back(*xv);
      else
        allConst = false;
    }
    b.c.setType(p, b.types.tuple(elemTypes));
    if (allConst)
      v = all;
  } else {
    const Type *pt = b.c.checkValue(p);
    if (pt->isError())
      return pt;
    v = b.c.constantOf(p);
  }
  // [(lo, hi), ...] is a tensor literal of tuples: not a tensor. Accept any
  // constant nesting of (lo, hi) pairs, one per dim.
  bool ok = v && v->kind == ConstValue::Kind::Tuple &&
            v->elems.size() == t->getRank();
  for (size_t i = 0; ok && i < v->elems.size(); ++i) {
    const ConstValue &pair = v->elems[i];
    ok = pair.kind == ConstValue::Kind::Tuple && pair.elems.size() == 2 &&
         pair.elems[0].kind == ConstValue::Kind::Int &&
         pair.elems[1].kind == ConstValue::Kind::Int && pair.elems[0].i >= 0 &&
         pair.elems[1].i >= 0;
    if (ok)
      b.attrs.padding.push_back({pair.elems[0].i, pair.elems[1].i});
  }
  if (!ok) {
    b.invalid(p->getRange(),
              fmt::format("padding must be one constant (lo, hi) pair of "
                          "non-negative integers per dim of {}",
                          t->str()));
    return b.types.error();
  }
  Shape out(t->getShape().begin(), t->getShape().end());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] += b.attrs.padding[i].first + b.attrs.padding[i].second;
  if (const ast::Expr *val = b.named("value")) {
    auto f = b.constFloat(val, "value");
    if (!f)
      return b.types.error();
    b.attrs.values.push_back(ConstValue::ofFloat(*f));
  } else {
    b.attrs.values.push_back(ConstValue::ofFloat(0));
  }
  return b.types.tensor(t->getElem(), out);
}

const Type *ruleFlip(BuiltinCall &b) {
  if (!b.accept(1, 1, {"axis"}))
    return b.types.error();
  const Type *t = operand(b, 0, "x");
  if (t->isError())
    return t;
  if (!b.axes(b.named("axis"), t->getRank(), true, b.attrs.axes))
    return b.types.error();
  return t;
}

} // namespace tdl::sema
