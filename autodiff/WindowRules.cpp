//===- WindowRules.cpp - derivatives of conv2d and the pooling ops
//---------===//
//
// Expressed with existing ops so the result can be differentiated again:
//  - conv2d input grad: the cotangent dilated by the stride (zero
//    interleaving), correlated with the spatially flipped, channel-swapped
//    weights at the forward dilation and full padding, then cropped to the
//    input (extra zeros at the far edge when the stride skipped input rows).
//  - conv2d weight grad: a conv2d of the input (channels as batch) with the
//    cotangent (batch as channels) as the kernel, stride and dilation
//    swapped, cropped to the kernel size.
//  - groups: per group slices, results concatenated.
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

Value *sliceChannels(Builder &b, Value *v, int64_t from, int64_t to) {
  llvm::ArrayRef<int64_t> s = v->getType().getShape();
  if (from == 0 && to == s[1])
    return v;
  return sliceRange(b, v, {0, from, 0, 0}, {s[0], to, s[2], s[3]});
}

Value *concatChannels(Builder &b, llvm::ArrayRef<Value *> parts, int64_t axis) {
  if (parts.size() == 1)
    return parts[0];
  return b.create1(Opcode::Concat, parts, {{"axis", Attribute(axis)}});
}

Value *conv(Builder &b, Value *x, Value *w, IntArray stride, IntArray padding,
            IntArray dilation) {
  return b.create1(Opcode::Conv2D, {x, w},
                   {{"dilation", Attribute(dilation)},
                    {"padding", Attribute(padding)},
                    {"stride", Attribute(stride)}});
}

Value *inputGradOneGroup(Builder &b, const Conv2DParams &p,
                         llvm::ArrayRef<int64_t> xshape, Value *w, Value *dy) {
  llvm::ArrayRef<int64_t> ws = w->getType().getShape(),
                          ds = dy->getType().getShape();
  int64_t kh = ws[2], kw = ws[3];
  // Dilate dy by the stride.
  Value *dyd = unslice(b, dy,
                       {ds[0], ds[1], (ds[2] - 1) * p.stride[0] + 1,
                        (ds[3] - 1) * p.stride[1] + 1},
                       {0, 0, 0, 0},
                       {ds[0], ds[1], (ds[2] - 1) * p.stride[0] + 1,
                        (ds[3] - 1) * p.stride[1] + 1},
                       {1, 1, p.stride[0], p.stride[1]});
  Value *wf =
      b.create1(Opcode::Flip, {w}, {{"axes", Attribute(IntArray{2, 3})}});
  Value *wt = b.create1(Opcode::Transpose, {wf},
                        {{"perm", Attribute(IntArray{1, 0, 2, 3})}});
  int64_t ph = p.dilation[0] * (kh - 1), pw = p.dilation[1] * (kw - 1);
  Value *z = conv(b, dyd, wt, {1, 1}, {ph, ph, pw, pw},
                  {p.dilation[0], p.dilation[1]});
  // z covers the padded input rows the forward conv read; add zeros for the
  // rest, then crop the padding away.
  llvm::ArrayRef<int64_t> zs = z->getType().getShape();
  int64_t hp = xshape[2] + p.padding[0] + p.padding[1];
  int64_t wp = xshape[3] + p.padding[2] + p.padding[3];
  if (zs[2] < hp || zs[3] < wp) {
    Value *zero = b.constant(Type::scalar(z->getType().getDType()), 0.0);
    z = b.create1(Opcode::Pad, {z, zero},
                  {{"hi", Attribute(IntArray{0, 0, hp - zs[2], wp - zs[3]})},
                   {"lo", Attribute(IntArray{0, 0, 0, 0})}});
  }
  return sliceRange(
      b, z, {0, 0, p.padding[0], p.padding[2]},
      {zs[0], zs[1], p.padding[0] + xshape[2], p.padding[2] + xshape[3]});
}

Value *weightGradOneGroup(Builder &b, const Conv2DParams &p, Value *x,
                          llvm::ArrayRef<int64_t> wshape, Value *dy) {
  IntArray swap{1, 0, 2, 3};
  Value *xt = b.create1(Opcode::Transpose, {x}, {{"perm", Attribute(swap)}});
  Value *dyt = b.create1(Opcode::Transpose, {dy}, {{"perm", Attribute(swap)}});
  Value *g =
      conv(b, xt, dyt, {p.dilation[0], p.dilation[1]},
           {p.padding.begin(), p.padding.end()}, {p.stride[0], p.stride[1]});
  llvm::ArrayRef<int64_t> gs = g->getType().getShape(); // [C, O, >=KH, >=KW]
  if (gs[2] != wshape[2] || gs[3] != wshape[3])
    g = sliceRange(b, g, {0, 0, 0, 0}, {gs[0], gs[1], wshape[2], wshape[3]});
  return b.create1(Opcode::Transpose, {g}, {{"perm", Attribute(swap)}});
}

Conv2DParams convParams(Operation &op) {
  Conv2DParams p;
  std::string err = getConv2DParams(op.getAttrs(), p);
  assert(err.empty() && "verified conv2d has bad attributes");
  (void)err;
  return p;
}

} // namespace

Value *conv2dInputGrad(Builder &b, Operation &op, Value *x, Value *w,
                       Value *dy) {
  Conv2DParams p = convParams(op);
  int64_t cg = x->getType().getShape()[1] / p.groups;
  int64_t og = w->getType().getShape()[0] / p.groups;
  Shape xs(x->getType().getShape().begin(), x->getType().getShape().end());
  xs[1] = cg;
  llvm::SmallVector<Value *, 4> parts;
  for (int64_t g = 0; g < p.groups; ++g) {
    Value *wg = p.groups == 1
                    ? w
                    : sliceRange(b, w, {g * og, 0, 0, 0},
                                 {(g + 1) * og, w->getType().getShape()[1],
                                  w->getType().getShape()[2],
                                  w->getType().getShape()[3]});
    parts.push_back(inputGradOneGroup(
        b, p, xs, wg, sliceChannels(b, dy, g * og, (g + 1) * og)));
  }
  return concatChannels(b, parts, 1);
}

Value *conv2dWeightGrad(Builder &b, Operation &op, Value *x, Value *w,
                        Value *dy) {
  Conv2DParams p = convParams(op);
  int64_t cg = x->getType().getShape()[1] / p.groups;
  int64_t og = w->getType().getShape()[0] / p.groups;
  llvm::SmallVector<Value *, 4> parts;
  for (int64_t g = 0; g < p.groups; ++g)
    parts.push_back(weightGradOneGroup(
        b, p, sliceChannels(b, x, g * cg, (g + 1) * cg),
        w->getType().getShape(), sliceChannels(b, dy, g * og, (g + 1) * og)));
  return concatChannels(b, parts, 0);
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
