//===- ConvGeometry.cpp - conv2d regions as direct accelerator convs ------===//
#include "backends/accel/offload/ConvGeometry.h"

namespace tdl::accel {

using ir::RuntimeValue;

ConvOp convOpOf(const RegionShape &s, const GemmOp &gemm) {
  const ir::Conv2DParams &p = s.conv;
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

void gatherConvInputs(const RegionShape &s, unsigned g, const RuntimeValue &x,
                      const RuntimeValue &w, std::vector<int8_t> &xg,
                      std::vector<int8_t> &wg) {
  int64_t cg = s.rhs[1], og = s.rhs[0] / s.conv.groups;
  int64_t kernel = cg * s.rhs[2] * s.rhs[3];
  xg = sliceChannels(x.data<int8_t>(), s.lhs[0], s.lhs[1], s.lhs[2] * s.lhs[3],
                     g * cg, cg);
  const int8_t *wp = w.data<int8_t>() + g * og * kernel;
  wg.assign(wp, wp + og * kernel);
}

std::vector<int32_t> gatherConvOperand(const RegionShape &s, unsigned g,
                                       OperandShape kind,
                                       const RuntimeValue &value) {
  int64_t og = s.rhs[0] / s.conv.groups;
  const int32_t *v = value.data<int32_t>();
  if (kind == OperandShape::Row)
    return std::vector<int32_t>(v + g * og, v + (g + 1) * og);
  return sliceChannels(v, s.result[0], s.result[1], s.result[2] * s.result[3],
                       g * og, og);
}

void scatterConvResult(const RegionShape &s, unsigned g,
                       llvm::ArrayRef<int8_t> y, int8_t *result) {
  int64_t og = s.rhs[0] / s.conv.groups, plane = s.result[2] * s.result[3];
  for (int64_t n = 0; n < s.result[0]; ++n)
    std::copy_n(y.begin() + n * og * plane, og * plane,
                result + (n * s.result[1] + g * og) * plane);
}

} // namespace tdl::accel
