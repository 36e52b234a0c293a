//===- FusedIndexing.h - index maps inside a fused loop nest -------*- C++
//-*-===//
//
// A `fused` group computes its root as one loop nest (docs/cpu-backend.md,
// "Fused loop nests"). Every member value is read at an index that is a
// function of the nest's loop variables; this header describes that function
// one dimension at a time, and how it flows from an op's result to its
// operands. The fusion pass uses it to decide which groups pay (a reduction
// inside a group must depend on a prefix of the loops, or it would be
// recomputed per element), the cpu backend to generate the loads and to hoist
// loop-invariant values out of inner loops; both read the same rules here.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_FUSEDINDEXING_H
#define TDL_SSA_IR_FUSEDINDEXING_H

#include "ssa_ir/IR.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace tdl::ir {

/// One dimension's index: scale * ((iv[var] / div) % mod) + offset, or the
/// constant `offset` when var < 0. mod == 0 means no modulo.
struct DimIndex {
  int var = -1;
  int64_t div = 1, mod = 0, scale = 0, offset = 0;

  static DimIndex constant(int64_t c) { return DimIndex{-1, 1, 0, 0, c}; }
  static DimIndex loopVar(int v) { return DimIndex{v, 1, 0, 1, 0}; }
  bool isConstant() const { return var < 0; }
  bool operator==(const DimIndex &o) const {
    return var == o.var && div == o.div && mod == o.mod && scale == o.scale &&
           offset == o.offset;
  }
};

using IndexMap = llvm::SmallVector<DimIndex, 6>;

/// The dims of a value of `shape` delinearized from one loop variable that
/// runs over all its elements in row-major order.
IndexMap delinearized(int var, llvm::ArrayRef<int64_t> shape);

/// Can `op` be a member of a fused loop nest other than at the root, read
/// through an index map (elementwise ops, constants and the layout ops
/// below, reductions over trailing axes)?
bool isIndexableMember(const Operation &op);

/// The index map of operand `i` of a non-reduction member `op` whose result
/// is read at `result`. Elementwise: the same; broadcast, transpose, slice,
/// flip and reshapes that only insert or drop size-1 dims: remapped.
IndexMap operandIndex(const Operation &op, unsigned i, const IndexMap &result);

/// The index map of a reduction's operand when its result is read at
/// `result`: kept dims take `result`'s entries in order, reduced dims
/// `reduced[k]` for the k-th reduced axis.
IndexMap reductionOperandIndex(const Operation &op, const IndexMap &result,
                               llvm::ArrayRef<DimIndex> reduced);

/// The reduction's "run" (the trailing reduced axes, docs/ir.md
/// "Reductions"): how many trailing axes of the operand are all reduced.
unsigned trailingReducedAxes(const Operation &reduce);

/// True for reduce_sum/max/min/prod.
bool isReduction(Opcode op);

/// Loop variables an index map reads.
uint64_t varsOf(llvm::ArrayRef<DimIndex> map);

} // namespace tdl::ir

#endif
