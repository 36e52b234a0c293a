//===- Depthwise.cpp - depthwise convs as block-diagonal groups -----------===//
#include "backends/accel/offload/Depthwise.h"

#include "ssa_ir/Builder.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"

namespace tdl::accel {

std::optional<DepthwiseRewrite> blockDiagonalDepthwise(ir::Operation &conv,
                                                       int64_t maxBlock) {
  if (conv.getOpcode() != ir::Opcode::Conv2D || conv.getNumOperands() != 2)
    return std::nullopt;
  ir::Value *w = conv.getOperand(1);
  ir::Type wt = w->getType();
  if (wt.getDType() != ir::DType::I8 ||
      conv.getOperand(0)->getType().getDType() != ir::DType::I8 ||
      wt.getRank() != 4)
    return std::nullopt;
  ir::Conv2DParams p;
  if (!ir::getConv2DParams(conv.getAttrs(), p).empty())
    return std::nullopt;
  llvm::ArrayRef<int64_t> ws = wt.getShape();
  int64_t c = ws[0];
  if (p.groups != c || ws[1] != 1 || c < 2 ||
      conv.getOperand(0)->getType().getShape()[1] != c)
    return std::nullopt;
  int64_t block = 1;
  while (block * 2 <= maxBlock && c % (block * 2) == 0)
    block *= 2;
  if (block == 1)
    return std::nullopt;

  std::vector<int64_t> shape = {c, block, ws[2], ws[3]};
  std::vector<int8_t> mask(c * block * ws[2] * ws[3]);
  for (int64_t o = 0; o < c; ++o)
    for (int64_t i = 0; i < block; ++i)
      for (int64_t t = 0; t < ws[2] * ws[3]; ++t)
        mask[(o * block + i) * ws[2] * ws[3] + t] = i == o % block;
  ir::Builder b;
  b.setInsertionPoint(&conv);
  b.setLoc(conv.getLoc());
  ir::Type type = ir::Type::tensor(ir::DType::I8, shape);
  ir::Value *m = b.constantDense(
      type, ir::DenseElements::from<int8_t>(ir::DType::I8, mask));
  ir::Value *expanded = b.binary(ir::Opcode::Mul, b.broadcastTo(w, shape), m);
  conv.setOperand(1, expanded);
  conv.setAttr("groups", int64_t(c / block));
  return DepthwiseRewrite{&conv, w, c, block};
}

void undoDepthwise(const DepthwiseRewrite &rewrite) {
  rewrite.conv->setOperand(1, rewrite.weights);
  rewrite.conv->setAttr("groups", rewrite.channels);
}

} // namespace tdl::accel
