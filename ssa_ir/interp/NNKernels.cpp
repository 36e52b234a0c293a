//===- NNKernels.cpp - matmul, conv2d, pooling ----------------------------===//
//
// Plain loops ordered for contiguous inner loops (matmul i-k-j, conv2d with
// the output row innermost). Accumulation is in the result dtype: f32 in f32,
// i8 x i8 in i32 (widening, wrapping), other integers wrap.
// avg_pool2d divides by the full window area, counting padding (PyTorch's
// default count_include_pad=True); max_pool2d ignores padding (pads with
// -inf, or the lowest integer).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpParams.h"
#include "ssa_ir/interp/Kernels.h"

#include "runtime/kernels/ConvGrad.h"
#include "runtime/kernels/MatmulBatch.h"
#include "runtime/kernels/MulAdd.h"
#include "runtime/kernels/Window.h"

#include <limits>

namespace tdl::ir::kernels {

namespace {

/// matmul and conv2d accumulate with fused multiply-adds
/// (runtime/kernels/MulAdd.h): built once for FMA hardware and once for the
/// baseline (a libm call per step), chosen when the program loads; both
/// give the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TDL_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define TDL_FMA_CLONES
#endif

/// Accumulator arithmetic of result type R: unsigned for integers (wraps).
template <typename R, bool = std::is_integral_v<R>> struct Acc {
  using type = R;
};
template <typename R> struct Acc<R, true> {
  using type = std::make_unsigned_t<R>;
};

template <typename T, typename R>
TDL_FMA_CLONES void matmulT(const RuntimeValue &a, const RuntimeValue &b,
                            RuntimeValue &out) {
  using A = typename Acc<R>::type;
  llvm::ArrayRef<int64_t> as = a.getShape(), bs = b.getShape(),
                          os = out.getShape();
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  unsigned batchRank = os.size() - 2;
  llvm::ArrayRef<int64_t> batch = os.take_front(batchRank);
  // Batch strides of a and b in matrices (0 where a batch dim broadcasts).
  auto batchStrides = [&](llvm::ArrayRef<int64_t> s) {
    llvm::SmallVector<int64_t, 4> st(batchRank);
    tdl::kernels::matmulBatchStrides(s.data(), s.size(), batchRank, st.data());
    return st;
  };
  auto sa = batchStrides(as), sb = batchStrides(bs);
  const T *ap = a.data<T>();
  const T *bp = b.data<T>();
  R *op = out.mutableData<R>();
  std::vector<A> row(n);
  int64_t numBatches = numElements(batch);
  bool big = double(numBatches) * m * n * k > double(kStopBlock);
  llvm::SmallVector<int64_t, 4> idx(batchRank, 0);
  for (int64_t bi = 0; bi < numBatches; ++bi) {
    int64_t offA = 0, offB = 0;
    for (unsigned d = 0; d < batchRank; ++d) {
      offA += idx[d] * sa[d];
      offB += idx[d] * sb[d];
    }
    const T *A0 = ap + offA * m * k;
    const T *B0 = bp + offB * k * n;
    R *C0 = op + bi * m * n;
    for (int64_t i = 0; i < m; ++i) {
      if ((bi > 0 || i > 0) && big && stopRequested()) // Ctrl-C: unfinished
        return;
      std::fill(row.begin(), row.end(), A(0));
      for (int64_t p = 0; p < k; ++p) {
        A aik = A(R(A0[i * k + p]));
        const T *brow = B0 + p * n;
        for (int64_t j = 0; j < n; ++j)
          row[j] = tdl::kernels::mulAdd(row[j], aik, A(R(brow[j])));
      }
      for (int64_t j = 0; j < n; ++j)
        C0[i * n + j] = R(row[j]);
    }
    for (int d = int(batchRank) - 1; d >= 0; --d) {
      if (++idx[d] < batch[d])
        break;
      idx[d] = 0;
    }
  }
}

template <typename T, typename R>
TDL_FMA_CLONES void conv2dT(const RuntimeValue &x, const RuntimeValue &w,
                            RuntimeValue &out, const Conv2DParams &p) {
  using A = typename Acc<R>::type;
  llvm::ArrayRef<int64_t> xs = x.getShape(), ws = w.getShape(),
                          os = out.getShape();
  int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3];
  int64_t O = ws[0], Cg = ws[1], KH = ws[2], KW = ws[3];
  int64_t OH = os[2], OW = os[3];
  int64_t Og = O / p.groups;
  const T *xp = x.data<T>();
  const T *wp = w.data<T>();
  R *op = out.mutableData<R>();
  std::vector<A> acc(OH * OW);
  bool big = double(N) * O * Cg * KH * KW * OH * OW > double(kStopBlock);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o) {
      if ((n > 0 || o > 0) && big && stopRequested()) // Ctrl-C: unfinished
        return;
      std::fill(acc.begin(), acc.end(), A(0));
      int64_t g = o / Og;
      for (int64_t c = 0; c < Cg; ++c) {
        const T *xc = xp + ((n * C) + g * Cg + c) * H * W;
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            A wv = A(R(wp[((o * Cg + c) * KH + kh) * KW + kw]));
            for (int64_t oh = 0; oh < OH; ++oh) {
              int64_t ih = oh * p.stride[0] - p.padding[0] + kh * p.dilation[0];
              if (ih < 0 || ih >= H)
                continue;
              const T *xrow = xc + ih * W;
              A *arow = acc.data() + oh * OW;
              for (int64_t ow = 0; ow < OW; ++ow) {
                int64_t iw =
                    ow * p.stride[1] - p.padding[2] + kw * p.dilation[1];
                if (iw >= 0 && iw < W)
                  arow[ow] = tdl::kernels::mulAdd(arow[ow], wv, A(R(xrow[iw])));
              }
            }
          }
      }
      R *dst = op + (n * O + o) * OH * OW;
      for (int64_t i = 0; i < OH * OW; ++i)
        dst[i] = R(acc[i]);
    }
}

/// The products of conv2d's pullbacks (runtime/kernels/ConvGrad.h), with
/// the FMA clones of conv2dT.
template <typename T>
TDL_FMA_CLONES void gradInputCols(const tdl::kernels::ConvGradShape &s,
                                  const T *wg, const T *dyng, T *col) {
  tdl::kernels::gradInputColsRef<T>(s, wg, dyng, col);
}
template <typename T>
TDL_FMA_CLONES void gradFilterAcc(const tdl::kernels::ConvGradShape &s,
                                  const T *dyng, const T *col, T *dwg,
                                  bool accumulate) {
  tdl::kernels::gradFilterAccRef<T>(s, dyng, col, dwg, accumulate);
}

} // namespace

RuntimeValue evalMatmul(const Operation &op, const RuntimeValue &a,
                        const RuntimeValue &b) {
  RuntimeValue out = RuntimeValue::zeros(op.getResult(0)->getType());
  if (a.getDType() == DType::I8) {
    matmulT<int8_t, int32_t>(a, b, out);
    return out;
  }
  dispatchDType(a.getDType(), [&]<typename T>() { matmulT<T, T>(a, b, out); });
  return out;
}

RuntimeValue evalConv2D(const Operation &op, const RuntimeValue &x,
                        const RuntimeValue &w) {
  Conv2DParams p;
  getConv2DParams(op.getAttrs(), p);
  RuntimeValue out = RuntimeValue::zeros(op.getResult(0)->getType());
  if (x.getDType() == DType::I8) {
    conv2dT<int8_t, int32_t>(x, w, out, p);
    return out;
  }
  dispatchDType(x.getDType(),
                [&]<typename T>() { conv2dT<T, T>(x, w, out, p); });
  return out;
}

RuntimeValue evalConv2DGrad(const Operation &op, const RuntimeValue &a,
                            const RuntimeValue &dy) {
  Conv2DParams p;
  getConv2DParams(op.getAttrs(), p);
  RuntimeValue out = RuntimeValue::zeros(op.getResult(0)->getType());
  bool forInput = op.getOpcode() == Opcode::Conv2DGradInput;
  llvm::ArrayRef<int64_t> xs = forInput ? out.getShape() : a.getShape(),
                          ws = forInput ? a.getShape() : out.getShape(),
                          ys = dy.getShape();
  tdl::kernels::ConvGradShape s{
      xs[0],         xs[1],       xs[2],        xs[3],        ws[0],
      ws[1],         ws[2],       ws[3],        ys[2],        ys[3],
      p.stride[0],   p.stride[1], p.padding[0], p.padding[2], p.dilation[0],
      p.dilation[1], p.groups};
  auto run = [&]<typename T>() {
    std::vector<T> col(size_t(s.k() * s.p()));
    if (forInput)
      tdl::kernels::conv2dGradInput<T>(s, a.data<T>(), dy.data<T>(),
                                       out.mutableData<T>(), col.data(),
                                       [&](const T *wg, const T *dyng, T *c) {
                                         gradInputCols<T>(s, wg, dyng, c);
                                       });
    else
      tdl::kernels::conv2dGradFilter<T>(
          s, a.data<T>(), dy.data<T>(), out.mutableData<T>(), s.k(), col.data(),
          s.k(), [&](const T *dyng, const T *c, T *dwg, bool accumulate) {
            gradFilterAcc<T>(s, dyng, c, dwg, accumulate);
          });
  };
  if (a.getDType() == DType::F32)
    run.operator()<float>();
  else
    run.operator()<double>(); // the type rule allows floats only
  return out;
}

RuntimeValue evalPool2D(const Operation &op, const RuntimeValue &x) {
  Pool2DParams p;
  getPool2DParams(op.getAttrs(), p);
  RuntimeValue out = RuntimeValue::zeros(op.getResult(0)->getType());
  bool isMax = op.getOpcode() == Opcode::MaxPool2D;
  dispatchDType(x.getDType(), [&]<typename T>() {
    llvm::ArrayRef<int64_t> xs = x.getShape(), os = out.getShape();
    tdl::kernels::PoolShape s{xs[0] * xs[1], xs[2],       xs[3],
                              os[2],         os[3],       p.window[0],
                              p.window[1],   p.stride[0], p.stride[1],
                              p.padding[0],  p.padding[2]};
    tdl::kernels::pool2d<T>(x.data<T>(), out.mutableData<T>(), s, isMax);
  });
  return out;
}

RuntimeValue evalPool2DGrad(const Operation &op,
                            llvm::ArrayRef<RuntimeValue> in) {
  Pool2DParams p;
  getPool2DParams(op.getAttrs(), p);
  bool isMax = op.getOpcode() == Opcode::MaxPool2DGrad;
  const RuntimeValue &x = in[0], &dy = in.back();
  RuntimeValue out = RuntimeValue::zeros(op.getResult(0)->getType());
  auto run = [&]<typename T>() {
    llvm::ArrayRef<int64_t> xs = x.getShape(), os = dy.getShape();
    tdl::kernels::PoolShape s{xs[0] * xs[1], xs[2],       xs[3],
                              os[2],         os[3],       p.window[0],
                              p.window[1],   p.stride[0], p.stride[1],
                              p.padding[0],  p.padding[2]};
    tdl::kernels::pool2dGrad<T>(x.data<T>(), isMax ? in[1].data<T>() : nullptr,
                                dy.data<T>(), out.mutableData<T>(), s, isMax);
  };
  if (x.getDType() == DType::F32)
    run.operator()<float>();
  else
    run.operator()<double>(); // the type rule allows floats only
  return out;
}

} // namespace tdl::ir::kernels
