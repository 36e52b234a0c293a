//===- ConvGrad.cpp - conv2d's pullbacks on the packed GEMM ---------------===//
//
// conv2d_grad_input and conv2d_grad_filter run the loops of
// runtime/kernels/ConvGrad.h, the interpreter's, with the products on the
// packed GEMM (Gemm.h), which sums each element in the same k order with
// the same fused multiply-adds, so the results are the interpreter's bit
// for bit:
//  - input:  col [K, P] = Wgᵀ @ dY: the weights read transposed in place
//    (packing reads down their columns), dY's rows of one image as B.
//  - filter: dWg [Og, K] (+)= dY [Og, P] @ colᵀ, one image's columns at a
//    time (written transposed by im2col: a row-major B, read in place for
//    a few rows of dW), each call continuing the previous one's sums
//    (gemmOf's `accumulate`).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/ConvGrad.h"

#include "runtime/cpu/Gemm.h"
#include "runtime/cpu/Interrupt.h"
#include "runtime/cpu/Scratch.h"
#include <string.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

using namespace tdl::rt;
using tdl::kernels::ConvGradShape;

namespace {

/// params: N C H W, O Cg KH KW, OH OW, stride h w, padding top left,
/// dilation h w, groups (backends/cpu/CodegenLinalg.cpp).
ConvGradShape shapeOf(const int64_t *p) {
  return ConvGradShape{p[0],  p[1],  p[2],  p[3],  p[4],  p[5],
                       p[6],  p[7],  p[8],  p[9],  p[10], p[11],
                       p[12], p[13], p[14], p[15], p[16]};
}

template <int32_t Dtype, typename T>
void gradInput(bool fast, const int64_t *params, const T *w, const T *dy,
               T *dx) {
  ConvGradShape s = shapeOf(params);
  const int64_t Og = s.og(), K = s.k(), P = s.p();
  Scratch colBuf(K * P * int64_t(sizeof(T)));
  T *col = static_cast<T *>(colBuf.data);
  if (!col)
    return; // out of memory: unreachable in practice (the frame reserves it)
  Isa isa = hostIsa();
  tdl::kernels::conv2dGradInput<T>(
      s, w, dy, dx, col, [&](const T *wg, const T *dyng, T *c) {
        if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C: unfinished
          return;
        gemmOf<Dtype>(isa, fast, K, Og, P, GemmOperand{wg, K, true},
                      GemmOperand{dyng, P}, c, P);
      });
}

template <int32_t Dtype, typename T>
void gradFilter(bool fast, const int64_t *params, const T *x, const T *dy,
                T *dw) {
  ConvGradShape s = shapeOf(params);
  const int64_t Og = s.og(), K = s.k(), P = s.p();
  Isa isa = hostIsa();
  // colT's rows padded with zeros to whole microkernel panels: the GEMM
  // reads every panel of B in place (a few rows of dW) instead of packing
  // the last, partial one on every call (LeNet's first layer: 25 of 32).
  // dW's padded columns, sums of dy * 0, are dropped at the end.
  const int64_t nr = GemmKernels<Dtype>::micro(fast, isa).nr;
  const int64_t ld = (K + nr - 1) / nr * nr;
  Scratch colBuf(P * ld * int64_t(sizeof(T)));
  Scratch dwBuf(s.O * ld * int64_t(sizeof(T)));
  T *col = static_cast<T *>(colBuf.data);
  T *dwPadded = static_cast<T *>(dwBuf.data);
  if (!col || !dwPadded)
    return; // out of memory: unreachable in practice (the frame reserves it)
  T *target = ld == K ? dw : dwPadded;
  if (ld != K)
    memset(col, 0, size_t(P * ld) * sizeof(T));
  tdl::kernels::conv2dGradFilter<T>(
      s, x, dy, target, ld, col, ld,
      [&](const T *dyng, const T *c, T *dwg, bool accumulate) {
        if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C: unfinished
          return;
        gemmOf<Dtype>(isa, fast, Og, P, ld, GemmOperand{dyng, P},
                      GemmOperand{c, ld}, dwg, ld, accumulate);
      });
  if (ld != K)
    for (int64_t o = 0; o < s.O; ++o)
      memcpy(dw + o * K, dwPadded + o * ld, size_t(K) * sizeof(T));
}

} // namespace

/// conv2d's pullbacks per float dtype; `fast`: -ffast-math (the GEMM may
/// reassociate). params: shapeOf.
#define TDL_CONV_GRAD(SUF, DT, T)                                              \
  TDL_RT void tdl_rt_conv2d_grad_input_##SUF(                                  \
      int32_t fast, const int64_t *params, const void *w, const void *dy,      \
      void *dx) {                                                              \
    gradInput<DT, T>(fast != 0, params, (const T *)w, (const T *)dy, (T *)dx); \
  }                                                                            \
  TDL_RT void tdl_rt_conv2d_grad_filter_##SUF(                                 \
      int32_t fast, const int64_t *params, const void *x, const void *dy,      \
      void *dw) {                                                              \
    gradFilter<DT, T>(fast != 0, params, (const T *)x, (const T *)dy,          \
                      (T *)dw);                                                \
  }
TDL_CONV_GRAD(f32, 4, float)
TDL_CONV_GRAD(f64, 5, double)
