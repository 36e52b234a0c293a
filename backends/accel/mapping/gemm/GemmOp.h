//===- GemmOp.h - the int8 GEMM the backend offloads ------------*- C++ -*-===//
//
// What the IR side hands the mapping layer (GemmPlan.h): a matrix product of
// int8 operands accumulated in i32, an epilogue of elementwise i32 steps
// (bias add, rounding, shift, clamp...) and a narrowing to i8. It carries no
// IR: conv2d reaches it through the host's im2col, a matmul directly.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMOP_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMOP_H

#include "backends/accel/isa/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tdl::accel {

/// How an i32 epilogue operand is laid over the [M, N] result.
enum class OperandShape : uint8_t {
  Row,  // i32[N], the same for every row (a bias)
  Full, // i32[M, N]
};

/// One epilogue step on the i32 accumulator, in order:
/// ACC = op(ACC, useImm ? imm : operand), with the ISA's ALU semantics.
struct EpilogueStep {
  AluOp op = AluOp::Add;
  bool useImm = false;
  int16_t imm = 0;
  unsigned operand = 0; // index into GemmOp::operands when !useImm
  bool operator==(const EpilogueStep &) const = default;
};

/// C[M,N] = (i8) epilogue(A[M,K] · B[K,N]): i8 × i8 → i32 wrapping
/// accumulation, then the steps, then narrowing to i8 by keeping the low 8
/// bits (like a C/Rust `as i8`; clamp first with MAX/MIN steps to saturate).
struct GemmOp {
  uint32_t m = 1, n = 1, k = 1;
  std::vector<OperandShape> operands;
  std::vector<EpilogueStep> epilogue;
  bool operator==(const GemmOp &) const = default;

  /// Elements of operand `i` (N for Row, M·N for Full).
  uint64_t operandSize(unsigned i) const;
  /// "C[64,32] = A[64,48] · B[48,32]; + bias0[N]; >> 6; max -128; min 127".
  std::string describe() const;
};

/// Checks the sizes (≥ 1) and that every operand index exists.
llvm::Error verifyGemmOp(const GemmOp &op);

/// One ALU step on an accumulator value, as ACCEL.md §3 defines it (written
/// out independently of FunctionalSim: the references of GemmOp and ConvOp
/// are the oracles the simulator is tested against).
int32_t referenceAluStep(AluOp op, int32_t acc, int32_t x);

/// Plain C++ reference semantics (the oracle of the simulator tests).
/// a: row-major [M,K], b: row-major [K,N], operands as their shapes,
/// row-major. Returns row-major [M,N].
std::vector<int8_t>
referenceGemm(const GemmOp &op, llvm::ArrayRef<int8_t> a,
              llvm::ArrayRef<int8_t> b,
              llvm::ArrayRef<std::vector<int32_t>> operands);

} // namespace tdl::accel

#endif
