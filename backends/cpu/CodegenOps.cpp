//===- CodegenOps.cpp - tensor ops: loops and kernel-runtime calls --------===//
//
// Elementwise ops are loops over the flat index that call the runtime's
// scalar function for the op and dtype (`tdl_ew_add_f32`); those are always
// inlined, so the loop vectorizes at -O2/-O3 and the arithmetic is the
// interpreter's, written once in C++. Data movement, reductions, matmul,
// conv/pool, iota and RNG call runtime kernels with shapes and strides
// computed here, at compile time, as constant i64 arrays.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"
#include "backends/cpu/LoopNest.h"

#include "runtime/cpu/Gemm.h"
#include "runtime/kernels/Reduce.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"

namespace tdl::cpu {

static llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

static bool isElementwise(ir::Opcode op) {
  return ir::getOpInfo(op).has(ir::Elementwise);
}

/// A transpose that swaps the last two dims (batch dims in place) and whose
/// every use is an operand of a matrix-by-matrix matmul in the same region,
/// as autodiff's pullback of a matmul makes (`dY @ Bᵀ`, `Aᵀ @ dY`). The
/// matmul packs its operand from the transposed layout (runtime/cpu/Gemm.h
/// GemmOperand), so the transpose only renames its input's buffer. A
/// transpose hoisted out of a loop whose body multiplies by it is copied
/// once instead: every iteration packs the operand again, and packing a
/// row-major matrix is cheaper.
static bool foldsIntoMatmul(const ir::Operation &op) {
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

std::vector<uint8_t> splatBytes(const ir::Attribute &value, ir::DType dt) {
  std::vector<uint8_t> bytes(ir::dtypeSize(dt));
  auto put = [&](auto v) { std::memcpy(bytes.data(), &v, sizeof(v)); };
  auto convert = [&]<typename T>() {
    if (const double *f = value.getIf<double>())
      put(T(*f));
    else if (const int64_t *i = value.getIf<int64_t>())
      put(T(*i));
    else
      put(T(value.get<bool>() ? 1 : 0));
  };
  switch (dt) {
  case ir::DType::Bool:
    convert.operator()<uint8_t>();
    break;
  case ir::DType::I8:
    convert.operator()<int8_t>();
    break;
  case ir::DType::I32:
    convert.operator()<int32_t>();
    break;
  case ir::DType::I64:
    convert.operator()<int64_t>();
    break;
  case ir::DType::F32:
    convert.operator()<float>();
    break;
  case ir::DType::F64:
    convert.operator()<double>();
    break;
  }
  return bytes;
}

llvm::GlobalVariable *FunctionEmitter::constantGlobal(const ir::Operation &op) {
  const ir::Type &outT = op.getResult(0)->getType();
  const ir::Attribute &value = ir::OpAttrs(op).value();
  std::vector<uint8_t> bytes;
  if (const ir::DenseElements *d = value.getIf<ir::DenseElements>()) {
    bytes = d->bytes;
  } else {
    std::vector<uint8_t> one = splatBytes(value, outT.getDType());
    for (int64_t i = 0, n = outT.getNumElements(); i < n; ++i)
      bytes.insert(bytes.end(), one.begin(), one.end());
  }
  if (bytes.empty())
    bytes.push_back(0);
  auto *data = llvm::ConstantDataArray::getRaw(
      llvm::StringRef((const char *)bytes.data(), bytes.size()), bytes.size(),
      b.getInt8Ty());
  auto *gv = new llvm::GlobalVariable(me.m, data->getType(), true,
                                      llvm::GlobalValue::PrivateLinkage, data,
                                      "tdl.const");
  gv->setAlignment(llvm::Align(16));
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return gv;
}

llvm::Error FunctionEmitter::emitTensorOp(const ir::Operation &op) {
  using ir::Opcode;
  const ir::AttrList &attrs = op.getAttrs();
  if (op.getNumResults() != 1 || !op.getResult(0)->getType().isTensor())
    return unsupported(op);
  const ir::Type &outT = op.getResult(0)->getType();
  llvm::ArrayRef<int64_t> outShape = outT.getShape();
  int64_t esize = ir::dtypeSize(outT.getDType());
  int32_t outDt = int32_t(outT.getDType());
  auto in = [&](unsigned i) { return leaf(op.getOperand(i)); };
  auto inType = [&](unsigned i) -> const ir::Type & {
    return op.getOperand(i)->getType();
  };
  auto result = [&]() {
    llvm::Value *buf = resultBuffer(op.getResult(0));
    bind(op.getResult(0), {buf});
    return buf;
  };
  auto gather = [&](llvm::ArrayRef<int64_t> inStrides, llvm::Value *base) {
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_gather"),
                 {i64(esize), i64(outShape.size()), me.i64Array(outShape),
                  me.i64Array(inStrides), base, in(0), out});
  };

  Opcode code = op.getOpcode();
  // Aliases: no data changes (or a transpose the matmuls reading it fold).
  if (code == Opcode::Reshape || code == Opcode::StopGradient ||
      (code == Opcode::Cast && inType(0).getDType() == outT.getDType()) ||
      foldsIntoMatmul(op)) {
    bind(op.getResult(0), {in(0)});
    return llvm::Error::success();
  }

  if (isElementwise(code)) {
    int64_t n = outT.getNumElements();
    ir::DType inDt = inType(0).getDType();
    if ((code == Opcode::Div || code == Opcode::Rem) && ir::isInteger(inDt)) {
      llvm::Value *zero = b.CreateCall(me.rt("tdl_rt_has_zero"),
                                       {i32(int32_t(inDt)), i64(n), in(1)});
      branchToErrorIf(b.CreateICmpNE(zero, i32(0)),
                      me.addErrorSite(op.getLoc()),
                      code == Opcode::Div ? "integer division by zero"
                                          : "integer remainder by zero");
    }
    // A loop nest of one op (LoopNest.h): one vectorizable pass.
    const ir::Operation *self = &op;
    llvm::Value *out = inPlaceResultBuffer(op);
    bind(op.getResult(0), {out});
    return emitLoopNest(*this, {self}, op, out);
  }

  switch (code) {
  case Opcode::Constant: {
    const ir::Attribute &value = ir::OpAttrs(attrs).value();
    int64_t n = outT.getNumElements();
    if (!value.getIf<ir::DenseElements>() && n * esize > 4096) {
      // A big splat read by a non-fused op: fill at run time.
      std::vector<uint8_t> one = splatBytes(value, outT.getDType());
      llvm::Value *out = result();
      auto *data = llvm::ConstantDataArray::getRaw(
          llvm::StringRef((const char *)one.data(), one.size()), one.size(),
          b.getInt8Ty());
      auto *gv = new llvm::GlobalVariable(me.m, data->getType(), true,
                                          llvm::GlobalValue::PrivateLinkage,
                                          data, "tdl.splat");
      gv->setAlignment(llvm::Align(16));
      b.CreateCall(me.rt("tdl_rt_fill"), {i64(esize), i64(n), gv, out});
      return llvm::Error::success();
    }
    bind(op.getResult(0), {constantGlobal(op)});
    return llvm::Error::success();
  }
  case Opcode::Iota: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    int64_t len = outShape[axis];
    int64_t inner = ir::numElements(outShape.drop_front(axis + 1));
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_iota"), {i32(outDt), i64(outT.getNumElements()),
                                        i64(len), i64(inner), out});
    return llvm::Error::success();
  }
  case Opcode::RngUniform:
  case Opcode::RngNormal: {
    llvm::Value *seed = loadScalar(op.getOperand(0));
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_rng"),
                 {i32(outDt), i32(code == Opcode::RngNormal ? 1 : 0), seed,
                  i64(outT.getNumElements()), out});
    return llvm::Error::success();
  }
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
                  me.i64Array(xStrides), base, in(1), out});
    return llvm::Error::success();
  }
  case Opcode::Concat: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    auto outStrides = stridesOf(outShape);
    llvm::Value *out = result();
    int64_t base = 0;
    for (unsigned i = 0; i < op.getNumOperands(); ++i) {
      llvm::ArrayRef<int64_t> s = inType(i).getShape();
      b.CreateCall(me.rt("tdl_rt_scatter"),
                   {i64(esize), i64(s.size()), me.i64Array(s),
                    me.i64Array(outStrides), i64(base), in(i), out});
      base += s[axis] * outStrides[axis];
    }
    return llvm::Error::success();
  }
  case Opcode::Pad: {
    const ir::IntArray &lo = ir::OpAttrs(attrs).lo();
    auto outStrides = stridesOf(outShape);
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_fill"),
                 {i64(esize), i64(outT.getNumElements()), in(1), out});
    int64_t base = 0;
    for (size_t d = 0; d < lo.size(); ++d)
      base += lo[d] * outStrides[d];
    llvm::ArrayRef<int64_t> s = inType(0).getShape();
    b.CreateCall(me.rt("tdl_rt_scatter"),
                 {i64(esize), i64(s.size()), me.i64Array(s),
                  me.i64Array(outStrides), i64(base), in(0), out});
    return llvm::Error::success();
  }
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd: {
    const ir::IntArray &axes = ir::OpAttrs(attrs).axes();
    auto dense = stridesOf(outShape);
    llvm::SmallVector<int64_t, 6> outStrides;
    unsigned k = 0;
    for (unsigned d = 0; d < inType(0).getRank(); ++d)
      outStrides.push_back(llvm::is_contained(axes, int64_t(d)) ? 0
                                                                : dense[k++]);
    int32_t kind = code == Opcode::ReduceSum   ? 0
                   : code == Opcode::ReduceMax ? 1
                   : code == Opcode::ReduceMin ? 2
                                               : 3;
    llvm::Value *out = result();
    llvm::ArrayRef<int64_t> xs = inType(0).getShape();
    b.CreateCall(me.rt("tdl_rt_reduce"),
                 {i32(outDt), i32(kind), i64(xs.size()), me.i64Array(xs),
                  me.i64Array(outStrides), i64(outT.getNumElements()), in(0),
                  out});
    // The kernel stops early on Ctrl-C after 65536 elements (Interrupt.h,
    // Reduce.h); a smaller one never does.
    if (ir::numElements(xs) > tdl::kernels::kReduceStopBlock)
      pollInterrupt(op);
    return llvm::Error::success();
  }
  case Opcode::ArgMax:
  case Opcode::ArgMin: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    llvm::ArrayRef<int64_t> s = inType(0).getShape();
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_argreduce"),
                 {i32(int32_t(inType(0).getDType())),
                  i32(code == Opcode::ArgMax ? 1 : 0),
                  i64(ir::numElements(s.take_front(axis))), i64(s[axis]),
                  i64(ir::numElements(s.drop_front(axis + 1))), in(0), out});
    return llvm::Error::success();
  }
  case Opcode::Matmul: {
    llvm::ArrayRef<int64_t> as = inType(0).getShape(),
                            bs = inType(1).getShape();
    int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    unsigned batchRank = outShape.size() - 2;
    auto batchStrides = [&](llvm::ArrayRef<int64_t> s) {
      llvm::ArrayRef<int64_t> own = s.drop_back(2);
      llvm::SmallVector<int64_t, 4> st(batchRank, 0);
      int64_t stride = 1;
      for (int i = int(own.size()) - 1; i >= 0; --i) {
        unsigned d = batchRank - own.size() + i;
        st[d] = own[i] == 1 ? 0 : stride;
        stride *= own[i];
      }
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
    { // Conv.cpp: direct loops' accumulators, or im2col columns + GEMM.
      int64_t acc = ir::dtypeSize(outT.getDType());
      int64_t og = ws[0] / p.groups, kk = ws[1] * ws[2] * ws[3],
              pp = outShape[2] * outShape[3];
      int64_t direct = pp * acc;
      int64_t im2col =
          (kk * pp * ir::dtypeSize(inType(0).getDType()) + 63) / 64 * 64 +
          rt::gemmScratchBound(og, kk, pp, acc);
      noteKernelScratch(std::max(direct, im2col) + 64);
    }
    std::string fn =
        ("tdl_rt_conv2d_" + ir::dtypeName(inType(0).getDType())).str();
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
