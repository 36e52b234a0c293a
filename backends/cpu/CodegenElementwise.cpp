//===- CodegenElementwise.cpp - elementwise tensor ops --------------------===//
//
// Elementwise ops are loops over the flat index that call the runtime's
// scalar function for the op and dtype (`tdl_ew_add_f32`); those are always
// inlined, so the loop vectorizes at -O2/-O3 and the arithmetic is the
// interpreter's, written once in C++. Integer division and remainder check
// for a zero divisor first.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"
#include "backends/cpu/LoopNest.h"

namespace tdl::cpu {

llvm::Error FunctionEmitter::emitElementwiseOp(const ir::Operation &op) {
  using ir::Opcode;
  const ir::Type &outT = op.getResult(0)->getType();
  auto in = [&](unsigned i) { return leaf(op.getOperand(i)); };
  auto inType = [&](unsigned i) -> const ir::Type & {
    return op.getOperand(i)->getType();
  };
  Opcode code = op.getOpcode();
  int64_t n = outT.getNumElements();
  ir::DType inDt = inType(0).getDType();
  if ((code == Opcode::Div || code == Opcode::Rem) && ir::isInteger(inDt)) {
    llvm::Value *zero = b.CreateCall(me.rt("tdl_rt_has_zero"),
                                     {i32(int32_t(inDt)), i64(n), in(1)});
    branchToErrorIf(b.CreateICmpNE(zero, i32(0)), me.addErrorSite(op.getLoc()),
                    code == Opcode::Div ? "integer division by zero"
                                        : "integer remainder by zero");
  }
  // A loop nest of one op (LoopNest.h): one vectorizable pass.
  const ir::Operation *self = &op;
  llvm::Value *out = inPlaceResultBuffer(op);
  bind(op.getResult(0), {out});
  return emitLoopNest(*this, {self}, op, out);
}

} // namespace tdl::cpu
