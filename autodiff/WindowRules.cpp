//===- WindowRules.cpp - derivatives of conv2d and the pooling ops
//---------===//
//
// Expressed with ops whose own derivatives exist, so the result can be
// differentiated again:
//  - conv2d: the pullbacks are `conv2d_grad_input` (col2im of Wᵀ·dY) and
//    `conv2d_grad_filter` (dY·colᵀ), one op each with its kernel in
//    runtime/kernels/ConvGrad.h, at every stride, padding, dilation and
//    group count. Both are bilinear: their pullbacks are conv2d and the
//    other pullback op, their pushforwards themselves on each operand.
//  - pooling: the pullback is one op, `max_pool2d_grad` / `avg_pool2d_grad`
//    (one pass in the kernels of runtime/kernels/Window.h): max pooling
//    routes the cotangent to the first maximum of each window in row-major
//    window order (as XLA's select_and_scatter with `ge`), average pooling
//    spreads it evenly over the full window (padding counted, as the
//    interpreter does). Those ops are linear in the cotangent; their own
//    pullback is the pushforward of the pooling (one strided slice per
//    window offset, the first maximum selected), and their pushforward is
//    themselves.
//
//===----------------------------------------------------------------------===//
#include "autodiff/RuleHelpers.h"
#include "ssa_ir/OpParams.h"

#include <limits>

namespace tdl::ad {

using namespace ir;

namespace {

/// The attributes of a conv2d pullback for `op` (conv2d or one of its
/// pullbacks): the convolution's, and the result's `shape`.
AttrList gradAttrs(Operation &op, llvm::ArrayRef<int64_t> shape) {
  AttrList a = op.getAttrs();
  a.set("shape", Attribute(IntArray(shape.begin(), shape.end())));
  return a;
}

/// conv2d with `op`'s convolution attributes.
Value *convLike(Builder &b, Operation &op, Value *x, Value *w) {
  AttrList a = op.getAttrs();
  a.erase("shape");
  return b.create1(Opcode::Conv2D, {x, w}, a);
}

Value *gradInput(Builder &b, Operation &op, llvm::ArrayRef<int64_t> xshape,
                 Value *w, Value *dy) {
  return b.create1(Opcode::Conv2DGradInput, {w, dy}, gradAttrs(op, xshape));
}

Value *gradFilter(Builder &b, Operation &op, Value *x,
                  llvm::ArrayRef<int64_t> wshape, Value *dy) {
  return b.create1(Opcode::Conv2DGradFilter, {x, dy}, gradAttrs(op, wshape));
}

} // namespace

Value *conv2dInputGrad(Builder &b, Operation &op, Value *x, Value *w,
                       Value *dy) {
  return gradInput(b, op, x->getType().getShape(), w, dy);
}

Value *conv2dWeightGrad(Builder &b, Operation &op, Value *x, Value *w,
                        Value *dy) {
  return gradFilter(b, op, x, w->getType().getShape(), dy);
}

void conv2dGradPullback(Builder &b, Operation &op, Value *a, Value *dy,
                        Value *ct, llvm::SmallVectorImpl<Value *> &dxs) {
  // Both are bilinear; with x and w the forward conv's operands,
  // <ct, gradInput(w, dy)> = <conv2d(ct, w), dy> = <gradFilter(ct, dy), w>
  // and <ct, gradFilter(x, dy)> = <conv2d(x, ct), dy> = <gradInput(ct, dy), x>.
  if (op.getOpcode() == Opcode::Conv2DGradInput) {
    dxs[0] = gradFilter(b, op, ct, a->getType().getShape(), dy);
    dxs[1] = convLike(b, op, ct, a);
  } else {
    dxs[0] = gradInput(b, op, a->getType().getShape(), ct, dy);
    dxs[1] = convLike(b, op, a, ct);
  }
}

namespace {

/// Walks the window offsets of a pooling op, handing each the strided slice
/// of the padded input that lines up with the output.
struct PoolWalk {
  Pool2DParams p;
  Shape padded;
  IntArray stride;
  bool isMax;

  PoolWalk(Operation &op, const Type &xt) {
    std::string err = getPool2DParams(op.getAttrs(), p);
    assert(err.empty() && "verified pool has bad attributes");
    (void)err;
    llvm::ArrayRef<int64_t> s = xt.getShape();
    padded = {s[0], s[1], s[2] + p.padding[0] + p.padding[1],
              s[3] + p.padding[2] + p.padding[3]};
    stride = {1, 1, p.stride[0], p.stride[1]};
    isMax = op.getOpcode() == Opcode::MaxPool2D ||
            op.getOpcode() == Opcode::MaxPool2DGrad;
  }
  Value *pad(Builder &b, Value *v, double fill) {
    if (padded == Shape(v->getType().getShape()))
      return v;
    Value *f = b.constant(Type::scalar(v->getType().getDType()), fill);
    return b.create1(
        Opcode::Pad, {v, f},
        {{"hi", Attribute(IntArray{0, 0, p.padding[1], p.padding[3]})},
         {"lo", Attribute(IntArray{0, 0, p.padding[0], p.padding[2]})}});
  }
  void window(int64_t i, int64_t j, llvm::ArrayRef<int64_t> out,
              IntArray &start, IntArray &limit) {
    start = {0, 0, i, j};
    limit = {out[0], out[1], i + (out[2] - 1) * p.stride[0] + 1,
             j + (out[3] - 1) * p.stride[1] + 1};
  }
  Value *slice(Builder &b, Value *v, const IntArray &start,
               const IntArray &limit) {
    return b.create1(Opcode::Slice, {v},
                     {{"limit", Attribute(limit)},
                      {"start", Attribute(start)},
                      {"stride", Attribute(stride)}});
  }
  Value *crop(Builder &b, Value *v, llvm::ArrayRef<int64_t> xs) {
    if (padded == Shape(xs.begin(), xs.end()))
      return v;
    return sliceRange(
        b, v, {0, 0, p.padding[0], p.padding[2]},
        {xs[0], xs[1], p.padding[0] + xs[2], p.padding[2] + xs[3]});
  }
};

} // namespace

Value *poolPullback(Builder &b, Operation &op, Value *x, Value *y, Value *dy) {
  if (op.getOpcode() == Opcode::MaxPool2D)
    return b.create1(Opcode::MaxPool2DGrad, {x, y, dy}, op.getAttrs());
  return b.create1(Opcode::AvgPool2DGrad, {x, dy}, op.getAttrs());
}

Value *poolPushforward(Builder &b, Operation &op, Value *x, Value *y,
                       Value *dx) {
  PoolWalk w(op, x->getType());
  llvm::ArrayRef<int64_t> out = y->getType().getShape();
  Value *xp =
      w.isMax ? w.pad(b, x, -std::numeric_limits<double>::infinity()) : nullptr;
  Value *tp = w.pad(b, dx, 0.0);
  Value *zero = splatLike(b, y, 0.0);
  Value *taken = nullptr, *sum = nullptr;
  IntArray start, limit;
  for (int64_t i = 0; i < w.p.window[0]; ++i)
    for (int64_t j = 0; j < w.p.window[1]; ++j) {
      w.window(i, j, out, start, limit);
      Value *t = w.slice(b, tp, start, limit);
      if (w.isMax) {
        Value *hit = cmp(b, Opcode::Eq, w.slice(b, xp, start, limit), y);
        if (taken) {
          hit = b.binary(Opcode::And, hit, b.unary(Opcode::Not, taken));
          taken = b.binary(Opcode::Or, taken, hit);
        } else {
          taken = hit;
        }
        t = select(b, hit, t, zero);
      }
      sum = addOrNull(b, sum, t);
    }
  if (!w.isMax)
    sum = mul(b, sum, splatLike(b, sum, 1.0 / (w.p.window[0] * w.p.window[1])));
  return sum;
}

} // namespace tdl::ad
