//===- Rules.h - the derivative of every op (one table, two modes) --*- C++
//-*-===//
//
// For each op of ssa_ir/Ops.def, ReverseRules.cpp gives the pullback
// (operand cotangents from result cotangents) and ForwardRules.cpp the
// pushforward (result tangents from operand tangents); docs/autodiff.md has
// the table in math form with the subgradient conventions. A null Value is a
// symbolic zero: rules skip work for it and may return null.
//
// Rules only build differentiable ops (or ops on values that carry no
// derivative, such as comparison masks), so their output can be
// differentiated again (higher order).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_RULES_H
#define TDL_AUTODIFF_RULES_H

#include "ssa_ir/Builder.h"

namespace tdl::ad {

enum class RuleStatus { Ok, NotDifferentiable, Unsupported };

/// The primal op as the rule sees it: the op (for opcode, attributes, types)
/// and its operands and results as values of the function being built.
struct PrimalView {
  ir::Operation &op;
  llvm::ArrayRef<ir::Value *> operands;
  llvm::ArrayRef<ir::Value *> results;
};

/// Straight-line ops only (no regions, no calls, no tuples: the transforms
/// handle those). `dys[i]` is the cotangent of result i (null = zero); fills
/// `dxs` with one cotangent per operand (null = zero).
RuleStatus pullback(ir::Builder &b, const PrimalView &p,
                    llvm::ArrayRef<ir::Value *> dys,
                    llvm::SmallVectorImpl<ir::Value *> &dxs);

/// `dxs[i]` is the tangent of operand i (null = zero); fills `dys` with one
/// tangent per result (null = zero).
RuleStatus pushforward(ir::Builder &b, const PrimalView &p,
                       llvm::ArrayRef<ir::Value *> dxs,
                       llvm::SmallVectorImpl<ir::Value *> &dys);

} // namespace tdl::ad

#endif
