//===- ConvGrad.h - the pullbacks of conv2d ---------------------*- C++ -*-===//
//
// conv2d_grad_input and conv2d_grad_filter (docs/ir.md "Linear algebra and
// NN"), as GEMMs around im2col / col2im so that both backends can run them
// at GEMM speed while summing in one defined order:
//
//  - input:  per image and group, col = Wgᵀ @ dY (K = (c, kh, kw) rows, one
//    column per output position; each element the FMA chain over the
//    group's output channels in increasing order, from +0), then col2im:
//    dx starts at +0 and adds, for (c, kh, kw) in increasing order, each
//    column's value to the input element its tap reads. An element of dx is
//    so the sum, in (kh, kw) order, of one product chain per tap that reaches
//    it; no zero-padded, zero-interleaved cotangent is ever built.
//  - filter: per group, dW[o, (c, kh, kw)] is the FMA chain over
//    (n, oh, ow) in increasing order, from +0, of dy[n, o, oh, ow] times the
//    input element the tap reads (+0 in the padding): dY @ colᵀ with the
//    images' columns one after the other along k. im2col writes colᵀ
//    directly (one row per output position), so the GEMM reads a row-major
//    B instead of packing a transposed one element by element.
//
// The products are the caller's: the interpreter passes the loops of
// gradInputColsRef / gradFilterAccRef below, the cpu runtime its packed
// GEMM (runtime/cpu/ConvGrad.cpp), which sums each element in the same
// order (runtime/cpu/Gemm.h). im2col, col2im and the loop over images and
// groups are this file's, for both.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_CONVGRAD_H
#define TDL_RUNTIME_KERNELS_CONVGRAD_H

#include "runtime/kernels/MulAdd.h"

#include <stdint.h>

namespace tdl::kernels {

/// The forward convolution's geometry: x [N, C, H, W], w [O, Cg, KH, KW],
/// y [N, O, OH, OW] with C = Cg * groups; stride, top/left padding,
/// dilation.
struct ConvGradShape {
  int64_t N, C, H, W, O, Cg, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw, groups;

  int64_t og() const { return O / groups; }
  /// Rows of col: (c, kh, kw) of one group.
  int64_t k() const { return Cg * KH * KW; }
  /// Columns of col: the output positions of one image.
  int64_t p() const { return OH * OW; }
  /// Output columns [lo, hi) whose tap kw reads inside the row (W).
  void columns(int64_t kw, int64_t &lo, int64_t &hi) const {
    int64_t off = kw * dw - pl;
    lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
    hi = W - off <= 0 ? 0 : (W - off + sw - 1) / sw;
    hi = hi < OW ? hi : OW;
    lo = lo < hi ? lo : hi;
  }
};

/// im2colRowsZeroPadded with KW == KWc and dilation 1 along w if KWc > 0
/// (the copy of one output's taps is then a few vector moves; generic, it
/// was most of a LeNet weight gradient), else any KW.
template <int KWc, typename T>
void im2colRowsOf(const T *x, const ConvGradShape &s, T *colT, int64_t ld) {
  const int64_t KW = KWc > 0 ? KWc : s.KW, dw = KWc > 0 ? 1 : s.dw,
                span = (KW - 1) * dw;
  for (int64_t oh = 0; oh < s.OH; ++oh)
    for (int64_t c = 0; c < s.Cg; ++c)
      for (int64_t kh = 0; kh < s.KH; ++kh) {
        T *dst = colT + oh * s.OW * ld + (c * s.KH + kh) * KW;
        int64_t ih = oh * s.sh - s.pt + kh * s.dh;
        if (ih < 0 || ih >= s.H) {
          for (int64_t ow = 0; ow < s.OW; ++ow)
            for (int64_t kw = 0; kw < KW; ++kw)
              dst[ow * ld + kw] = T(0);
          continue;
        }
        const T *row = x + (c * s.H + ih) * s.W;
        // Outputs [lo, hi) have every tap inside the row: a branch-free
        // copy loop; the ones before and after check each tap.
        int64_t lo = s.pl <= 0 ? 0 : (s.pl + s.sw - 1) / s.sw;
        int64_t hi =
            s.W - span + s.pl <= 0 ? 0 : (s.W - span + s.pl + s.sw - 1) / s.sw;
        hi = hi < s.OW ? hi : s.OW;
        lo = lo < hi ? lo : hi;
        auto edge = [&](int64_t ow) {
          int64_t iw0 = ow * s.sw - s.pl;
          T *d = dst + ow * ld;
          for (int64_t kw = 0; kw < KW; ++kw) {
            int64_t iw = iw0 + kw * dw;
            d[kw] = iw >= 0 && iw < s.W ? row[iw] : T(0);
          }
        };
        for (int64_t ow = 0; ow < lo; ++ow)
          edge(ow);
        const T *r = row + lo * s.sw - s.pl;
        T *d = dst + lo * ld;
        for (int64_t ow = lo; ow < hi; ++ow, r += s.sw, d += ld) {
          if constexpr (KWc > 0) // a copy of constant size: vector moves
            __builtin_memcpy(d, r, KWc * sizeof(T));
          else
            for (int64_t kw = 0; kw < KW; ++kw)
              d[kw] = r[kw * dw];
        }
        for (int64_t ow = hi; ow < s.OW; ++ow)
          edge(ow);
      }
}

/// colT[(oh * OW + ow) * ld + (c * KH + kh) * KW + kw] = the element tap
/// (kh, kw) of output (oh, ow) reads in channel c of `x` (one image's Cg
/// planes), +0 in the padding: im2col's columns as rows, the row-major B
/// operand of dY @ colᵀ, which the GEMM then reads without transposing.
/// Columns K..ld-1 are left alone.
template <typename T>
void im2colRowsZeroPadded(const T *x, const ConvGradShape &s, T *colT,
                          int64_t ld) {
  if (s.dw == 1 || s.KW == 1)
    switch (s.KW) {
    case 2:
      return im2colRowsOf<2>(x, s, colT, ld);
    case 3:
      return im2colRowsOf<3>(x, s, colT, ld);
    case 4:
      return im2colRowsOf<4>(x, s, colT, ld);
    case 5:
      return im2colRowsOf<5>(x, s, colT, ld);
    case 7:
      return im2colRowsOf<7>(x, s, colT, ld);
    }
  im2colRowsOf<0>(x, s, colT, ld);
}

/// dx (one image's Cg planes, +0 on entry) += each col element at the input
/// element its tap reads, for (c, kh, kw) in increasing order; taps in the
/// padding are dropped.
template <typename T>
void col2imAdd(const T *col, const ConvGradShape &s, T *dx) {
  const int64_t P = s.p();
  for (int64_t c = 0; c < s.Cg; ++c)
    for (int64_t kh = 0; kh < s.KH; ++kh)
      for (int64_t kw = 0; kw < s.KW; ++kw, col += P) {
        T *plane = dx + c * s.H * s.W;
        int64_t lo, hi;
        s.columns(kw, lo, hi);
        for (int64_t oh = 0; oh < s.OH; ++oh) {
          int64_t ih = oh * s.sh - s.pt + kh * s.dh;
          if (ih < 0 || ih >= s.H)
            continue;
          T *row = plane + ih * s.W + kw * s.dw - s.pl;
          const T *src = col + oh * s.OW;
          if (s.sw == 1)
            for (int64_t ow = lo; ow < hi; ++ow) // contiguous: vectorizes
              row[ow] = row[ow] + src[ow];
          else
            for (int64_t ow = lo; ow < hi; ++ow)
              row[ow * s.sw] = row[ow * s.sw] + src[ow];
        }
      }
}

/// conv2d_grad_input: dx [N, C, H, W] from w and dy. `cols(g, wg, dyng,
/// col)` stores col [K, P] = wgᵀ @ dyng, where wg is the group's [Og, K]
/// weights and dyng its [Og, P] cotangent rows of one image; `col` is
/// scratch of K * P elements.
template <typename T, typename Cols>
void conv2dGradInput(const ConvGradShape &s, const T *w, const T *dy, T *dx,
                     T *col, Cols &&cols) {
  const int64_t Og = s.og(), K = s.k(), P = s.p(), HW = s.H * s.W;
  for (int64_t i = 0; i < s.N * s.C * HW; ++i)
    dx[i] = T(0);
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t g = 0; g < s.groups; ++g) {
      cols(w + g * Og * K, dy + (n * s.O + g * Og) * P, col);
      col2imAdd(col, s, dx + (n * s.C + g * s.Cg) * HW);
    }
}

/// conv2d_grad_filter: dw [O, Cg, KH, KW] from x and dy, row o at
/// dw + o * ldw. `acc(dyng, colT, dwg, accumulate)` stores dwg [Og, K] =
/// (accumulate ? dwg : +0) + dyng [Og, P] @ colT [P, K], k in increasing
/// order; `colT` is scratch of P * ldc elements, its row q at colT + q *
/// ldc (columns K.. untouched: a caller may pad the rows to its GEMM's
/// panel width and keep them zero).
template <typename T, typename Acc>
void conv2dGradFilter(const ConvGradShape &s, const T *x, const T *dy, T *dw,
                      int64_t ldw, T *col, int64_t ldc, Acc &&acc) {
  const int64_t Og = s.og(), K = s.k(), P = s.p(), HW = s.H * s.W;
  if (s.N == 0)
    for (int64_t o = 0; o < s.O; ++o)
      for (int64_t j = 0; j < K; ++j)
        dw[o * ldw + j] = T(0);
  for (int64_t g = 0; g < s.groups; ++g)
    for (int64_t n = 0; n < s.N; ++n) {
      im2colRowsZeroPadded(x + (n * s.C + g * s.Cg) * HW, s, col, ldc);
      acc(dy + (n * s.O + g * Og) * P, col, dw + g * Og * ldw, n > 0);
    }
}

/// The interpreter's product of conv2dGradInput: the definition's loops.
template <typename T>
void gradInputColsRef(const ConvGradShape &s, const T *wg, const T *dyng,
                      T *col) {
  const int64_t Og = s.og(), K = s.k(), P = s.p();
  for (int64_t j = 0; j < K; ++j) {
    T *row = col + j * P;
    for (int64_t q = 0; q < P; ++q)
      row[q] = T(0);
    for (int64_t o = 0; o < Og; ++o) {
      T wv = wg[o * K + j];
      const T *d = dyng + o * P;
      for (int64_t q = 0; q < P; ++q)
        row[q] = mulAdd(row[q], wv, d[q]);
    }
  }
}

/// The interpreter's product of conv2dGradFilter: per element of dwg the
/// chain over q in increasing order (the loops run q outside j only so the
/// inner one is contiguous).
template <typename T>
void gradFilterAccRef(const ConvGradShape &s, const T *dyng, const T *colT,
                      T *dwg, bool accumulate) {
  const int64_t Og = s.og(), K = s.k(), P = s.p();
  for (int64_t o = 0; o < Og; ++o) {
    T *acc = dwg + o * K;
    if (!accumulate)
      for (int64_t j = 0; j < K; ++j)
        acc[j] = T(0);
    for (int64_t q = 0; q < P; ++q) {
      T d = dyng[o * P + q];
      const T *c = colT + q * K;
      for (int64_t j = 0; j < K; ++j)
        acc[j] = mulAdd(acc[j], d, c[j]);
    }
  }
}

} // namespace tdl::kernels

#endif
