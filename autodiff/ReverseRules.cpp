//===- ReverseRules.cpp - pullbacks of straight-line ops ------------------===//
//
// dxs[i] = (d result / d operand i)^T dys. Conventions (docs/autodiff.md):
// max/min split ties evenly, reduce_max/min share among ties, abs has
// subgradient 0 at 0, pow's exponent derivative is 0 for a base <= 0.
// Every broadcast is undone by a reduce_sum (unbroadcastTo).
//
//===----------------------------------------------------------------------===//
#include "autodiff/RuleHelpers.h"
#include "autodiff/Rules.h"
#include "ssa_ir/OpAttrs.h"

#include <algorithm>

namespace tdl::ad {

using namespace ir;

namespace {

IntArray intsAttr(const Operation &op, llvm::StringRef name) {
  const IntArray *a = op.getAttrs().getIntArray(name);
  assert(a && "verified op lacks an attribute");
  return *a;
}

/// The adjoint of broadcast_in_dim: sum over the new dims and the dims that
/// grew from size 1, then reshape to the operand shape.
Value *unbroadcastInDim(Builder &b, Value *dy, const Type &from,
                        llvm::ArrayRef<int64_t> dims) {
  llvm::ArrayRef<int64_t> out = dy->getType().getShape();
  IntArray axes;
  for (int64_t d = 0; d < int64_t(out.size()); ++d) {
    auto it = std::find(dims.begin(), dims.end(), d);
    if (it == dims.end() ||
        (from.getShape()[it - dims.begin()] == 1 && out[d] != 1))
      axes.push_back(d);
  }
  Value *r = axes.empty() ? dy : b.reduce(Opcode::ReduceSum, dy, axes);
  if (r->getType().getShape() != from.getShape())
    r = b.reshape(r, from.getShape());
  return r;
}

Value *matmulOperandGrad(Builder &b, Value *dy, Value *other, bool forLhs,
                         const Type &operandType) {
  // d lhs = dy . rhs^T ; d rhs = lhs^T . dy, then sum broadcast batch dims.
  Value *g = forLhs ? b.binary(Opcode::Matmul, dy, transposeLast2(b, other))
                    : b.binary(Opcode::Matmul, transposeLast2(b, other), dy);
  return unbroadcastTo(b, g, operandType.getShape());
}

} // namespace

RuleStatus pullback(Builder &b, const PrimalView &p,
                    llvm::ArrayRef<Value *> dys,
                    llvm::SmallVectorImpl<Value *> &dxs) {
  Operation &op = p.op;
  dxs.assign(p.operands.size(), nullptr);
  Value *dy = dys.empty() ? nullptr : dys[0];
  if (!dy)
    return RuleStatus::Ok;
  // What is not differentiable comes from the op table (Ops.def): ops
  // without the Differentiable trait, except terminators and the
  // compiler's Internal ops, which no rule handles.
  if (!op.hasTrait(ir::Differentiable))
    return op.hasTrait(ir::Terminator) || op.hasTrait(ir::Internal)
               ? RuleStatus::Unsupported
               : RuleStatus::NotDifferentiable;
  Value *x = p.operands.empty() ? nullptr : p.operands[0];
  Value *y = p.results.empty() ? nullptr : p.results[0];
  switch (op.getOpcode()) {
  case Opcode::Neg:
    dxs[0] = neg(b, dy);
    return RuleStatus::Ok;
  case Opcode::Abs:
  case Opcode::Exp:
  case Opcode::Log:
  case Opcode::Sqrt:
  case Opcode::Rsqrt:
  case Opcode::Sin:
  case Opcode::Cos:
  case Opcode::Tanh:
  case Opcode::Sigmoid:
    dxs[0] = mul(b, dy, unaryDerivative(b, op.getOpcode(), x, y));
    return RuleStatus::Ok;
  case Opcode::StopGradient:
    return RuleStatus::Ok;
  case Opcode::Add:
    dxs[0] = dy;
    dxs[1] = dy;
    return RuleStatus::Ok;
  case Opcode::Sub:
    dxs[0] = dy;
    dxs[1] = neg(b, dy);
    return RuleStatus::Ok;
  case Opcode::Mul:
    dxs[0] = mul(b, dy, p.operands[1]);
    dxs[1] = mul(b, dy, p.operands[0]);
    return RuleStatus::Ok;
  case Opcode::Div: {
    // y = a / c: da = dy / c, dc = -dy * y / c.
    Value *da = div(b, dy, p.operands[1]);
    dxs[0] = da;
    dxs[1] = neg(b, mul(b, da, y));
    return RuleStatus::Ok;
  }
  case Opcode::Rem: {
    // y = a - c * trunc(a / c): da = dy, dc = -dy * (a - y) / c.
    dxs[0] = dy;
    Value *q = div(b, sub(b, p.operands[0], y), p.operands[1]);
    dxs[1] = neg(b, mul(b, dy, q));
    return RuleStatus::Ok;
  }
  case Opcode::Pow:
    dxs[0] = mul(b, dy, powBaseDerivative(b, p.operands[0], p.operands[1]));
    dxs[1] = mul(b, dy, powExponentDerivative(b, p.operands[0], y));
    return RuleStatus::Ok;
  case Opcode::Max:
  case Opcode::Min: {
    Value *m = maxMinMask(b, op.getOpcode() == Opcode::Max, p.operands[0],
                          p.operands[1]);
    dxs[0] = mul(b, dy, m);
    dxs[1] = mul(b, dy, sub(b, splatLike(b, m, 1.0), m));
    return RuleStatus::Ok;
  }
  case Opcode::Select: {
    Value *zero = splatLike(b, dy, 0.0);
    dxs[1] = select(b, p.operands[0], dy, zero);
    dxs[2] = select(b, p.operands[0], zero, dy);
    return RuleStatus::Ok;
  }
  case Opcode::Cast:
    if (!isFloat(x->getType().getDType()))
      return RuleStatus::Ok;
    dxs[0] = b.cast(dy, x->getType().getDType());
    return RuleStatus::Ok;
  case Opcode::Broadcast:
    dxs[0] = unbroadcastInDim(b, dy, x->getType(), intsAttr(op, "dims"));
    return RuleStatus::Ok;
  case Opcode::Reshape:
    dxs[0] = b.reshape(dy, x->getType().getShape());
    return RuleStatus::Ok;
  case Opcode::Transpose: {
    IntArray perm = intsAttr(op, "perm"), inv(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
      inv[perm[i]] = i;
    dxs[0] = b.create1(Opcode::Transpose, {dy}, {{"perm", Attribute(inv)}});
    return RuleStatus::Ok;
  }
  case Opcode::Slice:
    dxs[0] = unslice(b, dy, x->getType().getShape(), intsAttr(op, "start"),
                     intsAttr(op, "limit"), intsAttr(op, "stride"));
    return RuleStatus::Ok;
  case Opcode::DynamicSlice: {
    llvm::SmallVector<Value *, 4> ops{zerosOf(b, x->getType()), dy};
    ops.append(p.operands.begin() + 1, p.operands.end());
    dxs[0] = b.create1(Opcode::DynamicUpdateSlice, ops);
    return RuleStatus::Ok;
  }
  case Opcode::DynamicUpdateSlice: {
    Value *u = p.operands[1];
    llvm::SmallVector<Value *, 4> ops{dy, zerosOf(b, u->getType())};
    ops.append(p.operands.begin() + 2, p.operands.end());
    dxs[0] = b.create1(Opcode::DynamicUpdateSlice, ops);
    llvm::SmallVector<Value *, 4> sl{dy};
    sl.append(p.operands.begin() + 2, p.operands.end());
    dxs[1] = b.create1(Opcode::DynamicSlice, sl,
                       {{"sizes", Attribute(u->getType().getShape())}});
    return RuleStatus::Ok;
  }
  case Opcode::Concat: {
    int64_t axis = ir::OpAttrs(op).axis();
    int64_t offset = 0;
    for (size_t i = 0; i < p.operands.size(); ++i) {
      llvm::ArrayRef<int64_t> s = p.operands[i]->getType().getShape();
      IntArray start(s.size(), 0), limit(s.begin(), s.end());
      start[axis] = offset;
      limit[axis] = offset + s[axis];
      offset += s[axis];
      dxs[i] = sliceRange(b, dy, start, limit);
    }
    return RuleStatus::Ok;
  }
  case Opcode::Pad: {
    IntArray lo = intsAttr(op, "lo");
    llvm::ArrayRef<int64_t> s = x->getType().getShape();
    IntArray limit(s.size());
    for (size_t d = 0; d < s.size(); ++d)
      limit[d] = lo[d] + s[d];
    dxs[0] = sliceRange(b, dy, lo, limit);
    // The padding value receives everything outside the interior.
    IntArray all;
    for (size_t d = 0; d < s.size(); ++d)
      all.push_back(d);
    Value *total = all.empty() ? dy : b.reduce(Opcode::ReduceSum, dy, all);
    Value *inner =
        all.empty() ? dxs[0] : b.reduce(Opcode::ReduceSum, dxs[0], all);
    dxs[1] = sub(b, total, inner);
    return RuleStatus::Ok;
  }
  case Opcode::Flip:
    dxs[0] = b.create1(Opcode::Flip, {dy}, op.getAttrs());
    return RuleStatus::Ok;
  case Opcode::ReduceSum: {
    IntArray axes = intsAttr(op, "axes");
    dxs[0] = broadcastReduced(b, dy, x->getType().getShape(), axes);
    return RuleStatus::Ok;
  }
  case Opcode::ReduceMax:
  case Opcode::ReduceMin: {
    IntArray axes = intsAttr(op, "axes");
    Value *w = reduceChooserWeights(b, x, y, axes);
    dxs[0] = mul(b, broadcastReduced(b, dy, x->getType().getShape(), axes), w);
    return RuleStatus::Ok;
  }
  case Opcode::ReduceProd: {
    IntArray axes = intsAttr(op, "axes");
    if (axes.empty()) {
      dxs[0] = dy;
      return RuleStatus::Ok;
    }
    Value *others = productOfOthers(b, x, axes);
    dxs[0] =
        mul(b, broadcastReduced(b, dy, x->getType().getShape(), axes), others);
    return RuleStatus::Ok;
  }
  case Opcode::Matmul:
    dxs[0] =
        matmulOperandGrad(b, dy, p.operands[1], true, p.operands[0]->getType());
    dxs[1] = matmulOperandGrad(b, dy, p.operands[0], false,
                               p.operands[1]->getType());
    return RuleStatus::Ok;
  case Opcode::Conv2D:
    dxs[0] = conv2dInputGrad(b, op, p.operands[0], p.operands[1], dy);
    dxs[1] = conv2dWeightGrad(b, op, p.operands[0], p.operands[1], dy);
    return RuleStatus::Ok;
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter:
    conv2dGradPullback(b, op, p.operands[0], p.operands[1], dy, dxs);
    return RuleStatus::Ok;
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D:
    dxs[0] = poolPullback(b, op, x, y, dy);
    return RuleStatus::Ok;
  // Linear in the pooled cotangent (the last operand); the max mask
  // carries no derivative. The transpose of routing to the window's first
  // maximum is reading from there: the pooling's pushforward.
  case Opcode::MaxPool2DGrad:
    dxs[2] = poolPushforward(b, op, x, p.operands[1], dy);
    return RuleStatus::Ok;
  case Opcode::AvgPool2DGrad:
    dxs[1] = poolPushforward(b, op, x, p.operands[1], dy);
    return RuleStatus::Ok;
  // Handled by the transforms themselves.
  case Opcode::Tuple:
  case Opcode::Get:
  case Opcode::Call:
  case Opcode::If:
  case Opcode::For:
  case Opcode::While:
  default: // not Differentiable, terminators and Internal ops: above
    return RuleStatus::Unsupported;
  }
  return RuleStatus::Unsupported;
}

} // namespace tdl::ad
