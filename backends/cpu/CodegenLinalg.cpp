//===- CodegenLinalg.cpp - matmul, conv2d, pooling and their grads --------===//
//
// The ops with their own runtime kernels: matmul (`tdl_rt_matmul_<dtype>`,
// runtime/cpu/Gemm.cpp), conv2d (`tdl_rt_conv2d_<dtype>`, Conv.cpp), 2-d
// pooling and its pullbacks (`tdl_rt_pool2d`, `tdl_rt_pool2d_grad`). The
// long kernels note their scratch (FunctionEmitter::noteKernelScratch) and
// poll Ctrl-C after the call. A transpose feeding only matmuls is folded
// into their operand packing (foldsIntoMatmul).
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

#include "runtime/cpu/Gemm.h"
#include "runtime/kernels/MatmulBatch.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"

namespace tdl::cpu {

/// A transpose that swaps the last two dims (batch dims in place) and whose
/// every use is an operand of a matrix-by-matrix matmul in the same region,
/// as autodiff's pullback of a matmul makes (`dY @ Bᵀ`, `Aᵀ @ dY`). The
/// matmul packs its operand from the transposed layout (runtime/cpu/Gemm.h
/// GemmOperand), so the transpose only renames its input's buffer. A
/// transpose hoisted out of a loop whose body multiplies by it is copied
/// once instead: every iteration packs the operand again, and packing a
/// row-major matrix is cheaper.
bool foldsIntoMatmul(const ir::Operation &op) {
  if (op.getOpcode() != ir::Opcode::Transpose)
    return false;
  const ir::IntArray &perm = ir::OpAttrs(op).perm();
  int64_t r = int64_t(perm.size());
  if (r < 2 || perm[r - 2] != r - 1 || perm[r - 1] != r - 2)
    return false;
  for (int64_t d = 0; d + 2 < r; ++d)
    if (perm[d] != d)
      return false;
  const ir::Value *v = op.getResult(0);
  if (v->use_empty())
    return false;
  for (const ir::Use &u : v->getUses()) {
    const ir::Operation *user = u.user;
    if (user->getOpcode() != ir::Opcode::Matmul || u.operandIndex > 1 ||
        user->getParentRegion() != op.getParentRegion() ||
        user->getOperand(0)->getType().getRank() < 2 ||
        user->getOperand(1)->getType().getRank() < 2)
      return false;
  }
  return true;
}

/// Whether matmul operand `i` is a folded transpose (foldsIntoMatmul).
static bool readsTransposed(const ir::Operation &matmul, unsigned i) {
  const ir::Operation *def = matmul.getOperand(i)->getDefiningOp();
  return def && foldsIntoMatmul(*def);
}

llvm::Error FunctionEmitter::emitLinalgOp(const ir::Operation &op) {
  using ir::Opcode;
  auto [attrs, outT, outShape, outDt, in, inType, result] = lowering(op);

  Opcode code = op.getOpcode();
  switch (code) {
  case Opcode::Matmul: {
    llvm::ArrayRef<int64_t> as = inType(0).getShape(),
                            bs = inType(1).getShape();
    int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    unsigned batchRank = outShape.size() - 2;
    auto batchStrides = [&](llvm::ArrayRef<int64_t> s) {
      llvm::SmallVector<int64_t, 4> st(batchRank);
      tdl::kernels::matmulBatchStrides(s.data(), s.size(), batchRank,
                                       st.data());
      return st;
    };
    llvm::Value *out = result();
    noteKernelScratch(
        rt::gemmScratchBound(m, k, n, ir::dtypeSize(outT.getDType())));
    int32_t flags = (me.options.fastMath ? rt::kMatmulFast : 0) |
                    (readsTransposed(op, 0) ? rt::kMatmulTransposedA : 0) |
                    (readsTransposed(op, 1) ? rt::kMatmulTransposedB : 0);
    // One entry point per dtype: the module links only its kernels.
    std::string fn =
        ("tdl_rt_matmul_" + ir::dtypeName(inType(0).getDType())).str();
    b.CreateCall(me.rt(fn),
                 {i32(flags), i64(batchRank),
                  me.i64Array(outShape.take_front(batchRank)),
                  me.i64Array(batchStrides(as)), me.i64Array(batchStrides(bs)),
                  i64(m), i64(k), i64(n), in(0), in(1), out});
    pollInterrupt(op); // the kernel stops early on Ctrl-C (Interrupt.h)
    return llvm::Error::success();
  }
  case Opcode::Conv2D: {
    ir::Conv2DParams p;
    ir::getConv2DParams(attrs, p);
    llvm::ArrayRef<int64_t> xs = inType(0).getShape(),
                            ws = inType(1).getShape();
    llvm::SmallVector<int64_t, 20> params{xs[0],       xs[1],      xs[2], xs[3],
                                          ws[0],       ws[1],      ws[2], ws[3],
                                          outShape[2], outShape[3]};
    params.append({p.stride[0], p.stride[1], p.padding[0], p.padding[1],
                   p.padding[2], p.padding[3], p.dilation[0], p.dilation[1],
                   p.groups});
    llvm::Value *out = result();
    { // Conv.cpp: direct loops' accumulators, or GEMM (+ im2col columns).
      int64_t acc = ir::dtypeSize(outT.getDType());
      int64_t og = ws[0] / p.groups, kk = ws[1] * ws[2] * ws[3],
              pp = outShape[2] * outShape[3];
      int64_t direct = pp * acc;
      // No im2col matrix when the GEMM packs B from the image on every
      // instruction set (Conv.cpp: a wide output of many channels).
      int64_t columns =
          2 * pp > rt::kMaxNR && og > rt::kDirectBTiles * rt::kMaxMR
              ? 0
              : (kk * pp * ir::dtypeSize(inType(0).getDType()) + 63) / 64 * 64;
      int64_t im2col = columns + rt::gemmScratchBound(og, kk, pp, acc);
      noteKernelScratch(std::max(direct, im2col) + 64);
    }
    std::string fn =
        ("tdl_rt_conv2d_" + ir::dtypeName(inType(0).getDType())).str();
    b.CreateCall(me.rt(fn), {i32(me.options.fastMath ? 1 : 0),
                             me.i64Array(params), in(0), in(1), out});
    pollInterrupt(op); // the kernel stops early on Ctrl-C (Interrupt.h)
    return llvm::Error::success();
  }
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter: {
    ir::Conv2DParams p;
    ir::getConv2DParams(attrs, p);
    bool forInput = code == Opcode::Conv2DGradInput;
    llvm::ArrayRef<int64_t> xs = forInput ? outShape : inType(0).getShape(),
                            ws = forInput ? inType(0).getShape() : outShape,
                            ys = inType(1).getShape();
    llvm::SmallVector<int64_t, 17> params{
        xs[0],         xs[1],       xs[2],        xs[3],        ws[0],
        ws[1],         ws[2],       ws[3],        ys[2],        ys[3],
        p.stride[0],   p.stride[1], p.padding[0], p.padding[2], p.dilation[0],
        p.dilation[1], p.groups};
    llvm::Value *out = result();
    { // ConvGrad.cpp: one image's columns + the GEMM's packing.
      int64_t elem = ir::dtypeSize(outT.getDType());
      int64_t og = ws[0] / p.groups, kk = ws[1] * ws[2] * ws[3],
              pp = ys[2] * ys[3];
      // The weight gradient pads colT's rows and dW's to whole panels.
      int64_t kp = forInput ? kk : kk + rt::kMaxNR;
      int64_t gemm = forInput ? rt::gemmScratchBound(kk, og, pp, elem)
                              : rt::gemmScratchBound(og, pp, kp, elem);
      int64_t dw = forInput ? 0 : (ws[0] * kp * elem + 63) / 64 * 64;
      noteKernelScratch((kp * pp * elem + 63) / 64 * 64 + dw + gemm + 128);
    }
    std::string fn = (llvm::Twine(forInput ? "tdl_rt_conv2d_grad_input_"
                                           : "tdl_rt_conv2d_grad_filter_") +
                      ir::dtypeName(outT.getDType()))
                         .str();
    b.CreateCall(me.rt(fn), {i32(me.options.fastMath ? 1 : 0),
                             me.i64Array(params), in(0), in(1), out});
    pollInterrupt(op); // the kernel stops early on Ctrl-C (Interrupt.h)
    return llvm::Error::success();
  }
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D: {
    ir::Pool2DParams p;
    ir::getPool2DParams(attrs, p);
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    llvm::SmallVector<int64_t, 16> params{
        xs[0],        xs[1],        xs[2],        xs[3],       outShape[2],
        outShape[3],  p.window[0],  p.window[1],  p.stride[0], p.stride[1],
        p.padding[0], p.padding[1], p.padding[2], p.padding[3]};
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_pool2d"),
                 {i32(outDt), i32(code == Opcode::MaxPool2D ? 1 : 0),
                  me.i64Array(params), in(0), out});
    return llvm::Error::success();
  }
  case Opcode::MaxPool2DGrad:
  case Opcode::AvgPool2DGrad: {
    ir::Pool2DParams p;
    ir::getPool2DParams(attrs, p);
    llvm::ArrayRef<int64_t> xs = inType(0).getShape(),
                            ys = op.getOperands().back()->getType().getShape();
    llvm::SmallVector<int64_t, 16> params{
        xs[0],        xs[1],        xs[2],        xs[3],       ys[2],
        ys[3],        p.window[0],  p.window[1],  p.stride[0], p.stride[1],
        p.padding[0], p.padding[1], p.padding[2], p.padding[3]};
    bool isMax = code == Opcode::MaxPool2DGrad;
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_pool2d_grad"),
                 {i32(outDt), i32(isMax ? 1 : 0), me.i64Array(params), in(0),
                  isMax ? in(1) : llvm::ConstantPointerNull::get(b.getPtrTy()),
                  leaf(op.getOperands().back()), out});
    return llvm::Error::success();
  }
  default:
    return unsupported(op);
  }
}

} // namespace tdl::cpu
