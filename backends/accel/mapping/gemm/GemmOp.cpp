//===- GemmOp.cpp - description, checks and reference semantics ----------===//
#include "backends/accel/mapping/gemm/GemmOp.h"

#include <fmt/format.h>

#include <algorithm>

namespace tdl::accel {

namespace {

std::string stepText(const GemmOp &op, const EpilogueStep &s) {
  std::string arg =
      s.useImm ? std::to_string(s.imm)
               : fmt::format("op{}[{}]", s.operand,
                             s.operand < op.operands.size() &&
                                     op.operands[s.operand] == OperandShape::Row
                                 ? "N"
                                 : "M,N");
  switch (s.op) {
  case AluOp::Min:
    return "min " + arg;
  case AluOp::Max:
    return "max " + arg;
  case AluOp::Add:
    return "+ " + arg;
  case AluOp::Mul:
    return "* " + arg;
  case AluOp::Shr:
    return ">> " + arg;
  }
  return "?";
}

} // namespace

/// The ALU semantics, written out independently of FunctionalSim on
/// purpose: this file is the oracle the simulator is tested against.
int32_t referenceAluStep(AluOp op, int32_t acc, int32_t x) {
  switch (op) {
  case AluOp::Min:
    return std::min(acc, x);
  case AluOp::Max:
    return std::max(acc, x);
  case AluOp::Add:
    return int32_t(uint32_t(acc) + uint32_t(x));
  case AluOp::Mul:
    return int32_t(uint32_t(acc) * uint32_t(x));
  case AluOp::Shr:
    if (x >= 32)
      return acc < 0 ? -1 : 0;
    if (x >= 0)
      return acc >> x;
    if (x <= -32)
      return 0;
    return int32_t(uint32_t(acc) << -x);
  }
  return acc;
}

uint64_t GemmOp::operandSize(unsigned i) const {
  return operands[i] == OperandShape::Row ? uint64_t(n) : uint64_t(m) * n;
}

std::string GemmOp::describe() const {
  std::string text =
      fmt::format("C[{},{}] = A[{},{}] · B[{},{}]", m, n, m, k, k, n);
  for (const EpilogueStep &s : epilogue)
    text += "; " + stepText(*this, s);
  return text + "; as i8";
}

llvm::Error verifyGemmOp(const GemmOp &op) {
  if (op.m == 0 || op.n == 0 || op.k == 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format("gemm sizes must be positive (got m={}, n={}, k={})", op.m,
                    op.n, op.k));
  for (size_t i = 0; i < op.epilogue.size(); ++i) {
    const EpilogueStep &s = op.epilogue[i];
    if (!s.useImm && s.operand >= op.operands.size())
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("epilogue step {} uses operand {} but the gemm has {}", i,
                      s.operand, op.operands.size()));
  }
  return llvm::Error::success();
}

std::vector<int8_t>
referenceGemm(const GemmOp &op, llvm::ArrayRef<int8_t> a,
              llvm::ArrayRef<int8_t> b,
              llvm::ArrayRef<std::vector<int32_t>> operands) {
  assert(a.size() == size_t(op.m) * op.k && b.size() == size_t(op.k) * op.n &&
         "matrix sizes must match the op");
  std::vector<int8_t> c(size_t(op.m) * op.n);
  std::vector<uint32_t> row(op.n);
  for (uint32_t i = 0; i < op.m; ++i) {
    std::fill(row.begin(), row.end(), 0u);
    for (uint32_t kk = 0; kk < op.k; ++kk) {
      uint32_t x = uint32_t(int32_t(a[size_t(i) * op.k + kk]));
      for (uint32_t j = 0; j < op.n; ++j)
        row[j] += x * uint32_t(int32_t(b[size_t(kk) * op.n + j]));
    }
    for (uint32_t j = 0; j < op.n; ++j) {
      int32_t acc = int32_t(row[j]);
      for (const EpilogueStep &s : op.epilogue) {
        int32_t x = s.imm;
        if (!s.useImm) {
          const std::vector<int32_t> &v = operands[s.operand];
          x = op.operands[s.operand] == OperandShape::Row
                  ? v[j]
                  : v[size_t(i) * op.n + j];
        }
        acc = referenceAluStep(s.op, acc, x);
      }
      c[size_t(i) * op.n + j] = int8_t(uint8_t(uint32_t(acc)));
    }
  }
  return c;
}

} // namespace tdl::accel
