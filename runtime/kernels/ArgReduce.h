//===- ArgReduce.h - argmax / argmin, one definition ------------*- C++ -*-===//
//
// argmax / argmin along one axis (docs/ir.md "Reductions"): the index of the
// first extremum; a NaN counts as the extremum, so the first NaN wins
// (NumPy). Shared by the reference interpreter (ssa_ir/interp/
// ReduceKernels.cpp) and the cpu runtime (runtime/cpu/CpuRuntime.cpp).
//
// The result is defined by those words alone, so the kernels may visit the
// elements in any order that finds it; they are written so the compiler
// vectorizes them (a scalar compare-and-select chain per element ran at
// 70x NumPy's time on a 2048 x 2048 row argmax):
//   - along a contiguous axis (inner == 1), lane l of a block of kLanes
//     keeps the best of the elements l, l + kLanes, ...; the lanes are then
//     combined by value and, on ties, the smaller index, which is the first
//     extremum. A row holding a NaN is walked again by the scalar rule.
//   - along a strided axis, the running best of every inner position
//     advances one contiguous slice at a time.
//
// Header-only and free of LLVM and libm, like the rest of runtime/kernels.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_ARGREDUCE_H
#define TDL_RUNTIME_KERNELS_ARGREDUCE_H

#include <stdint.h>
#include <type_traits>

namespace tdl::kernels {

namespace arg_detail {

template <typename T> inline bool isNaN(T v) { return v != v; }

/// v strictly better than best under argmax (isMax) or argmin, NaN aside.
template <typename T> inline bool better(T v, T best, bool isMax) {
  return isMax ? v > best : v < best;
}

/// The definition, element by element: index of the first extremum of the
/// len elements p[0], p[stride], ...; the first NaN ends the walk.
template <typename T>
int64_t firstExtremum(const T *p, int64_t len, int64_t stride, bool isMax) {
  int64_t best = 0;
  T bestV = p[0];
  for (int64_t k = 1; k < len && !isNaN(bestV); ++k) {
    T v = p[k * stride];
    if (isNaN(v) || better(v, bestV, isMax)) {
      best = k;
      bestV = v;
    }
  }
  return best;
}

/// Lanes of the contiguous-axis kernel: one AVX-512 vector of f32.
constexpr int64_t kLanes = 16;

/// A lane's index: an integer as wide as T where one exists, so values,
/// indices and NaN flags fill vectors of the same lane count.
template <typename T>
using LaneIndex = std::conditional_t<sizeof(T) == 8, int64_t, int32_t>;

/// firstExtremum of a contiguous row of 2 * kLanes <= len < 2^31, by lanes.
template <typename T, bool IsMax>
int64_t firstExtremumByLanes(const T *p, int64_t len) {
  using Idx = LaneIndex<T>;
  T bestV[kLanes];
  Idx best[kLanes], nan[kLanes];
  for (int64_t l = 0; l < kLanes; ++l) {
    bestV[l] = p[l];
    best[l] = Idx(l);
    nan[l] = isNaN(p[l]);
  }
  int64_t k = kLanes;
  for (; k + kLanes <= len; k += kLanes) {
    const T *block = p + k;
    for (int64_t l = 0; l < kLanes; ++l) {
      T v = block[l];
      bool take = IsMax ? v > bestV[l] : v < bestV[l];
      bestV[l] = take ? v : bestV[l];
      best[l] = take ? Idx(k + l) : best[l];
      nan[l] |= Idx(isNaN(v));
    }
  }
  Idx anyNaN = 0;
  for (int64_t l = 0; l < kLanes; ++l)
    anyNaN |= nan[l];
  for (int64_t t = k; t < len; ++t) // the last elements, fewer than a block
    anyNaN |= Idx(isNaN(p[t]));
  if (anyNaN) // rare: the first NaN decides, found by the plain walk
    return firstExtremum(p, len, 1, IsMax);
  int64_t winner = 0;
  for (int64_t l = 1; l < kLanes; ++l)
    if ((IsMax ? bestV[l] > bestV[winner] : bestV[l] < bestV[winner]) ||
        (bestV[l] == bestV[winner] && best[l] < best[winner]))
      winner = l;
  int64_t at = best[winner];
  T atV = bestV[winner];
  for (int64_t t = k; t < len; ++t)
    if (IsMax ? p[t] > atV : p[t] < atV) { // later than every lane: strictly
      at = t;
      atV = p[t];
    }
  return at;
}

} // namespace arg_detail

/// argmax / argmin of `in` viewed as [outer, len, inner] along the middle
/// axis, into out[outer, inner]. `len` >= 1.
template <typename T>
void argReduce(const T *in, int64_t outer, int64_t len, int64_t inner,
               bool isMax, int64_t *out) {
  using namespace arg_detail;
  if (inner == 1) {
    for (int64_t a = 0; a < outer; ++a) {
      const T *p = in + a * len;
      bool byLanes = len >= 2 * kLanes && len < (int64_t(1) << 31);
      out[a] = !byLanes ? firstExtremum(p, len, 1, isMax)
               : isMax  ? firstExtremumByLanes<T, true>(p, len)
                        : firstExtremumByLanes<T, false>(p, len);
    }
    return;
  }
  // A strided axis: the inner positions advance together, slice by slice,
  // kInnerBlock of them at a time with their running values on the stack.
  // A column's best stays where its first NaN put it.
  constexpr int64_t kInnerBlock = 256;
  for (int64_t a = 0; a < outer; ++a) {
    const T *p = in + a * len * inner;
    for (int64_t c0 = 0; c0 < inner; c0 += kInnerBlock) {
      int64_t n = inner - c0 < kInnerBlock ? inner - c0 : kInnerBlock;
      int64_t *best = out + a * inner + c0;
      T bestV[kInnerBlock];
      for (int64_t c = 0; c < n; ++c) {
        best[c] = 0;
        bestV[c] = p[c0 + c];
      }
      for (int64_t k = 1; k < len; ++k) {
        const T *slice = p + k * inner + c0;
        for (int64_t c = 0; c < n; ++c) {
          T v = slice[c];
          bool take =
              !isNaN(bestV[c]) && (isNaN(v) || better(v, bestV[c], isMax));
          best[c] = take ? k : best[c];
          bestV[c] = take ? v : bestV[c];
        }
      }
    }
  }
}

} // namespace tdl::kernels

#endif
