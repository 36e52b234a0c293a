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
  // O(n) per group and exact with zeros. With p the product of the group's
  // non-zero elements and z its number of zeros, the product of the others
  // is p / x where z = 0, p at the single zero where z = 1, and 0 otherwise.
  // Only select, div, mul and reductions carry x, so the result can be
  // differentiated again; the zero test and the count only feed select
  // conditions. To keep second derivatives exact at zeros as well, the
  // zero-valued cases keep their first-order dependence on the zeros: with s
  // the sum of the group's zero elements (0, but d s / d x_k = 1 at a zero
  // k), a non-zero element of a group with one zero gets (p / x) * s and a
  // zero of a group with two zeros gets p * (s - x).
  llvm::ArrayRef<int64_t> shape = x->getType().getShape();
  auto groupSum = [&](Opcode op, Value *v) {
    return broadcastReduced(b, b.reduce(op, v, axes), shape, axes);
  };
  Value *zero = splatLike(b, x, 0.0), *one = splatLike(b, x, 1.0);
  Value *isZero = cmp(b, Opcode::Eq, x, zero);
  Value *nonZero = select(b, isZero, one, x);
  Value *p = groupSum(Opcode::ReduceProd, nonZero);
  Value *s = groupSum(Opcode::ReduceSum, select(b, isZero, x, zero));
  Value *zeros = groupSum(Opcode::ReduceSum, boolToFloat(b, isZero, x));
  Value *z0 = cmp(b, Opcode::Eq, zeros, zero);
  Value *z1 = cmp(b, Opcode::Eq, zeros, one);
  Value *z2 = cmp(b, Opcode::Eq, zeros, splatLike(b, x, 2.0));
  Value *pOverX = div(b, p, nonZero);
  Value *atZero =
      select(b, z1, p, select(b, z2, mul(b, p, sub(b, s, x)), zero));
  Value *elsewhere =
      select(b, z0, pOverX, select(b, z1, mul(b, pOverX, s), zero));
  return select(b, isZero, atZero, elsewhere);
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
