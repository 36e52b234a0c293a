// runtime/kernels/Window.h: 2x2 max pooling's branch-free path against the
// general loop, and the pooling pullback. pool2dGrad's one-pass
// path for windows that do not overlap must give pool2dGradBySum's bits
// (the definition: one full-size term per window offset, summed in offset
// order) on inputs full of ties, NaN, -inf, -0.0 cotangents and padding;
// and the definition itself routes a tie to the first maximum.
#include "runtime/kernels/Window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using tdl::kernels::PoolShape;

PoolShape shapeOf(int64_t nc, int64_t h, int64_t w, int64_t wh, int64_t ww,
                  int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                  int64_t pr) {
  int64_t oh = (h + pt + pb - wh) / sh + 1, ow = (w + pl + pr - ww) / sw + 1;
  return {nc, h, w, oh, ow, wh, ww, sh, sw, pt, pl};
}

/// One pooling case: input size, window, strides, padding (top, bottom,
/// left, right).
struct PoolCase {
  int64_t h, w, wh, ww, sh, sw, pt, pb, pl, pr;
  PoolShape shape(int64_t nc) const {
    return shapeOf(nc, h, w, wh, ww, sh, sw, pt, pb, pl, pr);
  }
  std::string name(bool isMax) const {
    return std::to_string(h) + "x" + std::to_string(w) + " window " +
           std::to_string(wh) + "x" + std::to_string(ww) + " stride " +
           std::to_string(sh) + "x" + std::to_string(sw) +
           (isMax ? " max" : " avg");
  }
};

template <typename T> void checkFastPathIsTheDefinition() {
  std::mt19937 rng(7);
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();
  const PoolCase cases[] = {
      {24, 24, 2, 2, 2, 2, 0, 0, 0, 0}, {7, 9, 2, 2, 2, 2, 0, 0, 0, 0},
      {8, 8, 3, 3, 3, 3, 1, 1, 1, 1},   {9, 7, 2, 3, 3, 4, 1, 0, 2, 1},
      {5, 5, 1, 1, 1, 1, 0, 0, 0, 0},   {6, 6, 2, 2, 3, 2, 1, 1, 0, 0},
  };
  for (const PoolCase &c : cases)
    for (bool isMax : {true, false}) {
      SCOPED_TRACE(c.name(isMax));
      PoolShape s = c.shape(3);
      std::vector<T> x(size_t(s.NC * s.H * s.W)), y(size_t(s.NC * s.OH * s.OW)),
          dy(y.size());
      for (T &v : x) { // a coarse grid: many ties
        int r = int(rng() % 8);
        v = r == 0 ? nan : r == 1 ? -inf : T(int(rng() % 3));
      }
      for (T &v : dy) {
        int r = int(rng() % 4);
        v = r == 0 ? T(-0.0) : T(int(rng() % 9) - 4) * T(0.25);
      }
      tdl::kernels::pool2d<T>(x.data(), y.data(), s, true);
      std::vector<T> fast(x.size(), T(7)), sum(x.size(), T(7));
      tdl::kernels::pool2dGrad<T>(x.data(), y.data(), dy.data(), fast.data(), s,
                                  isMax);
      tdl::kernels::pool2dGradBySum<T>(x.data(), y.data(), dy.data(),
                                       sum.data(), s, isMax);
      ASSERT_EQ(std::memcmp(fast.data(), sum.data(), fast.size() * sizeof(T)),
                0);
    }
}

TEST(KernelsPool2dGrad, OnePassIsTheDefinitionF32) {
  checkFastPathIsTheDefinition<float>();
}
TEST(KernelsPool2dGrad, OnePassIsTheDefinitionF64) {
  checkFastPathIsTheDefinition<double>();
}

TEST(KernelsPool2d, TwoByTwoIsTheDefinition) {
  // NaNs with distinct payloads: the same one must come out.
  PoolShape s = shapeOf(2, 6, 7, 2, 2, 2, 2, 0, 0, 0, 0);
  std::vector<float> x(size_t(s.NC * s.H * s.W));
  std::mt19937 rng(3);
  for (size_t i = 0; i < x.size(); ++i) {
    int r = int(rng() % 6);
    uint32_t nanBits = 0x7fc00000u | uint32_t(i);
    float nan;
    std::memcpy(&nan, &nanBits, 4);
    x[i] = r == 0   ? nan
           : r == 1 ? -std::numeric_limits<float>::infinity()
                    : float(int(rng() % 5)) - 2.0f;
  }
  std::vector<float> fast(size_t(s.NC * s.OH * s.OW)), slow(fast.size());
  tdl::kernels::pool2d<float>(x.data(), fast.data(), s, true);
  tdl::kernels::pool2dByWindow<float>(x.data(), slow.data(), s, true);
  EXPECT_EQ(std::memcmp(fast.data(), slow.data(), fast.size() * 4), 0);
}

/// pool2d by the definition, element by element: each window in row-major
/// order, padding skipped, a NaN replacing the running max, the average a
/// window-order sum over the full area.
template <typename T>
std::vector<T> poolByDefinition(const std::vector<T> &x, const PoolShape &s,
                                bool isMax) {
  std::vector<T> y(size_t(s.NC * s.OH * s.OW));
  const T lowest = std::numeric_limits<T>::has_infinity
                       ? -std::numeric_limits<T>::infinity()
                       : std::numeric_limits<T>::lowest();
  for (int64_t nc = 0; nc < s.NC; ++nc)
    for (int64_t oh = 0; oh < s.OH; ++oh)
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T acc = isMax ? lowest : T(0);
        for (int64_t kh = 0; kh < s.wh; ++kh)
          for (int64_t kw = 0; kw < s.ww; ++kw) {
            int64_t ih = oh * s.sh - s.pt + kh, iw = ow * s.sw - s.pl + kw;
            if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W)
              continue;
            T v = x[size_t((nc * s.H + ih) * s.W + iw)];
            if (!isMax)
              acc += v;
            else if (v != v)
              acc = v;
            else if (acc == acc && v > acc)
              acc = v;
          }
        y[size_t((nc * s.OH + oh) * s.OW + ow)] =
            isMax ? acc : T(acc / T(s.wh * s.ww));
      }
  return y;
}

template <typename T> void checkWindowWalkIsTheDefinition() {
  std::mt19937 rng(11);
  const PoolCase cases[] = {
      {56, 56, 3, 3, 2, 2, 1, 1, 1, 1}, {9, 7, 2, 3, 3, 4, 1, 0, 2, 1},
      {5, 6, 5, 6, 1, 1, 2, 2, 3, 3},   {8, 8, 3, 3, 1, 1, 0, 0, 0, 0},
      {7, 9, 4, 2, 2, 3, 3, 1, 1, 0},   {3, 3, 1, 1, 2, 2, 0, 0, 0, 0},
  };
  for (const PoolCase &c : cases)
    for (bool isMax : {true, false}) {
      SCOPED_TRACE(c.name(isMax));
      PoolShape s = c.shape(2);
      std::vector<T> x(size_t(s.NC * s.H * s.W));
      for (size_t i = 0; i < x.size(); ++i) {
        int r = int(rng() % 9);
        if constexpr (std::is_floating_point_v<T>) {
          if (r == 0) { // distinct payloads: the same NaN must come out
            T nan = std::numeric_limits<T>::quiet_NaN();
            unsigned char bytes[sizeof(T)];
            std::memcpy(bytes, &nan, sizeof(T));
            bytes[0] = (unsigned char)(i); // low payload bits
            std::memcpy(&x[i], bytes, sizeof(T));
            continue;
          }
          if (r == 1) {
            x[i] = -std::numeric_limits<T>::infinity();
            continue;
          }
        }
        x[i] = T(int(rng() % 7) - 3);
      }
      std::vector<T> got(size_t(s.NC * s.OH * s.OW), T(5));
      if (!std::is_floating_point_v<T> && !isMax)
        continue; // integer averages: avgPool2dInt, its own rounding
      tdl::kernels::pool2dByWindow<T>(x.data(), got.data(), s, isMax);
      std::vector<T> want = poolByDefinition(x, s, isMax);
      if (isMax) { // selects only: the very NaN of the definition
        ASSERT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(T)),
                  0);
        continue;
      }
      // A sum of two NaNs keeps one of their payloads, and which one
      // depends on the order the compiler gives the commutative add's
      // operands (a sanitized build differed): NaN is NaN, the rest bits.
      for (size_t i = 0; i < got.size(); ++i)
        if (!(got[i] != got[i] && want[i] != want[i]))
          ASSERT_EQ(std::memcmp(&got[i], &want[i], sizeof(T)), 0) << i;
    }
}

TEST(KernelsPool2d, WindowWalkIsTheDefinitionF32) {
  checkWindowWalkIsTheDefinition<float>();
}
TEST(KernelsPool2d, WindowWalkIsTheDefinitionF64) {
  checkWindowWalkIsTheDefinition<double>();
}
TEST(KernelsPool2d, WindowWalkIsTheDefinitionI8) {
  checkWindowWalkIsTheDefinition<int8_t>();
}

TEST(KernelsPool2dGrad, TiesGoToTheFirstMaximumAndOverlapsAdd) {
  // 1x3 input, window 1x2, stride 1: two windows share the middle element.
  PoolShape s = shapeOf(1, 1, 3, 1, 2, 1, 1, 0, 0, 0, 0);
  float x[3] = {5, 5, 5}, y[2], dy[2] = {1.5f, 2.0f}, dx[3];
  tdl::kernels::pool2d<float>(x, y, s, true);
  tdl::kernels::pool2dGrad<float>(x, y, dy, dx, s, true);
  EXPECT_EQ(dx[0], 1.5f); // window 0's first maximum
  EXPECT_EQ(dx[1], 2.0f); // window 1's first maximum (window 0 took x[0])
  EXPECT_EQ(dx[2], 0.0f);
  tdl::kernels::pool2dGrad<float>(x, y, dy, dx, s, false);
  EXPECT_EQ(dx[1], 1.5f * 0.5f + 2.0f * 0.5f); // both windows, in order
}

} // namespace
