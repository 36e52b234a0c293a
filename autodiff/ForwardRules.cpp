//===- ForwardRules.cpp - pushforwards of straight-line ops ---------------===//
//
// dys = (d result / d operands) . dxs, with the same conventions as the
// pullbacks (shared helpers in RuleHelpers.cpp). Linear ops (shape
// movement, reduce_sum) apply themselves to the tangent; bilinear ops
// (mul, matmul, conv2d) use the product rule.
//
//===----------------------------------------------------------------------===//
#include "autodiff/RuleHelpers.h"
#include "autodiff/Rules.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::ad {

using namespace ir;

namespace {

/// The op itself applied to the tangents (zeros for symbolic-zero operands
/// that the op needs, e.g. concat); null if every tangent is zero.
Value *applyLinear(Builder &b, Operation &op, llvm::ArrayRef<Value *> dxs,
                   llvm::ArrayRef<Value *> operands, unsigned numLinear) {
  bool any = false;
  for (unsigned i = 0; i < numLinear; ++i)
    any |= dxs[i] != nullptr;
  if (!any)
    return nullptr;
  llvm::SmallVector<Value *, 4> ops;
  for (unsigned i = 0; i < operands.size(); ++i)
    ops.push_back(i < numLinear ? orZeros(b, dxs[i], operands[i]->getType())
                                : operands[i]);
  return b.create1(op.getOpcode(), ops, op.getAttrs());
}

Value *addN(Builder &b, Value *x, Value *y) { return addOrNull(b, x, y); }

} // namespace

RuleStatus pushforward(Builder &b, const PrimalView &p,
                       llvm::ArrayRef<Value *> dxs,
                       llvm::SmallVectorImpl<Value *> &dys) {
  Operation &op = p.op;
  dys.assign(p.results.size(), nullptr);
  Value *x = p.operands.empty() ? nullptr : p.operands[0];
  Value *y = p.results.empty() ? nullptr : p.results[0];
  Value *t0 = dxs.empty() ? nullptr : dxs[0];
  Value *t1 = dxs.size() > 1 ? dxs[1] : nullptr;
  Value *&dy = dys.empty() ? t0 : dys[0];
  // What is not differentiable comes from the op table (Ops.def): ops
  // without the Differentiable trait, except terminators and the
  // compiler's Internal ops, which no rule handles.
  if (!op.hasTrait(ir::Differentiable))
    return op.hasTrait(ir::Terminator) || op.hasTrait(ir::Internal)
               ? RuleStatus::Unsupported
               : RuleStatus::NotDifferentiable;
  switch (op.getOpcode()) {
  case Opcode::Neg:
    dy = t0 ? neg(b, t0) : nullptr;
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
    dy = t0 ? mul(b, t0, unaryDerivative(b, op.getOpcode(), x, y)) : nullptr;
    return RuleStatus::Ok;
  case Opcode::StopGradient:
    return RuleStatus::Ok;
  case Opcode::Add:
    dy = addN(b, t0, t1);
    return RuleStatus::Ok;
  case Opcode::Sub:
    dy = addN(b, t0, t1 ? neg(b, t1) : nullptr);
    return RuleStatus::Ok;
  case Opcode::Mul:
    dy = addN(b, t0 ? mul(b, t0, p.operands[1]) : nullptr,
              t1 ? mul(b, p.operands[0], t1) : nullptr);
    return RuleStatus::Ok;
  case Opcode::Div: {
    Value *num = addN(b, t0, t1 ? neg(b, mul(b, y, t1)) : nullptr);
    dy = num ? div(b, num, p.operands[1]) : nullptr;
    return RuleStatus::Ok;
  }
  case Opcode::Rem: {
    Value *q = t1 ? div(b, sub(b, p.operands[0], y), p.operands[1]) : nullptr;
    dy = addN(b, t0, t1 ? neg(b, mul(b, t1, q)) : nullptr);
    return RuleStatus::Ok;
  }
  case Opcode::Pow:
    dy = addN(
        b,
        t0 ? mul(b, t0, powBaseDerivative(b, p.operands[0], p.operands[1]))
           : nullptr,
        t1 ? mul(b, t1, powExponentDerivative(b, p.operands[0], y)) : nullptr);
    return RuleStatus::Ok;
  case Opcode::Max:
  case Opcode::Min: {
    Value *m = maxMinMask(b, op.getOpcode() == Opcode::Max, p.operands[0],
                          p.operands[1]);
    dy = addN(b, t0 ? mul(b, t0, m) : nullptr,
              t1 ? mul(b, t1, sub(b, splatLike(b, m, 1.0), m)) : nullptr);
    return RuleStatus::Ok;
  }
  case Opcode::Select: {
    if (!dxs[1] && !dxs[2])
      return RuleStatus::Ok;
    dy = select(b, p.operands[0], orZeros(b, dxs[1], y->getType()),
                orZeros(b, dxs[2], y->getType()));
    return RuleStatus::Ok;
  }
  case Opcode::Cast:
    if (t0 && isFloat(x->getType().getDType()))
      dy = b.cast(t0, y->getType().getDType());
    return RuleStatus::Ok;
  case Opcode::Broadcast:
  case Opcode::Reshape:
  case Opcode::Transpose:
  case Opcode::Slice:
  case Opcode::Flip:
  case Opcode::ReduceSum:
  case Opcode::DynamicSlice:
    dy = applyLinear(b, op, dxs, p.operands, 1);
    return RuleStatus::Ok;
  case Opcode::Concat:
    dy = applyLinear(b, op, dxs, p.operands, p.operands.size());
    return RuleStatus::Ok;
  case Opcode::Pad:
  case Opcode::DynamicUpdateSlice:
    dy = applyLinear(b, op, dxs, p.operands, 2);
    return RuleStatus::Ok;
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd: {
    if (!t0)
      return RuleStatus::Ok;
    const IntArray &axes = ir::OpAttrs(op).axes();
    if (axes.empty()) {
      dy = t0;
      return RuleStatus::Ok;
    }
    Value *w = op.getOpcode() == Opcode::ReduceProd
                   ? productOfOthers(b, x, axes)
                   : reduceChooserWeights(b, x, y, axes);
    dy = b.reduce(Opcode::ReduceSum, mul(b, t0, w), axes);
    return RuleStatus::Ok;
  }
  case Opcode::Matmul:
  case Opcode::Conv2D:
  case Opcode::Conv2DGradInput: // bilinear, like conv2d
  case Opcode::Conv2DGradFilter:
    dy = addN(b,
              t0 ? b.create1(op.getOpcode(), {t0, p.operands[1]}, op.getAttrs())
                 : nullptr,
              t1 ? b.create1(op.getOpcode(), {p.operands[0], t1}, op.getAttrs())
                 : nullptr);
    return RuleStatus::Ok;
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D:
    dy = t0 ? poolPushforward(b, op, x, y, t0) : nullptr;
    return RuleStatus::Ok;
  case Opcode::MaxPool2DGrad:
  case Opcode::AvgPool2DGrad: { // linear in the pooled cotangent
    Value *t = dxs.back();
    llvm::SmallVector<Value *, 3> operands(p.operands.begin(),
                                           p.operands.end());
    operands.back() = t;
    dy = t ? b.create1(op.getOpcode(), operands, op.getAttrs()) : nullptr;
    return RuleStatus::Ok;
  }
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
