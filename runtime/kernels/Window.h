//===- Window.h - max_pool2d / avg_pool2d, one definition ------*- C++ -*-===//
//
// The pooling kernels (docs/ir.md "Linear algebra and NN"), shared by the
// reference interpreter (ssa_ir/interp/NNKernels.cpp) and the cpu runtime
// (runtime/cpu/CpuRuntime.cpp). Windows walk row-major; max pooling ignores
// padding and propagates NaN (the first NaN of the window); average pooling
// sums in window order and divides by the full window area, padding
// included (PyTorch's count_include_pad=True).
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

template <typename T>
void pool2d(const T *xp, T *op, const PoolShape &s, bool isMax) {
  using Lim = std::numeric_limits<T>;
  T lowest = Lim::has_infinity ? -Lim::infinity() : Lim::lowest();
  T area = T(s.wh * s.ww);
  for (int64_t nc = 0; nc < s.NC; ++nc) {
    const T *plane = xp + nc * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh)
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T acc = isMax ? lowest : T(0);
        for (int64_t kh = 0; kh < s.wh; ++kh) {
          int64_t ih = oh * s.sh - s.pt + kh;
          if (ih < 0 || ih >= s.H)
            continue;
          for (int64_t kw = 0; kw < s.ww; ++kw) {
            int64_t iw = ow * s.sw - s.pl + kw;
            if (iw < 0 || iw >= s.W)
              continue;
            T v = plane[ih * s.W + iw];
            if (isMax) {
              if constexpr (std::is_floating_point_v<T>)
                if (v != v || acc != acc) { // NaN propagates
                  acc = v != v ? v : acc;
                  continue;
                }
              acc = v > acc ? v : acc;
            } else {
              acc += v;
            }
          }
        }
        op[(nc * s.OH + oh) * s.OW + ow] = isMax ? acc : T(acc / area);
      }
  }
}

/// argmax / argmin of `in` viewed as [outer, len, inner] along the middle
/// axis: the first index of the extremum; a NaN counts as the extremum
/// (NumPy). `len` >= 1.
template <typename T>
void argReduce(const T *in, int64_t outer, int64_t len, int64_t inner,
               bool isMax, int64_t *out) {
  auto isNaN = [](T v) { return v != v; };
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t c = 0; c < inner; ++c) {
      const T *p = in + a * len * inner + c;
      int64_t best = 0;
      T bestV = p[0];
      for (int64_t k = 1; k < len && !isNaN(bestV); ++k) {
        T v = p[k * inner];
        if (isNaN(v) || (isMax ? v > bestV : v < bestV)) {
          best = k;
          bestV = v;
        }
      }
      out[a * inner + c] = best;
    }
}

} // namespace tdl::kernels

#endif
