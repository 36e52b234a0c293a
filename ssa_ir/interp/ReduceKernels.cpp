//===- ReduceKernels.cpp - reduce_sum/max/min/prod, argmax/argmin ---------===//
//
// Reductions accumulate in the element type (f32 sums in f32, integers wrap)
// in the order runtime/kernels/Reduce.h defines (shared with the cpu
// backend). max/min propagate NaN (NumPy's max); over
// zero elements they give the identity (-inf / +inf, or the dtype's lowest /
// highest integer). argmax/argmin return the first index of the extremum
// along the axis; a NaN counts as the extremum (NumPy's argmax).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

#include "runtime/kernels/ArgReduce.h"
#include "runtime/kernels/Reduce.h"

#include <cmath>
#include <limits>

namespace tdl::ir::kernels {

RuntimeValue evalReduce(const Operation &op, const RuntimeValue &x) {
  const Type &outType = op.getResult(0)->getType();
  if (op.getOpcode() == Opcode::ArgMax || op.getOpcode() == Opcode::ArgMin) {
    bool isMax = op.getOpcode() == Opcode::ArgMax;
    int64_t axis = OpAttrs(op).axis();
    llvm::ArrayRef<int64_t> s = x.getShape();
    int64_t outer = numElements(s.take_front(axis)), len = s[axis],
            inner = numElements(s.drop_front(axis + 1));
    RuntimeValue out = RuntimeValue::zeros(outType);
    int64_t *o = out.mutableData<int64_t>();
    dispatchDType(x.getDType(), [&]<typename T>() {
      tdl::kernels::argReduce<T>(x.data<T>(), outer, len, inner, isMax, o);
    });
    return out;
  }

  // Output strides per input dim (0 for reduced dims).
  const IntArray &axes = OpAttrs(op).axes();
  auto outStridesDense = stridesOf(outType.getShape());
  llvm::SmallVector<int64_t, 6> outStrides;
  unsigned k = 0;
  for (unsigned d = 0; d < x.getType().getRank(); ++d) {
    if (llvm::is_contained(axes, int64_t(d)))
      outStrides.push_back(0);
    else
      outStrides.push_back(outStridesDense[k++]);
  }
  RuntimeValue out = RuntimeValue::zeros(outType);
  tdl::kernels::ReduceKind kind;
  switch (op.getOpcode()) {
  case Opcode::ReduceSum:
    kind = tdl::kernels::ReduceKind::Sum;
    break;
  case Opcode::ReduceProd:
    kind = tdl::kernels::ReduceKind::Prod;
    break;
  case Opcode::ReduceMax:
    kind = tdl::kernels::ReduceKind::Max;
    break;
  case Opcode::ReduceMin:
    kind = tdl::kernels::ReduceKind::Min;
    break;
  default:
    llvm_unreachable("not a reduction");
  }
  llvm::ArrayRef<int64_t> shape = x.getShape();
  dispatchDType(x.getDType(), [&]<typename T>() {
    tdl::kernels::reduce<T>(kind, x.data<T>(), shape.size(), shape.data(),
                            outStrides.data(), out.mutableData<T>(),
                            out.numElements(), [] { return stopRequested(); });
  });
  return out;
}

} // namespace tdl::ir::kernels
