//===- RegionShapeOf.cpp - the GEMMs of an IR matmul or conv2d ------------===//
//
// Matmul: a matrix rhs (batch dims all 1) is one GEMM whose rows are every
// row of the lhs (its batch dims flattened into M); a batched rhs is one GEMM
// per result batch index, with NumPy batch broadcasting as in the
// interpreter's kernel. Conv2D: one GEMM per group, rows (n, oh, ow),
// reduction (c, kh, kw), columns the group's output channels.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/offload/RegionShapeOf.h"
#include "ssa_ir/OpParams.h"

#include <numeric>

namespace tdl::accel {

static int64_t product(llvm::ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

static bool fitsU32(int64_t v) { return v > 0 && v <= int64_t(UINT32_MAX); }

std::optional<RegionShape> regionShapeOf(const ir::Operation &op) {
  if (op.getOpcode() != ir::Opcode::Matmul &&
      op.getOpcode() != ir::Opcode::Conv2D)
    return std::nullopt;
  const ir::Type &x = op.getOperand(0)->getType(),
                 &w = op.getOperand(1)->getType(),
                 &r = op.getResult(0)->getType();
  if (!x.isTensor() || x.getDType() != ir::DType::I8 ||
      w.getDType() != ir::DType::I8 || r.getDType() != ir::DType::I32)
    return std::nullopt;
  RegionShape s;
  s.lhs.assign(x.getShape().begin(), x.getShape().end());
  s.rhs.assign(w.getShape().begin(), w.getShape().end());
  s.result.assign(r.getShape().begin(), r.getShape().end());
  int64_t m, n, k, gemms;
  if (op.getOpcode() == ir::Opcode::Matmul) {
    s.kind = RegionKind::Matmul;
    llvm::ArrayRef<int64_t> rhs(s.rhs), result(s.result);
    k = rhs[rhs.size() - 2];
    n = rhs.back();
    if (product(rhs.drop_back(2)) == 1) {
      gemms = 1;
      m = product(llvm::ArrayRef<int64_t>(s.lhs).drop_back());
    } else {
      gemms = product(result.drop_back(2));
      m = s.lhs[s.lhs.size() - 2];
    }
  } else {
    s.kind = RegionKind::Conv2D;
    ir::Conv2DParams p;
    if (!ir::getConv2DParams(op.getAttrs(), p).empty())
      return std::nullopt;
    s.conv.stride = p.stride;
    s.conv.padding = p.padding;
    s.conv.dilation = p.dilation;
    s.conv.groups = p.groups;
    gemms = s.conv.groups;
    m = s.result[0] * s.result[2] * s.result[3];
    k = s.rhs[1] * s.rhs[2] * s.rhs[3];
    n = s.rhs[0] / gemms;
  }
  if (!fitsU32(m) || !fitsU32(n) || !fitsU32(k) || !fitsU32(gemms))
    return std::nullopt; // empty tensors stay on the host
  s.m = m;
  s.n = n;
  s.k = k;
  s.numGemms = gemms;
  return s;
}

} // namespace tdl::accel
