//===- CodegenOps.cpp - tensor ops: the dispatch by op family -------------===//
//
// emitTensorOp lowers one tensor op. Ops that change no data alias their
// operand; every other op goes to the emitter of its family
// (tensorOpFamily), one file each:
//   - CodegenElementwise.cpp: loops calling the runtime's scalar function
//     for the op and dtype (`tdl_ew_add_f32`);
//   - CodegenCreation.cpp: constant, iota, RNG;
//   - CodegenMovement.cpp: broadcast, transpose, slices, flip, concat, pad;
//   - CodegenReductions.cpp: reduce_*, argmax / argmin;
//   - CodegenLinalg.cpp: matmul, conv2d, pooling and its pullbacks.
// Kernel-runtime calls get shapes and strides computed at compile time, as
// constant i64 arrays.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

namespace tdl::cpu {

llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

TensorOpFamily tensorOpFamily(ir::Opcode code) {
  using ir::Opcode;
  if (ir::getOpInfo(code).has(ir::Elementwise))
    return TensorOpFamily::Elementwise;
  switch (code) {
  case Opcode::Constant:
  case Opcode::Iota:
  case Opcode::RngUniform:
  case Opcode::RngNormal:
    return TensorOpFamily::Creation;
  case Opcode::Broadcast:
  case Opcode::Transpose:
  case Opcode::Slice:
  case Opcode::Flip:
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice:
  case Opcode::Concat:
  case Opcode::Pad:
    return TensorOpFamily::Movement;
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd:
  case Opcode::ArgMax:
  case Opcode::ArgMin:
    return TensorOpFamily::Reduction;
  case Opcode::Matmul:
  case Opcode::Conv2D:
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter:
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D:
  case Opcode::MaxPool2DGrad:
  case Opcode::AvgPool2DGrad:
    return TensorOpFamily::Linalg;
  default:
    return TensorOpFamily::None;
  }
}

OpLowering FunctionEmitter::lowering(const ir::Operation &op) {
  const ir::Type &outT = op.getResult(0)->getType();
  return {op.getAttrs(),
          outT,
          outT.getShape(),
          int32_t(outT.getDType()),
          [this, &op](unsigned i) { return leaf(op.getOperand(i)); },
          [&op](unsigned i) -> const ir::Type & {
            return op.getOperand(i)->getType();
          },
          [this, &op] {
            llvm::Value *buf = resultBuffer(op.getResult(0));
            bind(op.getResult(0), {buf});
            return buf;
          }};
}

llvm::Error FunctionEmitter::emitTensorOp(const ir::Operation &op) {
  using ir::Opcode;
  if (op.getNumResults() != 1 || !op.getResult(0)->getType().isTensor())
    return unsupported(op);
  const ir::Type &outT = op.getResult(0)->getType();

  Opcode code = op.getOpcode();
  // Aliases: no data changes (or a transpose the matmuls reading it fold).
  if (code == Opcode::Reshape || code == Opcode::StopGradient ||
      (code == Opcode::Cast &&
       op.getOperand(0)->getType().getDType() == outT.getDType()) ||
      foldsIntoMatmul(op)) {
    bind(op.getResult(0), {leaf(op.getOperand(0))});
    return llvm::Error::success();
  }

  switch (tensorOpFamily(code)) {
  case TensorOpFamily::Elementwise:
    return emitElementwiseOp(op);
  case TensorOpFamily::Creation:
    return emitCreationOp(op);
  case TensorOpFamily::Movement:
    return emitMovementOp(op);
  case TensorOpFamily::Reduction:
    return emitReductionOp(op);
  case TensorOpFamily::Linalg:
    return emitLinalgOp(op);
  case TensorOpFamily::None:
    break;
  }
  return unsupported(op);
}

} // namespace tdl::cpu
