//===- LowerBuiltin.cpp - builtin calls to core IR ops
//---------------------===//
//
// Builtins with an IR op of their own map one to one; the others expand:
//   relu(x)        max(x, 0)
//   clamp(x,lo,hi) min(max(x, lo), hi)
//   mean(x)        reduce_sum(x) / count
//   logsumexp(x)   m + log(reduce_sum(exp(x - m))), m = stop_gradient of the
//                  max (0 where it is not finite, as NumPy/JAX do)
//   keepdims       a reshape that puts the reduced dims back as 1s
//   argmax(x)      over the flattened tensor when no axis is given
//   dot / outer    matmul of a row and a column / broadcast multiply
//   expand_dims / squeeze   reshape;  stack   reshape + concat
//   eye / one_hot  comparisons of iotas, cast to the dtype
//   uniform / normal        rng op, then scaled: lo + (hi - lo) * u,
//                           mean + std * n (skipped for the defaults)
// Elementwise operands are broadcast to the result shape first.
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/FunctionLowering.h"

namespace tdl::irgen {

using sema::BuiltinId;

namespace {
/// Lowers one builtin call; `out` is the result type.
class BuiltinLowering {
public:
  BuiltinLowering(FunctionLowering &l, const sema::ResolvedCall &rc,
                  const sema::Type *out)
      : l(l), b(l.getBuilder()), rc(rc), a(rc.attrs), outType(toIRType(out)) {}

  ir::Value *lower(BuiltinId id);

private:
  /// Operand i as it was written.
  ir::Value *arg(unsigned i) { return l.lowerTensor(rc.args[i].expr); }
  /// Operand i broadcast to the result shape.
  ir::Value *argB(unsigned i) {
    return l.lowerBroadcast(rc.args[i].expr, outType.getShape());
  }
  ir::Value *unary(ir::Opcode op) { return b.unary(op, argB(0)); }
  ir::Value *splat(ir::Value *like, double v) {
    return b.constant(like->getType(), v);
  }
  ir::IntArray axes() const {
    return ir::IntArray(a.axes.begin(), a.axes.end());
  }
  ir::Value *reduce(ir::Opcode op, ir::Value *x) {
    return b.reduce(op, x, axes());
  }
  /// The reduced value with the result's shape (keepdims puts 1s back).
  ir::Value *shaped(ir::Value *r) {
    if (r->getType().getShape() != outType.getShape())
      r = b.reshape(r, outType.getShape());
    return r;
  }
  ir::Value *logSumExp(ir::Value *x);
  ir::Value *argReduce(ir::Opcode op);
  ir::Value *creation(BuiltinId id);

  FunctionLowering &l;
  ir::Builder &b;
  const sema::ResolvedCall &rc;
  const sema::BuiltinAttrs &a;
  ir::Type outType;
};
} // namespace

ir::Value *BuiltinLowering::logSumExp(ir::Value *x) {
  ir::IntArray ax = axes();
  // keepdims shape of the max, for broadcasting it back over x.
  ir::Shape kept(x->getType().getShape().begin(),
                 x->getType().getShape().end());
  for (int64_t d : ax)
    kept[d] = 1;
  ir::Value *m =
      b.unary(ir::Opcode::StopGradient, b.reduce(ir::Opcode::ReduceMax, x, ax));
  // m - m is NaN exactly where m is +-inf or NaN: use 0 there.
  ir::Value *bad = b.unary(ir::Opcode::IsNaN, b.binary(ir::Opcode::Sub, m, m));
  m = b.create1(ir::Opcode::Select, {bad, splat(m, 0), m});
  ir::Value *mb = b.broadcastTo(b.reshape(m, kept), x->getType().getShape());
  ir::Value *s =
      b.reduce(ir::Opcode::ReduceSum,
               b.unary(ir::Opcode::Exp, b.binary(ir::Opcode::Sub, x, mb)), ax);
  return shaped(b.binary(ir::Opcode::Add, b.unary(ir::Opcode::Log, s), m));
}

ir::Value *BuiltinLowering::argReduce(ir::Opcode op) {
  ir::Value *x = arg(0);
  int64_t axis;
  if (a.axes.empty()) {
    x = b.reshape(x, {x->getType().getNumElements()});
    axis = 0;
  } else {
    axis = a.axes[0];
  }
  return shaped(b.create1(op, {x}, {{"axis", ir::Attribute(axis)}}));
}

ir::Value *BuiltinLowering::creation(BuiltinId id) {
  ir::DType dt = outType.getDType();
  ir::Shape shape(outType.getShape().begin(), outType.getShape().end());
  switch (id) {
  case BuiltinId::Zeros:
    return b.constant(outType, 0);
  case BuiltinId::Ones:
    return b.constant(outType, 1);
  case BuiltinId::Full: {
    const sema::ConstValue &v = a.values.at(0);
    if (v.kind == sema::ConstValue::Kind::Bool)
      return b.constantBool(outType, v.b);
    if (v.kind == sema::ConstValue::Kind::Int && !ir::isFloat(dt))
      return b.constantInt(outType, v.i);
    return b.constant(outType, v.asDouble());
  }
  case BuiltinId::Iota:
    return b.create1(ir::Opcode::Iota, {},
                     {{"shape", ir::Attribute(shape)},
                      {"dtype", ir::Attribute(dt)},
                      {"axis", ir::Attribute(int64_t(a.axes[0]))}});
  case BuiltinId::Eye: {
    auto iota = [&](int64_t axis) {
      return b.create1(ir::Opcode::Iota, {},
                       {{"shape", ir::Attribute(shape)},
                        {"dtype", ir::Attribute(ir::DType::I64)},
                        {"axis", ir::Attribute(axis)}});
    };
    ir::Value *rows = iota(0);
    ir::Value *cols = iota(1);
    return b.cast(b.binary(ir::Opcode::Eq, rows, cols), dt);
  }
  case BuiltinId::OneHot: {
    ir::Value *idx = arg(0);
    ir::IntArray dims;
    for (unsigned d = 0; d < idx->getType().getRank(); ++d)
      dims.push_back(d);
    ir::Value *wide = b.broadcast(idx, shape, dims);
    ir::Value *classes =
        b.create1(ir::Opcode::Iota, {},
                  {{"shape", ir::Attribute(shape)},
                   {"dtype", ir::Attribute(idx->getType().getDType())},
                   {"axis", ir::Attribute(int64_t(a.axes[0]))}});
    return b.cast(b.binary(ir::Opcode::Eq, wide, classes), dt);
  }
  case BuiltinId::Uniform:
  case BuiltinId::Normal: {
    bool uniform = id == BuiltinId::Uniform;
    ir::Value *seed = l.coerceTensor(arg(0), ir::Type::scalar(ir::DType::I64));
    ir::Value *r = b.create1(
        uniform ? ir::Opcode::RngUniform : ir::Opcode::RngNormal, {seed},
        {{"shape", ir::Attribute(shape)}, {"dtype", ir::Attribute(dt)}});
    double p0 = a.values.size() > 0 ? a.values[0].asDouble() : 0.0;
    double p1 = a.values.size() > 1 ? a.values[1].asDouble() : 1.0;
    // uniform: lo + (hi - lo) * u; normal: mean + std * n.
    double scale = uniform ? p1 - p0 : p1, shift = p0;
    if (scale != 1.0)
      r = b.binary(ir::Opcode::Mul, r, splat(r, scale));
    if (shift != 0.0)
      r = b.binary(ir::Opcode::Add, r, splat(r, shift));
    return r;
  }
  default:
    llvm_unreachable("not a creation builtin");
  }
}

ir::Value *BuiltinLowering::lower(BuiltinId id) {
  switch (id) {
  case BuiltinId::Exp:
    return unary(ir::Opcode::Exp);
  case BuiltinId::Log:
    return unary(ir::Opcode::Log);
  case BuiltinId::Sqrt:
    return unary(ir::Opcode::Sqrt);
  case BuiltinId::Rsqrt:
    return unary(ir::Opcode::Rsqrt);
  case BuiltinId::Sin:
    return unary(ir::Opcode::Sin);
  case BuiltinId::Cos:
    return unary(ir::Opcode::Cos);
  case BuiltinId::Tanh:
    return unary(ir::Opcode::Tanh);
  case BuiltinId::Sigmoid:
    return unary(ir::Opcode::Sigmoid);
  case BuiltinId::Floor:
    return unary(ir::Opcode::Floor);
  case BuiltinId::Ceil:
    return unary(ir::Opcode::Ceil);
  case BuiltinId::Round:
    return unary(ir::Opcode::Round);
  case BuiltinId::Abs:
    return unary(ir::Opcode::Abs);
  case BuiltinId::Sign:
    return unary(ir::Opcode::Sign);
  case BuiltinId::IsNan:
    return unary(ir::Opcode::IsNaN);
  case BuiltinId::StopGradient:
    return unary(ir::Opcode::StopGradient);
  case BuiltinId::Relu: {
    ir::Value *x = argB(0);
    return b.binary(ir::Opcode::Max, x, splat(x, 0));
  }
  case BuiltinId::Pow: {
    ir::Value *x = argB(0), *y = argB(1); // operands in source order
    return b.binary(ir::Opcode::Pow, x, y);
  }
  case BuiltinId::Max:
  case BuiltinId::Min: {
    bool isMax = id == BuiltinId::Max;
    if (rc.args.size() == 2) {
      ir::Value *x = argB(0), *y = argB(1);
      return b.binary(isMax ? ir::Opcode::Max : ir::Opcode::Min, x, y);
    }
    return shaped(
        reduce(isMax ? ir::Opcode::ReduceMax : ir::Opcode::ReduceMin, arg(0)));
  }
  case BuiltinId::Clamp: {
    ir::Value *x = argB(0), *lo = argB(1), *hi = argB(2);
    return b.binary(ir::Opcode::Min, b.binary(ir::Opcode::Max, x, lo), hi);
  }
  case BuiltinId::Select:
  case BuiltinId::Where: {
    ir::Value *c = argB(0), *x = argB(1), *y = argB(2);
    return b.create1(ir::Opcode::Select, {c, x, y});
  }
  case BuiltinId::Sum:
    return shaped(reduce(ir::Opcode::ReduceSum, arg(0)));
  case BuiltinId::Prod:
    return shaped(reduce(ir::Opcode::ReduceProd, arg(0)));
  case BuiltinId::Mean: {
    ir::Value *x = arg(0);
    int64_t count = 1;
    for (unsigned ax : a.axes)
      count *= x->getType().getShape()[ax];
    ir::Value *s = reduce(ir::Opcode::ReduceSum, x);
    return shaped(b.binary(ir::Opcode::Div, s, splat(s, double(count))));
  }
  case BuiltinId::LogSumExp:
    return logSumExp(arg(0));
  case BuiltinId::ArgMax:
    return argReduce(ir::Opcode::ArgMax);
  case BuiltinId::ArgMin:
    return argReduce(ir::Opcode::ArgMin);
  case BuiltinId::Reshape:
  case BuiltinId::ExpandDims:
  case BuiltinId::Squeeze:
    return b.reshape(arg(0), outType.getShape());
  case BuiltinId::Transpose:
    return b.create1(
        ir::Opcode::Transpose, {arg(0)},
        {{"perm", ir::Attribute(ir::IntArray(a.perm.begin(), a.perm.end()))}});
  case BuiltinId::BroadcastTo:
    return b.broadcastTo(arg(0), outType.getShape());
  case BuiltinId::Concat:
  case BuiltinId::Stack: {
    int64_t axis = a.axes[0];
    llvm::SmallVector<ir::Value *, 4> parts;
    for (unsigned i = 0; i < rc.args.size(); ++i) {
      ir::Value *x = arg(i); // sema gave every operand the result dtype
      if (id == BuiltinId::Stack) {
        ir::Shape s(x->getType().getShape().begin(),
                    x->getType().getShape().end());
        s.insert(s.begin() + axis, 1);
        x = b.reshape(x, s);
      }
      parts.push_back(x);
    }
    return b.create1(ir::Opcode::Concat, parts,
                     {{"axis", ir::Attribute(axis)}});
  }
  case BuiltinId::Pad: {
    ir::Value *x = arg(0);
    ir::IntArray lo, hi;
    for (auto [p, q] : a.padding) {
      lo.push_back(p);
      hi.push_back(q);
    }
    double v = a.values.empty() ? 0.0 : a.values[0].asDouble();
    ir::Value *pv = b.constant(ir::Type::scalar(x->getType().getDType()), v);
    return b.create1(ir::Opcode::Pad, {x, pv},
                     {{"lo", ir::Attribute(lo)}, {"hi", ir::Attribute(hi)}});
  }
  case BuiltinId::Flip:
    return b.create1(ir::Opcode::Flip, {arg(0)},
                     {{"axes", ir::Attribute(axes())}});
  case BuiltinId::MatMul: {
    ir::Value *x = arg(0), *y = arg(1);
    return l.matmul(x, y);
  }
  case BuiltinId::Dot: {
    ir::Value *x = arg(0), *y = arg(1);
    return l.matmul(x, y); // [K] @ [K] -> scalar
  }
  case BuiltinId::Outer: {
    ir::Value *x = arg(0), *y = arg(1);
    ir::Shape s(outType.getShape().begin(), outType.getShape().end());
    ir::Value *xs = b.broadcast(x, s, {0});
    ir::Value *ys = b.broadcast(y, s, {1});
    return b.binary(ir::Opcode::Mul, xs, ys);
  }
  case BuiltinId::Conv2D: {
    const auto &c = a.conv;
    return b.create1(
        ir::Opcode::Conv2D, {arg(0), arg(1)},
        {{"stride", ir::Attribute(ir::IntArray{c.strideH, c.strideW})},
         {"padding", ir::Attribute(ir::IntArray{c.padTop, c.padBottom,
                                                c.padLeft, c.padRight})},
         {"dilation", ir::Attribute(ir::IntArray{c.dilationH, c.dilationW})},
         {"groups", ir::Attribute(c.groups)}});
  }
  case BuiltinId::MaxPool2D:
  case BuiltinId::AvgPool2D: {
    const auto &c = a.conv;
    return b.create1(
        id == BuiltinId::MaxPool2D ? ir::Opcode::MaxPool2D
                                   : ir::Opcode::AvgPool2D,
        {arg(0)},
        {{"window", ir::Attribute(ir::IntArray{a.windowH, a.windowW})},
         {"stride", ir::Attribute(ir::IntArray{c.strideH, c.strideW})},
         {"padding", ir::Attribute(ir::IntArray{c.padTop, c.padBottom,
                                                c.padLeft, c.padRight})}});
  }
  case BuiltinId::Zeros:
  case BuiltinId::Ones:
  case BuiltinId::Full:
  case BuiltinId::Iota:
  case BuiltinId::Eye:
  case BuiltinId::OneHot:
  case BuiltinId::Uniform:
  case BuiltinId::Normal:
    return creation(id);
  case BuiltinId::NumBuiltins:
    break;
  }
  llvm_unreachable("bad builtin");
}

ValueTree FunctionLowering::lowerBuiltinCall(const ast::CallExpr *call,
                                             const sema::ResolvedCall &rc) {
  const sema::Type *t = typeOf(call);
  if (!t->isTensor()) {
    internalError(call->getLoc(), "a builtin with a non-tensor result");
    return zerosOf(t);
  }
  BuiltinLowering lowering(*this, rc, t);
  ir::Value *v = lowering.lower(rc.builtin);
  return ValueTree::tensor(coerceTensor(v, toIRType(t)));
}

} // namespace tdl::irgen
