//===- CodegenMovement.cpp - data movement tensor ops ---------------------===//
//
// Broadcast, transpose, slice, flip, dynamic (update) slice, concat and pad:
// each is a gather, scatter or pad by the runtime (`tdl_rt_gather`,
// `tdl_rt_scatter`, `tdl_rt_pad`) with shapes and strides computed here, at
// compile time, as constant i64 arrays. Reshape and stop_gradient alias their
// operand (emitTensorOp, CodegenOps.cpp).
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

#include "ssa_ir/OpAttrs.h"

namespace tdl::cpu {

llvm::Error FunctionEmitter::emitMovementOp(const ir::Operation &op) {
  using ir::Opcode;
  auto [attrs, outT, outShape, outDt, in, inType, result] = lowering(op);
  int64_t esize = ir::dtypeSize(outT.getDType());
  auto gather = [&](llvm::ArrayRef<int64_t> inStrides, llvm::Value *base) {
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_gather"),
                 {i64(esize), i64(outShape.size()), me.i64Array(outShape),
                  me.i64Array(inStrides), base, in(0), out});
  };

  Opcode code = op.getOpcode();
  switch (code) {
  case Opcode::Broadcast: {
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    auto xStrides = stridesOf(xs);
    const ir::IntArray &dims = ir::OpAttrs(attrs).dims();
    llvm::SmallVector<int64_t, 6> strides(outShape.size(), 0);
    for (size_t i = 0; i < dims.size(); ++i)
      if (xs[i] != 1)
        strides[dims[i]] = xStrides[i];
    gather(strides, i64(0));
    return llvm::Error::success();
  }
  case Opcode::Transpose: {
    auto xStrides = stridesOf(inType(0).getShape());
    llvm::SmallVector<int64_t, 6> strides;
    for (int64_t p : ir::OpAttrs(attrs).perm())
      strides.push_back(xStrides[p]);
    gather(strides, i64(0));
    return llvm::Error::success();
  }
  case Opcode::Slice: {
    auto xStrides = stridesOf(inType(0).getShape());
    const ir::IntArray &start = ir::OpAttrs(attrs).start();
    const ir::IntArray &stride = ir::OpAttrs(attrs).stride();
    llvm::SmallVector<int64_t, 6> strides;
    int64_t base = 0;
    for (size_t d = 0; d < xStrides.size(); ++d) {
      strides.push_back(xStrides[d] * stride[d]);
      base += start[d] * xStrides[d];
    }
    gather(strides, i64(base));
    return llvm::Error::success();
  }
  case Opcode::Flip: {
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    auto strides = stridesOf(xs);
    auto xStrides = strides;
    int64_t base = 0;
    for (int64_t a : ir::OpAttrs(attrs).axes())
      if (xs[a] > 0) {
        base += (xs[a] - 1) * xStrides[a];
        strides[a] = -xStrides[a];
      }
    gather(strides, i64(base));
    return llvm::Error::success();
  }
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice: {
    bool update = code == Opcode::DynamicUpdateSlice;
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    auto xStrides = stridesOf(xs);
    llvm::ArrayRef<int64_t> window = update ? inType(1).getShape() : outShape;
    unsigned firstIndex = update ? 2 : 1;
    unsigned site = me.addErrorSite(op.getLoc());
    llvm::Value *base = i64(0);
    for (size_t d = 0; d < xs.size(); ++d) {
      llvm::Value *idx = loadScalar(op.getOperand(firstIndex + d));
      idx = b.CreateSExt(idx, b.getInt64Ty());
      llvm::Value *bad =
          b.CreateOr(b.CreateICmpSLT(idx, i64(0)),
                     b.CreateICmpSGT(idx, i64(xs[d] - window[d])));
      branchToErrorIf(bad, site, [&] {
        b.CreateCall(me.rt("tdl_rt_error_index"),
                     {idx, i64(d), i64(xs[d]), i64(window[d])});
      });
      base = b.CreateAdd(base, b.CreateMul(idx, i64(xStrides[d])));
    }
    if (!update) {
      gather(xStrides, base);
      return llvm::Error::success();
    }
    // Over the updated tensor when it dies here (an accumulator of a
    // reverse pass, ssa_ir/passes/AccumulateSlices.cpp): the slice only.
    llvm::Value *out = inPlaceResultBuffer(op, /*onlyFirst=*/true);
    bind(op.getResult(0), {out});
    if (out != in(0))
      b.CreateMemCpy(out, llvm::MaybeAlign(1), in(0), llvm::MaybeAlign(1),
                     inType(0).getNumElements() * esize);
    b.CreateCall(me.rt("tdl_rt_scatter"),
                 {i64(esize), i64(window.size()), me.i64Array(window),
                  me.i64Array(xStrides), base, in(1), out, i64(0)});
    return llvm::Error::success();
  }
  case Opcode::Concat: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    auto outStrides = stridesOf(outShape);
    llvm::Value *out = result();
    int64_t base = 0;
    for (unsigned i = 0; i < op.getNumOperands(); ++i) {
      llvm::ArrayRef<int64_t> s = inType(i).getShape();
      // The result is fresh: large ones are streamed (tdl_rt_scatter).
      b.CreateCall(me.rt("tdl_rt_scatter"),
                   {i64(esize), i64(s.size()), me.i64Array(s),
                    me.i64Array(outStrides), i64(base), in(i), out,
                    i64(outT.getNumElements() * esize)});
      base += s[axis] * outStrides[axis];
    }
    return llvm::Error::success();
  }
  case Opcode::Pad: {
    const ir::IntArray &lo = ir::OpAttrs(attrs).lo();
    llvm::ArrayRef<int64_t> s = inType(0).getShape();
    b.CreateCall(me.rt("tdl_rt_pad"),
                 {i64(esize), i64(s.size()), me.i64Array(outShape),
                  me.i64Array(s), me.i64Array(lo), in(1), in(0), result()});
    return llvm::Error::success();
  }
  default:
    return unsupported(op);
  }
}

} // namespace tdl::cpu
