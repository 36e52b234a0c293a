//===- CodegenReductions.cpp - reduction tensor ops -----------------------===//
//
// reduce_sum / max / min / prod call `tdl_rt_reduce` (the reduction order of
// runtime/kernels/Reduce.h, the interpreter's), argmax / argmin
// `tdl_rt_argreduce`; shapes and strides are constant i64 arrays.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

#include "runtime/kernels/Reduce.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::cpu {

llvm::Error FunctionEmitter::emitReductionOp(const ir::Operation &op) {
  using ir::Opcode;
  auto [attrs, outT, outShape, outDt, in, inType, result] = lowering(op);

  Opcode code = op.getOpcode();
  switch (code) {
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd: {
    const ir::IntArray &axes = ir::OpAttrs(attrs).axes();
    auto dense = stridesOf(outShape);
    llvm::SmallVector<int64_t, 6> outStrides;
    unsigned k = 0;
    for (unsigned d = 0; d < inType(0).getRank(); ++d)
      outStrides.push_back(llvm::is_contained(axes, int64_t(d)) ? 0
                                                                : dense[k++]);
    int32_t kind = code == Opcode::ReduceSum   ? 0
                   : code == Opcode::ReduceMax ? 1
                   : code == Opcode::ReduceMin ? 2
                                               : 3;
    llvm::Value *out = result();
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    b.CreateCall(me.rt("tdl_rt_reduce"),
                 {i32(outDt), i32(kind), i64(xs.size()), me.i64Array(xs),
                  me.i64Array(outStrides), i64(outT.getNumElements()), in(0),
                  out});
    // The kernel stops early on Ctrl-C after 65536 elements (Interrupt.h,
    // Reduce.h); a smaller one never does.
    if (ir::numElements(xs) > tdl::kernels::kReduceStopBlock)
      pollInterrupt(op);
    return llvm::Error::success();
  }
  case Opcode::ArgMax:
  case Opcode::ArgMin: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    llvm::ArrayRef<int64_t> s = inType(0).getShape();
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_argreduce"),
                 {i32(int32_t(inType(0).getDType())),
                  i32(code == Opcode::ArgMax ? 1 : 0),
                  i64(ir::numElements(s.take_front(axis))), i64(s[axis]),
                  i64(ir::numElements(s.drop_front(axis + 1))), in(0), out});
    return llvm::Error::success();
  }
  default:
    return unsupported(op);
  }
}

} // namespace tdl::cpu
