//===- BuiltinCreation.cpp - conv / pool and tensor-creation rules --------===//
#include "sema/BuiltinCall.h"

#include <fmt/format.h>

namespace tdl::sema {

/// `stride: 2` or `stride: (2, 1)`: one value or one per spatial dim.
static bool pair(BuiltinCall &b, const ast::Expr *e, llvm::StringRef what,
                 int64_t &h, int64_t &w) {
  if (!e)
    return true;
  auto l = b.intList(e, what);
  if (!l)
    return false;
  if (l->size() == 1) {
    h = w = (*l)[0];
    return true;
  }
  if (l->size() == 2) {
    h = (*l)[0];
    w = (*l)[1];
    return true;
  }
  b.invalid(e->getRange(),
            fmt::format("'{}' must be one integer or a pair", what.str()));
  return false;
}

/// `padding: p`, `(ph, pw)` or `(top, bottom, left, right)`.
static bool padding(BuiltinCall &b, const ast::Expr *e,
                    shapes::Conv2DParams &p) {
  if (!e)
    return true;
  auto l = b.intList(e, "padding");
  if (!l)
    return false;
  if (l->size() == 1) {
    p.padTop = p.padBottom = p.padLeft = p.padRight = (*l)[0];
  } else if (l->size() == 2) {
    p.padTop = p.padBottom = (*l)[0];
    p.padLeft = p.padRight = (*l)[1];
  } else if (l->size() == 4) {
    p.padTop = (*l)[0];
    p.padBottom = (*l)[1];
    p.padLeft = (*l)[2];
    p.padRight = (*l)[3];
  } else {
    b.invalid(e->getRange(), "'padding' must be p, (ph, pw) or (top, bottom, "
                             "left, right)");
    return false;
  }
  return true;
}

const Type *ruleConv2D(BuiltinCall &b) {
  if (!b.accept(2, 2, {"stride", "padding", "dilation", "groups"}))
    return b.types.error();
  const Type *x = b.numTensor(b.pos(0), "x");
  const Type *w = b.tensor(b.pos(1), "w");
  if (x->isError() || w->isError())
    return b.types.error();
  w = b.toElem(b.pos(1), w, x->getElem());
  if (w->isError())
    return w;
  shapes::Conv2DParams &p = b.attrs.conv;
  if (!pair(b, b.named("stride"), "stride", p.strideH, p.strideW) ||
      !padding(b, b.named("padding"), p) ||
      !pair(b, b.named("dilation"), "dilation", p.dilationH, p.dilationW))
    return b.types.error();
  if (const ast::Expr *g = b.named("groups")) {
    auto v = b.constInt(g, "groups");
    if (!v)
      return b.types.error();
    p.groups = *v;
  }
  auto r = shapes::conv2d(x->getShape(), w->getShape(), p);
  if (auto *msg = std::get_if<std::string>(&r)) {
    b.invalid(b.range(), *msg);
    return b.types.error();
  }
  // i8 convolution accumulates in i32, like i8 @ i8.
  Elem out = x->getElem() == Elem::I8 ? Elem::I32 : x->getElem();
  return b.types.tensor(out, std::get<Shape>(r));
}

const Type *rulePool2D(BuiltinCall &b) {
  if (!b.accept(1, 1, {"window", "stride", "padding"}))
    return b.types.error();
  // Integer average pooling rounds half up (docs/language.md).
  const Type *x = b.numTensor(b.pos(0), "x");
  if (x->isError())
    return x;
  const ast::Expr *win = b.named("window");
  if (!win) {
    b.c.error(diag::BuiltinMissingArg, b.range(), b.name, "window");
    return b.types.error();
  }
  shapes::Conv2DParams &p = b.attrs.conv;
  if (!pair(b, win, "window", b.attrs.windowH, b.attrs.windowW))
    return b.types.error();
  // The stride defaults to the window (non-overlapping), as in PyTorch.
  p.strideH = b.attrs.windowH;
  p.strideW = b.attrs.windowW;
  if (!pair(b, b.named("stride"), "stride", p.strideH, p.strideW) ||
      !padding(b, b.named("padding"), p))
    return b.types.error();
  auto r = shapes::pool2d(x->getShape(), b.attrs.windowH, b.attrs.windowW, p);
  if (auto *msg = std::get_if<std::string>(&r)) {
    b.invalid(b.range(), *msg);
    return b.types.error();
  }
  return b.types.tensor(x->getElem(), std::get<Shape>(r));
}

/// The `[dims]` argument of a creation builtin.
static bool shapeArg(BuiltinCall &b, const ast::Expr *e) {
  auto l = b.intList(e, "shape");
  if (!l)
    return false;
  for (int64_t d : *l)
    if (d < 0) {
      b.invalid(e->getRange(), fmt::format("dim {} is negative", d));
      return false;
    }
  b.attrs.shape.assign(l->begin(), l->end());
  return true;
}

/// An optional dtype: the positional argument at `index` or `dtype:`.
static std::optional<Elem> dtypeArg(BuiltinCall &b, unsigned index,
                                    Elem fallback, bool &ok) {
  const ast::Expr *e = b.pos(index) ? b.pos(index) : b.named("dtype");
  if (!e)
    return fallback;
  auto el = b.dtype(e);
  ok = el.has_value();
  return el;
}

const Type *ruleFill(BuiltinCall &b) {
  if (!b.accept(1, 2, {"dtype"}) || !shapeArg(b, b.pos(0)))
    return b.types.error();
  bool ok = true;
  auto el = dtypeArg(b, 1, Elem::F32, ok);
  if (!ok)
    return b.types.error();
  b.attrs.dtype = *el;
  return b.types.tensor(*el, b.attrs.shape);
}

const Type *ruleFull(BuiltinCall &b) {
  if (!b.accept(2, 3, {"dtype"}) || !shapeArg(b, b.pos(0)))
    return b.types.error();
  const Type *v = b.tensor(b.pos(1), "value");
  if (v->isError())
    return v;
  if (!v->isScalar()) {
    b.argType(b.pos(1), "value", "a scalar", v);
    return b.types.error();
  }
  bool ok = true;
  std::optional<Elem> el = dtypeArg(b, 2, defaultElem(v->getElem()), ok);
  if (!ok)
    return b.types.error();
  // The value takes the dtype (literals) or must already have it.
  if (!b.pos(2) && !b.named("dtype") && !isUntyped(v->getElem()))
    el = v->getElem();
  if (b.toElem(b.pos(1), v, *el)->isError())
    return b.types.error();
  if (auto c = b.c.constantOf(b.pos(1)))
    b.attrs.values.push_back(*c);
  b.attrs.dtype = *el;
  return b.types.tensor(*el, b.attrs.shape);
}

const Type *ruleIota(BuiltinCall &b) {
  if (!b.accept(1, 2, {"axis", "dtype"}) || !shapeArg(b, b.pos(0)))
    return b.types.error();
  bool ok = true;
  auto el = dtypeArg(b, 1, Elem::I64, ok);
  if (!ok)
    return b.types.error();
  if (*el == Elem::Bool) {
    b.invalid(b.range(), "iota needs a numeric dtype");
    return b.types.error();
  }
  if (const ast::Expr *a = b.named("axis")) {
    if (!b.axes(a, b.attrs.shape.size(), false, b.attrs.axes))
      return b.types.error();
  } else if (!b.attrs.shape.empty()) {
    b.attrs.axes.push_back(0);
  }
  b.attrs.dtype = *el;
  return b.types.tensor(*el, b.attrs.shape);
}

const Type *ruleEye(BuiltinCall &b) {
  if (!b.accept(1, 2, {"dtype"}))
    return b.types.error();
  auto n = b.constInt(b.pos(0), "n");
  if (!n)
    return b.types.error();
  if (*n < 0) {
    b.invalid(b.pos(0)->getRange(), "n must not be negative");
    return b.types.error();
  }
  bool ok = true;
  auto el = dtypeArg(b, 1, Elem::F32, ok);
  if (!ok)
    return b.types.error();
  b.attrs.count = *n;
  b.attrs.dtype = *el;
  b.attrs.shape = {*n, *n};
  return b.types.tensor(*el, b.attrs.shape);
}

const Type *ruleRandom(BuiltinCall &b) {
  bool uniform = b.id == BuiltinId::Uniform;
  if (uniform ? !b.accept(2, 3, {"lo", "hi", "dtype"})
              : !b.accept(2, 3, {"mean", "std", "dtype"}))
    return b.types.error();
  const Type *seed = b.tensor(b.pos(0), "seed");
  if (seed->isError())
    return seed;
  if (!seed->isScalar() ||
      !(seed->getElem() == Elem::I64 || seed->getElem() == Elem::UntypedInt)) {
    b.argType(b.pos(0), "seed", "an i64 scalar", seed);
    return b.types.error();
  }
  b.toElem(b.pos(0), seed, Elem::I64);
  if (!shapeArg(b, b.pos(1)))
    return b.types.error();
  bool ok = true;
  auto el = dtypeArg(b, 2, Elem::F32, ok);
  if (!ok)
    return b.types.error();
  if (!isFloat(*el)) {
    b.invalid(b.range(), "random tensors need a float dtype");
    return b.types.error();
  }
  double lo = uniform ? 0.0 : 0.0, hi = 1.0;
  const char *loName = uniform ? "lo" : "mean";
  const char *hiName = uniform ? "hi" : "std";
  if (const ast::Expr *e = b.named(loName)) {
    auto v = b.constFloat(e, loName);
    if (!v)
      return b.types.error();
    lo = *v;
  }
  if (const ast::Expr *e = b.named(hiName)) {
    auto v = b.constFloat(e, hiName);
    if (!v)
      return b.types.error();
    hi = *v;
  }
  b.attrs.values = {ConstValue::ofFloat(lo), ConstValue::ofFloat(hi)};
  b.attrs.dtype = *el;
  return b.types.tensor(*el, b.attrs.shape);
}

const Type *ruleOneHot(BuiltinCall &b) {
  if (!b.accept(2, 3, {"dtype"}))
    return b.types.error();
  const Type *idx = b.tensor(b.pos(0), "indices");
  if (idx->isError())
    return idx;
  if (!isInt(idx->getElem())) {
    b.argType(b.pos(0), "indices", "an integer tensor", idx);
    return b.types.error();
  }
  if (isUntyped(idx->getElem()))
    b.toElem(b.pos(0), idx, Elem::I32);
  auto n = b.constInt(b.pos(1), "n");
  if (!n)
    return b.types.error();
  if (*n <= 0) {
    b.invalid(b.pos(1)->getRange(), "the depth must be positive");
    return b.types.error();
  }
  bool ok = true;
  auto el = dtypeArg(b, 2, Elem::F32, ok);
  if (!ok)
    return b.types.error();
  b.attrs.count = *n;
  b.attrs.dtype = *el;
  b.attrs.axes.push_back(idx->getRank());
  Shape out(idx->getShape().begin(), idx->getShape().end());
  out.push_back(*n);
  return b.types.tensor(*el, out);
}

} // namespace tdl::sema
