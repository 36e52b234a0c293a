//===- GemmGeometry.cpp - matmul / conv2d as GEMMs, host-side layouts -----===//
//
// Matmul: a matrix rhs (batch dims all 1) is one GEMM whose rows are every
// row of the lhs (its batch dims flattened into M); a batched rhs is one GEMM
// per result batch index, with NumPy batch broadcasting as in the
// interpreter's kernel. Conv2D: one GEMM per group, rows (n, oh, ow),
// reduction (c, kh, kw), columns the group's output channels.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/offload/GemmGeometry.h"

#include <numeric>

namespace tdl::accel {

using ir::RuntimeValue;

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
    if (!ir::getConv2DParams(op.getAttrs(), s.conv).empty())
      return std::nullopt;
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

unsigned columnAxis(const RegionShape &shape) {
  return shape.kind == RegionKind::Conv2D ? 1 : shape.result.size() - 1;
}

/// Offsets (in matrices) of batch g of a matmul operand of shape `own`
/// within a result batch of shape `batch`: a dim of 1 broadcasts.
static int64_t batchOffset(llvm::ArrayRef<int64_t> batch,
                           llvm::ArrayRef<int64_t> own, int64_t g) {
  int64_t offset = 0, stride = 1;
  for (int i = int(batch.size()) - 1; i >= 0; --i) {
    int64_t index = g % batch[i];
    g /= batch[i];
    int j = i - int(batch.size() - own.size());
    if (j < 0)
      continue;
    if (own[j] != 1)
      offset += index * stride;
    stride *= own[j];
  }
  return offset;
}

void gatherGemmInputs(const RegionShape &s, unsigned g, const RuntimeValue &lhs,
                      const RuntimeValue &rhs, std::vector<int8_t> &a,
                      std::vector<int8_t> &b) {
  const int8_t *x = lhs.data<int8_t>(), *w = rhs.data<int8_t>();
  a.assign(size_t(s.m) * s.k, 0);
  b.assign(size_t(s.k) * s.n, 0);
  if (s.kind == RegionKind::Matmul) {
    llvm::ArrayRef<int64_t> batch =
        llvm::ArrayRef<int64_t>(s.result).drop_back(2);
    int64_t offA =
        s.numGemms == 1
            ? 0
            : batchOffset(batch, llvm::ArrayRef<int64_t>(s.lhs).drop_back(2),
                          g);
    int64_t offB =
        s.numGemms == 1
            ? 0
            : batchOffset(batch, llvm::ArrayRef<int64_t>(s.rhs).drop_back(2),
                          g);
    std::copy_n(x + offA * s.m * s.k, a.size(), a.begin());
    std::copy_n(w + offB * s.k * s.n, b.size(), b.begin());
    return;
  }
  // Conv2D, group g: im2col of the input, the weights as [(c,kh,kw), o].
  const ir::Conv2DParams &p = s.conv;
  int64_t C = s.lhs[1], H = s.lhs[2], W = s.lhs[3];
  int64_t Cg = s.rhs[1], KH = s.rhs[2], KW = s.rhs[3];
  int64_t OH = s.result[2], OW = s.result[3];
  int64_t row = 0;
  for (int64_t nb = 0; nb < s.result[0]; ++nb)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow, ++row) {
        int8_t *dst = a.data() + row * s.k;
        for (int64_t c = 0; c < Cg; ++c) {
          const int8_t *plane = x + (nb * C + g * Cg + c) * H * W;
          for (int64_t kh = 0; kh < KH; ++kh) {
            int64_t ih = oh * p.stride[0] - p.padding[0] + kh * p.dilation[0];
            for (int64_t kw = 0; kw < KW; ++kw, ++dst) {
              int64_t iw = ow * p.stride[1] - p.padding[2] + kw * p.dilation[1];
              if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                *dst = plane[ih * W + iw];
            }
          }
        }
      }
  for (int64_t kk = 0; kk < s.k; ++kk)
    for (int64_t o = 0; o < s.n; ++o)
      b[kk * s.n + o] = w[(g * s.n + o) * s.k + kk];
}

std::vector<int32_t> gatherGemmOperand(const RegionShape &s, unsigned g,
                                       OperandShape kind,
                                       const RuntimeValue &value) {
  const int32_t *v = value.data<int32_t>();
  if (kind == OperandShape::Row) {
    // A vector along the column axis: matmul columns are the whole vector,
    // conv2d group g owns channels [g*n, (g+1)*n).
    int64_t first = s.kind == RegionKind::Conv2D ? int64_t(g) * s.n : 0;
    return std::vector<int32_t>(v + first, v + first + s.n);
  }
  std::vector<int32_t> out(size_t(s.m) * s.n);
  if (s.kind == RegionKind::Matmul) {
    std::copy_n(v + int64_t(g) * s.m * s.n, out.size(), out.begin());
    return out;
  }
  int64_t O = s.result[1], OHW = s.result[2] * s.result[3];
  for (int64_t row = 0; row < s.m; ++row) {
    int64_t nb = row / OHW, pix = row % OHW;
    for (int64_t o = 0; o < s.n; ++o)
      out[row * s.n + o] = v[(nb * O + g * s.n + o) * OHW + pix];
  }
  return out;
}

void scatterGemmResult(const RegionShape &s, unsigned g,
                       llvm::ArrayRef<int8_t> c, int8_t *result) {
  if (s.kind == RegionKind::Matmul) {
    std::copy(c.begin(), c.end(), result + int64_t(g) * s.m * s.n);
    return;
  }
  int64_t O = s.result[1], OHW = s.result[2] * s.result[3];
  for (int64_t row = 0; row < s.m; ++row) {
    int64_t nb = row / OHW, pix = row % OHW;
    for (int64_t o = 0; o < s.n; ++o)
      result[(nb * O + g * s.n + o) * OHW + pix] = c[row * s.n + o];
  }
}

} // namespace tdl::accel
