//===- RuleHelpers.h - small builders the derivative rules share ----*- C++
//-*-===//
#ifndef TDL_AUTODIFF_RULEHELPERS_H
#define TDL_AUTODIFF_RULEHELPERS_H

#include "autodiff/IRHelpers.h"

namespace tdl::ad {

inline ir::Value *mul(ir::Builder &b, ir::Value *x, ir::Value *y) {
  return b.binary(ir::Opcode::Mul, x, y);
}
inline ir::Value *add(ir::Builder &b, ir::Value *x, ir::Value *y) {
  return b.binary(ir::Opcode::Add, x, y);
}
inline ir::Value *sub(ir::Builder &b, ir::Value *x, ir::Value *y) {
  return b.binary(ir::Opcode::Sub, x, y);
}
inline ir::Value *div(ir::Builder &b, ir::Value *x, ir::Value *y) {
  return b.binary(ir::Opcode::Div, x, y);
}
inline ir::Value *neg(ir::Builder &b, ir::Value *x) {
  return b.unary(ir::Opcode::Neg, x);
}
inline ir::Value *select(ir::Builder &b, ir::Value *c, ir::Value *x,
                         ir::Value *y) {
  return b.create1(ir::Opcode::Select, {c, x, y});
}
inline ir::Value *cmp(ir::Builder &b, ir::Opcode op, ir::Value *x,
                      ir::Value *y) {
  return b.binary(op, x, y);
}

/// The local derivative factor of an elementwise unary op at x (y = f(x)),
/// built from differentiable ops so it can be differentiated again. Null if
/// the op has none.
ir::Value *unaryDerivative(ir::Builder &b, ir::Opcode op, ir::Value *x,
                           ir::Value *y);

/// max/min tie mask for operand 0 (JAX convention): 1 where operand 0 wins,
/// 0.5 on ties, 0 where operand 1 wins.
ir::Value *maxMinMask(ir::Builder &b, bool isMax, ir::Value *a, ir::Value *c);

/// reduce_max/min: 1/count on every element equal to the result, else 0
/// (ties share the cotangent equally, as JAX does).
ir::Value *reduceChooserWeights(ir::Builder &b, ir::Value *x, ir::Value *y,
                                llvm::ArrayRef<int64_t> axes);

/// Broadcasts a reduction result `y` (axes removed) back to `shape`.
ir::Value *broadcastReduced(ir::Builder &b, ir::Value *y,
                            llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<int64_t> axes);

/// reduce_prod: the product of all other elements of each reduced group, in
/// O(n) per group (zeros counted, never divided by; see RuleHelpers.cpp).
ir::Value *productOfOthers(ir::Builder &b, ir::Value *x,
                           llvm::ArrayRef<int64_t> axes);

/// d pow(a, e) / da and / de at (a, e) with y = pow(a, e); see
/// docs/autodiff.md for the a <= 0 conventions.
ir::Value *powBaseDerivative(ir::Builder &b, ir::Value *a, ir::Value *e);
ir::Value *powExponentDerivative(ir::Builder &b, ir::Value *a, ir::Value *y);

// Window ops (WindowRules.cpp).
ir::Value *conv2dInputGrad(ir::Builder &b, ir::Operation &op, ir::Value *x,
                           ir::Value *w, ir::Value *dy);
ir::Value *conv2dWeightGrad(ir::Builder &b, ir::Operation &op, ir::Value *x,
                            ir::Value *w, ir::Value *dy);
/// The pullback of conv2d_grad_input (w, dy) or conv2d_grad_filter (x, dy)
/// `op` for the cotangent `ct`: dxs[0] for operand a, dxs[1] for dy.
void conv2dGradPullback(ir::Builder &b, ir::Operation &op, ir::Value *a,
                        ir::Value *dy, ir::Value *ct,
                        llvm::SmallVectorImpl<ir::Value *> &dxs);
ir::Value *poolPullback(ir::Builder &b, ir::Operation &op, ir::Value *x,
                        ir::Value *y, ir::Value *dy);
ir::Value *poolPushforward(ir::Builder &b, ir::Operation &op, ir::Value *x,
                           ir::Value *y, ir::Value *dx);

} // namespace tdl::ad

#endif
