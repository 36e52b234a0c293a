//===- Kernels.h - op evaluation for the interpreter (internal) ----*- C++
//-*-===//
#ifndef TDL_SSA_IR_INTERP_KERNELS_H
#define TDL_SSA_IR_INTERP_KERNELS_H

#include "ssa_ir/IR.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include <functional>

namespace tdl::ir::kernels {

using Operands = llvm::ArrayRef<RuntimeValue>;

/// The REPL's Ctrl-C inside kernels: while interpret() runs with
/// InterpreterOptions::interrupted, this points at it. The long kernels
/// (elementwise, reductions, matmul, conv2d) call stopRequested() after
/// each kStopBlock elements' work (or per row or channel of a large one),
/// never before the first, and return early, their result unfinished, once
/// it is true; that sets stoppedEarly, and the interpreter fails the op
/// with "interrupted". (Short kernels never look: a runaway loop of small
/// ops is interrupted at the loop, as before.) Null otherwise: the check
/// is a load and a branch.
extern thread_local const std::function<bool()> *stopPoll;
extern thread_local bool stoppedEarly;
inline constexpr int64_t kStopBlock = int64_t(1) << 16;
inline bool stopRequested() {
  if (!stopPoll || !(*stopPoll)())
    return false;
  stoppedEarly = true;
  return true;
}

/// Evaluates an op without regions (and not call/print/terminators).
llvm::Expected<RuntimeValue> evalOp(const Operation &op, Operands in);

// Families, one file each.
llvm::Expected<RuntimeValue> evalElementwise(const Operation &op, Operands in);
RuntimeValue evalCast(const RuntimeValue &x, DType to);
llvm::Expected<RuntimeValue> evalMovement(const Operation &op, Operands in);
RuntimeValue evalReduce(const Operation &op, const RuntimeValue &x);
RuntimeValue evalMatmul(const Operation &op, const RuntimeValue &a,
                        const RuntimeValue &b);
RuntimeValue evalConv2D(const Operation &op, const RuntimeValue &x,
                        const RuntimeValue &w);
RuntimeValue evalConv2DGrad(const Operation &op, const RuntimeValue &a,
                            const RuntimeValue &dy);
RuntimeValue evalPool2D(const Operation &op, const RuntimeValue &x);
RuntimeValue evalPool2DGrad(const Operation &op,
                            llvm::ArrayRef<RuntimeValue> in);
RuntimeValue evalCreation(const Operation &op, Operands in);

/// Row-major strides of a shape.
llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape);

} // namespace tdl::ir::kernels

#endif
