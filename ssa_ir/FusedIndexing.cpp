//===- FusedIndexing.cpp - index maps inside a fused loop nest ------------===//
#include "ssa_ir/FusedIndexing.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::ir {

IndexMap delinearized(int var, llvm::ArrayRef<int64_t> shape) {
  IndexMap map(shape.size());
  int64_t inner = 1;
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    // The outermost dim needs no modulo: the variable stays below the total.
    map[d] = DimIndex{var, inner, d == 0 ? 0 : shape[d], 1, 0};
    inner *= shape[d];
  }
  return map;
}

bool isReduction(Opcode op) {
  return op == Opcode::ReduceSum || op == Opcode::ReduceMax ||
         op == Opcode::ReduceMin || op == Opcode::ReduceProd;
}

/// A reshape that only inserts or drops size-1 dims: the non-unit dims of
/// operand and result are the same list.
static bool isUnitReshape(const Operation &op) {
  llvm::SmallVector<int64_t, 6> a, b;
  for (int64_t d : op.getOperand(0)->getType().getShape())
    if (d != 1)
      a.push_back(d);
  for (int64_t d : op.getResult(0)->getType().getShape())
    if (d != 1)
      b.push_back(d);
  return a == b;
}

bool isIndexableMember(const Operation &op) {
  if (op.getNumResults() != 1 || !op.getResult(0)->getType().isTensor())
    return false;
  switch (op.getOpcode()) {
  case Opcode::Constant:
  case Opcode::Broadcast:
  case Opcode::Transpose:
  case Opcode::Slice:
  case Opcode::Flip:
    return true;
  case Opcode::Iota: // the index along its axis, converted
    return op.getResult(0)->getType().getDType() != DType::Bool;
  case Opcode::Reshape:
    return isUnitReshape(op);
  case Opcode::Div:
  case Opcode::Rem:
    // Integer division checks its divisors for zero before the loop.
    return !isInteger(op.getOperand(0)->getType().getDType());
  default:
    return isReduction(op.getOpcode()) || op.hasTrait(Elementwise);
  }
}

IndexMap operandIndex(const Operation &op, unsigned i, const IndexMap &result) {
  const AttrList &attrs = op.getAttrs();
  llvm::ArrayRef<int64_t> xs = op.getOperand(i)->getType().getShape();
  switch (op.getOpcode()) {
  case Opcode::Broadcast: {
    const IntArray &dims = OpAttrs(attrs).dims();
    IndexMap m(xs.size());
    for (size_t d = 0; d < xs.size(); ++d)
      m[d] = xs[d] == 1 ? DimIndex::constant(0) : result[dims[d]];
    return m;
  }
  case Opcode::Transpose: {
    const IntArray &perm = OpAttrs(attrs).perm();
    IndexMap m(xs.size());
    for (size_t d = 0; d < perm.size(); ++d)
      m[perm[d]] = result[d];
    return m;
  }
  case Opcode::Slice: {
    const IntArray &start = OpAttrs(attrs).start();
    const IntArray &stride = OpAttrs(attrs).stride();
    IndexMap m = result;
    for (size_t d = 0; d < m.size(); ++d) {
      m[d].scale *= stride[d];
      m[d].offset = m[d].offset * stride[d] + start[d];
    }
    return m;
  }
  case Opcode::Flip: {
    IndexMap m = result;
    for (int64_t a : OpAttrs(attrs).axes()) {
      m[a].scale = -m[a].scale;
      m[a].offset = xs[a] - 1 - m[a].offset;
    }
    return m;
  }
  case Opcode::Reshape: {
    // Non-unit dims correspond in order; unit dims read index 0.
    llvm::ArrayRef<int64_t> rs = op.getResult(0)->getType().getShape();
    llvm::SmallVector<DimIndex, 6> kept;
    for (size_t d = 0; d < rs.size(); ++d)
      if (rs[d] != 1)
        kept.push_back(result[d]);
    IndexMap m(xs.size());
    unsigned k = 0;
    for (size_t d = 0; d < xs.size(); ++d)
      m[d] = xs[d] == 1 ? DimIndex::constant(0) : kept[k++];
    return m;
  }
  default: // elementwise and select: the same index
    return result;
  }
}

IndexMap reductionOperandIndex(const Operation &op, const IndexMap &result,
                               llvm::ArrayRef<DimIndex> reduced) {
  const IntArray &axes = OpAttrs(op).axes();
  unsigned rank = op.getOperand(0)->getType().getRank();
  IndexMap m(rank);
  unsigned kept = 0, red = 0;
  for (unsigned d = 0; d < rank; ++d)
    m[d] =
        llvm::is_contained(axes, int64_t(d)) ? reduced[red++] : result[kept++];
  return m;
}

unsigned trailingReducedAxes(const Operation &reduce) {
  const IntArray &axes = OpAttrs(reduce).axes();
  unsigned rank = reduce.getOperand(0)->getType().getRank();
  unsigned t = 0;
  while (t < rank && llvm::is_contained(axes, int64_t(rank - 1 - t)))
    ++t;
  return t;
}

uint64_t varsOf(llvm::ArrayRef<DimIndex> map) {
  uint64_t vars = 0;
  for (const DimIndex &d : map)
    if (!d.isConstant())
      vars |= uint64_t(1) << d.var;
  return vars;
}

} // namespace tdl::ir
