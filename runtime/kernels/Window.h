//===- Window.h - max_pool2d / avg_pool2d, one definition ------*- C++ -*-===//
//
// The pooling kernels and their pullbacks (docs/ir.md "Linear algebra and
// NN"), shared by the
// reference interpreter (ssa_ir/interp/NNKernels.cpp) and the cpu runtime
// (runtime/cpu/CpuRuntime.cpp). Windows walk row-major; max pooling ignores
// padding and propagates NaN (the first NaN of the window); average pooling
// sums in window order and divides by the full window area, padding
// included (PyTorch's count_include_pad=True). On integers, average pooling
// sums exactly (in 64 bits, wrapping) and rounds the quotient half up:
// floor((sum + area / 2) / area) -- what an accelerator computes with ADD
// and an arithmetic SHR for a power-of-two area.
//
// Header-only and free of LLVM and libm, like the rest of runtime/kernels.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_WINDOW_H
#define TDL_RUNTIME_KERNELS_WINDOW_H

#include <limits>
#include <stdint.h>
#include <type_traits>

namespace tdl::kernels {

/// Shapes of one pooling: NC planes of H x W in, OH x OW out, a wh x ww
/// window with strides sh, sw and top / left padding pt, pl.
struct PoolShape {
  int64_t NC, H, W, OH, OW, wh, ww, sh, sw, pt, pl;
};

/// One step of a window's max in window order with pool2d's rule (a NaN
/// element replaces the running value, NaN or not), written with selects so
/// loops over windows vectorize.
template <typename T> inline T maxStep(T acc, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    bool accNaN = acc != acc, vNaN = v != v;
    return vNaN ? v : accNaN ? acc : v > acc ? v : acc;
  } else {
    return v > acc ? v : acc;
  }
}

/// max_pool2d with 2x2 windows, stride 2 and no padding (LeNet's, VGG's):
/// pool2d's result, branch-free over each output row.
template <typename T> void maxPool2x2(const T *xp, T *op, const PoolShape &s) {
  using Lim = std::numeric_limits<T>;
  const T lowest = Lim::has_infinity ? -Lim::infinity() : Lim::lowest();
  for (int64_t nc = 0; nc < s.NC; ++nc)
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      const T *r0 = xp + (nc * s.H + 2 * oh) * s.W, *r1 = r0 + s.W;
      T *out = op + (nc * s.OH + oh) * s.OW;
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T acc = maxStep(lowest, r0[2 * ow]);
        acc = maxStep(acc, r0[2 * ow + 1]);
        acc = maxStep(acc, r1[2 * ow]);
        out[ow] = maxStep(acc, r1[2 * ow + 1]);
      }
    }
}

/// The integer average of a window: floor((sum + area / 2) / area), the
/// sum wrapped to 64 bits.
template <typename T> inline T roundedAverage(uint64_t sum, int64_t area) {
  int64_t n = int64_t(sum + uint64_t(area / 2));
  int64_t q = n / area, r = n % area;
  return T(r < 0 ? q - 1 : q); // floor division
}

/// avg_pool2d on integers (see the file comment).
template <typename T>
void avgPool2dInt(const T *xp, T *op, const PoolShape &s) {
  const int64_t area = s.wh * s.ww;
  for (int64_t nc = 0; nc < s.NC; ++nc) {
    const T *plane = xp + nc * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh)
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        uint64_t sum = 0;
        for (int64_t kh = 0; kh < s.wh; ++kh) {
          int64_t ih = oh * s.sh - s.pt + kh;
          if (ih < 0 || ih >= s.H)
            continue;
          for (int64_t kw = 0; kw < s.ww; ++kw) {
            int64_t iw = ow * s.sw - s.pl + kw;
            if (iw >= 0 && iw < s.W)
              sum += uint64_t(int64_t(plane[ih * s.W + iw]));
          }
        }
        op[(nc * s.OH + oh) * s.OW + ow] = roundedAverage<T>(sum, area);
      }
  }
}

/// Any window, stride and padding: the definition, walked tap by tap. For
/// each output row, every window offset (kh, kw) in row-major order is
/// combined into the whole row at once, over the outputs whose tap lies
/// inside the input (padding taps skipped): each output still sees its
/// window's elements in window order (so the first-NaN rule and the sum's
/// order are the definition's), and the inner loop has no branches, so it
/// vectorizes. Element by element with a test per tap, a 3x3 stride-2 max
/// pool (ResNet's stem) ran at ~7 cycles per tap, 20x the 2x2 kernel.
template <typename T>
void pool2dByWindow(const T *xp, T *op, const PoolShape &s, bool isMax) {
  if constexpr (!std::is_floating_point_v<T>)
    if (!isMax)
      return avgPool2dInt(xp, op, s);
  using Lim = std::numeric_limits<T>;
  const T lowest = Lim::has_infinity ? -Lim::infinity() : Lim::lowest();
  const T area = T(s.wh * s.ww);
  for (int64_t nc = 0; nc < s.NC; ++nc) {
    const T *plane = xp + nc * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      T *out = op + (nc * s.OH + oh) * s.OW;
      for (int64_t ow = 0; ow < s.OW; ++ow)
        out[ow] = isMax ? lowest : T(0);
      for (int64_t kh = 0; kh < s.wh; ++kh) {
        int64_t ih = oh * s.sh - s.pt + kh;
        if (ih < 0 || ih >= s.H)
          continue;
        const T *row = plane + ih * s.W;
        for (int64_t kw = 0; kw < s.ww; ++kw) {
          // Input column ow * sw + c; the outputs [lo, hi) read inside.
          int64_t c = kw - s.pl;
          int64_t lo = c >= 0 ? 0 : (-c + s.sw - 1) / s.sw;
          int64_t hi = c >= s.W ? 0 : (s.W - 1 - c) / s.sw + 1;
          hi = hi < s.OW ? hi : s.OW;
          const T *tap = row + c;
          if (isMax)
            for (int64_t ow = lo; ow < hi; ++ow)
              out[ow] = maxStep(out[ow], tap[ow * s.sw]);
          else
            for (int64_t ow = lo; ow < hi; ++ow)
              out[ow] += tap[ow * s.sw];
        }
      }
      if (!isMax)
        for (int64_t ow = 0; ow < s.OW; ++ow)
          out[ow] = T(out[ow] / area);
    }
  }
}

/// The pullback of pool2d (`max_pool2d_grad`, `avg_pool2d_grad`, docs/ir.md):
/// dx from the pooled cotangent dy. Max pooling routes each window's dy to
/// the window's first element (row-major window order) equal to its max `y`
/// (padding counts as -inf, so a window of padding only routes it there,
/// and a window whose max is NaN routes it nowhere); average pooling spreads
/// dy * T(1 / area) over the window. The sum at each element is defined in
/// window-offset order, as one full-size term per offset: U_0 + U_1 + ...
/// where U_k is the contribution through the window that sees the element at
/// offset k, or +0.0 when none does (so a lone -0.0 contribution becomes
/// +0.0 once a later offset adds its +0.0).
///
/// When windows do not overlap (strides >= window), an element is seen
/// through at most one window offset, so the sum is that contribution c, or
/// c + 0.0 when the window has more than one offset (the +0.0 terms around
/// it); elements no window sees are +0.0. That case is one pass over the
/// windows (pool2dGrad); overlapping windows take the per-element sum of the
/// definition (pool2dGradBySum), which KernelsTests checks it against.
template <typename T>
void pool2dGradBySum(const T *x, const T *y, const T *dy, T *dx,
                     const PoolShape &s, bool isMax) {
  static_assert(std::is_floating_point_v<T>);
  const T negInf = -std::numeric_limits<T>::infinity();
  const int64_t area = s.wh * s.ww;
  const T inv = T(1.0 / double(area));
  for (int64_t nc = 0; nc < s.NC; ++nc) {
    const T *xPlane = x + nc * s.H * s.W;
    const T *yPlane = isMax ? y + nc * s.OH * s.OW : nullptr;
    const T *dyPlane = dy + nc * s.OH * s.OW;
    T *dxPlane = dx + nc * s.H * s.W;
    // The first offset of window (oh, ow) whose element equals y.
    auto firstHit = [&](int64_t oh, int64_t ow) -> int64_t {
      T m = yPlane[oh * s.OW + ow];
      for (int64_t kh = 0; kh < s.wh; ++kh) {
        int64_t ih = oh * s.sh - s.pt + kh;
        for (int64_t kw = 0; kw < s.ww; ++kw) {
          int64_t iw = ow * s.sw - s.pl + kw;
          bool inside = ih >= 0 && ih < s.H && iw >= 0 && iw < s.W;
          T v = inside ? xPlane[ih * s.W + iw] : negInf;
          if (v == m)
            return kh * s.ww + kw;
        }
      }
      return -1;
    };
    for (int64_t ih = 0; ih < s.H; ++ih)
      for (int64_t iw = 0; iw < s.W; ++iw) {
        T sum = T(0);
        for (int64_t kh = 0; kh < s.wh; ++kh)
          for (int64_t kw = 0; kw < s.ww; ++kw) {
            T u = T(0);
            int64_t ph = ih + s.pt - kh, pw = iw + s.pl - kw;
            if (ph >= 0 && pw >= 0 && ph % s.sh == 0 && pw % s.sw == 0 &&
                ph / s.sh < s.OH && pw / s.sw < s.OW) {
              int64_t oh = ph / s.sh, ow = pw / s.sw;
              T g = dyPlane[oh * s.OW + ow];
              if (!isMax)
                u = g * inv;
              else if (firstHit(oh, ow) == kh * s.ww + kw)
                u = g;
            }
            sum = kh == 0 && kw == 0 ? u : sum + u;
          }
        dxPlane[ih * s.W + iw] = sum;
      }
  }
}

/// max_pool2d_grad with 2x2 windows, stride 2, no padding: each window's
/// four elements written at once (the first equal to y takes dy + 0.0, the
/// others +0.0), rows and columns past the last window +0.0.
template <typename T>
void maxPool2x2Grad(const T *x, const T *y, const T *dy, T *dx,
                    const PoolShape &s) {
  for (int64_t nc = 0; nc < s.NC; ++nc) {
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      int64_t row = (nc * s.H + 2 * oh) * s.W;
      const T *x0 = x + row, *x1 = x0 + s.W;
      T *d0 = dx + row, *d1 = d0 + s.W;
      const T *ym = y + (nc * s.OH + oh) * s.OW,
              *g = dy + (nc * s.OH + oh) * s.OW;
      // Bitwise, not short-circuit, so the loop is branch-free (a branch
      // per element mispredicts on real data) and vectorizes.
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T m = ym[ow], c = g[ow] + T(0);
        bool e0 = x0[2 * ow] == m, e1 = x0[2 * ow + 1] == m,
             e2 = x1[2 * ow] == m, e3 = x1[2 * ow + 1] == m;
        bool h1 = e1 & !e0, h2 = e2 & !(e0 | e1), h3 = e3 & !(e0 | e1 | e2);
        d0[2 * ow] = e0 ? c : T(0);
        d0[2 * ow + 1] = h1 ? c : T(0);
        d1[2 * ow] = h2 ? c : T(0);
        d1[2 * ow + 1] = h3 ? c : T(0);
      }
      for (int64_t iw = 2 * s.OW; iw < s.W; ++iw)
        d0[iw] = d1[iw] = T(0);
    }
    for (int64_t ih = 2 * s.OH; ih < s.H; ++ih)
      for (int64_t iw = 0; iw < s.W; ++iw)
        dx[(nc * s.H + ih) * s.W + iw] = T(0);
  }
}

template <typename T>
void pool2dGrad(const T *x, const T *y, const T *dy, T *dx, const PoolShape &s,
                bool isMax) {
  static_assert(std::is_floating_point_v<T>);
  const T negInf = -std::numeric_limits<T>::infinity();
  const int64_t area = s.wh * s.ww;
  const T inv = T(1.0 / double(area));
  if (isMax && s.wh == 2 && s.ww == 2 && s.sh == 2 && s.sw == 2 && s.pt == 0 &&
      s.pl == 0)
    return maxPool2x2Grad(x, y, dy, dx, s);
  if (s.sh >= s.wh && s.sw >= s.ww) {
    for (int64_t i = 0; i < s.NC * s.H * s.W; ++i)
      dx[i] = T(0);
    for (int64_t nc = 0; nc < s.NC; ++nc) {
      const T *xPlane = x + nc * s.H * s.W;
      T *dxPlane = dx + nc * s.H * s.W;
      for (int64_t oh = 0; oh < s.OH; ++oh)
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          int64_t w = (nc * s.OH + oh) * s.OW + ow;
          T c = isMax ? dy[w] : dy[w] * inv;
          if (area > 1)
            c = c + T(0);
          T m = isMax ? y[w] : T(0);
          for (int64_t kh = 0; kh < s.wh; ++kh) {
            int64_t ih = oh * s.sh - s.pt + kh;
            bool rowInside = ih >= 0 && ih < s.H;
            for (int64_t kw = 0; kw < s.ww; ++kw) {
              int64_t iw = ow * s.sw - s.pl + kw;
              bool inside = rowInside && iw >= 0 && iw < s.W;
              if (!isMax) {
                if (inside)
                  dxPlane[ih * s.W + iw] = c;
                continue;
              }
              T v = inside ? xPlane[ih * s.W + iw] : negInf;
              if (v == m) { // the first maximum takes it all
                if (inside)
                  dxPlane[ih * s.W + iw] = c;
                kh = s.wh; // done with this window
                break;
              }
            }
          }
        }
    }
    return;
  }
  pool2dGradBySum(x, y, dy, dx, s, isMax);
}

template <typename T>
void pool2d(const T *xp, T *op, const PoolShape &s, bool isMax) {
  if (isMax && s.wh == 2 && s.ww == 2 && s.sh == 2 && s.sw == 2 && s.pt == 0 &&
      s.pl == 0)
    return maxPool2x2(xp, op, s);
  pool2dByWindow(xp, op, s, isMax);
}

} // namespace tdl::kernels

#endif
