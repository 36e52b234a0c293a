//===- Activity.h - which values depend on the wrt inputs -----------*- C++
//-*-===//
//
// A value is "varied" if it is of a differentiable type and depends on a wrt
// parameter (through ops, regions, loop-carried values and captured outer
// values). The transforms do no derivative work for the rest; combined with
// symbolic zero adjoints (a value nothing useful reads never gets one) this
// is Swift's activity analysis: only varied and useful values are active.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_ACTIVITY_H
#define TDL_AUTODIFF_ACTIVITY_H

#include "ssa_ir/IR.h"

#include "llvm/ADT/DenseSet.h"

namespace tdl::ad {

class Activity {
public:
  /// Seeds: the given values (e.g. the wrt block arguments).
  Activity(ir::Region &body, llvm::ArrayRef<ir::Value *> seeds);
  bool isVaried(const ir::Value *v) const { return varied.count(v); }
  /// True if an op of `region` (or nested) reads a varied value.
  bool anyOperandVaried(ir::Operation &op) const;

private:
  bool mark(ir::Value *v);
  bool propagate(ir::Region &r);
  llvm::DenseSet<const ir::Value *> varied;
};

} // namespace tdl::ad

#endif
