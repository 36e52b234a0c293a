//===- RegionLayout.cpp - a region's host tensors as GEMM operands --------===//
//
// Matmul: a matrix rhs (batch dims all 1) is one GEMM whose rows are every
// row of the lhs (its batch dims flattened into M); a batched rhs is one GEMM
// per result batch index, with NumPy batch broadcasting as in the
// interpreter's kernel. Conv2D: one GEMM per group, rows (n, oh, ow),
// reduction (c, kh, kw), columns the group's output channels.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/host/RegionLayout.h"

#include <algorithm>

namespace tdl::accel {

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

void gatherGemmInputs(const RegionShape &s, unsigned g, const int8_t *x,
                      const int8_t *w, std::vector<int8_t> &a,
                      std::vector<int8_t> &b) {
  a.assign(size_t(s.m) * s.k, 0);
  if (w)
    b.assign(size_t(s.k) * s.n, 0);
  else
    b.clear();
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
    if (w)
      std::copy_n(w + offB * s.k * s.n, b.size(), b.begin());
    return;
  }
  // Conv2D, group g: im2col of the input, the weights as [(c,kh,kw), o].
  const ConvWindow &p = s.conv;
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
  for (int64_t kk = 0; kk < s.k && w; ++kk)
    for (int64_t o = 0; o < s.n; ++o)
      b[kk * s.n + o] = w[(g * s.n + o) * s.k + kk];
}

std::vector<int32_t> gatherGemmOperand(const RegionShape &s, unsigned g,
                                       OperandShape kind, const int32_t *v) {
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

//===-- Direct convolutions ----------------------------------------------===//

ConvOp convOpOf(const RegionShape &s, const GemmOp &gemm) {
  const ConvWindow &p = s.conv;
  ConvOp op;
  op.n = s.lhs[0];
  op.c = s.rhs[1]; // channels per group
  op.h = s.lhs[2];
  op.w = s.lhs[3];
  op.o = s.rhs[0] / p.groups;
  op.kh = s.rhs[2];
  op.kw = s.rhs[3];
  op.strideH = p.stride[0];
  op.strideW = p.stride[1];
  op.dilationH = p.dilation[0];
  op.dilationW = p.dilation[1];
  op.padTop = p.padding[0];
  op.padBottom = p.padding[1];
  op.padLeft = p.padding[2];
  op.padRight = p.padding[3];
  op.operands = gemm.operands;
  op.epilogue = gemm.epilogue;
  op.pool = s.pool;
  op.yChannelMajor = s.resultBlocked;
  return op;
}

/// Copies channels [first, first + count) of every image of an
/// [N, channels, plane] tensor.
template <typename T>
static std::vector<T> sliceChannels(const T *data, int64_t images,
                                    int64_t channels, int64_t plane,
                                    int64_t first, int64_t count) {
  std::vector<T> out(size_t(images * count * plane));
  for (int64_t n = 0; n < images; ++n)
    std::copy_n(data + (n * channels + first) * plane, count * plane,
                out.begin() + n * count * plane);
  return out;
}

void gatherConvWeights(const RegionShape &s, unsigned g, const int8_t *w,
                       std::vector<int8_t> &wg) {
  int64_t cg = s.rhs[1], og = s.rhs[0] / s.conv.groups;
  int64_t kernel = cg * s.rhs[2] * s.rhs[3];
  const int8_t *wp = w + g * og * kernel;
  wg.assign(wp, wp + og * kernel);
}

void gatherConvInputs(const RegionShape &s, unsigned g, const int8_t *x,
                      const int8_t *w, std::vector<int8_t> &xg,
                      std::vector<int8_t> &wg) {
  int64_t cg = s.rhs[1];
  xg = sliceChannels(x, s.lhs[0], s.lhs[1], s.lhs[2] * s.lhs[3], g * cg, cg);
  if (w)
    gatherConvWeights(s, g, w, wg);
  else
    wg.clear();
}

void copyBlockedSlab(std::vector<uint8_t> &whole, std::vector<uint8_t> &part,
                     uint64_t imageBlocks, uint64_t blocks,
                     uint64_t groupBlocks, unsigned g, uint64_t plane,
                     uint64_t elemBytes, bool toGroup) {
  uint64_t slab = groupBlocks * plane * elemBytes;
  if (toGroup)
    part.resize(imageBlocks * slab);
  for (uint64_t nb = 0; nb < imageBlocks; ++nb) {
    uint8_t *w = whole.data() +
                 (nb * blocks + uint64_t(g) * groupBlocks) * plane * elemBytes;
    uint8_t *p = part.data() + nb * slab;
    if (toGroup)
      std::copy_n(w, slab, p);
    else
      std::copy_n(p, slab, w);
  }
}

std::vector<int32_t> gatherConvOperand(const RegionShape &s, unsigned g,
                                       OperandShape kind, const int32_t *v) {
  int64_t og = s.rhs[0] / s.conv.groups;
  if (kind == OperandShape::Row)
    return std::vector<int32_t>(v + g * og, v + (g + 1) * og);
  return sliceChannels(v, s.result[0], s.result[1], s.result[2] * s.result[3],
                       g * og, og);
}

void scatterConvResult(const RegionShape &s, unsigned g,
                       llvm::ArrayRef<int8_t> y, int8_t *result) {
  std::vector<int64_t> out = regionOutput(s); // pooled, with a pool
  int64_t og = s.rhs[0] / s.conv.groups, plane = out[2] * out[3];
  for (int64_t n = 0; n < out[0]; ++n)
    std::copy_n(y.begin() + n * og * plane, og * plane,
                result + (n * out[1] + g * og) * plane);
}

} // namespace tdl::accel
