//===- Kernels.h - op evaluation for the interpreter (internal) ----*- C++
//-*-===//
#ifndef TDL_SSA_IR_INTERP_KERNELS_H
#define TDL_SSA_IR_INTERP_KERNELS_H

#include "ssa_ir/IR.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/interp/RuntimeValue.h"

namespace tdl::ir::kernels {

using Operands = llvm::ArrayRef<RuntimeValue>;

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
RuntimeValue evalPool2D(const Operation &op, const RuntimeValue &x);
RuntimeValue evalPool2DGrad(const Operation &op,
                            llvm::ArrayRef<RuntimeValue> in);
RuntimeValue evalCreation(const Operation &op, Operands in);

/// Row-major strides of a shape.
llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape);

} // namespace tdl::ir::kernels

#endif
