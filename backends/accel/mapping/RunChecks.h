//===- RunChecks.h - what a planned run checks before packing ---*- C++ -*-===//
//
// Running a GEMM plan (gemm/GemmRun.cpp) or a conv plan (conv/ConvRun.cpp)
// on host tensors first checks the same things: that the simulator is the
// machine the plan was made for, and that the epilogue operands are the
// ones the operator declares. Both runs call these checks, so the two
// families reject bad input with the same words; each still checks its
// own main inputs (their shapes are the family's own).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_RUNCHECKS_H
#define TDL_BACKENDS_ACCEL_MAPPING_RUNCHECKS_H

#include "backends/accel/isa/Config.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// Success when the simulator's configuration is the plan's: a program's
/// sizes and addresses are only valid on the machine it was planned for.
llvm::Error checkPlanConfig(const Config &simConfig, const Config &planConfig);

/// Success when there are `count` operands and operand i has
/// `expectedSize(i)` elements; `family` ("gemm", "conv") names the
/// operator in the message.
llvm::Error checkEpilogueOperands(
    llvm::StringRef family, llvm::ArrayRef<std::vector<int32_t>> operands,
    size_t count, llvm::function_ref<uint64_t(unsigned)> expectedSize);

} // namespace tdl::accel

#endif
