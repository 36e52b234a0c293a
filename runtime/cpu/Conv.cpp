//===- Conv.cpp - conv2d: im2col + GEMM, or direct loops ------------------===//
//
// The interpreter (ssa_ir/interp/NNKernels.cpp conv2dT) sums each output
// over c, kh, kw in that order, skipping taps that fall into the padding.
// Per image and group, im2col lays the input out as a K x OH*OW matrix with
// K = (c, kh, kw) in that order; the weights are already an Og x K
// row-major matrix, so out = W @ col is a GEMM (runtime/cpu/Gemm.h) that
// sums in the interpreter's order. A padding tap becomes 0 in col and adds
// w*0 = +-0 to the sum instead of nothing: the same value, because a sum
// that starts at +0 is never -0 and x + (+-0) == x otherwise, as long as w
// is finite (inf*0 is NaN). So with padding, float weights that are not all
// finite take the direct loops (the interpreter's code).
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Gemm.h"
#include "runtime/cpu/Interrupt.h"
#include "runtime/cpu/Scratch.h"
#include "runtime/kernels/MulAdd.h"

#include <stdlib.h>
#include <string.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

using namespace tdl::rt;

namespace {

struct ConvShape {
  int64_t N, C, H, W, O, Cg, KH, KW, OH, OW, sh, sw, pt, pb, pl, pr, dh, dw,
      groups;
  /// p: N C H W, O Cg KH KW, OH OW, stride h w, padding t b l r, dilation h
  /// w, groups (backends/cpu/CodegenLinalg.cpp).
  explicit ConvShape(const int64_t *p)
      : N(p[0]), C(p[1]), H(p[2]), W(p[3]), O(p[4]), Cg(p[5]), KH(p[6]),
        KW(p[7]), OH(p[8]), OW(p[9]), sh(p[10]), sw(p[11]), pt(p[12]),
        pb(p[13]), pl(p[14]), pr(p[15]), dh(p[16]), dw(p[17]), groups(p[18]) {}
};

/// The interpreter's loops.
template <typename T, typename R>
__attribute__((always_inline)) inline void
conv2dDirect(const T *xp, const T *wp, R *op, const ConvShape &s) {
  using A = typename Acc<R>::type;
  int64_t Og = s.O / s.groups;
  Scratch accBuf(int64_t(sizeof(A)) * (s.OH * s.OW > 0 ? s.OH * s.OW : 1));
  A *acc = static_cast<A *>(accBuf.data);
  if (!acc)
    return; // out of memory: unreachable in practice (a few KB)
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t o = 0; o < s.O; ++o) {
      if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C (Interrupt.h)
        return;
      for (int64_t i = 0; i < s.OH * s.OW; ++i)
        acc[i] = A(0);
      int64_t g = o / Og;
      for (int64_t c = 0; c < s.Cg; ++c) {
        const T *xc = xp + ((n * s.C) + g * s.Cg + c) * s.H * s.W;
        for (int64_t kh = 0; kh < s.KH; ++kh)
          for (int64_t kw = 0; kw < s.KW; ++kw) {
            A wv = A(R(wp[((o * s.Cg + c) * s.KH + kh) * s.KW + kw]));
            for (int64_t oh = 0; oh < s.OH; ++oh) {
              int64_t ih = oh * s.sh - s.pt + kh * s.dh;
              if (ih < 0 || ih >= s.H)
                continue;
              const T *xrow = xc + ih * s.W;
              A *arow = acc + oh * s.OW;
              for (int64_t ow = 0; ow < s.OW; ++ow) {
                int64_t iw = ow * s.sw - s.pl + kw * s.dw;
                if (iw >= 0 && iw < s.W)
                  arow[ow] = tdl::kernels::mulAdd(arow[ow], wv, A(R(xrow[iw])));
              }
            }
          }
      }
      R *dst = op + (n * s.O + o) * s.OH * s.OW;
      for (int64_t i = 0; i < s.OH * s.OW; ++i)
        dst[i] = R(acc[i]);
    }
}

/// col[(c*KH + kh)*KW + kw][oh*OW + ow] for one image and group. Per
/// (c, kh, kw) and output row: zeros where the tap falls into the padding,
/// a contiguous copy for stride 1, else a strided gather.
template <typename T>
__attribute__((always_inline)) inline void im2col(const T *x,
                                                  const ConvShape &s, T *col) {
  for (int64_t c = 0; c < s.Cg; ++c)
    for (int64_t kh = 0; kh < s.KH; ++kh)
      for (int64_t kw = 0; kw < s.KW; ++kw) {
        const T *plane = x + c * s.H * s.W;
        // Output columns whose tap is inside: iw = ow*sw - pl + kw*dw in
        // [0, W) for ow in [lo, hi).
        int64_t off = kw * s.dw - s.pl;
        int64_t lo = off >= 0 ? 0 : (-off + s.sw - 1) / s.sw;
        int64_t hi = s.W - off <= 0 ? 0 : (s.W - off + s.sw - 1) / s.sw;
        hi = hi < s.OW ? hi : s.OW;
        lo = lo < hi ? lo : hi;
        for (int64_t oh = 0; oh < s.OH; ++oh) {
          int64_t ih = oh * s.sh - s.pt + kh * s.dh;
          T *dst = col + oh * s.OW;
          if (ih < 0 || ih >= s.H) {
            memset(dst, 0, size_t(s.OW) * sizeof(T));
            continue;
          }
          const T *row = plane + ih * s.W + off;
          for (int64_t ow = 0; ow < lo; ++ow)
            dst[ow] = T(0);
          if (s.sw == 1)
            memcpy(dst + lo, row + lo, size_t(hi - lo) * sizeof(T));
          else
            for (int64_t ow = lo; ow < hi; ++ow)
              dst[ow] = row[ow * s.sw];
          for (int64_t ow = hi; ow < s.OW; ++ow)
            dst[ow] = T(0);
        }
        col += s.OH * s.OW;
      }
}

/// The im2col matrix of one image and group as a GEMM's B operand that is
/// packed straight from the image (GemmPacker): element (p, j) is the col
/// element above, so the GEMM sees the same matrix without the K x OH*OW
/// copy (7 MB for 64 channels of 56 x 56 at 3 x 3) that it would then read
/// again, row after strided row, to pack it.
template <typename T, typename R> struct Im2colB {
  using Ac = typename Acc<R>::type;
  const T *x; // the image's channels of the group
  const ConvShape *s;

  /// A panel's columns j0 .. j0 + cols as runs within one output row.
  struct Run {
    int64_t oh, ow, n, at;
  };

  /// Runs are at most a panel (32 floats): no_builtin keeps LLVM from
  /// turning their copy and zero loops into calls of memcpy and memset
  /// (11% of a 64-channel 3 x 3 convolution in the call overhead).
  __attribute__((no_builtin("memcpy", "memset"))) static void
  pack(const void *ctx, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
       int64_t nr, void *dstV) {
    const Im2colB &self = *static_cast<const Im2colB *>(ctx);
    const ConvShape &s = *self.s;
    Ac *dst = static_cast<Ac *>(dstV);
    for (int64_t jp = 0; jp < nc; jp += nr, dst += kc * nr) {
      int64_t cols = nc - jp < nr ? nc - jp : nr;
      Run runs[kMaxNR + 1];
      int numRuns = 0;
      for (int64_t at = 0; at < cols;) {
        int64_t j = j0 + jp + at, oh = j / s.OW, ow = j % s.OW;
        int64_t len = s.OW - ow < cols - at ? s.OW - ow : cols - at;
        runs[numRuns++] = {oh, ow, len, at};
        at += len;
      }
      int64_t p = p0;
      int64_t kw = p % s.KW, kh = p / s.KW % s.KH, c = p / (s.KW * s.KH);
      for (int64_t q = 0; q < kc; ++q) {
        Ac *row = dst + q * nr;
        const T *plane = self.x + c * s.H * s.W;
        int64_t off = kw * s.dw - s.pl;
        for (int r = 0; r < numRuns; ++r) {
          const Run &run = runs[r];
          Ac *__restrict out = row + run.at;
          int64_t ih = run.oh * s.sh - s.pt + kh * s.dh;
          if (ih < 0 || ih >= s.H) {
            for (int64_t i = 0; i < run.n; ++i)
              out[i] = Ac(0);
            continue;
          }
          // Taps i in [lo, hi) are inside the row: iw = first + i * sw
          // (no division for stride 1: two per run cost more than the
          // copy).
          int64_t first = run.ow * s.sw + off, lo, hi;
          if (s.sw == 1) {
            lo = -first > 0 ? -first : 0;
            hi = s.W - first > 0 ? s.W - first : 0; // all in the padding
          } else {
            lo = first >= 0 ? 0 : (-first + s.sw - 1) / s.sw;
            hi = s.W - first <= 0 ? 0 : (s.W - first + s.sw - 1) / s.sw;
          }
          hi = hi < run.n ? hi : run.n;
          lo = lo < hi ? lo : hi;
          const T *__restrict in = plane + ih * s.W + first;
          for (int64_t i = 0; i < lo; ++i)
            out[i] = Ac(0);
          if (s.sw == 1)
            for (int64_t i = lo; i < hi; ++i)
              out[i] = Ac(R(in[i]));
          else
            for (int64_t i = lo; i < hi; ++i)
              out[i] = Ac(R(in[i * s.sw]));
          for (int64_t i = hi; i < run.n; ++i)
            out[i] = Ac(0);
        }
        for (int64_t i = cols; i < nr; ++i)
          row[i] = Ac(0);
        if (++kw == s.KW) {
          kw = 0;
          if (++kh == s.KH) {
            kh = 0;
            ++c;
          }
        }
      }
    }
  }
};

template <typename T> bool allFinite(const T *v, int64_t n) {
  if constexpr (std::is_floating_point_v<T>) {
    for (int64_t i = 0; i < n; ++i)
      if (v[i] - v[i] != T(0)) // inf - inf and NaN are NaN
        return false;
  }
  return true;
}

/// Out of line: inlined, it made the runtime entry too large for LLVM to
/// inline it into the caller with its constant shape, and the direct loops
/// of a depthwise convolution ran 4x slower without it.
template <int32_t Dtype, typename T, typename R>
__attribute__((noinline)) void conv2dPacked(Isa isa, bool fast, const T *xp,
                                            const T *wp, R *op,
                                            const ConvShape &s) {
  int64_t Og = s.O / s.groups, K = s.Cg * s.KH * s.KW, P = s.OH * s.OW;
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t g = 0; g < s.groups; ++g) {
      if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C: done (unfinished)
        return;
      Im2colB<T, R> cols{xp + (n * s.C + g * s.Cg) * s.H * s.W, &s};
      GemmPacker packer{&Im2colB<T, R>::pack, &cols};
      gemmOf<Dtype>(isa, fast, Og, K, P, GemmOperand{wp + g * Og * K, K},
                    GemmOperand{nullptr, P, false, &packer},
                    op + (n * s.O + g * Og) * P, P);
    }
}

/// im2col + GEMM when it is exact and worth it; false: not done.
template <int32_t Dtype, typename T, typename R>
__attribute__((always_inline)) inline bool
conv2dGemm(bool fast, const T *xp, const T *wp, R *op, const ConvShape &s) {
  int64_t Og = s.O / s.groups, K = s.Cg * s.KH * s.KW, P = s.OH * s.OW;
  if (Og < 2 || Og * K * P < 4096)
    return false; // direct loops are as fast for small convolutions
  bool padded = s.pt > 0 || s.pb > 0 || s.pl > 0 || s.pr > 0;
  if (padded && !allFinite(wp, s.O * K))
    return false;
  Isa isa = hostIsa();
  // When the GEMM would pack the im2col matrix (many output channels, a
  // wide output), it packs it straight from the image. Otherwise it reads
  // the matrix in place: a narrow output (at most half a panel) in its
  // narrow paths, few channels in its row kernel or unpacked B.
  const MicroKernel uk = GemmKernels<Dtype>::micro(fast, isa);
  if (2 * P > uk.nr && Og > kDirectBTiles * uk.mr) {
    conv2dPacked<Dtype, T, R>(isa, fast, xp, wp, op, s);
    return true;
  }
  Scratch colBuf(K * P * int64_t(sizeof(T)));
  T *col = static_cast<T *>(colBuf.data);
  if (!col)
    return false;
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t g = 0; g < s.groups; ++g) {
      if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C: done (unfinished)
        return true;
      im2col(xp + (n * s.C + g * s.Cg) * s.H * s.W, s, col);
      gemmOf<Dtype>(isa, fast, Og, K, P, wp + g * Og * K, K, col, P,
                    op + (n * s.O + g * Og) * P, P);
    }
  return true;
}

/// Always inlined into the caller, whose params are a constant: the direct
/// loops and im2col then run with constant shapes (a depthwise 3 x 3 conv
/// of 64 x 56 x 56 took twice the time when the entry grew past LLVM's
/// inlining threshold in a module with four calls of it).
template <int32_t Dtype, typename T, typename R>
__attribute__((always_inline)) inline void conv2dT(int32_t fast, const void *x,
                                                   const void *w, void *out,
                                                   const int64_t *params) {
  ConvShape s(params);
  if (!conv2dGemm<Dtype, T, R>(fast != 0, (const T *)x, (const T *)w, (R *)out,
                               s))
    conv2dDirect<T, R>((const T *)x, (const T *)w, (R *)out, s);
}

} // namespace

/// conv2d per dtype (i8 -> i32), like tdl_rt_matmul_<dtype>; `fast`:
/// -ffast-math (FMA allowed). params: ConvShape.
#define TDL_CONV(SUF, DT, T, R)                                                \
  TDL_RT __attribute__((always_inline)) void tdl_rt_conv2d_##SUF(              \
      int32_t fast, const int64_t *params, const void *x, const void *w,       \
      void *out) {                                                             \
    conv2dT<DT, T, R>(fast, x, w, out, params);                                \
  }
TDL_CONV(i8, 1, int8_t, int32_t)
TDL_CONV(i32, 2, int32_t, int32_t)
TDL_CONV(i64, 3, int64_t, int64_t)
TDL_CONV(f32, 4, float, float)
TDL_CONV(f64, 5, double, double)

/// tdl_rt_conv2d_<dtype> by dtype code (tests).
TDL_RT void tdl_rt_conv2d(int32_t dtype, int32_t fast, const int64_t *params,
                          const void *x, const void *w, void *out) {
  switch (dtype) {
  case 1:
    return tdl_rt_conv2d_i8(fast, params, x, w, out);
  case 2:
    return tdl_rt_conv2d_i32(fast, params, x, w, out);
  case 3:
    return tdl_rt_conv2d_i64(fast, params, x, w, out);
  case 4:
    return tdl_rt_conv2d_f32(fast, params, x, w, out);
  case 5:
    return tdl_rt_conv2d_f64(fast, params, x, w, out);
  }
}
