//===- RuleHelpers.cpp - building blocks of the derivative rules ----------===//
#include "autodiff/RuleHelpers.h"

#include <algorithm>

namespace tdl::ad {

using namespace ir;

static Value *boolToFloat(Builder &b, Value *mask, Value *like) {
  return select(b, mask, splatLike(b, like, 1.0), splatLike(b, like, 0.0));
}

Value *unaryDerivative(Builder &b, Opcode op, Value *x, Value *y) {
  switch (op) {
  case Opcode::Neg:
    return splatLike(b, x, -1.0);
  case Opcode::Abs: {
    // sign(x) as selects (0 at x = 0, as JAX), differentiable with zero
    // derivative so grad(grad(abs)) works.
    Value *zero = splatLike(b, x, 0.0);
    Value *inner =
        select(b, cmp(b, Opcode::Lt, x, zero), splatLike(b, x, -1.0), zero);
    return select(b, cmp(b, Opcode::Gt, x, zero), splatLike(b, x, 1.0), inner);
  }
  case Opcode::Exp:
    return y;
  case Opcode::Log:
    return div(b, splatLike(b, x, 1.0), x);
  case Opcode::Sqrt:
    return div(b, splatLike(b, x, 0.5), y);
  case Opcode::Rsqrt:
    return mul(b, splatLike(b, x, -0.5), div(b, y, x));
  case Opcode::Sin:
    return b.unary(Opcode::Cos, x);
  case Opcode::Cos:
    return neg(b, b.unary(Opcode::Sin, x));
  case Opcode::Tanh:
    return sub(b, splatLike(b, x, 1.0), mul(b, y, y));
  case Opcode::Sigmoid:
    return mul(b, y, sub(b, splatLike(b, x, 1.0), y));
  default:
    return nullptr;
  }
}

Value *maxMinMask(Builder &b, bool isMax, Value *a, Value *c) {
  Value *wins = cmp(b, isMax ? Opcode::Gt : Opcode::Lt, a, c);
  Value *tie = cmp(b, Opcode::Eq, a, c);
  Value *half = select(b, tie, splatLike(b, a, 0.5), splatLike(b, a, 0.0));
  return select(b, wins, splatLike(b, a, 1.0), half);
}

Value *broadcastReduced(Builder &b, Value *y, llvm::ArrayRef<int64_t> shape,
                        llvm::ArrayRef<int64_t> axes) {
  IntArray dims;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end())
      dims.push_back(d);
  return b.broadcast(y, shape, dims);
}

Value *reduceChooserWeights(Builder &b, Value *x, Value *y,
                            llvm::ArrayRef<int64_t> axes) {
  llvm::ArrayRef<int64_t> shape = x->getType().getShape();
  Value *yb = broadcastReduced(b, y, shape, axes);
  Value *ind = boolToFloat(b, cmp(b, Opcode::Eq, x, yb), x);
  Value *count = b.reduce(Opcode::ReduceSum, ind, axes);
  return div(b, ind, broadcastReduced(b, count, shape, axes));
}

Value *productOfOthers(Builder &b, Value *x, llvm::ArrayRef<int64_t> axes) {
  llvm::ArrayRef<int64_t> shape = x->getType().getShape();
  unsigned rank = shape.size();
  // Kept dims first, reduced dims last, flattened to [K, n].
  IntArray perm;
  int64_t k = 1, n = 1;
  for (unsigned d = 0; d < rank; ++d)
    if (std::find(axes.begin(), axes.end(), int64_t(d)) == axes.end()) {
      perm.push_back(d);
      k *= shape[d];
    }
  for (unsigned d = 0; d < rank; ++d)
    if (std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end()) {
      perm.push_back(d);
      n *= shape[d];
    }
  Value *xt = b.create1(Opcode::Transpose, {x}, {{"perm", Attribute(perm)}});
  Shape tshape(xt->getType().getShape().begin(),
               xt->getType().getShape().end());
  Value *x2 = b.reshape(xt, {k, n});
  // [K, n, n]: row i holds the group with element i replaced by 1, so its
  // product is the product of the others (no division, exact with zeros).
  Value *rows = b.broadcast(x2, {k, n, n}, {0, 2});
  Type idx = Type::tensor(DType::I64, {k, n, n});
  Value *ii = b.create1(Opcode::Iota, {},
                        {{"axis", Attribute(int64_t(1))},
                         {"dtype", Attribute(DType::I64)},
                         {"shape", Attribute(idx.getShape())}});
  Value *jj = b.create1(Opcode::Iota, {},
                        {{"axis", Attribute(int64_t(2))},
                         {"dtype", Attribute(DType::I64)},
                         {"shape", Attribute(idx.getShape())}});
  Value *diag = cmp(b, Opcode::Eq, ii, jj);
  Value *masked = select(b, diag, splatLike(b, rows, 1.0), rows);
  Value *others = b.reduce(Opcode::ReduceProd, masked, {2});
  Value *back = b.reshape(others, tshape);
  IntArray inv(rank);
  for (unsigned i = 0; i < rank; ++i)
    inv[perm[i]] = i;
  return b.create1(Opcode::Transpose, {back}, {{"perm", Attribute(inv)}});
}

Value *powBaseDerivative(Builder &b, Value *a, Value *e) {
  Value *em1 = sub(b, e, splatLike(b, e, 1.0));
  Value *d = mul(b, e, b.binary(Opcode::Pow, a, em1));
  // e == 0: pow(a, 0) is constant 1, derivative 0 (also at a == 0).
  Value *isZero = cmp(b, Opcode::Eq, e, splatLike(b, e, 0.0));
  return select(b, isZero, splatLike(b, a, 0.0), d);
}

Value *powExponentDerivative(Builder &b, Value *a, Value *y) {
  // y * log(a) for a > 0; 0 for a <= 0 (log of a replaced by log 1 so no NaN
  // enters the computation, even in higher derivatives).
  Value *pos = cmp(b, Opcode::Gt, a, splatLike(b, a, 0.0));
  Value *safe = select(b, pos, a, splatLike(b, a, 1.0));
  return mul(b, y, b.unary(Opcode::Log, safe));
}

} // namespace tdl::ad
