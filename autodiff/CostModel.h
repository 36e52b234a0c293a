//===- CostModel.h - static op and FLOP counts of a function ---------*- C++
//-*-===//
//
// Used to compare a derived function with its primal (docs/performance.md,
// "Autodiff"). Counts executed ops and floating-point operations: one FLOP
// per result element of an elementwise op (transcendentals included), one
// per input element of a reduction, 2*M*N*K per matmul (times batch),
// 2*N*O*OH*OW*(C/groups)*KH*KW per conv2d, window-size per output element of
// a pool; data movement, constants, tuples and tapes cost 0 FLOPs (but count
// as ops). Loops multiply their body by the trip count (constant bounds, or
// `dynamicTrips` when the bounds are not constants and for `while`); `if`
// costs its more expensive branch; calls cost their callee.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_COSTMODEL_H
#define TDL_AUTODIFF_COSTMODEL_H

#include "ssa_ir/IR.h"

namespace tdl::ad {

struct Cost {
  int64_t ops = 0;
  int64_t flops = 0;
  Cost &operator+=(const Cost &o) {
    ops += o.ops;
    flops += o.flops;
    return *this;
  }
};

Cost countCost(const ir::Module &m, const ir::Function &f,
               int64_t dynamicTrips);

} // namespace tdl::ad

#endif
